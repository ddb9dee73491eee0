"""The map: an interactive canvas (``MapView``) and a renderer shared with the PDF site plan.

``MapContent`` says what to draw; :func:`render_map` draws it with QPainter onto any device;
``MapView`` is the interactive widget in British National Grid. ``style`` holds the palette
and symbols (colour-blind safe; kind and women-only also shown by shape).
"""

from estates_planner.ui.map import style
from estates_planner.ui.map.canvas import NEED_MIME, MapView
from estates_planner.ui.map.content import (
    BASEMAP,
    CATCHMENT,
    LINES,
    NEEDS,
    SITES,
    MapContent,
    boundary_layer_name,
    need_tooltip,
    site_tooltip,
)
from estates_planner.ui.map.render import (
    MapFrame,
    PreparedContent,
    RenderOptions,
    draw_legend,
    draw_north_arrow,
    draw_scale_bar,
    padded_extent,
    render_map,
)

__all__ = [
    "BASEMAP", "CATCHMENT", "LINES", "NEEDS", "NEED_MIME", "SITES", "MapContent", "MapFrame",
    "MapView", "PreparedContent", "RenderOptions", "boundary_layer_name", "draw_legend",
    "draw_north_arrow", "draw_scale_bar", "need_tooltip", "padded_extent", "render_map",
    "site_tooltip", "style",
]
