"""The map picture, drawn with QPainter onto any device (the app's canvas, a PDF, a PNG).

``MapContent`` says what to draw (with the offline coastline, :class:`BaseLayer`);
:func:`render_map` draws it; the canvas widget (:class:`estates_planner.ui.map.MapView`)
draws the parts separately (``draw_static``,
``draw_highlights``, the overlays) to cache them. ``style`` holds the palette and symbols
(colour-blind safe; kind and women-only also shown by shape).
"""

from estates_planner.render.map import style
from estates_planner.render.map.base_layer import BaseLayer
from estates_planner.render.map.content import (
    BASEMAP,
    CATCHMENT,
    COASTLINE,
    LABELS,
    LINES,
    NEEDS,
    SITES,
    MapContent,
    boundary_layer_name,
    need_tooltip,
    site_tooltip,
)
from estates_planner.render.map.frame import MapFrame, RenderOptions, device_unit
from estates_planner.render.map.hits import item_at, items_in_box
from estates_planner.render.map.layers import DrawState, draw_highlights, draw_static
from estates_planner.render.map.overlays import (
    draw_attribution,
    draw_legend,
    draw_north_arrow,
    draw_overlays,
    draw_scale_bar,
    format_distance,
    legend_entries,
    overlay_font,
    overlay_image,
    scale_bar_box,
)
from estates_planner.render.map.prepared import PreparedContent
from estates_planner.render.map.render import render_map
from estates_planner.report.extents import Extent, extent_of, padded_extent

__all__ = [
    "BASEMAP", "CATCHMENT", "COASTLINE", "LABELS", "LINES", "NEEDS", "SITES", "BaseLayer",
    "DrawState", "Extent", "MapContent",
    "MapFrame", "PreparedContent", "RenderOptions", "boundary_layer_name", "device_unit",
    "draw_attribution", "draw_highlights", "draw_legend", "draw_north_arrow", "draw_overlays",
    "draw_scale_bar", "draw_static", "extent_of", "format_distance", "item_at", "items_in_box",
    "legend_entries", "need_tooltip", "overlay_font", "overlay_image", "padded_extent",
    "render_map", "scale_bar_box", "site_tooltip", "style",
]
