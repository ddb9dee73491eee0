"""Draw a map with QPainter into any paint device: the canvas's cached image, a PDF, a PNG.

One function, :func:`render_map`, draws the whole picture; the canvas calls its parts
(:func:`~estates_planner.render.map.layers.draw_static`,
:func:`~estates_planner.render.map.layers.draw_highlights` and the overlays) separately so it
can keep the static layers in a cached image and paint selection and overlays on top. The PDF
site plan calls :func:`render_map` and so looks like the app.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor, QPainter

from estates_planner.render.map.content import MapContent
from estates_planner.render.map.frame import MapFrame, RenderOptions, device_unit
from estates_planner.render.map.labels import draw_labels, place_labels
from estates_planner.render.map.layers import draw_highlights, draw_static
from estates_planner.render.map.overlays import draw_overlays, overlay_font
from estates_planner.render.map.prepared import PreparedContent
from estates_planner.report.extents import Extent, padded_extent


def render_map(painter: QPainter, target_rect: QRectF, content: MapContent,
               extent_bng: Extent | None, options: RenderOptions | None = None,
               prepared: PreparedContent | None = None) -> MapFrame:
    """Draw the whole map of ``content`` into ``target_rect`` of the painter's device.

    Parameters
    ----------
    painter
        An active painter on any device (QImage, QPdfWriter, a widget).
    target_rect
        Where the map goes, in the painter's current coordinates.
    content
        What to draw.
    extent_bng
        (xmin, ymin, xmax, ymax) in BNG metres to show; grown on one axis to fit the
        rectangle's shape. None shows all the data with a 5% margin.
    options
        Overlays, background, basemap; defaults draw everything the app shows.
    prepared
        A :class:`PreparedContent` of ``content`` to reuse (saves time when drawing often).

    Returns
    -------
    MapFrame
        The mapping used, e.g. to place further annotations in a report.
    """
    options = options or RenderOptions()
    prepared = prepared if prepared is not None and prepared.content is content \
        else PreparedContent(content)
    if extent_bng is None:
        extent_bng = padded_extent(prepared.data_extent())
    frame = MapFrame.fit(extent_bng, QRectF(target_rect))
    unit = options.unit if options.unit is not None else device_unit(painter)
    painter.save()
    painter.setClipRect(frame.rect)
    if options.background is not None:
        painter.fillRect(frame.rect, QBrush(QColor(options.background)))
    if options.basemap is not None and content.is_visible("Basemap"):
        options.basemap.draw(painter, frame)
    state = draw_static(painter, frame, prepared, RenderOptions(**{**options.__dict__,
                                                                   "unit": unit}))
    if options.highlights:
        draw_highlights(painter, frame, prepared, state, unit)
    boxes = draw_overlays(painter, frame, prepared, options, unit, state)
    font = overlay_font(painter, options)
    labels = place_labels(prepared, frame, state.layout, font, painter.device(), unit,
                          state.lod, [*boxes, *options.keep_clear])
    draw_labels(painter, labels, font, unit)
    painter.restore()
    return frame
