"""The needs a contract plan cut short leaves out in some year, placed where they fit.

A part of the joint search stopped before its model found a plan keeps its starting plan
(the comparisons', or the weekly optimum with its rotas repaired), which may leave need-years
out at the whole unplaced penalty although a site has room and a rota for them.
"""

from __future__ import annotations

import numpy as np

from estates_planner.optimise.evaluate import UNPLACED
from estates_planner.optimise.multiyear.pricing import ContractData


def place_left_out_by_year(data: ContractData, candidates: list[list[np.ndarray]],
                           site_ofs: list[np.ndarray], until: float) -> list[np.ndarray]:
    """Each year's plan with the needs it leaves out placed where they fit and it pays
    (:func:`~estates_planner.optimise.local_search.place_left_out`), a need's site in the
    year before (else the year after) tried first."""
    from estates_planner.optimise.local_search import place_left_out

    n = len(data.scenario.dataset.needs)
    by_year = []
    for k, rows in enumerate(data.base_rows):
        at = np.full(n, UNPLACED, dtype=np.int64)
        at[rows] = site_ofs[k]
        by_year.append(at)
    # keeping sites across years: a need placed in some year may go only to that site
    kept = np.full(n, UNPLACED, dtype=np.int64)
    for at in reversed(by_year):
        kept = np.where(at != UNPLACED, at, kept)
    keep = data.scenario.settings.keep_sites_across_years
    out = []
    for k, rows in enumerate(data.base_rows):
        if not (site_ofs[k] == UNPLACED).any():
            out.append(site_ofs[k])
            continue
        prefer = np.full(len(rows), UNPLACED, dtype=np.int64)
        for other in (k + 1, k - 1):  # the year before wins: written last
            if 0 <= other < len(by_year):
                there = by_year[other][rows]
                prefer = np.where(there != UNPLACED, there, prefer)
        cands = list(candidates[k])
        if keep:
            for i, base in enumerate(rows.tolist()):
                if kept[base] != UNPLACED:
                    c = cands[i]
                    cands[i] = c[c == kept[base]]
        out.append(place_left_out(data.arrays[k], cands, site_ofs[k], deadline=until,
                                  prefer=prefer))
    return out
