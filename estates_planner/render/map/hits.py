"""What lies under a point or inside a box of the map, in BNG metres (hit-testing).

Uses the same symbol sizes as the drawing (``PreparedContent.site_radius`` times the level
of detail the last drawing chose), so a click lands on what the user sees. No widget: the
canvas converts its viewport positions to metres and asks here.
"""

from __future__ import annotations

import numpy as np
import shapely

from estates_planner.render.map.content import NEEDS, SITES
from estates_planner.render.map.prepared import PreparedContent

SITE_SLACK_PX = 3.0  # a click this close to a site symbol's edge still picks it
NEED_REACH_PX = 5.0  # a need point is picked within this many pixels


def item_at(prepared: PreparedContent, x_m: float, y_m: float, m_per_px: float,
            lod: float = 1.0, sites: bool = True) -> tuple[str, str] | None:
    """("site", id) or ("need", id) at BNG point (``x_m``, ``y_m``); sites win ties.

    ``m_per_px`` is the map's scale and ``lod`` the symbol scale the drawing used.
    ``sites=False`` looks for needs only (the canvas hit-tests sites where its last drawing
    put them, see :func:`estates_planner.render.map.clusters.hit_layout`).
    """
    content = prepared.content
    if sites and len(prepared.site_ids) and content.is_visible(SITES):
        radius_px = prepared.site_radius * lod + SITE_SLACK_PX
        reach = float(radius_px.max()) * m_per_px
        rows = prepared.site_tree.query(shapely.box(x_m - reach, y_m - reach, x_m + reach,
                                                    y_m + reach))
        if len(rows):
            d = np.hypot(prepared.site_xy[rows, 0] - x_m,
                         prepared.site_xy[rows, 1] - y_m) / m_per_px
            inside = d <= radius_px[rows]
            if inside.any():
                # the smallest symbol is drawn on top, so it wins among those hit
                candidates = rows[inside]
                order = np.lexsort((d[inside], prepared.site_radius[candidates]))
                return ("site", prepared.site_ids[int(candidates[order[0]])])
    if len(prepared.need_ids) and content.is_visible(NEEDS):
        reach = NEED_REACH_PX * m_per_px
        rows = prepared.need_tree.query(shapely.box(x_m - reach, y_m - reach, x_m + reach,
                                                    y_m + reach))
        if len(rows):
            d = np.hypot(prepared.need_xy[rows, 0] - x_m, prepared.need_xy[rows, 1] - y_m)
            return ("need", prepared.need_ids[int(rows[int(np.argmin(d))])])
    return None


def items_in_box(prepared: PreparedContent, x0_m: float, y0_m: float, x1_m: float,
                 y1_m: float) -> tuple[list[str], list[str]]:
    """Site and need ids (sorted) whose points lie in the BNG box between the two corners."""
    box = shapely.box(min(x0_m, x1_m), min(y0_m, y1_m), max(x0_m, x1_m), max(y0_m, y1_m))
    content = prepared.content
    sites: list[str] = []
    needs: list[str] = []
    if len(prepared.site_ids) and content.is_visible(SITES):
        rows = prepared.site_tree.query(box, predicate="intersects")
        sites = sorted(prepared.site_ids[int(i)] for i in rows)
    if len(prepared.need_ids) and content.is_visible(NEEDS):
        rows = prepared.need_tree.query(box, predicate="intersects")
        needs = sorted(prepared.need_ids[int(i)] for i in rows)
    return sites, needs
