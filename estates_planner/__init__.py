"""Estates Planner: where probation services sit.

The package outside ``ui/`` and ``render/`` is plain Python (no Qt), usable from tests, the
CLI and the GUI; ``render/`` draws maps and the PDF with QtGui only (no widgets), ``ui/`` holds
the widgets. Import direction: model <- io, geo/travel <- optimise <- scenarios <- report
<- render <- ui (the CLI may use render, never ui, except to start the app).
"""

__version__ = "0.1.0"
PROJECT_FORMAT_VERSION = 1
