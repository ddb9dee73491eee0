"""The report's maps, drawn by the app's renderer (:mod:`estates_planner.render.map`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from estates_planner.model import Scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.render.fonts import app_font
from estates_planner.render.map import (
    BaseLayer,
    MapContent,
    MapFrame,
    PreparedContent,
    RenderOptions,
    device_unit,
    draw_scale_bar,
    render_map,
    scale_bar_box,
)
from estates_planner.render.pdf.document import RESOLUTION_DPI, RULE
from estates_planner.report.extents import (
    Extent,
    cover_extent,
    layer_in_bng,
    padded_extent,
    site_extent,
)

ATTRIBUTION = ("Boundaries and figures are illustrative, not official. Sites and needs: "
               "project data. Coastline: GSHHG (LGPL). Grid: British National Grid "
               "(EPSG:27700).")
ARROW_COLOUR = "#3C3C3C"
EDGE_INSET_PX = 9.0  # logical px between an edge arrow's tip and the map's edge
SCALE_BAR_CLEAR_PX = 24.0  # the scale bar keeps this far from the highlighted site


# share of a map's extent its boundaries reach beyond it on each side when cut to it
CLIP_MARGIN = 0.05
# share of the cover map's data width added to the east for the legend
COVER_LEGEND_ROOM = 0.3


class ReportMaps:
    """The maps of one report, drawn by the app's renderer (:mod:`estates_planner.render.map`).

    The cover shows the whole plan (or the chosen regions); each site section shows a small
    location map centred on the site with its needs, the site ringed as if selected. Polygon
    layers are clipped to each small map's extent first, so the PDF does not carry the whole
    country's boundaries once per site.
    """

    def __init__(self, project: Any, scenario: Scenario, result: PlanResult):
        self.dataset = scenario.dataset
        self.scenario = scenario
        self.result = result
        self.layers = {name: layer_in_bng(gdf) for name, gdf in
                       (getattr(project, "layers", {}) or {}).items()
                       if gdf is not None and len(gdf)}
        # the land outline underneath, so its fill does not hide the region boundaries
        self.layers = dict(sorted(((k, v) for k, v in self.layers.items() if v is not None),
                                  key=lambda kv: kv[0] != "outline"))
        # the offline coastline, read once for the whole report (and clipped per map)
        self.base_layer = BaseLayer.load()
        self.content = MapContent(self.dataset, result, scenario, dict(self.layers),
                                  base_layer=self.base_layer)
        self._prepared: PreparedContent | None = None
        self.needs_of_site: dict[str, list[tuple[float, float]]] = {}
        for a in result.allocations:
            if a.site_id is not None and self.dataset.has_need(a.need_id):
                self.needs_of_site.setdefault(a.site_id, []).append(
                    self.dataset.need(a.need_id).xy)

    @property
    def prepared(self) -> PreparedContent:
        if self._prepared is None:
            self._prepared = PreparedContent(self.content)
        return self._prepared

    def cover_extent(self, regions: Sequence[str], site_ids: Sequence[str]) -> Extent:
        """The chosen regions' polygons and points, or everything, with a margin."""
        chosen = cover_extent(self.dataset, self.layers.get("regions"), regions, site_ids)
        if chosen is None:
            return padded_extent(self.prepared.data_extent(), 0.03)
        return chosen

    def site_extent(self, site_id: str) -> Extent:
        """A square round the site and the service-user points of its needs (≥ 12 km)."""
        return site_extent(self.dataset.site(site_id).xy, self.needs_of_site.get(site_id, []))

    def draw_cover(self, p: QPainter, rect: QRectF, extent: Extent) -> None:
        options = RenderOptions(attribution=ATTRIBUTION, font=app_font(7))
        # the legend sits in the top-right corner: leave room east of the data for it, as
        # the app's map does, so it never covers East Anglia or Kent
        x0, y0, x1, y1 = extent
        self._render(p, rect, (x0, y0, x1 + COVER_LEGEND_ROOM * (x1 - x0), y1), options)

    def draw_site(self, p: QPainter, rect: QRectF, site_id: str, extent: Extent) -> None:
        """A location map: the site ringed, its service users' points, and an arrow at the
        edge for each of them beyond the frame (no line cut off by the edge); the scale bar
        in a corner clear of the site."""
        # one prepared content for every location map: the site is picked out as a selection
        self.content.selected_site_ids = frozenset({site_id})
        prepared = self.prepared
        frame = MapFrame.fit(extent, QRectF(rect))
        unit = device_unit(p)
        font = app_font(6.5)
        site_px = frame.to_px(np.array([self.dataset.site(site_id).xy]))[0]
        bar = scale_bar_corner(frame, unit, font, p.device(), site_px)
        lines = prepared.line_need, prepared.line_xy
        inside = _inside(frame, prepared.line_xy[:, 0, :]) & _inside(frame,
                                                                   prepared.line_xy[:, 1, :])
        prepared.line_need, prepared.line_xy = lines[0][inside], lines[1][inside]
        try:
            self._render(p, rect, extent, RenderOptions(legend=False, scale_bar=False,
                                                        font=font, keep_clear=(bar[1],)))
        finally:
            self.content.selected_site_ids = frozenset()
            prepared.line_need, prepared.line_xy = lines
        draw_scale_bar(p, frame, bar[0], unit, font)
        beyond = [xy for xy in self.needs_of_site.get(site_id, [])
                  if not _inside(frame, np.array([xy]))[0]]
        _edge_arrows(p, frame, site_px, beyond, unit)

    def _render(self, p: QPainter, rect: QRectF, extent: Extent,
                options: RenderOptions) -> None:
        """Render with only the area labels whose anchor lies well inside the map.

        A label outside the map is clipped from view but its text would still be in the
        PDF, where a search or a copy would find "Yorkshire" on a page about Swindon.
        """
        prepared = self.prepared
        layers = prepared.polygon_layers
        frame = MapFrame.fit(extent, QRectF(rect))
        x0, y0, x1, y1 = frame.extent
        mx, my = (x1 - x0) * 0.2, (y1 - y0) * 0.1
        # boundaries cut a little beyond the frame, so the cut edges fall under its clip
        beyond = padded_extent(frame.extent, CLIP_MARGIN)
        prepared.polygon_layers = [
            dataclasses.replace(layer.clipped(beyond), labels=[
                lb for lb in layer.labels
                if x0 + mx <= lb[1] <= x1 - mx and y0 + my <= lb[2] <= y1 - my])
            for layer in layers]
        try:
            render_map(p, rect, self.content, extent, options, prepared)
        finally:
            prepared.polygon_layers = layers
        _frame(p, rect)


def _inside(frame: MapFrame, xy: np.ndarray) -> np.ndarray:
    """Which BNG points of (n, 2) ``xy`` lie inside the frame's extent."""
    x0, y0, x1, y1 = frame.extent
    if not len(xy):
        return np.zeros(0, dtype=bool)
    return (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)


def scale_bar_corner(frame: MapFrame, unit: float, font, device,
                     site_px) -> tuple[QPointF, QRectF]:
    """The scale bar's anchor and box in the first corner (bottom left, bottom right, top
    right) where it keeps clear of the site's symbol; the north arrow has the top left."""
    rect = frame.rect
    margin = 10 * unit
    first = scale_bar_box(frame, unit, font, device)
    w, h = first.width(), first.height()
    clear = SCALE_BAR_CLEAR_PX * unit
    site = QRectF(site_px[0] - clear, site_px[1] - clear, 2 * clear, 2 * clear)
    anchors = [QPointF(rect.left() + margin, rect.bottom() - margin),
               QPointF(rect.right() - margin - w + 4 * unit, rect.bottom() - margin),
               QPointF(rect.right() - margin - w + 4 * unit, rect.top() + margin + h)]
    for anchor in anchors:
        box = scale_bar_box(frame, unit, font, device, anchor)
        if not box.intersects(site):
            return anchor, box
    return anchors[0], first


def edge_arrow_tips(frame: MapFrame, site_px, beyond, inset_px: float) \
        -> list[tuple[QPointF, float, float]]:
    """Where the arrow for each service users' point beyond the frame goes: the point just
    inside the edge (``inset_px``) on the way from the site to it, and the unit direction."""
    rect = frame.rect.adjusted(inset_px, inset_px, -inset_px, -inset_px)
    sx, sy = float(site_px[0]), float(site_px[1])
    tips = []
    for x, y in frame.to_px(np.array(beyond, dtype=float).reshape(-1, 2)).tolist():
        dx, dy = x - sx, y - sy
        length = float(np.hypot(dx, dy))
        if length <= 0:
            continue
        ux, uy = dx / length, dy / length
        # how far along the ray from the site the inset rectangle's edge is
        along_x = ((rect.right() if ux > 0 else rect.left()) - sx) / ux if ux else np.inf
        along_y = ((rect.bottom() if uy > 0 else rect.top()) - sy) / uy if uy else np.inf
        reach = min(along_x, along_y)
        tips.append((QPointF(sx + ux * reach, sy + uy * reach), ux, uy))
    return tips


def _edge_arrows(p: QPainter, frame: MapFrame, site_px, beyond, unit: float) -> None:
    """An arrowhead just inside the edge, on the way from the site to each service users'
    point beyond the frame, pointing at it."""
    if not beyond:
        return
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor("#FFFFFF"), 1.0 * unit))
    p.setBrush(QColor(ARROW_COLOUR))
    size = 7.0 * unit
    for tip, ux, uy in edge_arrow_tips(frame, site_px, beyond, EDGE_INSET_PX * unit):
        back = QPointF(tip.x() - ux * size, tip.y() - uy * size)
        p.drawPolygon(QPolygonF([tip, QPointF(back.x() - uy * size * 0.55,
                                              back.y() + ux * size * 0.55),
                                 QPointF(back.x() + uy * size * 0.55,
                                         back.y() - ux * size * 0.55)]))
    p.restore()


def _frame(p: QPainter, rect: QRectF) -> None:
    pen = QPen(RULE)
    pen.setWidthF(RESOLUTION_DPI / 25.4 * 0.3)
    p.save()
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    p.restore()
