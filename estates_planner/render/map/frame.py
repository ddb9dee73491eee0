"""Where a map sits on a device: the BNG-to-device mapping and the drawing options.

The extent maths itself (margins, boxes round points) is plain Python in
:mod:`estates_planner.report.extents`; this module adds what needs Qt's geometry types.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPaintEngine, QPainter, QTransform

import estates_planner.render.map.style as style
from estates_planner.report.extents import Extent


@dataclass(frozen=True)
class MapFrame:
    """The mapping from BNG metres to device coordinates for one picture.

    ``extent`` is the BNG box actually shown: the requested extent grown on one axis so that
    its shape matches ``rect`` (maps are never stretched).
    """

    extent: Extent
    rect: QRectF
    px_per_m: float

    @classmethod
    def fit(cls, extent: Extent, rect: QRectF) -> MapFrame:
        xmin, ymin, xmax, ymax = extent
        width_m = max(xmax - xmin, 1e-6)
        height_m = max(ymax - ymin, 1e-6)
        scale = min(rect.width() / width_m, rect.height() / height_m)
        if not math.isfinite(scale) or scale <= 0:
            scale = 1.0
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        half_w, half_h = rect.width() / scale / 2, rect.height() / scale / 2
        return cls((cx - half_w, cy - half_h, cx + half_w, cy + half_h), QRectF(rect), scale)

    @property
    def m_per_px(self) -> float:
        return 1.0 / self.px_per_m

    def to_px(self, xy: np.ndarray) -> np.ndarray:
        """(n, 2) BNG metres -> (n, 2) device coordinates (y down)."""
        out = np.empty_like(xy, dtype=float)
        out[:, 0] = self.rect.left() + (xy[:, 0] - self.extent[0]) * self.px_per_m
        out[:, 1] = self.rect.top() + (self.extent[3] - xy[:, 1]) * self.px_per_m
        return out

    def point_to_px(self, x: float, y: float) -> QPointF:
        return QPointF(self.rect.left() + (x - self.extent[0]) * self.px_per_m,
                       self.rect.top() + (self.extent[3] - y) * self.px_per_m)

    def px_to_map(self, px: float, py: float) -> tuple[float, float]:
        return (self.extent[0] + (px - self.rect.left()) / self.px_per_m,
                self.extent[3] - (py - self.rect.top()) / self.px_per_m)

    def transform(self) -> QTransform:
        """BNG -> device as a QTransform (y flipped so north is up)."""
        s = self.px_per_m
        return QTransform(s, 0, 0, -s, self.rect.left() - self.extent[0] * s,
                          self.rect.top() + self.extent[3] * s)


@dataclass
class RenderOptions:
    """How :func:`render_map` draws.

    Attributes
    ----------
    background
        Colour filled first; None leaves the device as it is (e.g. transparent).
    scale_bar, north_arrow, legend
        Overlays drawn in device coordinates.
    highlights
        Draw the selection from the content.
    basemap
        An object with ``draw(painter, frame)`` (e.g. ``basemap.TileLayer``), or None.
    attribution
        Text drawn at the bottom right, e.g. the basemap's copyright line.
    unit
        Device pixels per logical pixel for symbol sizes; None works it out from the
        device's dots per inch (1 on screen, 12.5 on a 1200 dpi PDF).
    font
        Font of the overlays; None uses the painter's font.
    vector_symbols
        Draw symbols as vectors (None: only on devices that are not raster images).
    keep_clear
        Rectangles (device coordinates) no label may cover, e.g. an overlay the caller
        draws itself after the map.
    """

    background: str | QColor | None = style.BACKGROUND
    scale_bar: bool = True
    north_arrow: bool = True
    legend: bool = True
    highlights: bool = True
    basemap: object | None = None
    attribution: str = ""
    unit: float | None = None
    font: QFont | None = None
    vector_symbols: bool | None = None
    keep_clear: tuple[QRectF, ...] = ()  # device rectangles labels stay off (own overlays)


def device_unit(painter: QPainter) -> float:
    """Device pixels per logical (96 dpi) pixel for the painter's device.

    1 for a screen or a default image, 12.5 for a 1200 dpi PDF, so sizes keep their look.
    """
    device = painter.device()
    dpi = device.logicalDpiX() if device is not None else 96
    if dpi <= 0:
        return 1.0
    return max(round(dpi / 96.0, 2), 0.5)


def device_pixel_ratio(painter: QPainter) -> float:
    """Device pixels per logical pixel of the painter's screen or image (2 on a HiDPI
    screen), so cached symbol and label images are drawn as sharp as the device shows them;
    1 for a device without one (a PDF)."""
    try:
        return float(painter.device().devicePixelRatioF())
    except AttributeError:
        return 1.0


def transparent_image(width: float, height: float, dpr: float) -> QImage:
    """A clear image ``width`` x ``height`` logical pixels at ``dpr`` device pixels each: the
    canvas for a symbol, label or overlay drawn once and reused while the map pans."""
    image = QImage(math.ceil(width * dpr), math.ceil(height * dpr),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    image.fill(Qt.GlobalColor.transparent)
    return image


def is_raster(painter: QPainter) -> bool:
    """Whether the painter draws pixels (a screen, an image): there cached images of symbols
    and labels are fastest; elsewhere (PDF, SVG) they are drawn as vectors to print sharp."""
    engine = painter.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Raster
