"""Report content: KPI figures (``kpis``) and the exports built on them.

``report.kpis`` depends only on the model and the plan result, so the scenario comparison,
the GUI's KPI panel and the PDF summary can all take their figures (and their order and
formatting) from one place.
"""
