"""Place names on the map, placed so that no two overlap and none covers an overlay.

What is named depends on the scale: region and PDU names across the country (from the
project's boundary layers, or where it has none, at the middle of each region's and PDU's
sites and needs), PDU names across a region, site names across a city. Labels are placed
greedily in priority order (the selection first, then the sites the provider view or a
comparison highlights, region names, used sites, larger sites, then PDU names), each trying
eight spots round its symbol; a label that fits nowhere is not drawn. Placing works in device
pixels for one frame, so the same code labels the app's canvas and the PDF's maps.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from estates_planner.render.map.clusters import SiteLayout
from estates_planner.render.map.content import LABELS
from estates_planner.render.map.frame import (
    MapFrame,
    device_pixel_ratio,
    is_raster,
    transparent_image,
)
from estates_planner.render.map.prepared import PreparedContent

SITE_NAMES_BELOW_M_PER_PX = 40.0  # site names closer in than 40 m a pixel (a city, 40 km)
REGION_NAMES_ABOVE_M_PER_PX = 300.0  # region names beyond 300 m a pixel (the country)
PDU_NAMES_ABOVE_M_PER_PX = 40.0
MOST_SITE_CANDIDATES = 600  # tried per frame, by priority (a city rarely shows more)
SITE_NAME_WIDTH_PX = 170.0  # longer names are cut with an ellipsis
HALO_PX = 3.0
GAP_PX = 3.0
GRID_PX = 48.0
# a label's glyph outlines in a PDF go on a grid of this many device pixels (0.02 mm at
# 300 dpi, so no point moves more than 0.01 mm): Qt writes each coordinate with nine digits,
# and on the grid their endings repeat and compress (the sample's site plan: 3.6 MB of
# outlines before, 2.2 MB after)
OUTLINE_GRID_PX = 0.25

SITE_COLOUR = "#1E1E1E"
AREA_COLOUR = "#4F4F4F"

SELECTED, REGION, USED_SITE, SITE, PDU = "selected", "region", "used site", "site", "pdu"


@dataclass(frozen=True)
class PlacedLabel:
    """A label's text, its baseline origin and its box in device pixels."""

    text: str
    x: float
    y: float
    rect: QRectF
    role: str
    site_id: str | None = None


class _Boxes:
    """Rectangles bucketed in a grid, so a crowded frame tests overlap in constant time."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[QRectF]] = defaultdict(list)

    def _keys(self, r: QRectF):
        c = self.cell
        i0, i1 = math.floor(r.left() / c), math.floor(r.right() / c)
        j0, j1 = math.floor(r.top() / c), math.floor(r.bottom() / c)
        return [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]

    def add(self, r: QRectF) -> None:
        for key in self._keys(r):
            self.cells[key].append(r)

    def hits(self, r: QRectF) -> bool:
        cells = self.cells
        for key in self._keys(r):
            bucket = cells.get(key)
            if bucket and any(r.intersects(other) for other in bucket):
                return True
        return False


def label_fonts(base: QFont, unit: float = 1.0) -> dict[str, QFont]:
    """The font of each label role, derived from ``base`` (the map's overlay font)."""
    size = base.pointSizeF() if base.pointSizeF() > 0 else 9.0
    site = QFont(base)
    site.setPointSizeF(size * 0.9)
    selected = QFont(site)
    selected.setBold(True)
    region = QFont(base)
    region.setPointSizeF(size * 0.95)
    region.setBold(True)
    region.setCapitalization(QFont.Capitalization.AllUppercase)
    region.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    pdu = QFont(base)
    pdu.setPointSizeF(size * 0.85)
    pdu.setItalic(True)
    return {SELECTED: selected, SITE: site, USED_SITE: site, REGION: region, PDU: pdu}


def place_labels(prepared: PreparedContent, frame: MapFrame, layout: SiteLayout,
                 font: QFont, device=None, unit: float = 1.0, lod: float = 1.0,
                 obstacles: tuple[QRectF, ...] | list[QRectF] = ()) -> list[PlacedLabel]:
    """Choose which labels to draw and where, for ``frame``.

    Parameters
    ----------
    layout
        Where the site symbols are drawn (clusters and spread rings included).
    font
        The base font; each role's font is derived from it (:func:`label_fonts`).
    device
        The paint device whose font metrics to use (None: the screen's).
    obstacles
        Device rectangles no label may cover (legend, scale bar, north arrow).
    """
    content = prepared.content
    if not content.is_visible(LABELS) or content.dataset is None:
        return []
    fonts = label_fonts(font, unit)
    metrics = {role: QFontMetricsF(f, device) if device is not None else QFontMetricsF(f)
               for role, f in fonts.items()}
    rect = frame.rect
    placed: list[PlacedLabel] = []
    taken = _Boxes(GRID_PX * unit)
    blocked = _Boxes(GRID_PX * unit)
    for r in obstacles:
        if r is not None and not r.isEmpty():
            blocked.add(QRectF(r))
    symbols = _symbol_boxes(prepared, layout, lod, unit)
    for box in symbols.values():
        blocked.add(box)
    rows_drawn = layout.site_rows(prepared)
    slot = {int(row): i for i, row in enumerate(rows_drawn.tolist())}
    site_px = frame.to_px(prepared.site_xy)

    def try_place(text: str, role: str, x: float, y: float, radius: float,
                  site_id: str | None, must: bool = False, spots: str = "around") -> None:
        if not rect.contains(QPointF(x, y)):
            return  # named only where its place is in view
        m = metrics[role]
        if role in (SITE, USED_SITE, SELECTED):  # the selection's name in full, or nearly
            widest = SITE_NAME_WIDTH_PX * (2 if role == SELECTED else 1) * unit
            # a contract plan's years of use are kept whole: the name is shortened instead
            suffix = content.site_label_suffix(site_id) if site_id is not None else ""
            text = m.elidedText(text, Qt.TextElideMode.ElideRight,
                                max(widest - m.horizontalAdvance(suffix), widest / 2)) + suffix
        w, h = m.horizontalAdvance(text), m.height()
        own = symbols.get(site_id)
        for left, top in _spots(x, y, w, h, radius, GAP_PX * unit, spots):
            box = QRectF(left, top, w, h)
            if not rect.contains(box) or taken.hits(box):
                continue
            if blocked.hits(box) and not (own is not None and _only_hits(blocked, box, own)):
                continue
            _accept(text, role, box, m, site_id)
            return
        if must:  # the selection is named even over a symbol, never over another label
            for left, top in _spots(x, y, w, h, radius, GAP_PX * unit, spots):
                box = QRectF(left, top, w, h)
                if not taken.hits(box):
                    _accept(text, role, box, m, site_id)
                    return

    def _accept(text, role, box, m, site_id) -> None:
        taken.add(box)
        placed.append(PlacedLabel(text, box.left(), box.top() + m.ascent(), box, role, site_id))

    m_per_px = frame.m_per_px * unit
    # 1 the selection, always named
    for site_id in sorted(content.selected_site_ids):
        row = prepared.site_index.get(site_id)
        if row is None:
            continue
        x, y = _drawn(row, slot, layout, site_px)
        if not rect.contains(QPointF(x, y)):
            continue
        # clear of the selection ring (radius r + 5, 5 px wide), drawn under the labels
        reach = max(float(prepared.site_reach[row]) * lod,
                    float(prepared.site_radius[row]) * lod + 5 + 2.5) * unit
        try_place(_site_name(prepared, row), SELECTED, x, y, reach, site_id, must=True)
    # 2 the provider view's options or the comparison's sites, below the national scale
    if m_per_px <= REGION_NAMES_ABOVE_M_PER_PX:
        for site_id in sorted(content.highlighted_site_ids - content.selected_site_ids):
            row = prepared.site_index.get(site_id)
            if row is None or row not in slot:
                continue  # in a cluster: named once spread
            x, y = _drawn(row, slot, layout, site_px)
            if rect.contains(QPointF(x, y)):
                # clear of the highlight disc (radius r + 5) drawn round it
                reach = max(float(prepared.site_reach[row]),
                            float(prepared.site_radius[row]) + 6) * lod * unit
                try_place(_site_name(prepared, row), SITE, x, y, reach, site_id)
    # 3 region names across the country
    area_labels = _area_labels(prepared, frame)
    national = m_per_px > REGION_NAMES_ABOVE_M_PER_PX
    if national:
        for text, x, y, _drawn_area in area_labels[REGION]:
            try_place(text, REGION, x, y, 0.0, None, spots="centre")
    # 4 used, then larger sites, in a city
    if m_per_px <= SITE_NAMES_BELOW_M_PER_PX and len(rows_drawn):
        for row in _site_priority(prepared, rows_drawn)[:MOST_SITE_CANDIDATES]:
            site_id = prepared.site_ids[row]
            if site_id in content.selected_site_ids or site_id in content.highlighted_site_ids:
                continue
            x, y = layout.xy_px[slot[row]]
            if not rect.contains(QPointF(x, y)):
                continue
            role = USED_SITE if _is_used(prepared, site_id) else SITE
            try_place(_site_name(prepared, row), role, float(x), float(y),
                      float(prepared.site_reach[row]) * lod * unit, site_id)
    # 4 PDU names across a region or the country
    # 5 PDU names across a region or the country; a boundary layer's names where its
    # areas are big enough on screen
    for text, x, y, drawn_area in area_labels[PDU]:
        if drawn_area or m_per_px > PDU_NAMES_ABOVE_M_PER_PX:
            try_place(text, PDU, x, y, 0.0, None, spots="centre")
    if not national:
        for text, x, y, drawn_area in area_labels[REGION]:
            if drawn_area:
                try_place(text, REGION, x, y, 0.0, None, spots="centre")
    return placed


def _drawn(row: int, slot: dict[int, int], layout: SiteLayout, site_px: np.ndarray):
    i = slot.get(row)
    if i is None:
        return float(site_px[row, 0]), float(site_px[row, 1])
    return float(layout.xy_px[i, 0]), float(layout.xy_px[i, 1])


def _only_hits(grid: _Boxes, box: QRectF, own: QRectF) -> bool:
    """True when ``box`` overlaps nothing blocked except the site's own symbol."""
    return all(other is own for key in grid._keys(box) for other in grid.cells.get(key, ())
               if box.intersects(other))


def _spots(x: float, y: float, w: float, h: float, r: float, gap: float, kind: str):
    """Top-left corners to try: right, left, above, below, then the four diagonals."""
    d = r + gap
    if kind == "centre":  # an area's name: at its middle, else a little way round it
        # (never a whole label's width away: a region's name would land in the next one)
        steps = ((0, 0), (0, -1), (0, 1), (-0.5, 0), (0.5, 0), (-0.5, -1), (0.5, -1),
                 (-0.5, 1), (0.5, 1), (0, -2), (0, 2), (-0.5, -2), (0.5, -2), (-0.5, 2),
                 (0.5, 2), (0, -3), (0, 3))
        return [(x - w / 2 + a * w, y - h / 2 + b * h) for a, b in steps]
    return [(x + d, y - h / 2), (x - d - w, y - h / 2), (x - w / 2, y - d - h),
            (x - w / 2, y + d), (x + d * 0.7, y - d * 0.7 - h), (x + d * 0.7, y + d * 0.7),
            (x - d * 0.7 - w, y - d * 0.7 - h), (x - d * 0.7 - w, y + d * 0.7)]


def _symbol_boxes(prepared: PreparedContent, layout: SiteLayout, lod: float,
                  unit: float) -> dict[str | None, QRectF]:
    """Each drawn symbol's box by site id (clusters by a key of their own)."""
    boxes: dict[str | None, QRectF] = {}
    rows = layout.site_rows(prepared)
    radii = prepared.site_reach[rows] * lod * unit
    for row, (x, y), r in zip(rows.tolist(), layout.xy_px.tolist(), radii.tolist(),
                              strict=True):
        boxes[prepared.site_ids[row]] = QRectF(x - r, y - r, 2 * r, 2 * r)
    for i, c in enumerate(layout.clusters):
        r = c.radius_px
        boxes[f"\0cluster{i}"] = QRectF(c.x_px - r, c.y_px - r, 2 * r, 2 * r)
    return boxes


def _site_name(prepared: PreparedContent, row: int) -> str:
    return prepared.content.dataset.sites[row].name


def _is_used(prepared: PreparedContent, site_id: str) -> bool:
    return prepared.content.used_utilisation(site_id) is not None


def _site_priority(prepared: PreparedContent, rows: np.ndarray) -> list[int]:
    """Drawn site rows, used sites first, then by desks (largest first), then by id."""
    content = prepared.content
    sites = content.dataset.sites
    return sorted((int(r) for r in rows.tolist()),
                  key=lambda r: (not _is_used(prepared, prepared.site_ids[r]),
                                 -content.site_desks(sites[r]), prepared.site_ids[r]))


def _area_labels(prepared: PreparedContent, frame: MapFrame) -> dict[str, list]:
    """Region and PDU names in device pixels: from the boundary layers where they name their
    areas (and the area is big enough on screen), else at the middle of the data."""
    out: dict[str, list] = {REGION: [], PDU: []}
    content = prepared.content
    # the land outline's name ("England and Wales") says nothing the map does not show
    from_layers = [layer for layer in prepared.polygon_layers
                   if layer.labels and content.is_visible(layer.name)
                   and not layer.name.lower().endswith("outline")]
    if from_layers:
        for layer in from_layers:
            role = PDU if "pdu" in layer.name.lower() else REGION
            for text, x, y, size_m in layer.labels:
                if size_m * frame.px_per_m >= 60:
                    p = frame.point_to_px(x, y)
                    out[role].append((text, p.x(), p.y(), True))
    for level, names in prepared.area_names.items():
        if from_layers and level == REGION:
            continue
        for text, x, y, _count in names:
            p = frame.point_to_px(x, y)
            out[level].append((text, p.x(), p.y(), False))
    return out


def draw_labels(painter: QPainter, labels: list[PlacedLabel], font: QFont,
                unit: float = 1.0) -> None:
    """Draw placed labels, each with a white halo so it reads over lines and symbols."""
    if not labels:
        return
    fonts = label_fonts(font, unit)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    device = painter.device()
    # fonts resolved for the device, so a 1200 dpi PDF gets the size its metrics measured
    fonts = {role: QFont(f, device) if device is not None else f for role, f in fonts.items()}
    raster = is_raster(painter)
    dpr = device_pixel_ratio(painter)
    for label in labels:
        colour = QColor(AREA_COLOUR if label.role in (REGION, PDU) else SITE_COLOUR)
        if not raster:
            # a PDF: a soft white box for a halo (a stroked outline of every glyph costs tens
            # of KB a map), and the name as outlines, not text, so that the report's text
            # holds each name where the report writes it, not again from every map
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 190))
            painter.drawRoundedRect(label.rect.adjusted(-unit, 0, unit, 0), 2 * unit, 2 * unit)
            path = QPainterPath()
            path.addText(QPointF(label.x, label.y), fonts[label.role], label.text)
            painter.fillPath(on_grid(path, OUTLINE_GRID_PX), colour)
            continue
        image = _label_image(label.text, label.role, fonts[label.role].toString(), dpr,
                             colour.name(), HALO_PX * unit)
        pad = HALO_PX * unit
        painter.drawImage(QPointF(label.rect.left() - pad, label.rect.top() - pad), image)
    painter.restore()


def on_grid(path: QPainterPath, step: float) -> QPainterPath:
    """``path`` with every point (control points too) moved to the nearest multiple of
    ``step``, in place; returned for convenience."""
    for i in range(path.elementCount()):
        e = path.elementAt(i)
        path.setElementPositionAt(i, round(e.x / step) * step, round(e.y / step) * step)
    return path


@lru_cache(maxsize=4096)
def _label_image(text: str, role: str, font_text: str, dpr: float, colour: str,
                 halo_px: float) -> QImage:
    """A label with its white halo, drawn once and reused while the map pans and zooms
    (glyph outlines cost ~0.2 ms a label; 50 labels would be half a frame's budget)."""
    font = QFont()
    font.fromString(font_text)
    metrics = QFontMetricsF(font)
    w = metrics.horizontalAdvance(text) + 2 * halo_px
    h = metrics.height() + 2 * halo_px
    image = transparent_image(w, h, dpr)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    path = QPainterPath()
    path.addText(QPointF(halo_px, halo_px + metrics.ascent()), font, text)
    halo = QPen(QColor(255, 255, 255, 235), halo_px)
    halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.strokePath(path, halo)
    painter.fillPath(path, QColor(colour))
    painter.end()
    return image
