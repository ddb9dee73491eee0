"""Estates Planner: where probation services sit.

The package outside ``ui/`` is plain Python (no Qt), usable from tests, the CLI and the GUI.
Import direction: model <- io, geo/travel <- optimise <- scenarios <- report <- ui.
"""

__version__ = "0.1.0"
PROJECT_FORMAT_VERSION = 1
