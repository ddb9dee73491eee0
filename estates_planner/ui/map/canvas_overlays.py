"""What the map canvas paints over its cached picture: north arrow, legend and labels.

Kept as images (the arrow and legend until the content changes, the labels until the
picture, the selection or the overlays change), and measured, so that Zoom to all and the
label placer keep data and names off them.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter

import estates_planner.render.map as map_render
from estates_planner.render.map.labels import draw_labels, place_labels

# the legend's size before it is first drawn (it is then measured)
LEGEND_WIDTH_GUESS_PX = 170.0
LEGEND_HEIGHT_GUESS_PX = 300.0


class CanvasOverlays:
    """The overlay images of one :class:`~estates_planner.ui.map.MapView`."""

    def __init__(self, view) -> None:
        self.view = view
        self.placed_labels: list = []
        self._overlay_key: tuple | None = None
        self._arrow_image = QImage()
        self._legend_image: QImage | None = None
        self._labels_key: tuple | None = None
        self._labels_image: QImage | None = None

    def invalidate(self) -> None:
        self._overlay_key = None

    def rects(self) -> dict[str, QRectF]:
        """Viewport rectangles of the north arrow, scale bar and legend (its button included).

        The scale bar's is its widest (a fifth of the view), whatever length it shows now.
        """
        view = self.view
        rect = QRectF(view.viewport().rect())
        arrow = self._arrow_image
        rects = {"north arrow": QRectF(0, 0, 48, 70) if arrow.isNull() else
                 QRectF(0, 0, arrow.width() / arrow.devicePixelRatio(),
                        arrow.height() / arrow.devicePixelRatio())}
        bar = map_render.scale_bar_box(view.frame(), 1.0, view.font())
        bar.setWidth(max(bar.width(), rect.width() * 0.2 + 10))
        rects["scale bar"] = bar
        if view.legend_visible:
            button = QRectF(view.legend_button.geometry())
            legend = button
            if view.legend_button.isChecked():
                image = self._legend_image
                if image is not None and not image.isNull():
                    w = image.width() / image.devicePixelRatio()
                    h = image.height() / image.devicePixelRatio()
                else:
                    w, h = LEGEND_WIDTH_GUESS_PX, LEGEND_HEIGHT_GUESS_PX
                legend = legend.united(QRectF(rect.right() - w, button.bottom() - 4, w, h))
            rects["legend"] = legend
        return rects

    def draw_fixed(self, painter: QPainter, frame: map_render.MapFrame) -> None:
        """North arrow and legend, from images redrawn only when the content changes."""
        view = self.view
        dpr = view.viewport().devicePixelRatioF()
        layout = view._state.layout
        shown = view.legend_visible and view.legend_button.isChecked()
        key = (view._version, shown, dpr, painter.font().key(), bool(layout.clusters),
               bool(layout.spread.any()))
        if key != self._overlay_key:
            fitted_against = self.rects()
            self._overlay_key = key
            self._arrow_image = map_render.overlay_image(
                lambda p, r: map_render.draw_north_arrow(p, r, 1.0, p.font()), dpr,
                painter.font())
            self._legend_image = map_render.overlay_image(
                lambda p, r: map_render.draw_legend(p, r, view.prepared(), 1.0,
                                                    map_render.overlay_font(p, None, 0.9),
                                                    corner="top-left", state=view._state),
                dpr, painter.font()) if shown else None
            if view._fit_all and self.rects() != fitted_against:
                # the fit used a guess of the legend's size: fit again to the real one
                QTimer.singleShot(0, view._refit_all)
        painter.drawImage(QPointF(0, 0), self._arrow_image)
        if self._legend_image is not None and not self._legend_image.isNull():
            width = self._legend_image.width() / dpr
            # under the legend's button, which folds it away
            top = view.legend_button.geometry().bottom() - 4
            painter.drawImage(QPointF(frame.rect.right() - width, top), self._legend_image)

    def draw_labels(self, painter: QPainter, frame: map_render.MapFrame, boxes) -> None:
        """Labels of the static picture, placed clear of each other and of the overlays.

        Not drawn while a moved picture stands in for a redraw (they would float off their
        symbols).
        """
        view = self.view
        cached = view._cache_frame
        if cached is None or cached.extent != frame.extent:
            return
        content = view.content()
        overlays = self.rects()
        key = (view._cache_key, content.selected_site_ids,
               content.layer_visibility.get(map_render.LABELS),
               tuple((r.x(), r.y(), r.width(), r.height()) for r in overlays.values()),
               painter.font().key())
        dpr = view.viewport().devicePixelRatioF()
        if key != self._labels_key:
            self._labels_key = key
            state = view._state
            self.placed_labels = place_labels(view.prepared(), frame, state.layout,
                                              painter.font(), view.viewport(), 1.0, state.lod,
                                              [*boxes, *overlays.values()])
            size = QSize(math.ceil(frame.rect.width() * dpr),
                         math.ceil(frame.rect.height() * dpr))
            image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(dpr)
            image.fill(Qt.GlobalColor.transparent)
            label_painter = QPainter(image)
            draw_labels(label_painter, self.placed_labels, painter.font(), 1.0)
            label_painter.end()
            self._labels_image = image
        if self._labels_image is not None:
            painter.drawImage(QPointF(0, 0), self._labels_image)
