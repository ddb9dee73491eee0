"""Draw the map's layers: polygons, catchment, allocation lines, needs, sites, selection.

The canvas calls :func:`draw_static` into its cached image and :func:`draw_highlights` on top;
:func:`estates_planner.render.map.render.render_map` calls both. Symbols come from a cache of
small images drawn in one ``drawPixmapFragments`` call per style, lines in one ``drawLines``
call, and crowded views shrink their symbols (level of detail). On devices that are not raster
images (PDF, SVG) every symbol is drawn as vectors instead, so prints stay sharp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shiboken6
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QThread
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)

import estates_planner.render.map.style as style
from estates_planner.render.map.clusters import SiteLayout, layout_sites
from estates_planner.render.map.content import (
    CATCHMENT,
    COASTLINE,
    LINES,
    NEEDS,
    SITES,
    MapContent,
)
from estates_planner.render.map.frame import (
    MapFrame,
    RenderOptions,
    device_pixel_ratio,
    device_unit,
    is_raster,
    transparent_image,
)
from estates_planner.render.map.prepared import PreparedContent


def _in_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


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
    layout: SiteLayout = field(default_factory=SiteLayout)
    extra: dict = field(default_factory=dict)


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
        vector = not is_raster(painter)
    dpr = device_pixel_ratio(painter)
    gui = _in_gui_thread()
    rect = frame.rect
    painter.save()
    painter.setClipRect(rect)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    # the offline coastline under everything the project brings
    if content.base_layer is not None and content.is_visible(COASTLINE):
        content.base_layer.draw(painter, frame, unit, clip=vector)

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
        layout = layout_sites(prepared, frame, unit)
        state.layout = layout
        state.visible_sites = len(layout.order) + len(layout.clusters)
        lod = 1.0 if vector else level_of_detail(state.visible_sites, rect, unit)
        state.lod = lod
        _draw_site_halos(painter, content, prepared, site_px, rect, lod, unit, layout)
        _draw_spread_leaders(painter, layout, unit)
        sorted_px = np.empty((len(prepared.draw_order), 2))
        sorted_px[layout.order] = layout.xy_px
        on = np.zeros(len(prepared.draw_order), dtype=bool)
        on[layout.order] = True
        if not vector and gui:
            # every site in one call, each fragment cut from the style's cell of an atlas
            pixmap, cells = prepared.atlas(dpr, lod)
            rows = layout.order
            fragments = np.zeros((len(rows), 10))
            fragments[:, 0:2] = layout.xy_px
            fragments[:, 2:6] = cells[prepared.sorted_style[rows]]
            fragments[:, 6:8] = 1.0 / dpr
            fragments[:, 9] = 1.0
            if len(rows):
                pointer = shiboken6.wrapInstance(fragments.ctypes.data,
                                                 QPainter.PixmapFragment)
                painter.drawPixmapFragments(pointer, len(rows), pixmap)
                del pointer
        else:
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
                           site_style.size_class, site_style.fill_class, site_style.closed,
                           dpr, lod)
                    _blit(painter, points, key,
                          lambda st=site_style: style.site_symbol_image(st, dpr, lod), dpr,
                          gui)
        draw_clusters(painter, layout, options.font, unit)
    painter.restore()
    from estates_planner.render.map.stability import draw_stability
    draw_stability(painter, frame, prepared, state)
    return state


def _draw_spread_leaders(painter: QPainter, layout: SiteLayout, unit: float) -> None:
    """Thin lines from each spread symbol back to where its site is, and a dot there."""
    if not layout.spread.any():
        return
    segments = np.stack([layout.anchor_px[layout.spread], layout.xy_px[layout.spread]], axis=1)
    painter.setPen(QPen(QColor(style.SPREAD_LEADER), 1.0 * unit))
    draw_lines(painter, segments)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(style.SPREAD_LEADER))
    for x, y in np.unique(np.round(layout.anchor_px[layout.spread], 1), axis=0).tolist():
        painter.drawEllipse(QPointF(x, y), 2.0 * unit, 2.0 * unit)


def draw_clusters(painter: QPainter, layout: SiteLayout, font: QFont | None,
                  unit: float) -> None:
    """Each cluster as a light disc with a dark ring and its count.

    The count is drawn as a path, not text, so that a PDF's text (searched, copied, read
    aloud) holds the report's words and not stray numbers from its maps.
    """
    if not layout.clusters:
        return
    painter.save()
    device = painter.device()
    base = QFont(font or painter.font())
    base.setBold(True)
    fonts = {}
    for small in (False, True):
        f = QFont(base)
        if small and f.pointSizeF() > 0:
            f.setPointSizeF(f.pointSizeF() * 0.85)
        fonts[small] = QFont(f, device) if device is not None else f
    metrics = {k: QFontMetricsF(f) for k, f in fonts.items()}
    raster = is_raster(painter)
    dpr = device_pixel_ratio(painter)
    for cluster in layout.clusters:
        text = str(cluster.count)
        small = len(text) > 2
        r = cluster.radius_px
        if raster:  # one cached image per count and size: counts as paths are slow
            image = _cluster_image(text, round(r, 1), fonts[small].toString(), dpr, unit)
            half = image.width() / dpr / 2
            painter.drawImage(QPointF(cluster.x_px - half, cluster.y_px - half), image)
            continue
        _draw_cluster(painter, QPointF(cluster.x_px, cluster.y_px), r, text, fonts[small],
                      metrics[small], unit)
    painter.restore()


def _draw_cluster(painter: QPainter, centre: QPointF, r: float, text: str, font: QFont,
                  metrics: QFontMetricsF, unit: float) -> None:
    painter.setPen(QPen(QColor(style.CLUSTER_OUTLINE), 1.5 * unit))
    painter.setBrush(QColor(style.CLUSTER_FILL))
    painter.drawEllipse(centre, r, r)
    path = QPainterPath()
    path.addText(QPointF(centre.x() - metrics.horizontalAdvance(text) / 2,
                         centre.y() + (metrics.ascent() - metrics.descent()) / 2), font, text)
    painter.fillPath(path, QColor(style.CLUSTER_TEXT))


@lru_cache(maxsize=1024)
def _cluster_image(text: str, radius: float, font_text: str, dpr: float, unit: float) -> QImage:
    font = QFont()
    font.fromString(font_text)
    side = 2 * radius + 4 * unit
    image = transparent_image(side, side, dpr)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _draw_cluster(painter, QPointF(image.width() / dpr / 2, image.height() / dpr / 2), radius,
                  text, font, QFontMetricsF(font), unit)
    painter.end()
    return image


def _draw_site_halos(painter: QPainter, content: MapContent, prepared: PreparedContent,
                     site_px: np.ndarray, rect: QRectF, lod: float, unit: float,
                     layout: SiteLayout) -> None:
    """A highlight disc under each of ``content.highlighted_site_ids`` (e.g. the old and new
    sites of needs that move between two compared plans), as moved needs get one."""
    rows = [prepared.site_index[s] for s in content.highlighted_site_ids
            if s in prepared.site_index]
    if not rows:
        return
    px = layout.drawn_px(prepared, rows, site_px[rows])
    radii = prepared.site_radius[rows] * lod
    on = _visible(px, rect, 30 * unit)
    painter.setPen(QPen(QColor(style.SYMBOL_OUTLINE), 1.0 * unit))
    painter.setBrush(QColor(style.HIGHLIGHT_COLOUR))
    for (x, y), r in zip(px[on].tolist(), radii[on].tolist(), strict=True):
        painter.drawEllipse(QPointF(x, y), (r + 5) * unit, (r + 5) * unit)


def _dedupe(points: np.ndarray) -> np.ndarray:
    """Drop points that land on the same device pixel as another (same symbol)."""
    if len(points) < 2000:
        return points
    cells = np.round(points).astype(np.int64)
    _, first = np.unique(cells[:, 0] * 1_000_003 + cells[:, 1], return_index=True)
    return points[np.sort(first)]


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
    if content.is_visible(LINES) and len(prepared.link_need):
        sel_sites = np.zeros(len(prepared.site_ids), dtype=bool)
        sel_sites[site_rows] = True
        sel_needs = np.zeros(len(prepared.need_ids), dtype=bool)
        sel_needs[need_rows] = True
        keep = sel_sites[prepared.link_site] | sel_needs[prepared.link_need]
        if keep.any():
            segments = prepared.link_xy[keep]
            px = frame.to_px(segments.reshape(-1, 2)).reshape(-1, 2, 2)
            pen = QPen(style.SELECTED_LINE_COLOUR, 2.0 * unit)
            pen.setCosmetic(True)
            painter.setPen(pen)
            draw_lines(painter, px)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if site_rows and content.is_visible(SITES):
        px = state.layout.drawn_px(prepared, site_rows,
                                   frame.to_px(prepared.site_xy[site_rows]))
        radii = prepared.site_radius[site_rows] * lod
        for row, (x, y), r in zip(site_rows, px.tolist(), radii.tolist(), strict=True):
            # drawn again on top: a selected site inside a cluster shows itself
            site_style = prepared.styles[int(prepared.site_style[row])]
            style.draw_site_symbol(painter, QPointF(x, y), site_style, unit * lod)
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
