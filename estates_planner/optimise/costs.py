"""The per-pair and per-site cost terms of the objective, as arrays (annual GBP, floats).

The objective of a plan (see :class:`estates_planner.optimise.solver.AllocationModel` for the
maths) splits into terms that depend on one need and its site (desk cost, travel, authority
preference, moves), terms shared by a site's users (fit-out) or by a PDU's needs (separate
locations, wellbeing pairing), and the unplaced penalty. This module prices the first kind for
every need x site pair at once, so that the evaluator, the greedy baseline and the solver agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estates_planner.model import Scenario, SiteKind
from estates_planner.optimise.candidates import Distances


@dataclass(frozen=True, eq=False)
class PairCosts:
    """Need x site arrays of the terms that belong to one need; ``fit_out`` is per site."""

    desk: np.ndarray
    travel: np.ndarray
    authority: np.ndarray
    move: np.ndarray
    fit_out: np.ndarray
    # everything one placement costs on its own (inf where travel is unreachable)
    linear: np.ndarray


def pair_costs(scenario: Scenario, distances: Distances) -> PairCosts:
    """Price every need x site pair.

    desk = desks x days_per_week / 5 x annual_cost_per_desk; travel = caseload x distance x
    travel_weight (distance in the measure of ``distances.travel``); authority =
    ``authority_preference`` for an ETE or accommodation need at a non-authority site; move =
    ``move_penalty`` where the baseline places the need at another site.
    """
    ds, st = scenario.dataset, scenario.settings
    needs, sites = ds.needs, ds.sites
    n, m = len(needs), len(sites)
    desk_weeks = np.array([nd.desks * nd.days_per_week / 5.0 for nd in needs], dtype=float)
    per_desk = np.array([s.annual_cost_per_desk for s in sites], dtype=float)
    desk = desk_weeks[:, None] * per_desk[None, :] if n and m else np.zeros((n, m))
    caseload = np.array([nd.caseload for nd in needs], dtype=float)
    with np.errstate(invalid="ignore"):
        travel = caseload[:, None] * distances.travel * st.travel_weight if n and m \
            else np.zeros((n, m))
    travel = np.where(np.isnan(travel), np.inf, travel)
    prefers = np.array([nd.lot.prefers_authority for nd in needs], dtype=bool)
    not_authority = np.array([s.kind is not SiteKind.AUTHORITY for s in sites], dtype=bool)
    authority = (prefers[:, None] & not_authority[None, :]) * float(st.authority_preference)
    move = np.zeros((n, m))
    if scenario.baseline:
        site_index = {s.site_id: j for j, s in enumerate(sites)}
        for i, nd in enumerate(needs):
            before = scenario.baseline.get(nd.need_id)
            if before is None:
                continue
            move[i, :] = st.move_penalty
            j = site_index.get(before)
            if j is not None:
                move[i, j] = 0.0
    fit_out = np.array([s.fit_out_cost for s in sites], dtype=float) / st.amortisation_years
    linear = desk + travel + authority + move
    for arr in (desk, travel, authority, move, fit_out, linear):
        arr.setflags(write=False)
    return PairCosts(desk=desk, travel=travel, authority=authority, move=move, fit_out=fit_out,
                     linear=linear)
