"""Moving the map to what matters: Zoom to all, Zoom to selection, and following a selection.

The rules of what must be seen are in :mod:`estates_planner.render.map.fit` (Qt widgets
free, tested on their own); this module measures the widget's overlays and applies the fit.
A selection made elsewhere (table, inspector, provider view, compare dialog, unplaced list,
Find) pans the map, and zooms out only if it must, so that the item, its allocation line and
its service users' point are in view and clear of the legend, scale bar and north arrow.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF

from estates_planner.render.map.content import NEEDS, SITES
from estates_planner.render.map.fit import ViewFit, fit_view, focus_points, points_clear

SITE_REACH_PX = 22.0  # half the widest site symbol (women-only, 30+ desks: 21 px) plus a pixel
NEED_REACH_PX = 6.0
FREE_MARGIN_PX = 6.0
SINGLE_SITE_SPAN_M = 3000.0  # one site alone: at least 3 km across, with its neighbours
SINGLE_SITE_NEIGHBOURS = 4


def free_rect(view) -> QRectF:
    """The viewport less the legend's column on the right (when the legend leaves room)."""
    rect = QRectF(view.viewport().rect())
    legend = view.overlay_rects().get("legend")
    if legend is not None and not legend.isEmpty() and legend.left() > rect.width() * 0.5:
        rect.setRight(legend.left() - FREE_MARGIN_PX)
    return rect.adjusted(FREE_MARGIN_PX, FREE_MARGIN_PX, -FREE_MARGIN_PX, -FREE_MARGIN_PX)


def _reach(view, is_site: np.ndarray) -> np.ndarray:
    content = view.content()
    reach = np.where(is_site, SITE_REACH_PX, NEED_REACH_PX)
    hidden = (is_site & (not content.is_visible(SITES))) | \
        (~is_site & (not content.is_visible(NEEDS)))
    return np.where(hidden, 0.5, reach)  # hidden layers: in view, may touch an overlay


def _apply(view, fit: ViewFit | None) -> None:
    if fit is not None:
        view.apply_fit(fit.px_per_m, fit.centre_x_m, fit.centre_y_m)


def zoom_to_all(view) -> None:
    """Fit every site and need (and the project's layers) clear of the overlays."""
    prepared = view.prepared()
    xy = np.vstack([prepared.site_xy.reshape(-1, 2), prepared.need_xy.reshape(-1, 2)])
    is_site = np.r_[np.ones(len(prepared.site_xy), bool), np.zeros(len(prepared.need_xy), bool)]
    reach = _reach(view, is_site)
    extent = prepared.data_extent()
    if extent is None:
        return
    x0, y0, x1, y1 = extent
    corners = np.array([[x0, y0], [x1, y1]])  # layers and catchment: in view, anywhere
    xy = np.vstack([xy, corners])
    reach = np.r_[reach, 0.0, 0.0]
    _apply(view, fit_view(xy, reach, QRectF(view.viewport().rect()), free_rect(view),
                          list(view.overlay_rects().values()), view.MAX_PX_PER_M,
                          view.MIN_PX_PER_M, min_span_m=1000.0))


def zoom_to_selection(view) -> bool:
    """Fit the selection with its lines' other ends (and, one site alone, its neighbours)."""
    content = view.content()
    xy, is_site = focus_points(view.prepared(), content.selected_site_ids,
                               content.selected_need_ids, SINGLE_SITE_NEIGHBOURS)
    if not len(xy):
        return False
    _apply(view, fit_view(xy, _reach(view, is_site), QRectF(view.viewport().rect()),
                          free_rect(view), list(view.overlay_rects().values()),
                          view.MAX_PX_PER_M, view.MIN_PX_PER_M,
                          min_span_m=SINGLE_SITE_SPAN_M))
    return True


def reveal(view, site_ids, need_ids, site_needs: bool = True) -> bool:
    """Pan (and zoom out if needed, never in) so the items and their lines' ends are in view.

    ``site_needs=False`` leaves out the service users of the sites (a provider's options).
    Returns True when the map moved.
    """
    xy, is_site = focus_points(view.prepared(), site_ids, need_ids, site_needs=site_needs)
    if not len(xy):
        return False
    reach = _reach(view, is_site)
    obstacles = list(view.overlay_rects().values())
    if points_clear(xy, reach, view.frame(), obstacles):
        return False
    _apply(view, fit_view(xy, reach, QRectF(view.viewport().rect()), free_rect(view),
                          obstacles, view.px_per_m(), view.MIN_PX_PER_M))
    return True
