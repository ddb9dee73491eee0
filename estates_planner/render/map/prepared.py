"""Arrays and paths derived once from a :class:`MapContent` and drawn many times.

Speed matters with 10,000 sites: coordinates are held as numpy arrays, site styles are worked
out vectorised, and every site style's symbol sits in one atlas pixmap.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPixmap, QPolygonF

import estates_planner.render.map.style as style
from estates_planner.render.map.content import MapContent, boundary_layer_name
from estates_planner.render.map.style import SiteStyle
from estates_planner.report.extents import Extent


def _path_from_ring(coords: np.ndarray, path: QPainterPath) -> None:
    path.addPolygon(polygon_from_xy(coords[:, :2]))
    path.closeSubpath()


def polygon_from_xy(xy: np.ndarray) -> QPolygonF:
    """A QPolygonF filled straight from an (n, 2) array (no per-point Python loop)."""
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    poly = QPolygonF()
    poly.resize(len(xy))
    if len(xy):
        buffer = shiboken6.VoidPtr(poly.data(), xy.nbytes, True)
        np.frombuffer(buffer, np.float64).reshape(-1, 2)[:] = xy
    return poly


def geometry_path(geometry) -> QPainterPath:
    """A QPainterPath in BNG metres for a shapely (multi)polygon or line; holes stay holes."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    if geometry is None or geometry.is_empty:
        return path
    for part in getattr(geometry, "geoms", [geometry]):
        if part.geom_type == "Polygon":
            _path_from_ring(shapely.get_coordinates(part.exterior), path)
            for ring in part.interiors:
                _path_from_ring(shapely.get_coordinates(ring), path)
        elif part.geom_type in ("LineString", "LinearRing"):
            path.addPolygon(polygon_from_xy(shapely.get_coordinates(part)))
        elif part.geom_type in ("MultiPolygon", "MultiLineString", "GeometryCollection"):
            path.addPath(geometry_path(part))
    return path


_LABEL_COLUMNS = ("name", "NAME", "Name", "region", "region_name", "pdu", "label")


@dataclass
class PolygonLayer:
    name: str  # the map layer name, e.g. "Boundaries: regions"
    paths: list[QPainterPath]  # polygons: light fill, thin outline
    labels: list[tuple[str, float, float, float]]  # text, x, y, feature size in metres
    fill: str
    line_paths: list[QPainterPath] = field(default_factory=list)  # lines: outline only
    # the shapely geometries behind ``paths`` and ``line_paths``, in BNG metres
    geometries: list = field(default_factory=list)
    line_geometries: list = field(default_factory=list)

    def clipped(self, extent: Extent) -> PolygonLayer:
        """The layer cut to ``extent`` (xmin, ymin, xmax, ymax in BNG metres), for a vector
        device: a PDF otherwise carries every boundary of the country in each small map,
        hidden by the map's clip but written all the same (1.2 MB of the sample's site plan).

        The cut edges are drawn too, so ``extent`` should reach beyond the visible frame.
        """
        def cut(geometries) -> list[QPainterPath]:
            if not geometries:
                return []
            parts = shapely.clip_by_rect(np.asarray(geometries, dtype=object), *extent)
            return [geometry_path(g) for g in parts if not g.is_empty]

        return dataclasses.replace(self, paths=cut(self.geometries),
                                   line_paths=cut(self.line_geometries))


def _in_bng(frame):
    """The layer in EPSG:27700 (a layer in another CRS is reprojected, not misplaced)."""
    crs = getattr(frame, "crs", None)
    if crs is not None and hasattr(frame, "to_crs"):
        try:
            if crs.to_epsg() != 27700:
                return frame.to_crs(27700)
        except Exception:  # an unknown CRS: draw as given rather than not at all
            return frame
    return frame


def _polygon_layer(name: str, index: int, frame) -> PolygonLayer:
    paths: list[QPainterPath] = []
    line_paths: list[QPainterPath] = []
    polygons: list = []
    lines: list = []
    labels: list[tuple[str, float, float, float]] = []
    frame = _in_bng(frame)
    column = next((c for c in _LABEL_COLUMNS if c in getattr(frame, "columns", ())), None)
    geoms = list(frame.geometry) if hasattr(frame, "geometry") else list(frame)
    texts = list(frame[column]) if column else [None] * len(geoms)
    for geometry, text in zip(geoms, texts, strict=True):
        if geometry is None or geometry.is_empty:
            continue
        if "Polygon" in geometry.geom_type:
            paths.append(geometry_path(geometry))
            polygons.append(geometry)
        elif "LineString" in geometry.geom_type or geometry.geom_type == "LinearRing":
            line_paths.append(geometry_path(geometry))
            lines.append(geometry)
        if text is not None and geometry.geom_type in ("Polygon", "MultiPolygon"):
            point = geometry.representative_point()
            xmin, ymin, xmax, ymax = geometry.bounds
            labels.append((str(text), point.x, point.y, min(xmax - xmin, ymax - ymin)))
    return PolygonLayer(boundary_layer_name(name), paths, labels,
                        style.POLYGON_FILLS[index % len(style.POLYGON_FILLS)], line_paths,
                        polygons, lines)


class PreparedContent:
    """Arrays and paths derived from a :class:`MapContent`, built once and drawn many times.

    Selection is not part of it (it changes on every click and is read at draw time).
    """

    def __init__(self, content: MapContent) -> None:
        self.content = content
        dataset = content.dataset
        sites = dataset.sites if dataset is not None else ()
        needs = dataset.needs if dataset is not None else ()
        result = content.result

        self.site_ids = [s.site_id for s in sites]
        self.site_index = {sid: i for i, sid in enumerate(self.site_ids)}
        self.site_xy = _xy(sites)
        self.styles, self.site_style = _site_styles(content, sites)
        self.site_radius = np.array([st.diameter / 2 for st in self.styles],
                                    dtype=float)[self.site_style].reshape(-1)
        # half the width drawn, women-only diamond included (labels keep clear of it)
        self.site_reach = np.array([st.extent for st in self.styles],
                                   dtype=float)[self.site_style].reshape(-1)
        # sites in drawing order (by style), and where each style's run starts and ends
        self.draw_order = np.argsort(self.site_style, kind="stable")
        self.style_bounds = np.searchsorted(self.site_style[self.draw_order],
                                            np.arange(len(self.styles) + 1))
        self.sorted_xy = self.site_xy[self.draw_order]
        self.sorted_style = self.site_style[self.draw_order]
        self._atlases: dict[tuple[float, float], tuple[QPixmap, np.ndarray]] = {}

        self.need_ids = [n.need_id for n in needs]
        self.need_index = {nid: i for i, nid in enumerate(self.need_ids)}
        self.need_xy = _xy(needs)
        self.need_site = np.full(len(needs), -1, dtype=int)  # index of the plan's site
        # a whole contract plan draws no line: a need may be at a different site each year
        if result is not None and content.contract is None:
            for i, need in enumerate(needs):
                try:
                    site_id = result.allocation(need.need_id).site_id
                except KeyError:
                    continue
                if site_id is not None and site_id in self.site_index:
                    self.need_site[i] = self.site_index[site_id]
        self.need_unplaced = np.zeros(len(needs), dtype=bool)
        if content.contract is not None:
            years = content.contract.needs
            self.need_unplaced = np.array(
                [bool(years[nid].unplaced_years) if nid in years else False
                 for nid in self.need_ids], dtype=bool).reshape(-1)
        elif result is not None:
            self.need_unplaced = self.need_site < 0
        self.need_highlighted = np.array(
            [nid in content.highlighted_need_ids for nid in self.need_ids], dtype=bool)

        placed = np.flatnonzero(self.need_site >= 0)
        self.line_need = placed
        self.line_xy = np.empty((len(placed), 2, 2))
        self.line_xy[:, 0, :] = self.need_xy[placed]
        self.line_xy[:, 1, :] = self.site_xy[self.need_site[placed]] if len(placed) else 0
        # the lines drawn for a selection: the plan's, or under a whole contract plan every
        # site a need has in any year (asked for by selecting it, so no single year claimed)
        self.link_need, self.link_site = placed, self.need_site[placed]
        if content.contract is not None:
            self.link_need, self.link_site = _contract_links(
                content.contract, self.need_ids, self.site_index)
        self.link_xy = np.empty((len(self.link_need), 2, 2))
        if len(self.link_need):
            self.link_xy[:, 0, :] = self.need_xy[self.link_need]
            self.link_xy[:, 1, :] = self.site_xy[self.link_site]

        # the widest layer underneath (e.g. a land outline under region boundaries), so a
        # covering fill never hides the finer boundaries drawn before it
        # (areas within 1 % count as equal, and then the layer with fewer polygons goes first)
        areas = [_layer_area(frame) for frame in content.layers.values()]
        largest = max(areas, default=0.0) or 1.0
        ordered = sorted(enumerate(content.layers.items()),
                         key=lambda item: (-round(areas[item[0]] / largest, 2),
                                           len(item[1][1]) if hasattr(item[1][1], "__len__")
                                           else 0))
        self.polygon_layers = [_polygon_layer(name, i, frame) for i, (name, frame) in ordered]
        self.catchment_path = (geometry_path(content.catchment)
                               if content.catchment is not None else None)

    def atlas(self, dpr: float, lod: float) -> tuple[QPixmap, np.ndarray]:
        """One pixmap holding every site style's symbol, and each one's cell (x, y, w, h).

        GUI thread only (QPixmap). Drawing all sites with one ``drawPixmapFragments`` call
        from it saves a Python round trip per style.
        """
        key = (dpr, lod)
        if key not in self._atlases:
            images = [style.site_symbol_image(st, dpr, lod) for st in self.styles]
            cells = np.zeros((len(images), 4))
            width = 1024
            x = y = row_h = 0
            for i, image in enumerate(images):
                if x + image.width() > width:
                    x, y, row_h = 0, y + row_h, 0
                cells[i] = (x, y, image.width(), image.height())
                x += image.width()
                row_h = max(row_h, image.height())
            atlas = QImage(width, max(y + row_h, 1), QImage.Format.Format_ARGB32_Premultiplied)
            atlas.fill(Qt.GlobalColor.transparent)
            painter = QPainter(atlas)
            for (cx, cy, _w, _h), image in zip(cells.tolist(), images, strict=True):
                painter.drawImage(QPointF(cx, cy), image)
            painter.end()
            self._atlases[key] = (QPixmap.fromImage(atlas), cells)
        return self._atlases[key]

    @cached_property
    def site_tree(self) -> shapely.STRtree:
        return shapely.STRtree(shapely.points(self.site_xy))

    @cached_property
    def need_tree(self) -> shapely.STRtree:
        return shapely.STRtree(shapely.points(self.need_xy))

    @cached_property
    def area_names(self) -> dict[str, list[tuple[str, float, float, int]]]:
        """Region and PDU names, each at the median of its sites and needs (BNG metres), with
        how many sites and needs it has; most first (placed first when labels compete).

        The place names a project brings even without a boundary file.
        """
        dataset = self.content.dataset
        out: dict[str, list[tuple[str, float, float, int]]] = {"region": [], "pdu": []}
        if dataset is None:
            return out
        for level in out:
            points: dict[str, list[tuple[float, float]]] = {}
            for item in (*dataset.sites, *dataset.needs):
                name = getattr(item, level, "")
                if name:
                    points.setdefault(str(name), []).append((item.easting, item.northing))
            for name, xy in points.items():
                x, y = np.median(np.array(xy), axis=0).tolist()
                out[level].append((name, x, y, len(xy)))
            out[level].sort(key=lambda item: (-item[3], item[0]))
        return out

    def data_extent(self) -> Extent | None:
        """The box around sites, needs, polygon layers and the catchment; None if empty."""
        boxes = []
        for xy in (self.site_xy, self.need_xy):
            if len(xy):
                boxes.append((*xy.min(axis=0), *xy.max(axis=0)))
        for frame in self.content.layers.values():
            if hasattr(frame, "total_bounds") and len(frame):
                boxes.append(tuple(frame.total_bounds))
        if self.content.catchment is not None and not self.content.catchment.is_empty:
            boxes.append(self.content.catchment.bounds)
        boxes = [b for b in boxes if all(math.isfinite(v) for v in b)]
        if not boxes:
            return None
        a = np.array(boxes)
        return (a[:, 0].min(), a[:, 1].min(), a[:, 2].max(), a[:, 3].max())

    def has_unplaced(self) -> bool:
        return bool(self.need_unplaced.any())


def _xy(items) -> np.ndarray:
    """(n, 2) eastings and northings, without a tuple per item."""
    flat = np.fromiter((v for i in items for v in (i.easting, i.northing)), dtype=float,
                       count=2 * len(items))
    return flat.reshape(-1, 2)


def _style_order(st: SiteStyle) -> tuple:
    # big symbols first so small ones stay visible on top; closed sites under open ones
    return (not st.closed, -st.size_class, st.women_only, st.kind.value,
            -1 if st.fill_class is None else st.fill_class)


_KINDS = list(style.KIND_SHAPES)


def _site_styles(content: MapContent, sites) -> tuple[list[SiteStyle], np.ndarray]:
    """The distinct site styles in drawing order, and each site's index into them.

    Vectorised: with 10,000 sites a SiteStyle per site costs a second.
    """
    n = len(sites)
    if n == 0:
        return [], np.zeros(0, dtype=int)
    kind = np.fromiter((_KINDS.index(s.kind) for s in sites), dtype=np.int64, count=n)
    women = np.fromiter((s.women_only for s in sites), dtype=bool, count=n)
    desks = np.fromiter((content.site_desks(s) for s in sites), dtype=np.int64, count=n)
    least = np.array([c[0] for c in style.SIZE_CLASSES])
    size = np.clip(np.searchsorted(least, desks, side="right") - 1, 0, len(least) - 1)
    closed = np.zeros(n, dtype=bool)
    if content.scenario is not None and content.scenario.closed_sites:
        closed = np.fromiter((s.site_id in content.scenario.closed_sites for s in sites),
                             dtype=bool, count=n)
    fill = np.full(n, -1, dtype=np.int64)  # -1: before a solve
    if content.solved:
        fill[:] = 0
        for i, s in enumerate(sites):
            utilisation = content.used_utilisation(s.site_id)
            if utilisation is not None:
                fill[i] = style.utilisation_class(utilisation, True)
    code = ((((closed.astype(np.int64) * 2 + women) * 3 + kind) * 8 + size) * 8) + fill + 1
    codes, inverse = np.unique(code, return_inverse=True)
    styles = []
    for c in codes.tolist():
        f, c = c % 8 - 1, c // 8
        sz, c = c % 8, c // 8
        k, c = c % 3, c // 3
        w, cl = c % 2, c // 2
        styles.append(SiteStyle(_KINDS[k], bool(w), int(sz), None if f < 0 else int(f),
                                bool(cl)))
    order = sorted(range(len(styles)), key=lambda i: _style_order(styles[i]))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return [styles[i] for i in order], rank[inverse.reshape(-1)]


def _contract_links(contract, need_ids: list[str],
                    site_index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(need rows, site rows): one link per need and site it has in any contract year."""
    pairs = sorted({(row, site_index[s]) for row, nid in enumerate(need_ids)
                    if nid in contract.needs
                    for s in contract.needs[nid].site_ids if s is not None and s in site_index})
    if not pairs:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    rows = np.array(pairs, dtype=int)
    return rows[:, 0], rows[:, 1]


def _layer_area(frame) -> float:
    """Total area of a layer's polygons in map units (0 for lines or an unreadable layer)."""
    try:
        return float(_in_bng(frame).geometry.area.sum())
    except (AttributeError, ValueError, TypeError):
        return 0.0
