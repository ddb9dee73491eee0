"""Drawing with QtGui only: the map renderer, the report font and the PDF site plan.

Nothing here imports ``QtWidgets``, so the headless CLI can draw a PDF on a server; the
widgets that show these drawings live in :mod:`estates_planner.ui`. The public entries are
:func:`estates_planner.render.site_plan.write_site_plan_pdf` and
:func:`estates_planner.render.map.render_map`.
"""
