"""Shares of the shared cost terms that every placed need must carry (for searchless bounds).

The fit-out of a site and a PDU's location penalty are paid once for many needs, so the
cheapest option of a need on its own (its linear cost) ignores them, and a bound built from
linear costs alone is far below any plan. But a site holds at most so many needs at once, so:

- a site s used by c needs, c <= nmax(s), costs fit_out(s) >= c x fit_out(s) / nmax(s);
- a PDU p whose k placed needs use sites holding at most mmax(p) of them each uses at least
  k / mmax(p) sites, so pays location_penalty x k / mmax(p) or more.

Adding fit_out(s) / nmax(s) + location_penalty / mmax(p) to the cost of placing a need of p at
s therefore never overstates what a plan pays, and each need's cheapest option under these
costs still sums to a valid lower bound. ``nmax`` and ``mmax`` count the most needs that fit
by desk-days and by room-days separately (smallest first), which is never less than the true
most, so the shares stay on the safe side.
"""

from __future__ import annotations

import numpy as np

from estates_planner.optimise.evaluate import ScenarioArrays


def most_that_fit(sizes_desk: np.ndarray, sizes_room: np.ndarray, desk_cap: int,
                  room_cap: int) -> int:
    """At least as many as the most items that fit both capacities at once (>= 1 if any)."""
    if not len(sizes_desk):
        return 0
    counts = []
    for sizes, cap in ((sizes_desk, desk_cap), (sizes_room, room_cap)):
        counts.append(int(np.searchsorted(np.cumsum(np.sort(sizes)), cap, side="right")))
    return max(1, min(counts))


def _most_per_group(groups: np.ndarray, caps: np.ndarray, desk: np.ndarray,
                    room: np.ndarray, n_groups: int) -> np.ndarray:
    """:func:`most_that_fit` of every group at once (items labelled by ``groups``, each group
    with capacities ``caps`` = (desk, room) per item); 0 for empty groups."""
    most = np.full(n_groups, np.iinfo(np.int64).max, dtype=np.int64)
    for sizes, cap in ((desk, caps[0]), (room, caps[1])):
        order = np.lexsort((sizes, groups))
        g, sz, cp = groups[order], sizes[order], cap[order]
        total = np.cumsum(sz)
        first = np.r_[True, g[1:] != g[:-1]]
        before = np.maximum.accumulate(np.where(first, total - sz, 0))
        fits = (total - before) <= cp  # smallest first: a prefix of each group fits
        most = np.minimum(most, np.bincount(g[fits], minlength=n_groups))
    present = np.bincount(groups, minlength=n_groups) > 0
    return np.where(present, np.maximum(most, 1), 0)


def shared_cost_floor(arrays: ScenarioArrays, candidates: list[np.ndarray],
                      needs_of_part: np.ndarray) -> dict[int, np.ndarray]:
    """For each need of the part: the least share of fit-out and location penalty it carries
    at each of its candidate sites (aligned with ``candidates[i]``), in GBP."""
    sc = arrays.scenario
    needs = sc.dataset.needs
    part = [int(i) for i in needs_of_part]
    if not part:
        return {}
    lengths = np.array([len(candidates[i]) for i in part], dtype=np.int64)
    rows = np.repeat(np.array(part, dtype=np.int64), lengths)
    cols = np.concatenate([candidates[i] for i in part]).astype(np.int64) if lengths.sum() \
        else np.zeros(0, dtype=np.int64)
    desk, room = arrays.desk_days[rows], arrays.room_days[rows]
    caps = (arrays.desk_cap[cols], arrays.room_cap[cols])
    m = len(arrays.desk_cap)
    nmax = _most_per_group(cols, caps, desk, room, m)
    fit_out = np.maximum(arrays.costs.fit_out, 0.0)
    floor = fit_out[cols] / np.maximum(nmax[cols], 1)
    location = max(sc.settings.location_penalty, 0.0)
    if location > 0 and len(rows):
        pdu_names = sorted({needs[i].pdu for i in part})
        code = {p: k for k, p in enumerate(pdu_names)}
        pdu_of_row = np.repeat(np.array([code[needs[i].pdu] for i in part], dtype=np.int64),
                               lengths)
        per_site = _most_per_group(pdu_of_row * m + cols, caps, desk, room, len(pdu_names) * m)
        mmax = per_site.reshape(len(pdu_names), m).max(axis=1)
        floor = floor + location / np.maximum(mmax[pdu_of_row], 1)
    pieces = np.split(floor, np.cumsum(lengths)[:-1])
    return dict(zip(part, pieces, strict=True))
