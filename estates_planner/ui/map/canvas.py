"""The interactive map: ``MapView``, a QGraphicsView whose scene coordinates are BNG metres.

The view transform flips y (``scale(s, -s)``) so north is up and ``mapToScene`` gives eastings
and northings directly. Nothing is a QGraphicsItem: with 10,000 sites, items (and items that
ignore transformations in particular) are slow to index and to hit-test. Instead, following
QGIS's canvas, the static layers are rendered by :mod:`estates_planner.render.map` into a
cached image that is redrawn only when the view or the content changes; the selection, scale
bar, north arrow and legend are painted on top of it in viewport coordinates; and clicks are
hit-tested with shapely STRtrees in map units. While the user drags or wheels and a full
redraw is slow, the cached image is shown moved and scaled, and redrawn once the view is idle.
"""

from __future__ import annotations

import dataclasses
import math
import time

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QTransform
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsView,
    QRubberBand,
    QWidget,
)

import estates_planner.render.map as map_render
from estates_planner.render.map import (
    BASEMAP,
    SITES,
    MapContent,
    need_tooltip,
    site_tooltip,
    style,
)
from estates_planner.render.map.clusters import MOST_SPREAD, Cluster, hit_layout
from estates_planner.ui.map import selection_focus
from estates_planner.ui.map.basemap import TileLayer
from estates_planner.ui.map.canvas_input import ZOOM_STEP, MapInputMixin
from estates_planner.ui.map.canvas_overlays import CanvasOverlays
from estates_planner.ui.map.legend_button import LegendButton

MIN_PX_PER_M = 1 / 2000.0  # 2 km a pixel: all of Great Britain in a small window
MAX_PX_PER_M = 20.0  # 5 cm a pixel
SCENE_RECT = QRectF(-1_000_000, -1_000_000, 3_500_000, 3_500_000)  # BNG with a wide margin
IDLE_REDRAW_MS = 120
SLOW_FRAME_MS = 20.0  # full redraws slower than this are deferred while the user interacts



class MapView(MapInputMixin, QGraphicsView):
    """The map of sites, needs, allocation lines and polygon layers.

    Signals
    -------
    selectionChanged(site_ids: list, need_ids: list)
        The user changed the selection (click or rubber band); not emitted by :meth:`select`.
    siteContextMenuRequested(site_id: str, global_pos: QPoint)
    needContextMenuRequested(need_id: str, global_pos: QPoint)
    needDroppedOnSite(need_id: str, site_id: str)
        A drag carrying ``application/x-estates-need-id`` was dropped on a site.
    extentChanged()
        The visible area changed (pan, zoom, resize).
    statusMessage(str)
        A short note for the status bar (e.g. basemap offline).
    """

    tile_cache_dir: str | None = None  # None: the user's cache folder (tests set a temp dir)

    selectionChanged = Signal(list, list)
    siteContextMenuRequested = Signal(str, QPoint)
    needContextMenuRequested = Signal(str, QPoint)
    needDroppedOnSite = Signal(str, str)
    extentChanged = Signal()
    statusMessage = Signal(str)
    legendExpandedChanged = Signal(bool)

    MIN_PX_PER_M = MIN_PX_PER_M
    MAX_PX_PER_M = MAX_PX_PER_M

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        self._scene.setSceneRect(SCENE_RECT)
        self.setScene(self._scene)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self.setAccessibleName("Map of sites and service needs")
        self.setAccessibleDescription(
            "Sites: squares are authority offices, circles provider-owned, triangles market "
            "property; a diamond outline marks women-only sites; crossed grey sites are closed. "
            "Dots are service users' locations. Arrow keys pan, plus and minus zoom, Home shows "
            "everything, Escape clears the selection. Click to select, Shift or Ctrl to add; "
            "drag to pan, Shift-drag to select an area.")
        self.setToolTip("")

        self._content = MapContent()
        self._prepared = map_render.PreparedContent(self._content)
        self._layers_key: tuple = ()
        self._visibility: dict[str, bool] = {}
        self._state = map_render.DrawState()
        self._cache: QImage | None = None
        self._cache_key: tuple | None = None
        self._cache_frame: map_render.MapFrame | None = None
        self._version = 0
        self.progressive = True  # defer slow redraws while the user drags or wheels
        self.last_render_ms = 0.0
        self._interacting_until = 0.0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_REDRAW_MS)
        self._idle.timeout.connect(self._on_idle)
        self._fit_all = False  # refit everything on resize until the user moves the map
        self._fitted_once = False
        self._press: QPointF | None = None
        self._press_mods = Qt.KeyboardModifier.NoModifier
        self._drag_mode: str | None = None  # "pan" or "band"
        self._last_pos = QPointF()
        self._band = QRubberBand(QRubberBand.Shape.Rectangle, self.viewport())
        self._tiles: TileLayer | None = None
        self.legend_visible = True
        self.legend_button = LegendButton(self.viewport())
        self.legend_button.toggled.connect(self.set_legend_expanded)
        self.legend_button.place()
        self._overlays = CanvasOverlays(self)
        self.setTransform(QTransform.fromScale(1 / 500, -1 / 500))

    # ------------------------------------------------------------------ content
    def set_content(self, content: MapContent) -> None:
        """Show ``content``; keeps the view and the layer visibility the user chose."""
        old = self._content
        self._visibility = {**self._visibility, **content.layer_visibility}
        content = dataclasses.replace(content, layer_visibility=dict(self._visibility))
        same_data = (old.dataset is content.dataset and old.result is content.result
                     and old.contract is content.contract
                     and old.scenario is content.scenario
                     and self._layers_key == _layers_key(content.layers)
                     and old.highlighted_need_ids == content.highlighted_need_ids
                     and old.catchment is content.catchment)
        self._content = content
        if same_data:
            self._prepared.content = content
        else:
            self._prepared = map_render.PreparedContent(content)
            self._layers_key = _layers_key(content.layers)
        self._invalidate()
        # a different set of sites (first content, another project, an import) is shown whole;
        # a new plan or scenario of the same data keeps the user's view
        new_sites = (old.dataset is not content.dataset
                     and _site_ids(old.dataset) != _site_ids(content.dataset))
        if (new_sites or not self._fitted_once) and self._prepared.data_extent() is not None:
            self._fitted_once = True
            self.zoom_to_all()

    def content(self) -> MapContent:
        return self._content

    def prepared(self) -> map_render.PreparedContent:
        return self._prepared

    def layer_names(self) -> list[str]:
        """Names for :meth:`set_layer_visible`, top of the drawing order first."""
        return self._content.layer_names()

    def set_layer_visible(self, name: str, visible: bool) -> None:
        self._visibility[name] = bool(visible)
        self._content = dataclasses.replace(self._content,
                                            layer_visibility=dict(self._visibility))
        self._prepared.content = self._content
        self._invalidate()

    def is_layer_visible(self, name: str) -> bool:
        if name == BASEMAP:
            return self._tiles is not None and self._tiles.template is not None and \
                self._content.is_visible(BASEMAP)
        return self._content.is_visible(name)

    def set_legend_visible(self, visible: bool) -> None:
        """Show the legend and its button, or neither (View menu)."""
        self.legend_visible = bool(visible)
        self.legend_button.setVisible(self.legend_visible)
        self._overlays.invalidate()
        self.viewport().update()

    @property
    def legend_expanded(self) -> bool:
        return self.legend_button.isChecked()

    def set_legend_expanded(self, expanded: bool) -> None:
        """Unfold the legend under its button, or fold it to the button alone."""
        if self.legend_button.isChecked() != bool(expanded):
            self.legend_button.setChecked(bool(expanded))  # comes back here through toggled
            return
        self._overlays.invalidate()
        self.viewport().update()
        self.legendExpandedChanged.emit(bool(expanded))

    # ------------------------------------------------------------------ basemap
    def set_basemap(self, url_template: str | None, attribution: str = "") -> None:
        """Show XYZ tiles from ``url_template`` under the map, or switch them off (None)."""
        if url_template and self._tiles is None:
            self._tiles = TileLayer(self, cache_dir=self.tile_cache_dir)
            self._tiles.tilesChanged.connect(self._on_tiles_changed)
            self._tiles.statusMessage.connect(self.statusMessage)
        if self._tiles is not None:
            self._tiles.set_source(url_template, attribution)
        self._invalidate()

    def basemap(self) -> TileLayer | None:
        return self._tiles

    def _on_tiles_changed(self) -> None:
        self.viewport().update()

    # ------------------------------------------------------------------ selection
    def select(self, site_ids, need_ids) -> None:
        """Show this selection (from another view); emits nothing, to avoid loops."""
        self._set_selection(set(site_ids), set(need_ids), emit=False)

    def selected(self) -> tuple[list[str], list[str]]:
        return sorted(self._content.selected_site_ids), sorted(self._content.selected_need_ids)

    def _set_selection(self, site_ids: set[str], need_ids: set[str], emit: bool) -> None:
        site_ids = {s for s in site_ids if s in self._prepared.site_index}
        need_ids = {n for n in need_ids if n in self._prepared.need_index}
        changed = (site_ids != set(self._content.selected_site_ids)
                   or need_ids != set(self._content.selected_need_ids))
        self._content = dataclasses.replace(self._content,
                                            selected_site_ids=frozenset(site_ids),
                                            selected_need_ids=frozenset(need_ids))
        self._prepared.content = self._content
        self.viewport().update()
        if emit and changed:
            self.selectionChanged.emit(sorted(site_ids), sorted(need_ids))

    # ------------------------------------------------------------------ extent
    def frame(self) -> map_render.MapFrame:
        """The current mapping from BNG to viewport pixels."""
        size = self.viewport().size()
        rect = QRectF(0, 0, max(size.width(), 1), max(size.height(), 1))
        inverse, _ok = self.viewportTransform().inverted()
        box = inverse.mapRect(rect)
        extent = (box.left(), box.top(), box.right(), box.bottom())
        return map_render.MapFrame(extent, rect, abs(self.transform().m11()))

    def visible_extent(self) -> map_render.Extent:
        return self.frame().extent

    def px_per_m(self) -> float:
        return abs(self.transform().m11())

    def set_extent(self, extent: map_render.Extent) -> None:
        """Show ``extent`` (BNG metres) as large as fits."""
        size = self.viewport().size()
        w, h = max(size.width(), 1), max(size.height(), 1)
        xmin, ymin, xmax, ymax = extent
        scale = min(w / max(xmax - xmin, 1e-6), h / max(ymax - ymin, 1e-6))
        self._set_scale(scale)
        self.centerOn(QPointF((xmin + xmax) / 2, (ymin + ymax) / 2))
        self._fit_all = False
        self._view_changed(interactive=False)

    def zoom_to_all(self) -> None:
        """Fit all sites, needs and layers clear of the overlays; refits when resized until
        the user moves the map."""
        selection_focus.zoom_to_all(self)
        self._fit_all = True

    def legend_width_px(self) -> float:
        """Width the legend overlay takes at the top right (0 when hidden)."""
        legend = self.overlay_rects().get("legend")
        return 0.0 if legend is None else legend.width() + 6.0

    def overlay_rects(self) -> dict[str, QRectF]:
        """Viewport rectangles of the north arrow, scale bar and legend (what data must clear)."""
        return self._overlays.rects()

    @property
    def placed_labels(self) -> list:
        """The labels of the last paint (tests and benchmarks read them)."""
        return self._overlays.placed_labels

    def apply_fit(self, px_per_m: float, centre_x_m: float, centre_y_m: float) -> None:
        """Show the map at ``px_per_m`` centred on (``centre_x_m``, ``centre_y_m``)."""
        self._set_scale(px_per_m)
        self.centerOn(QPointF(centre_x_m, centre_y_m))
        self._fit_all = False
        self._view_changed(interactive=False)

    def _refit_all(self) -> None:
        if self._fit_all:
            self.zoom_to_all()

    def zoom_to_selection(self) -> None:
        """Fit the selection, its lines' other ends and (one site alone) its neighbours."""
        selection_focus.zoom_to_selection(self)

    def reveal(self, site_ids, need_ids, site_needs: bool = True) -> bool:
        """Pan, and zoom out if needed, so these items and their lines' ends are in view
        (a site's service users too, unless ``site_needs`` is False)."""
        moved = selection_focus.reveal(self, site_ids, need_ids, site_needs)
        if moved:
            self._fit_all = False
        return moved

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the map point under ``anchor`` (viewport px) still."""
        anchor = anchor if anchor is not None else QPointF(self.viewport().rect().center())
        middle = QPointF(self.viewport().width() / 2, self.viewport().height() / 2)
        before = self._to_scene(anchor)
        self._set_scale(self.px_per_m() * factor)
        # centre the view so that the map point that was under the anchor is there again
        offset = self._to_scene(anchor) - self._to_scene(middle)
        self.centerOn(before - offset)
        self._fit_all = False
        self._view_changed(interactive=True)

    def pan_by(self, dx_px: float, dy_px: float) -> None:
        """Move the map by (dx, dy) viewport pixels (the map follows the pointer)."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() - round(dx_px))
        v.setValue(v.value() - round(dy_px))
        self._fit_all = False
        self._view_changed(interactive=True)

    def _to_scene(self, p: QPointF) -> QPointF:
        inverse, _ok = self.viewportTransform().inverted()
        return inverse.map(p)

    def _set_scale(self, px_per_m: float) -> None:
        s = min(max(px_per_m, MIN_PX_PER_M), MAX_PX_PER_M)
        self.setTransform(QTransform.fromScale(s, -s))

    def _view_changed(self, interactive: bool) -> None:
        if interactive:
            self._interacting_until = time.monotonic() + IDLE_REDRAW_MS / 1000
        self.viewport().update()
        self.extentChanged.emit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.legend_button.place()
        if self._fit_all:
            self.zoom_to_all()
        else:
            self._view_changed(interactive=False)

    # ------------------------------------------------------------------ painting
    def _invalidate(self) -> None:
        self._version += 1
        self.viewport().update()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        frame = self.frame()
        painter.save()
        painter.resetTransform()
        painter.fillRect(frame.rect, QColor(style.BACKGROUND))
        if self.is_layer_visible(BASEMAP):
            self._tiles.draw(painter, frame)
        self._draw_cached(painter, frame)
        painter.restore()

    def _draw_cached(self, painter: QPainter, frame: map_render.MapFrame) -> None:
        dpr = self.viewport().devicePixelRatioF()
        key = (tuple(round(v, 3) for v in frame.extent), frame.rect.width(),
               frame.rect.height(), dpr, self._version)
        if key != self._cache_key:
            deferring = (self.progressive and self._cache is not None
                         and self.last_render_ms > SLOW_FRAME_MS
                         and time.monotonic() < self._interacting_until)
            if deferring:
                # show the last picture moved and scaled; redraw properly once idle
                old = self._cache_frame
                top_left = frame.point_to_px(old.extent[0], old.extent[3])
                bottom_right = frame.point_to_px(old.extent[2], old.extent[1])
                painter.drawImage(QRectF(top_left, bottom_right), self._cache)
                self._idle.start()
                return
            self._render_cache(frame, dpr, key)
        painter.drawImage(QPointF(0, 0), self._cache)

    def _render_cache(self, frame: map_render.MapFrame, dpr: float, key: tuple) -> None:
        started = time.perf_counter()
        size = QSize(math.ceil(frame.rect.width() * dpr), math.ceil(frame.rect.height() * dpr))
        if self._cache is None or self._cache.size() != size:
            self._cache = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        self._cache.setDevicePixelRatio(dpr)
        self._cache.fill(Qt.GlobalColor.transparent)
        painter = QPainter(self._cache)
        options = map_render.RenderOptions(unit=1.0, basemap=self._tiles
                                       if self.is_layer_visible(BASEMAP) else None)
        self._state = map_render.draw_static(painter, frame, self._prepared, options)
        painter.end()
        self._cache_key = key
        self._cache_frame = frame
        self.last_render_ms = (time.perf_counter() - started) * 1000

    def _on_idle(self) -> None:
        self._interacting_until = 0.0
        self.viewport().update()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        frame = self.frame()
        painter.save()
        painter.resetTransform()
        map_render.draw_highlights(painter, frame, self._prepared, self._state, 1.0)
        boxes = [map_render.draw_scale_bar(painter, frame, None, 1.0, painter.font())]
        if self.is_layer_visible(BASEMAP):
            boxes.append(map_render.draw_attribution(painter, frame.rect,
                                                     self._tiles.attribution, 1.0,
                                                     painter.font()))
        self._overlays.draw_fixed(painter, frame)
        self._overlays.draw_labels(painter, frame, boxes)
        painter.restore()

    def grab_image(self) -> QImage:
        """The map as shown (static layers, selection and overlays) as a QImage."""
        return self.viewport().grab().toImage()

    # ------------------------------------------------------------------ hit testing
    def item_at(self, pos: QPointF) -> tuple[str, str] | None:
        """("site", id) or ("need", id) under viewport position ``pos``; sites win ties.

        Sites are hit where they are drawn (spread round their place, or as a cluster);
        a cluster gives ("cluster", Cluster).
        """
        frame = self.frame()
        x, y = frame.px_to_map(pos.x(), pos.y())
        drawn = self._cache_frame
        if drawn is not None and self._cache_key is not None \
                and self._cache_key[-1] == self._version:
            if self._content.is_visible(SITES):
                p = drawn.point_to_px(x, y)
                hit = hit_layout(self._state.layout, self._prepared, p.x(), p.y(),
                                 self._state.lod)
                if hit is not None:
                    return hit
            return map_render.item_at(self._prepared, x, y, frame.m_per_px, self._state.lod,
                                      sites=False)
        return map_render.item_at(self._prepared, x, y, frame.m_per_px, self._state.lod)

    def open_cluster(self, cluster: Cluster) -> None:
        """Spread a small cluster's sites round their place; zoom into a large one."""
        if cluster.count <= MOST_SPREAD:
            ids = frozenset(self._prepared.site_ids[int(r)] for r in cluster.rows)
            self._content = dataclasses.replace(self._content, spread_site_ids=ids)
            self._prepared.content = self._content
            self._invalidate()
        else:
            self.zoom_by(3.0, QPointF(cluster.x_px, cluster.y_px))

    def items_in_rect(self, rect: QRectF) -> tuple[list[str], list[str]]:
        """Site and need ids whose points lie inside viewport rectangle ``rect``."""
        frame = self.frame()
        x0, y0 = frame.px_to_map(rect.left(), rect.bottom())
        x1, y1 = frame.px_to_map(rect.right(), rect.top())
        return map_render.items_in_box(self._prepared, x0, y0, x1, y1)

    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip text for viewport position ``pos`` ("" over empty map)."""
        hit = self.item_at(pos)
        if hit is None or self._content.dataset is None:
            return ""
        kind, item_id = hit
        if kind == "cluster":
            names = sorted(self._content.dataset.sites[int(r)].name for r in item_id.rows)
            more = f"\n… and {len(names) - 8} more" if len(names) > 8 else ""
            return (f"{item_id.count} sites here (click to spread them out):\n"
                    + "\n".join(names[:8]) + more)
        if kind == "site":
            return site_tooltip(self._content, item_id)
        return need_tooltip(self._content, item_id)

def _layers_key(layers) -> tuple:
    # the same dict may come back with a layer added or replaced in place
    return tuple((name, id(frame)) for name, frame in layers.items())


def _site_ids(dataset) -> tuple[str, ...]:
    return tuple(s.site_id for s in dataset.sites) if dataset is not None else ()
