"""The report's maps, drawn by the app's renderer (:mod:`estates_planner.render.map`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen

from estates_planner.model import Scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.render.fonts import app_font
from estates_planner.render.map import (
    MapContent,
    MapFrame,
    PreparedContent,
    RenderOptions,
    render_map,
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
               "project data. Grid: British National Grid (EPSG:27700).")


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
        self.content = MapContent(self.dataset, result, scenario, dict(self.layers))
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
        # one prepared content for every location map: the site is picked out as a selection
        self.content.selected_site_ids = frozenset({site_id})
        try:
            self._render(p, rect, extent, RenderOptions(legend=False, font=app_font(6.5)))
        finally:
            self.content.selected_site_ids = frozenset()

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
        prepared.polygon_layers = [
            dataclasses.replace(layer, labels=[
                lb for lb in layer.labels
                if x0 + mx <= lb[1] <= x1 - mx and y0 + my <= lb[2] <= y1 - my])
            for layer in layers]
        try:
            render_map(p, rect, self.content, extent, options, prepared)
        finally:
            prepared.polygon_layers = layers
        _frame(p, rect)


def _frame(p: QPainter, rect: QRectF) -> None:
    pen = QPen(RULE)
    pen.setWidthF(RESOLUTION_DPI / 25.4 * 0.3)
    p.save()
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    p.restore()
