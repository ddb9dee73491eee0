"""Draw a map with QPainter into any paint device: the canvas's cached image, a PDF, a PNG.

One function, :func:`render_map`, draws the whole picture; the canvas calls its parts
(:func:`draw_static`, :func:`draw_highlights` and the overlay helpers) separately so it can keep
the static layers in a cached image and paint selection and overlays on top. The PDF site plan
calls :func:`render_map` and so looks like the app.

Speed matters with 10,000 sites: coordinates are projected with numpy, symbols come from a
cache of small images and are drawn in one ``drawPixmapFragments`` call per style, lines in one
``drawLines`` call, and crowded views shrink their symbols (level of detail). On devices that are
not raster images (PDF, SVG) every symbol is drawn as vectors instead, so prints stay sharp.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
import shiboken6
from PySide6.QtCore import QCoreApplication, QLineF, QPointF, QRectF, Qt, QThread
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)

from estates_planner.ui.map import style
from estates_planner.ui.map.content import (
    CATCHMENT,
    LINES,
    NEEDS,
    SITES,
    MapContent,
    boundary_layer_name,
)
from estates_planner.ui.map.style import SiteStyle

Extent = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in BNG metres


# ---------------------------------------------------------------------------------------------
# frame: where the map sits on the device
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


# ---------------------------------------------------------------------------------------------
# prepared content: numpy arrays and paths built once per content
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
        elif "LineString" in geometry.geom_type or geometry.geom_type == "LinearRing":
            line_paths.append(geometry_path(geometry))
        if text is not None and geometry.geom_type in ("Polygon", "MultiPolygon"):
            point = geometry.representative_point()
            xmin, ymin, xmax, ymax = geometry.bounds
            labels.append((str(text), point.x, point.y, min(xmax - xmin, ymax - ymin)))
    return PolygonLayer(boundary_layer_name(name), paths, labels,
                        style.POLYGON_FILLS[index % len(style.POLYGON_FILLS)], line_paths)


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
        if result is not None:
            for i, need in enumerate(needs):
                try:
                    site_id = result.allocation(need.need_id).site_id
                except KeyError:
                    continue
                if site_id is not None and site_id in self.site_index:
                    self.need_site[i] = self.site_index[site_id]
        self.need_unplaced = np.zeros(len(needs), dtype=bool)
        if result is not None:
            self.need_unplaced = self.need_site < 0
        self.need_highlighted = np.array(
            [nid in content.highlighted_need_ids for nid in self.need_ids], dtype=bool)

        placed = np.flatnonzero(self.need_site >= 0)
        self.line_need = placed
        self.line_xy = np.empty((len(placed), 2, 2))
        self.line_xy[:, 0, :] = self.need_xy[placed]
        self.line_xy[:, 1, :] = self.site_xy[self.need_site[placed]] if len(placed) else 0

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
    result = content.result
    if result is not None:
        fill[:] = 0
        for i, s in enumerate(sites):
            usage = result.site_usage.get(s.site_id)
            if usage is not None and usage.need_ids:
                fill[i] = style.utilisation_class(usage.utilisation, True)
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


# ---------------------------------------------------------------------------------------------
# drawing
def device_unit(painter: QPainter) -> float:
    """Device pixels per logical (96 dpi) pixel for the painter's device.

    1 for a screen or a default image, 12.5 for a 1200 dpi PDF, so sizes keep their look.
    """
    device = painter.device()
    dpi = device.logicalDpiX() if device is not None else 96
    if dpi <= 0:
        return 1.0
    return max(round(dpi / 96.0, 2), 0.5)


def _is_raster(painter: QPainter) -> bool:
    engine = painter.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Raster


def _in_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


def _dpr(painter: QPainter) -> float:
    device = painter.device()
    try:
        return float(device.devicePixelRatioF())
    except AttributeError:
        return 1.0


_pixmaps: dict[tuple, QPixmap] = {}


def _symbol_pixmap(key: tuple, image_factory) -> QPixmap:
    pixmap = _pixmaps.get(key)
    if pixmap is None:
        if len(_pixmaps) > 2048:
            _pixmaps.clear()
        pixmap = QPixmap.fromImage(image_factory())
        _pixmaps[key] = pixmap
    return pixmap


def _blit(painter: QPainter, xy_px: np.ndarray, key: tuple, image_factory, dpr: float,
          gui_thread: bool = True) -> None:
    """Draw one cached symbol centred at every point of ``xy_px``."""
    if not len(xy_px):
        return
    if gui_thread:
        pixmap = _symbol_pixmap(key, image_factory)
        fragments = np.zeros((len(xy_px), 10))
        fragments[:, 0:2] = xy_px
        fragments[:, 4] = pixmap.width()
        fragments[:, 5] = pixmap.height()
        fragments[:, 6:8] = 1.0 / dpr
        fragments[:, 9] = 1.0
        pointer = shiboken6.wrapInstance(fragments.ctypes.data, QPainter.PixmapFragment)
        painter.drawPixmapFragments(pointer, len(fragments), pixmap)
        del pointer  # the array must outlive the call, and nothing may keep the pointer
    else:  # QPixmap is for the GUI thread only; a worker (e.g. a PDF export) uses QImage
        image = image_factory()
        w, h = image.width() / dpr, image.height() / dpr
        for x, y in xy_px.tolist():
            painter.drawImage(QRectF(x - w / 2, y - h / 2, w, h), image)


def draw_lines(painter: QPainter, segments_px: np.ndarray) -> None:
    """Draw (n, 2, 2) device-coordinate segments in one call with the current pen."""
    if not len(segments_px):
        return
    points = np.ascontiguousarray(segments_px.reshape(-1, 2), dtype=np.float64)
    pointer = shiboken6.wrapInstance(points.ctypes.data, QPointF)
    painter.drawLines(pointer, len(segments_px))
    del pointer


def _visible(xy_px: np.ndarray, rect: QRectF, margin: float) -> np.ndarray:
    return ((xy_px[:, 0] >= rect.left() - margin) & (xy_px[:, 0] <= rect.right() + margin)
            & (xy_px[:, 1] >= rect.top() - margin) & (xy_px[:, 1] <= rect.bottom() + margin))


LOD_STEPS = (1.0, 0.85, 0.7, 0.55)


def level_of_detail(visible_sites: int, rect: QRectF, unit: float = 1.0) -> float:
    """Symbol scale (0.55..1): crowded views draw smaller symbols, so they stay readable."""
    if visible_sites <= 0:
        return 1.0
    budget = rect.width() * rect.height() / (22.0 * unit) ** 2
    lod = math.sqrt(budget / visible_sites)
    # a few fixed steps, so zooming reuses cached symbol images instead of drawing new ones
    return next(step for step in LOD_STEPS if step <= max(lod, LOD_STEPS[-1]))


@dataclass
class DrawState:
    """What the last static drawing decided (the canvas hit-tests with the same sizes)."""

    lod: float = 1.0
    unit: float = 1.0
    visible_sites: int = 0
    extra: dict = field(default_factory=dict)


def _layer_area(frame) -> float:
    """Total area of a layer's polygons in map units (0 for lines or an unreadable layer)."""
    try:
        return float(_in_bng(frame).geometry.area.sum())
    except (AttributeError, ValueError, TypeError):
        return 0.0


def draw_static(painter: QPainter, frame: MapFrame, prepared: PreparedContent,
                options: RenderOptions | None = None) -> DrawState:
    """Draw polygons, catchment, allocation lines, needs and sites (no selection, no overlays).

    Returns the level of detail used, so hit-testing can use the same symbol sizes.
    """
    options = options or RenderOptions()
    content = prepared.content
    unit = options.unit if options.unit is not None else device_unit(painter)
    vector = options.vector_symbols
    if vector is None:
        vector = not _is_raster(painter)
    dpr = _dpr(painter)
    gui = _in_gui_thread()
    rect = frame.rect
    painter.save()
    painter.setClipRect(rect)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    # polygon layers, light with thin outlines
    for layer in prepared.polygon_layers:
        if not content.is_visible(layer.name):
            continue
        painter.save()
        painter.setTransform(frame.transform(), True)
        pen = QPen(QColor(style.POLYGON_OUTLINE), style.POLYGON_OUTLINE_WIDTH * unit)
        pen.setCosmetic(True)
        painter.setPen(pen)
        fill = QColor(layer.fill)
        if options.basemap is not None:
            fill.setAlpha(90)
        painter.setBrush(fill)
        for path in layer.paths:
            painter.drawPath(path)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for path in layer.line_paths:
            painter.drawPath(path)
        painter.restore()
        _draw_polygon_labels(painter, frame, layer, unit, options)

    if prepared.catchment_path is not None and content.is_visible(CATCHMENT):
        painter.save()
        painter.setTransform(frame.transform(), True)
        pen = QPen(QColor(style.CATCHMENT_OUTLINE), 1.5 * unit, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(style.CATCHMENT_FILL)
        painter.drawPath(prepared.catchment_path)
        painter.restore()

    site_px = frame.to_px(prepared.site_xy)
    need_px = frame.to_px(prepared.need_xy)

    if len(prepared.line_xy) and content.is_visible(LINES):
        segments = np.empty_like(prepared.line_xy)
        segments[:, 0, :] = need_px[prepared.line_need]
        segments[:, 1, :] = site_px[prepared.need_site[prepared.line_need]]
        lo = segments.min(axis=1)
        hi = segments.max(axis=1)
        keep = ((hi[:, 0] >= rect.left()) & (lo[:, 0] <= rect.right())
                & (hi[:, 1] >= rect.top()) & (lo[:, 1] <= rect.bottom()))
        pen = QPen(style.LINE_COLOUR, style.LINE_WIDTH * unit)
        pen.setCosmetic(True)
        painter.setPen(pen)
        draw_lines(painter, segments[keep])

    if len(need_px) and content.is_visible(NEEDS):
        on = _visible(need_px, rect, 10 * unit)
        moved = on & prepared.need_highlighted
        if moved.any():
            painter.setPen(QPen(QColor(style.SYMBOL_OUTLINE), 1.0 * unit))
            painter.setBrush(QColor(style.HIGHLIGHT_COLOUR))
            r = 6.5 * unit
            for x, y in need_px[moved].tolist():
                painter.drawEllipse(QPointF(x, y), r, r)
        for unplaced in (False, True):
            mask = on & (prepared.need_unplaced == unplaced)
            points = need_px[mask]
            if vector:
                for x, y in points.tolist():
                    style.draw_need_symbol(painter, QPointF(x, y), unplaced, unit)
            else:
                _blit(painter, _dedupe(points), ("need", unplaced, dpr),
                      lambda u=unplaced: style.need_symbol_image(u, dpr), dpr, gui)

    state = DrawState(unit=unit)
    if len(site_px) and content.is_visible(SITES):
        sorted_px = site_px[prepared.draw_order]
        on = _visible(sorted_px, rect, 30 * unit)
        state.visible_sites = int(on.sum())
        lod = 1.0 if vector else level_of_detail(state.visible_sites, rect, unit)
        state.lod = lod
        if lod < 1.0:
            on &= _topmost_in_cells(sorted_px, on, 5.0 * unit)
        _draw_site_halos(painter, content, prepared, site_px, rect, lod, unit)
        if not vector and gui:
            # every site in one call, each fragment cut from the style's cell of an atlas
            pixmap, cells = prepared.atlas(dpr, lod)
            rows = np.flatnonzero(on)
            fragments = np.zeros((len(rows), 10))
            fragments[:, 0:2] = sorted_px[rows]
            fragments[:, 2:6] = cells[prepared.sorted_style[rows]]
            fragments[:, 6:8] = 1.0 / dpr
            fragments[:, 9] = 1.0
            if len(rows):
                pointer = shiboken6.wrapInstance(fragments.ctypes.data,
                                                 QPainter.PixmapFragment)
                painter.drawPixmapFragments(pointer, len(rows), pixmap)
                del pointer
            painter.restore()
            return state
        bounds = prepared.style_bounds
        for index, site_style in enumerate(prepared.styles):
            start, end = int(bounds[index]), int(bounds[index + 1])
            points = sorted_px[start:end][on[start:end]]
            if not len(points):
                continue
            if vector:
                for x, y in points.tolist():
                    style.draw_site_symbol(painter, QPointF(x, y), site_style, unit)
            else:
                key = ("site", site_style.kind.value, site_style.women_only,
                       site_style.size_class, site_style.fill_class, site_style.closed, dpr, lod)
                _blit(painter, points, key,
                      lambda st=site_style: style.site_symbol_image(st, dpr, lod), dpr, gui)
    painter.restore()
    return state


def _draw_site_halos(painter: QPainter, content: MapContent, prepared: PreparedContent,
                     site_px: np.ndarray, rect: QRectF, lod: float, unit: float) -> None:
    """A highlight disc under each of ``content.highlighted_site_ids`` (e.g. the old and new
    sites of needs that move between two compared plans), as moved needs get one."""
    rows = [prepared.site_index[s] for s in content.highlighted_site_ids
            if s in prepared.site_index]
    if not rows:
        return
    px = site_px[rows]
    radii = prepared.site_radius[rows] * lod
    on = _visible(px, rect, 30 * unit)
    painter.setPen(QPen(QColor(style.SYMBOL_OUTLINE), 1.0 * unit))
    painter.setBrush(QColor(style.HIGHLIGHT_COLOUR))
    for (x, y), r in zip(px[on].tolist(), radii[on].tolist(), strict=True):
        painter.drawEllipse(QPointF(x, y), (r + 5) * unit, (r + 5) * unit)


def _topmost_in_cells(points: np.ndarray, mask: np.ndarray, cell: float) -> np.ndarray:
    """Keep, per ``cell``-pixel square, only the point drawn last (the one on top).

    Level of detail for crowded views: the symbols dropped lie under the kept one.
    """
    keep = np.zeros(len(points), dtype=bool)
    rows = np.flatnonzero(mask)
    if not len(rows):
        return keep
    cells = np.floor(points[rows] / cell).astype(np.int64)
    keys = cells[:, 0] * 1_000_003 + cells[:, 1]
    _, first_from_end = np.unique(keys[::-1], return_index=True)
    keep[rows[len(rows) - 1 - first_from_end]] = True
    return keep


def _dedupe(points: np.ndarray) -> np.ndarray:
    """Drop points that land on the same device pixel as another (same symbol)."""
    if len(points) < 2000:
        return points
    cells = np.round(points).astype(np.int64)
    _, first = np.unique(cells[:, 0] * 1_000_003 + cells[:, 1], return_index=True)
    return points[np.sort(first)]


def _draw_polygon_labels(painter: QPainter, frame: MapFrame, layer: PolygonLayer, unit: float,
                         options: RenderOptions) -> None:
    if not layer.labels:
        return
    font = QFont(options.font or painter.font())
    font.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
    font.setItalic(True)
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    painter.setPen(QColor(style.POLYGON_LABEL))
    for text, x, y, size_m in layer.labels:
        width = metrics.horizontalAdvance(text)
        if size_m * frame.px_per_m < width * 1.2:
            continue  # the area is too small on screen for its name
        p = frame.point_to_px(x, y)
        painter.drawText(QPointF(p.x() - width / 2, p.y() + metrics.ascent() / 2), text)


def draw_highlights(painter: QPainter, frame: MapFrame, prepared: PreparedContent,
                    state: DrawState | None = None, unit: float | None = None) -> None:
    """Draw the selection on top: rings round selected sites and needs, and their lines."""
    content = prepared.content
    if not content.selected_site_ids and not content.selected_need_ids:
        return
    state = state or DrawState()
    unit = unit if unit is not None else state.unit
    lod = state.lod
    site_rows = [prepared.site_index[s] for s in content.selected_site_ids
                 if s in prepared.site_index]
    need_rows = [prepared.need_index[n] for n in content.selected_need_ids
                 if n in prepared.need_index]
    painter.save()
    painter.setClipRect(frame.rect)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if content.is_visible(LINES) and len(prepared.line_need):
        sel_sites = np.zeros(len(prepared.site_ids), dtype=bool)
        sel_sites[site_rows] = True
        sel_needs = np.zeros(len(prepared.need_ids), dtype=bool)
        sel_needs[need_rows] = True
        line_sites = prepared.need_site[prepared.line_need]
        keep = sel_sites[line_sites] | sel_needs[prepared.line_need]
        if keep.any():
            segments = prepared.line_xy[keep]
            px = frame.to_px(segments.reshape(-1, 2)).reshape(-1, 2, 2)
            pen = QPen(style.SELECTED_LINE_COLOUR, 2.0 * unit)
            pen.setCosmetic(True)
            painter.setPen(pen)
            draw_lines(painter, px)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if site_rows and content.is_visible(SITES):
        px = frame.to_px(prepared.site_xy[site_rows])
        radii = prepared.site_radius[site_rows] * lod
        for (x, y), r in zip(px.tolist(), radii.tolist(), strict=True):
            _ring(painter, QPointF(x, y), (r + 5) * unit, unit)
    if need_rows and content.is_visible(NEEDS):
        px = frame.to_px(prepared.need_xy[need_rows])
        for x, y in px.tolist():
            _ring(painter, QPointF(x, y), 6.5 * unit, unit)
    painter.restore()


def _ring(painter: QPainter, centre: QPointF, radius: float, unit: float) -> None:
    painter.setPen(QPen(QColor(style.SYMBOL_OUTLINE), 5.0 * unit))
    painter.drawEllipse(centre, radius, radius)
    painter.setPen(QPen(QColor(style.SELECTION_COLOUR), 3.0 * unit))
    painter.drawEllipse(centre, radius, radius)


# ---------------------------------------------------------------------------------------------
# overlays in device coordinates
def _overlay_font(painter: QPainter, options: RenderOptions | None, scale: float = 1.0) -> QFont:
    font = QFont(options.font if options and options.font else painter.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    return font


def _nice_length(target_m: float) -> float:
    if target_m <= 0:
        return 1.0
    exponent = math.floor(math.log10(target_m))
    for step in (5, 2, 1):
        length = step * 10 ** exponent
        if length <= target_m:
            return length
    return 10 ** exponent


def format_distance(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


def draw_scale_bar(painter: QPainter, frame: MapFrame, anchor: QPointF | None = None,
                   unit: float = 1.0, font: QFont | None = None) -> QRectF:
    """A scale bar of a round length (1, 2 or 5 × 10ⁿ m) about a fifth of the map wide.

    ``anchor`` is its bottom-left corner (default: the frame's bottom-left with a margin).
    Returns the rectangle it covers.
    """
    margin = 10 * unit
    target_m = frame.rect.width() * 0.2 / frame.px_per_m
    length_m = _nice_length(target_m)
    length_px = length_m * frame.px_per_m
    anchor = anchor or QPointF(frame.rect.left() + margin, frame.rect.bottom() - margin)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = font or painter.font()
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    label = format_distance(length_m)
    bar_h = 5 * unit
    box = QRectF(anchor.x() - 4 * unit, anchor.y() - bar_h - metrics.height() - 8 * unit,
                 max(length_px, metrics.horizontalAdvance(label)) + 8 * unit + 2 * unit,
                 bar_h + metrics.height() + 12 * unit)
    painter.fillRect(box, QColor(255, 255, 255, 210))
    bar = QRectF(anchor.x(), anchor.y() - bar_h - 2 * unit, length_px, bar_h)
    painter.setPen(QPen(QColor("#202020"), 1.0 * unit))
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawRect(bar)
    half = QRectF(bar.left(), bar.top(), length_px / 2, bar_h)
    painter.setBrush(QColor("#202020"))
    painter.drawRect(half)
    painter.setPen(QColor("#202020"))
    painter.drawText(QPointF(bar.left(), bar.top() - 4 * unit - metrics.descent()), label)
    painter.restore()
    return box


def draw_north_arrow(painter: QPainter, rect: QRectF, unit: float = 1.0,
                     font: QFont | None = None) -> QRectF:
    """A north arrow in the top-left corner of ``rect``; British National Grid north is up."""
    size = 26 * unit
    margin = 10 * unit
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = QFont(font or painter.font())
    font.setBold(True)
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    box = QRectF(rect.left() + margin, rect.top() + margin, size,
                 size + metrics.height() + 2 * unit)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 210))
    painter.drawRoundedRect(box.adjusted(-3 * unit, -3 * unit, 3 * unit, 3 * unit),
                            3 * unit, 3 * unit)
    cx = box.center().x()
    top = box.top() + metrics.height()
    left_half = QPolygonF([QPointF(cx, top), QPointF(cx - size * 0.32, top + size),
                           QPointF(cx, top + size * 0.72)])
    right_half = QPolygonF([QPointF(cx, top), QPointF(cx + size * 0.32, top + size),
                            QPointF(cx, top + size * 0.72)])
    painter.setPen(QPen(QColor("#202020"), 1.0 * unit))
    painter.setBrush(QColor("#202020"))
    painter.drawPolygon(left_half)
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawPolygon(right_half)
    painter.setPen(QColor("#202020"))
    painter.drawText(QRectF(box.left(), box.top(), box.width(), metrics.height()),
                     Qt.AlignmentFlag.AlignCenter, "N")
    painter.restore()
    return box


@dataclass
class LegendEntry:
    label: str
    draw: object  # callable(painter, centre QPointF, unit)
    header: bool = False


def legend_entries(prepared: PreparedContent) -> list[LegendEntry]:
    """What the legend lists: only what the map currently shows."""
    content = prepared.content
    solved = content.result is not None
    entries: list[LegendEntry] = []
    if len(prepared.site_ids) and content.is_visible(SITES):
        entries.append(LegendEntry("Sites (outline colour)" if solved else "Sites", None,
                                   header=True))
        kinds = sorted({st.kind for st in prepared.styles}, key=lambda k: list(style.KIND_SHAPES)
                       .index(k))
        for kind in kinds:
            st = SiteStyle(kind, False, 2, 0 if solved else None)
            entries.append(LegendEntry(style.KIND_LEGEND[kind], _site_drawer(st)))
        if any(st.women_only for st in prepared.styles):
            st = SiteStyle(kinds[0] if kinds else style.SiteKind.AUTHORITY, True, 0,
                           0 if solved else None)
            entries.append(LegendEntry("Women-only (diamond)", _site_drawer(st)))
        if any(st.closed for st in prepared.styles):
            st = SiteStyle(kinds[0], False, 2, None, closed=True)
            entries.append(LegendEntry("Closed in this scenario", _site_drawer(st)))
        # every size present (at most five): the smallest and largest alone read as a gap
        classes = sorted({st.size_class for st in prepared.styles})
        if len(classes) > 1:
            for cls in classes:
                st = SiteStyle(style.SiteKind.PROVIDER, False, cls, None)
                entries.append(LegendEntry(style.SIZE_CLASSES[cls][2],
                                           _site_drawer(st, outline_only=True)))
        if solved:
            entries.append(LegendEntry("Utilisation (fill)", None, header=True))
            for _upper, colour, label in style.UTILISATION_CLASSES:
                entries.append(LegendEntry(label, _swatch_drawer(colour, "#1A1A1A")))
    if len(prepared.need_ids) and content.is_visible(NEEDS):
        entries.append(LegendEntry("Needs", None, header=True))
        entries.append(LegendEntry("Service users' location",
                                   lambda p, c, u: style.draw_need_symbol(p, c, False, u)))
        if prepared.has_unplaced():
            entries.append(LegendEntry("Not placed",
                                       lambda p, c, u: style.draw_need_symbol(p, c, True, u)))
        if prepared.need_highlighted.any():
            entries.append(LegendEntry("Moved between plans", _moved_drawer))
    if len(prepared.line_need) and content.is_visible(LINES):
        entries.append(LegendEntry("Need to its site", _line_drawer))
    layers = [layer for layer in prepared.polygon_layers if content.is_visible(layer.name)]
    if layers or (prepared.catchment_path is not None and content.is_visible(CATCHMENT)):
        entries.append(LegendEntry("Areas", None, header=True))
        for layer in layers:
            entries.append(LegendEntry(layer.name.split(": ", 1)[-1].replace("_", " ")
                                       .capitalize(),
                                       _swatch_drawer(layer.fill, style.POLYGON_OUTLINE)))
        if prepared.catchment_path is not None and content.is_visible(CATCHMENT):
            entries.append(LegendEntry("Catchment", _swatch_drawer(style.CATCHMENT_FILL,
                                                                   style.CATCHMENT_OUTLINE)))
    return entries


def _site_drawer(st: SiteStyle, outline_only: bool = False):
    def draw(painter: QPainter, centre: QPointF, unit: float) -> None:
        if outline_only:
            painter.save()
            painter.translate(centre)
            painter.scale(unit, unit)
            painter.setPen(QPen(QColor(style.SYMBOL_OUTLINE), 1.0))
            painter.setBrush(QColor("#FFFFFF"))
            painter.drawPath(style.shape_path("circle", st.diameter))
            painter.restore()
        else:
            style.draw_site_symbol(painter, centre, st, unit)
    return draw


def _swatch_drawer(fill: str | QColor, outline: str):
    def draw(painter: QPainter, centre: QPointF, unit: float) -> None:
        painter.setPen(QPen(QColor(outline), 1.0 * unit))
        painter.setBrush(QColor(fill))
        painter.drawRect(QRectF(centre.x() - 8 * unit, centre.y() - 5.5 * unit, 16 * unit,
                                11 * unit))
    return draw


def _moved_drawer(painter: QPainter, centre: QPointF, unit: float) -> None:
    painter.setPen(QPen(QColor(style.SYMBOL_OUTLINE), 1.0 * unit))
    painter.setBrush(QColor(style.HIGHLIGHT_COLOUR))
    painter.drawEllipse(centre, 6.5 * unit, 6.5 * unit)
    style.draw_need_symbol(painter, centre, False, unit)


def _line_drawer(painter: QPainter, centre: QPointF, unit: float) -> None:
    painter.setPen(QPen(QColor(60, 60, 60, 200), 1.2 * unit))
    painter.drawLine(QLineF(centre.x() - 10 * unit, centre.y() + 4 * unit,
                            centre.x() + 10 * unit, centre.y() - 4 * unit))


def draw_legend(painter: QPainter, rect: QRectF, prepared: PreparedContent, unit: float = 1.0,
                font: QFont | None = None, corner: str = "top-right") -> QRectF:
    """The legend box in a corner of ``rect`` (``"top-right"`` or ``"top-left"``).

    Lists only what is shown. Returns the rectangle it covers (empty if nothing to show).
    """
    entries = legend_entries(prepared)
    if not entries:
        return QRectF()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = QFont(font or painter.font())
    bold = QFont(font)
    bold.setBold(True)
    metrics = QFontMetricsF(font, painter.device())
    bold_metrics = QFontMetricsF(bold, painter.device())
    symbol_w = 26 * unit
    row_h = max(metrics.height() + 3 * unit, 22 * unit)
    pad = 8 * unit
    text_w = max((bold_metrics if e.header else metrics).horizontalAdvance(e.label)
                 for e in entries)
    width = pad * 2 + symbol_w + 6 * unit + text_w
    height = pad * 2 + sum(row_h if not e.header else metrics.height() + 6 * unit
                           for e in entries)
    margin = 10 * unit
    x = rect.right() - margin - width if corner == "top-right" else rect.left() + margin
    box = QRectF(x, rect.top() + margin, width, height)
    painter.setPen(QPen(QColor(0, 0, 0, 60), 1.0 * unit))
    painter.setBrush(QColor(255, 255, 255, 225))
    painter.drawRoundedRect(box, 4 * unit, 4 * unit)
    y = box.top() + pad
    for entry in entries:
        if entry.header:
            h = metrics.height() + 6 * unit
            painter.setFont(bold)
            painter.setPen(QColor("#202020"))
            painter.drawText(QRectF(box.left() + pad, y, width - 2 * pad, h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             entry.label)
            y += h
            continue
        centre = QPointF(box.left() + pad + symbol_w / 2, y + row_h / 2)
        painter.save()
        entry.draw(painter, centre, unit)
        painter.restore()
        painter.setFont(font)
        painter.setPen(QColor("#202020"))
        painter.drawText(QRectF(box.left() + pad + symbol_w + 6 * unit, y, text_w + 2 * unit,
                                row_h),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, entry.label)
        y += row_h
    painter.restore()
    return box


def draw_attribution(painter: QPainter, rect: QRectF, text: str, unit: float = 1.0,
                     font: QFont | None = None) -> QRectF:
    """The basemap's copyright line at the bottom right (required by tile providers)."""
    if not text:
        return QRectF()
    painter.save()
    font = QFont(font or painter.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * 0.85)
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    w = metrics.horizontalAdvance(text) + 8 * unit
    h = metrics.height() + 4 * unit
    box = QRectF(rect.right() - w, rect.bottom() - h, w, h)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 200))
    painter.drawRect(box)
    painter.setPen(QColor("#202020"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
    return box


def draw_overlays(painter: QPainter, frame: MapFrame, prepared: PreparedContent,
                  options: RenderOptions, unit: float) -> None:
    """Scale bar, north arrow, legend and attribution, as the options ask."""
    font = _overlay_font(painter, options)
    if options.north_arrow:
        draw_north_arrow(painter, frame.rect, unit, font)
    if options.scale_bar:
        draw_scale_bar(painter, frame, None, unit, font)
    if options.legend:
        draw_legend(painter, frame.rect, prepared, unit, _overlay_font(painter, options, 0.9))
    if options.attribution:
        draw_attribution(painter, frame.rect, options.attribution, unit, font)


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
    draw_overlays(painter, frame, prepared, options, unit)
    painter.restore()
    return frame


def padded_extent(extent: Extent | None, fraction: float = 0.05,
                  minimum_m: float = 2000.0) -> Extent:
    """``extent`` grown by ``fraction`` each side (and to at least ``minimum_m`` across)."""
    if extent is None:
        # England and Wales, so an empty project still shows a sensible frame
        return (130_000.0, 0.0, 660_000.0, 660_000.0)
    xmin, ymin, xmax, ymax = extent
    w = max(xmax - xmin, minimum_m)
    h = max(ymax - ymin, minimum_m)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    w *= 1 + 2 * fraction
    h *= 1 + 2 * fraction
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def extent_of(points: Sequence[tuple[float, float]]) -> Extent | None:
    if not points:
        return None
    a = np.asarray(points, dtype=float)
    return (a[:, 0].min(), a[:, 1].min(), a[:, 0].max(), a[:, 1].max())
