"""Declutter: sites that would sit on top of each other become one cluster symbol, or spread out.

At small scales (a region, the country), sites whose symbols would overlap are drawn as one
disc with their count, so a town's four sites read "4" instead of a heap of shapes. Zoomed in
(or when the user clicks a cluster open), the few sites that still overlap are spread on a
ring round their place, each keeping its own symbol and a thin leader to where it really is.

The layout is worked out in device pixels for one :class:`MapFrame` and kept by whoever drew
it, so clicks are hit-tested against the positions actually drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from estates_planner.render.map.frame import MapFrame
from estates_planner.render.map.prepared import PreparedContent

GROUP_PX = 12.0  # sites closer than this (logical px) overlap: their symbols are 10-21 px
SPREAD_BELOW_M_PER_PX = 25.0  # closer in than 25 m a pixel (25 km across 1000 px), spread out
MOST_SPREAD = 12  # larger groups stay a cluster until zoomed in (or open by zooming in)
CLUSTER_RADIUS_PX = (9.0, 17.0)  # the cluster disc grows with the count, between these
SPREAD_GAP_PX = 4.0  # between neighbouring symbols on a spread ring


@dataclass
class Cluster:
    """One cluster symbol: where it is drawn and which sites (row numbers) it holds."""

    x_px: float
    y_px: float
    radius_px: float
    rows: np.ndarray

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class SiteLayout:
    """Where each visible site symbol is drawn in one frame.

    ``order`` are positions in ``prepared.draw_order`` (so styles stay grouped for drawing),
    ``xy_px`` where each is drawn, ``anchor_px`` where the site really is (different only for
    spread sites, which get a leader line), ``clusters`` the sites drawn as a count.
    """

    order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    xy_px: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    anchor_px: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    spread: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    clusters: list[Cluster] = field(default_factory=list)
    unit: float = 1.0
    _slot: np.ndarray | None = None  # site row -> index into order, built on first use

    def site_rows(self, prepared: PreparedContent) -> np.ndarray:
        """Row numbers (into ``prepared.site_ids``) of the individually drawn sites."""
        return prepared.draw_order[self.order]

    def drawn_position(self, prepared: PreparedContent, site_id: str) -> tuple[float, float] \
            | None:
        """Where the site's own symbol is drawn, or None (in a cluster, or not in view)."""
        row = prepared.site_index.get(site_id)
        if row is None:
            return None
        hits = np.flatnonzero(self.site_rows(prepared) == row)
        if not len(hits):
            return None
        x, y = self.xy_px[int(hits[0])]
        return float(x), float(y)

    def drawn_px(self, prepared: PreparedContent, rows, true_px: np.ndarray) -> np.ndarray:
        """Where sites ``rows`` are drawn: spread ones moved, others (even in a cluster) at
        ``true_px``, their own place."""
        out = np.array(true_px, dtype=float, copy=True).reshape(-1, 2)
        if not len(self.order) or not len(out):
            return out
        if self._slot is None or len(self._slot) != len(prepared.site_ids):
            self._slot = np.full(len(prepared.site_ids), -1, dtype=np.int64)
            self._slot[self.site_rows(prepared)] = np.arange(len(self.order))
        slot = self._slot[np.asarray(rows, dtype=np.int64)]
        drawn = slot >= 0
        out[drawn] = self.xy_px[slot[drawn]]
        return out

    def cluster_of(self, prepared: PreparedContent, site_id: str) -> Cluster | None:
        row = prepared.site_index.get(site_id)
        return next((c for c in self.clusters if row in set(c.rows.tolist())), None)


def cluster_radius(count: int, unit: float = 1.0) -> float:
    """Disc radius for ``count`` sites: 9 px for two, growing with log2 of the count to 17 px."""
    low, high = CLUSTER_RADIUS_PX
    return min(high, low + 2.0 * math.log2(max(count, 2) / 2 + 1)) * unit


def layout_sites(prepared: PreparedContent, frame: MapFrame, unit: float = 1.0,
                 margin_px: float = 30.0) -> SiteLayout:
    """Group the sites in view of ``frame`` into single symbols, clusters and spread rings."""
    layout = SiteLayout(unit=unit)
    if not len(prepared.site_ids):
        return layout
    sorted_px = frame.to_px(prepared.sorted_xy)
    rect = frame.rect
    margin = margin_px * unit
    on = np.flatnonzero((sorted_px[:, 0] >= rect.left() - margin)
                        & (sorted_px[:, 0] <= rect.right() + margin)
                        & (sorted_px[:, 1] >= rect.top() - margin)
                        & (sorted_px[:, 1] <= rect.bottom() + margin))
    if not len(on):
        return layout
    group = _groups(prepared.sorted_xy[on], GROUP_PX * unit * frame.m_per_px)
    spread_ids = prepared.content.spread_site_ids
    zoomed_in = frame.m_per_px * unit <= SPREAD_BELOW_M_PER_PX
    order_parts, xy_parts, anchor_parts, spread_parts = [], [], [], []
    counts = np.bincount(group)
    singles = counts[group] == 1
    order_parts.append(on[singles])
    xy_parts.append(sorted_px[on[singles]])
    anchor_parts.append(sorted_px[on[singles]])
    spread_parts.append(np.zeros(int(singles.sum()), dtype=bool))
    multi = np.flatnonzero(counts >= 2)
    if len(multi):
        members = on[~singles]
        member_group = group[~singles]
        by_group = np.argsort(member_group, kind="stable")
        members, member_group = members[by_group], member_group[by_group]
        starts = np.searchsorted(member_group, multi)
        ends = np.searchsorted(member_group, multi, side="right")
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            ks = members[start:end]
            rows = prepared.draw_order[ks]
            centre = sorted_px[ks].mean(axis=0)
            opened = bool(spread_ids) and all(prepared.site_ids[int(r)] in spread_ids
                                              for r in rows)
            if opened or (zoomed_in and len(ks) <= MOST_SPREAD):
                ring = _ring(centre, len(ks), prepared, rows, unit)
                order_parts.append(ks)
                xy_parts.append(ring)
                anchor_parts.append(sorted_px[ks])
                spread_parts.append(np.ones(len(ks), dtype=bool))
            else:
                layout.clusters.append(Cluster(float(centre[0]), float(centre[1]),
                                               cluster_radius(len(ks), unit), rows))
    order = np.concatenate(order_parts)
    by_order = np.argsort(order, kind="stable")  # back to drawing order (styles grouped)
    layout.order = order[by_order]
    layout.xy_px = np.concatenate(xy_parts)[by_order]
    layout.anchor_px = np.concatenate(anchor_parts)[by_order]
    layout.spread = np.concatenate(spread_parts)[by_order]
    return layout


def _groups(xy_m: np.ndarray, reach_m: float) -> np.ndarray:
    """Group label per point: points in one grid cell of ``reach_m``, then cells whose
    centres lie within ``reach_m`` of each other joined.

    Cells anchored at the grid origin (not the view), so panning never regroups.
    """
    cells = np.floor(xy_m / max(reach_m, 1e-9)).astype(np.int64)
    # one integer key per cell (1-D unique is ten times faster than unique rows)
    keys = (cells[:, 0] - cells[:, 0].min()) * (int(cells[:, 1].max() - cells[:, 1].min()) + 1) \
        + (cells[:, 1] - cells[:, 1].min())
    _, cell = np.unique(keys, return_inverse=True)
    cell = cell.reshape(-1)
    n_cells = int(cell.max()) + 1
    counts = np.bincount(cell, minlength=n_cells).astype(float)
    centres = np.column_stack([np.bincount(cell, xy_m[:, 0], n_cells),
                               np.bincount(cell, xy_m[:, 1], n_cells)]) / counts[:, None]
    if n_cells == 1:
        return cell
    # imported here: scipy takes a second to import, which the app's start need not wait for
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    pairs = cKDTree(centres).query_pairs(reach_m, output_type="ndarray")
    if not len(pairs):
        return cell
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])),
                       shape=(n_cells, n_cells))
    _, component = connected_components(graph, directed=False)
    return component[cell]


def _ring(centre: np.ndarray, n: int, prepared: PreparedContent, rows: np.ndarray,
          unit: float) -> np.ndarray:
    """``n`` positions on a circle round ``centre``, the first at the top, clockwise."""
    widest = float(prepared.site_radius[rows].max()) * 2 + SPREAD_GAP_PX
    radius = max(16.0, n * widest / (2 * math.pi)) * unit
    angles = -math.pi / 2 + 2 * math.pi * np.arange(n) / n
    return np.column_stack([centre[0] + radius * np.cos(angles),
                            centre[1] + radius * np.sin(angles)])


def hit_layout(layout: SiteLayout, prepared: PreparedContent, x_px: float, y_px: float,
               lod: float = 1.0, slack_px: float = 3.0):
    """("site", id) whose drawn symbol is under the point, or ("cluster", Cluster), or None.

    The smallest site symbol wins where they overlap (it is drawn on top), as in
    :func:`estates_planner.render.map.hits.item_at`.
    """
    unit = layout.unit
    if len(layout.order):
        rows = layout.site_rows(prepared)
        d = np.hypot(layout.xy_px[:, 0] - x_px, layout.xy_px[:, 1] - y_px)
        reach = prepared.site_radius[rows] * lod * unit + slack_px * unit
        inside = np.flatnonzero(d <= reach)
        if len(inside):
            best = inside[np.lexsort((d[inside], prepared.site_radius[rows[inside]]))[0]]
            return ("site", prepared.site_ids[int(rows[best])])
    for cluster in layout.clusters:
        if math.hypot(cluster.x_px - x_px, cluster.y_px - y_px) <= cluster.radius_px \
                + slack_px * unit:
            return ("cluster", cluster)
    return None
