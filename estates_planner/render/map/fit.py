"""Fitting data into the part of a map that its overlays leave free.

The legend, scale bar and north arrow are drawn over the map; a view that fits the data to
the whole widget puts Cornwall under the scale bar and Kent under the legend. :func:`fit_view`
finds the largest scale (up to a cap) at which every point's symbol box clears every overlay,
and :func:`focus_points` says which points a selection needs in view: the item, its allocation
line's other end (the site of a need, the service users' points of a site) and, for one site
alone, its nearest neighbours, so a zoom never shows only lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF

from estates_planner.render.map.prepared import PreparedContent

SHRINK = 0.9  # each try that hits an overlay zooms out by this much
MOST_TRIES = 60


@dataclass(frozen=True)
class ViewFit:
    """A scale (device px per metre) and the map point at the centre of the view."""

    px_per_m: float
    centre_x_m: float
    centre_y_m: float


def fit_view(points_m: np.ndarray, reach_px: np.ndarray, view: QRectF, free: QRectF,
             obstacles: list[QRectF], most_px_per_m: float, least_px_per_m: float = 0.0,
             min_span_m: float = 0.0) -> ViewFit | None:
    """The largest scale up to ``most_px_per_m`` at which every point's box lies in ``view``
    and clears ``obstacles``, with the points centred in ``free``.

    Parameters
    ----------
    points_m
        (n, 2) BNG metres.
    reach_px
        (n,) half-size of each point's symbol box in pixels (0: the point only has to be in
        view, e.g. the corners of a boundary layer's box).
    view, free
        The whole viewport and the part of it not under a column of overlays.
    min_span_m
        Show at least this many metres across the data (one site alone is not a 5 m view).
    """
    if not len(points_m):
        return None
    lo, hi = points_m.min(axis=0), points_m.max(axis=0)
    mid = (lo + hi) / 2
    span = np.maximum(hi - lo, min_span_m)
    span = np.maximum(span, 1e-6)
    reach_max = float(reach_px.max()) if len(reach_px) else 0.0
    room_w = max(free.width() - 2 * reach_max, free.width() * 0.2)
    room_h = max(free.height() - 2 * reach_max, free.height() * 0.2)
    scale = min(room_w / span[0], room_h / span[1], most_px_per_m)
    check = reach_px > 0
    boxes = [np.array([r.left(), r.top(), r.right(), r.bottom()]) for r in obstacles
             if r is not None and not r.isEmpty()]
    fx, fy = free.center().x(), free.center().y()
    for _ in range(MOST_TRIES):
        px = fx + (points_m[:, 0] - mid[0]) * scale
        py = fy - (points_m[:, 1] - mid[1]) * scale
        if _clear(px, py, reach_px, check, view, boxes) or scale <= least_px_per_m:
            break
        scale *= SHRINK
    scale = max(scale, least_px_per_m)
    vx, vy = view.center().x(), view.center().y()
    return ViewFit(scale, float(mid[0] + (vx - fx) / scale), float(mid[1] - (vy - fy) / scale))


def _clear(px, py, reach, check, view: QRectF, boxes) -> bool:
    inside = ((px - reach >= view.left()) & (px + reach <= view.right())
              & (py - reach >= view.top()) & (py + reach <= view.bottom()))
    if not inside.all():
        return False
    for x0, y0, x1, y1 in boxes:
        hit = check & (px + reach > x0) & (px - reach < x1) & (py + reach > y0) & \
            (py - reach < y1)
        if hit.any():
            return False
    return True


def points_clear(points_m: np.ndarray, reach_px: np.ndarray, frame, obstacles) -> bool:
    """True when every point's box is inside ``frame``'s rectangle and clear of obstacles."""
    if not len(points_m):
        return True
    px = frame.to_px(points_m)
    boxes = [np.array([r.left(), r.top(), r.right(), r.bottom()]) for r in obstacles
             if r is not None and not r.isEmpty()]
    return _clear(px[:, 0], px[:, 1], reach_px, reach_px > 0, frame.rect, boxes)


def focus_points(prepared: PreparedContent, site_ids, need_ids, neighbours: int = 0,
                 site_needs: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The points a selection needs in view, and which of them are sites.

    A need brings its service users' point and its plan's site; a site brings the service
    users' points of its needs (unless ``site_needs`` is False: sites picked out as options
    bring only themselves). ``neighbours`` nearest other sites are added when the selection
    is one site alone (Zoom to selection then shows the site among others).
    """
    site_rows = [prepared.site_index[s] for s in site_ids if s in prepared.site_index]
    need_rows = [prepared.need_index[n] for n in need_ids if n in prepared.need_index]
    sites = set(site_rows)
    needs = set(need_rows)
    for row in need_rows:
        if prepared.need_site[row] >= 0:
            sites.add(int(prepared.need_site[row]))
    if site_needs and site_rows and len(prepared.need_site):
        needs.update(np.flatnonzero(np.isin(prepared.need_site, site_rows)).tolist())
    if neighbours and len(site_rows) == 1 and not need_rows and len(prepared.site_xy) > 1:
        here = prepared.site_xy[site_rows[0]]
        d = np.hypot(*(prepared.site_xy - here).T)
        d[site_rows[0]] = np.inf
        sites.update(np.argsort(d)[:neighbours].tolist())
    site_list, need_list = sorted(sites), sorted(needs)
    xy = np.vstack([prepared.site_xy[site_list].reshape(-1, 2),
                    prepared.need_xy[need_list].reshape(-1, 2)])
    is_site = np.r_[np.ones(len(site_list), dtype=bool), np.zeros(len(need_list), dtype=bool)]
    return xy, is_site
