"""The interactive map widget (``MapView``) and its web basemap.

The picture itself (what to draw, style, renderer) is :mod:`estates_planner.render.map`,
shared with the PDF site plan.
"""

from estates_planner.ui.map.canvas import NEED_MIME, MapView

__all__ = ["NEED_MIME", "MapView"]
