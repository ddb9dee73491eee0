"""The interactive map widget (``MapView``) and its web basemap.

The picture itself (what to draw, style, renderer) is :mod:`estates_planner.render.map`,
shared with the PDF site plan.
"""

from estates_planner.ui.map.canvas import MapView
from estates_planner.ui.map.canvas_input import NEED_MIME

__all__ = ["NEED_MIME", "MapView"]
