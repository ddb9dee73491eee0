"""How the map draws things: colours, symbol shapes and sizes, in one place.

The palette is Okabe–Ito, chosen because it stays distinguishable for the common forms of
colour blindness. Nothing is told by colour alone: a site's kind is its shape as well as its
colour (authority = square, provider = circle, market = triangle), a women-only site carries an
extra diamond outline in a hue no other symbol uses, and a closed site is grey and crossed out.
After a solve the fill shows utilisation on a light-to-dark grey ramp, which reads the same in
any colour vision and never clashes with the kind colours (kept as the symbol's outline).

Sizes are in logical pixels at 96 dpi; ``render`` scales them for printers and PDFs so that the
site plan looks like the app.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

from estates_planner.model import SiteKind

# Okabe & Ito (2008), "Color Universal Design"
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermilion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

KIND_COLOURS: dict[SiteKind, str] = {
    SiteKind.AUTHORITY: OKABE_ITO["blue"],
    SiteKind.PROVIDER: OKABE_ITO["orange"],
    SiteKind.MARKET: OKABE_ITO["bluish_green"],
}
KIND_SHAPES: dict[SiteKind, str] = {
    SiteKind.AUTHORITY: "square",
    SiteKind.PROVIDER: "circle",
    SiteKind.MARKET: "triangle",
}
KIND_LEGEND: dict[SiteKind, str] = {
    SiteKind.AUTHORITY: "Authority (square)",
    SiteKind.PROVIDER: "Provider-owned (circle)",
    SiteKind.MARKET: "Market property (triangle)",
}

WOMEN_ONLY_COLOUR = OKABE_ITO["reddish_purple"]
CLOSED_FILL = "#C8C8C8"
CLOSED_OUTLINE = "#7A7A7A"
CLOSED_CROSS = "#3A3A3A"
SYMBOL_OUTLINE = "#1A1A1A"

NEED_FILL = "#1A1A1A"
NEED_HALO = "#FFFFFF"
UNPLACED_FILL = OKABE_ITO["vermilion"]
HIGHLIGHT_COLOUR = OKABE_ITO["yellow"]  # needs moved between two compared plans
SELECTION_COLOUR = OKABE_ITO["sky_blue"]
LINE_COLOUR = QColor(60, 60, 60, 110)
SELECTED_LINE_COLOUR = QColor(0, 0, 0, 230)

BACKGROUND = "#FAFAF7"
POLYGON_FILLS = ("#EEF0EA", "#E9EEF3", "#F3EEE6", "#EEE9F1", "#E7F1EE", "#F2F0E2")
POLYGON_OUTLINE = "#8C8C8C"
POLYGON_LABEL = "#6B6B6B"
CLUSTER_FILL = "#DCE3EA"  # neutral: a cluster holds sites of any kind and use
CLUSTER_OUTLINE = "#2F3B47"
CLUSTER_TEXT = "#1A1A1A"
SPREAD_LEADER = "#5A5A5A"
CATCHMENT_FILL = QColor(86, 180, 233, 60)
CATCHMENT_OUTLINE = OKABE_ITO["blue"]

# utilisation after a solve: (upper bound of the class, colour, legend label)
UTILISATION_CLASSES: tuple[tuple[float, str, str], ...] = (
    (0.0, "#FFFFFF", "Not used"),
    (0.5, "#D4D4D4", "up to 50%"),
    (0.75, "#A3A3A3", "50–75%"),
    (0.9, "#6B6B6B", "75–90%"),
    (math.inf, "#2B2B2B", "over 90%"),
)

# symbol diameters (logical px) by desks: (at least this many desks, diameter, legend label).
# Three classes whose symbol areas differ by 2.1x from one class to the next (10, 14.5 and
# 21 px across): with five classes 1.5x apart, users could not tell them apart on the map.
SIZE_CLASSES: tuple[tuple[int, float, str], ...] = (
    (0, 10.0, "under 10 desks"),
    (10, 14.5, "10–29 desks"),
    (30, 21.0, "30 or more desks"),
)
NEED_DIAMETER = 5.0
UNPLACED_DIAMETER = 7.0
WOMEN_ONLY_GAP = 3.0  # px between a symbol and its women-only diamond
LINE_WIDTH = 1.0
POLYGON_OUTLINE_WIDTH = 0.8


def size_class(desks: int) -> int:
    """Index into :data:`SIZE_CLASSES` for a site with ``desks`` desks."""
    index = 0
    for i, (least, _d, _label) in enumerate(SIZE_CLASSES):
        if desks >= least:
            index = i
    return index


def utilisation_class(utilisation: float, used: bool) -> int:
    """Index into :data:`UTILISATION_CLASSES`; class 0 means the plan does not use the site."""
    if not used:
        return 0
    for i, (upper, _colour, _label) in enumerate(UTILISATION_CLASSES[1:], start=1):
        if utilisation <= upper:
            return i
    return len(UTILISATION_CLASSES) - 1


@dataclass(frozen=True)
class SiteStyle:
    """Everything that decides how one site symbol looks (hashable: symbols are cached).

    ``fill_class`` is None before a solve (fill in the kind colour), else an index into
    :data:`UTILISATION_CLASSES`.
    """

    kind: SiteKind
    women_only: bool
    size_class: int
    fill_class: int | None = None
    closed: bool = False

    @property
    def diameter(self) -> float:
        return SIZE_CLASSES[self.size_class][1]

    @property
    def extent(self) -> float:
        """Half the width the symbol covers, diamond and outline included (logical px)."""
        r = self.diameter / 2
        if self.women_only:
            return (r + WOMEN_ONLY_GAP) * math.sqrt(2) + 2.0
        return r + 2.0


def shape_path(shape: str, diameter: float) -> QPainterPath:
    """A symbol outline centred on (0, 0); areas are balanced so no shape looks bigger."""
    path = QPainterPath()
    r = diameter / 2
    if shape == "square":
        h = r * 0.89  # same area as the circle
        path.addRect(QRectF(-h, -h, 2 * h, 2 * h))
    elif shape == "triangle":
        s = r * 1.35  # equilateral, pointing up, centred on its centroid
        path.addPolygon(QPolygonF([QPointF(0, -s), QPointF(s * 0.866, s * 0.5),
                                   QPointF(-s * 0.866, s * 0.5), QPointF(0, -s)]))
    elif shape == "diamond":
        path.addPolygon(QPolygonF([QPointF(0, -r), QPointF(r, 0), QPointF(0, r),
                                   QPointF(-r, 0), QPointF(0, -r)]))
    else:
        path.addEllipse(QPointF(0, 0), r, r)
    path.closeSubpath()
    return path


def _pen(colour: str | QColor, width: float, unit: float) -> QPen:
    pen = QPen(QColor(colour), width * unit)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def draw_site_symbol(painter: QPainter, centre: QPointF, style: SiteStyle,
                     unit: float = 1.0) -> None:
    """Draw one site symbol as vectors (used for PDFs, the legend and the symbol cache).

    ``unit`` is device pixels per logical pixel (e.g. 12.5 for a 1200 dpi PDF).
    """
    painter.save()
    painter.translate(centre)
    painter.scale(unit, unit)
    shape = KIND_SHAPES[style.kind]
    path = shape_path(shape, style.diameter)
    kind_colour = KIND_COLOURS[style.kind]
    if style.women_only:
        diamond = shape_path("diamond", (style.diameter / 2 + WOMEN_ONLY_GAP) * math.sqrt(2) * 2)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.setPen(_pen(WOMEN_ONLY_COLOUR, 2.2, 1.0))
        painter.drawPath(diamond)
    if style.closed:
        painter.setBrush(QColor(CLOSED_FILL))
        painter.setPen(_pen(CLOSED_OUTLINE, 1.2, 1.0))
        painter.drawPath(path)
        h = style.diameter / 2 * 0.75
        painter.setPen(_pen(CLOSED_CROSS, 1.6, 1.0))
        painter.drawLine(QPointF(-h, -h), QPointF(h, h))
        painter.drawLine(QPointF(-h, h), QPointF(h, -h))
    elif style.fill_class is None:
        painter.setBrush(QColor(kind_colour))
        painter.setPen(_pen(SYMBOL_OUTLINE, 1.0, 1.0))
        painter.drawPath(path)
    else:
        # utilisation fill, kind colour kept as a thick outline
        painter.setBrush(QColor(UTILISATION_CLASSES[style.fill_class][1]))
        painter.setPen(_pen(SYMBOL_OUTLINE, 3.0, 1.0))
        painter.drawPath(path)
        painter.setPen(_pen(kind_colour, 1.8, 1.0))
        painter.drawPath(path)
    painter.restore()


def draw_need_symbol(painter: QPainter, centre: QPointF, unplaced: bool = False,
                     unit: float = 1.0) -> None:
    """A need's service-user point: a small dark dot with a white halo (vermilion if unplaced)."""
    painter.save()
    painter.translate(centre)
    painter.scale(unit, unit)
    if unplaced:
        r = UNPLACED_DIAMETER / 2
        painter.setPen(_pen(NEED_FILL, 1.0, 1.0))
        painter.setBrush(QColor(UNPLACED_FILL))
        painter.drawPath(shape_path("diamond", 2 * r * 1.2))
    else:
        r = NEED_DIAMETER / 2
        painter.setPen(_pen(NEED_HALO, 1.0, 1.0))
        painter.setBrush(QColor(NEED_FILL))
        painter.drawEllipse(QPointF(0, 0), r, r)
    painter.restore()


def _symbol_image(draw, half_px: float, dpr: float) -> QImage:
    side = int(math.ceil(2 * half_px * dpr)) + 2
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(painter, QPointF(side / 2, side / 2), dpr)
    painter.end()
    return image


@lru_cache(maxsize=2048)
def site_symbol_image(style: SiteStyle, dpr: float = 1.0, lod: float = 1.0) -> QImage:
    """The cached raster of a site symbol, drawn at ``dpr`` device pixels per logical pixel.

    ``lod`` (≤ 1) shrinks symbols when thousands crowd the view, so dense maps stay readable
    and fast.
    """
    return _symbol_image(lambda p, c, u: draw_site_symbol(p, c, style, u),
                         style.extent * lod, dpr * lod)


@lru_cache(maxsize=16)
def need_symbol_image(unplaced: bool, dpr: float = 1.0) -> QImage:
    """The cached raster of a need point."""
    return _symbol_image(lambda p, c, u: draw_need_symbol(p, c, unplaced, u),
                         UNPLACED_DIAMETER if unplaced else NEED_DIAMETER, dpr)
