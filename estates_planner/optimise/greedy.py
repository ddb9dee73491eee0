"""The greedy baseline: each need, in input order, to its cheapest allowed site with room left.

"Cheapest" is the marginal cost of the placement given the needs placed before it: its own
terms (desk cost, travel, authority preference, move), the fit-out of a site not yet used, the
location penalty when its PDU is not yet at the site, less the pairing bonus it would earn now.
Kept for comparison in benchmarks and the app, and as the solver's fallback and first hint.
"""

from __future__ import annotations

import math
import time

import numpy as np

from estates_planner.model import Lot, Scenario
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays, plan_result
from estates_planner.optimise.result import PlanResult
from estates_planner.optimise.rota import DayFit, daily_rule


def greedy_plan(scenario: Scenario) -> PlanResult:
    """Fill the plan greedily in input order (status "greedy"; bound and gap NaN).

    A need with no allowed site that has room left is unplaced, with its reason.
    """
    start = time.perf_counter()
    arrays = ScenarioArrays.build(scenario)
    site_of = greedy_assignment(arrays)
    return plan_result(arrays, site_of, status="greedy", bound=math.nan,
                       seconds=time.perf_counter() - start)


def greedy_assignment(arrays: ScenarioArrays, *, allowed: np.ndarray | None = None,
                      initial: np.ndarray | None = None) -> np.ndarray:
    """Site index per need (-1 unplaced) of the greedy fill, needs taken in input order.

    ``allowed`` narrows the pairs (default ``arrays.allowed``). ``initial`` is a plan to keep
    where it is still allowed and fits (a warm start): its placements are taken first, in
    input order, and the greedy fill places the rest.
    """
    sc = arrays.scenario
    st = sc.settings
    needs = sc.dataset.needs
    allowed = arrays.allowed if allowed is None else allowed
    n, m = allowed.shape
    linear = arrays.costs.linear
    desk_free = arrays.desk_cap.astype(np.int64).copy()
    room_free = arrays.room_cap.astype(np.int64).copy()
    used = np.zeros(m, dtype=bool)
    pdu_at: dict[str, np.ndarray] = {}
    hosts: dict[str, np.ndarray] = {}  # sites hosting an ETE/accommodation need of a PDU
    site_of = np.full(n, UNPLACED, dtype=np.int64)
    # the daily rule: a site takes a need only while its needs still have a weekly rota
    day_fit = DayFit.of(arrays, exact=False) if daily_rule(st) else None
    exact_fit = DayFit.of(arrays) if day_fit is not None else None
    # the exact questions stop after a while: a region of 8,337 needs short of room (6,900
    # of them unplaced) spent 2.9 s of a 3 s limit on them
    exact_until = time.perf_counter() + _EXACT_FALLBACK_S
    at_site: dict[int, set[int]] = {}
    kept = [] if initial is None else [i for i in range(n) if initial[i] != UNPLACED]
    kept_set = set(kept)
    work = [(i, True) for i in kept] + [(i, False) for i in range(n) if i not in kept_set]
    for i, from_initial in work:
        need = needs[i]
        ok = allowed[i] & (desk_free >= arrays.desk_days[i]) \
            & (room_free >= arrays.room_days[i])
        if from_initial:
            j = int(initial[i])  # type: ignore[index]
            if not ok[j] or (day_fit is not None
                             and not day_fit.fits(j, at_site.get(j, set()) | {i}, new=i)):
                work.append((i, False))  # no longer allowed or full: place it greedily later
                continue
        else:
            if not ok.any():
                continue
            at = pdu_at.setdefault(need.pdu, np.zeros(m, dtype=bool))
            cost = linear[i] + np.where(used, 0.0, arrays.costs.fit_out) \
                + np.where(at, 0.0, st.location_penalty)
            if need.lot is Lot.WELLBEING and need.pdu in hosts:
                cost = cost - st.pairing_bonus * arrays.near[:, hosts[need.pdu]].any(axis=1)
            cost = np.where(ok, cost, np.inf)
            j = int(np.argmin(cost))
            tried = cost.copy()
            while day_fit is not None and math.isfinite(cost[j]) \
                    and not day_fit.fits(j, at_site.get(j, set()) | {i}, new=i):
                cost[j] = np.inf
                j = int(np.argmin(cost))
            if not math.isfinite(cost[j]) and day_fit is not None:
                # no greedy rota anywhere: ask the exact model about the cheapest few sites
                # before leaving the need out (which costs the whole unplaced penalty)
                j = _exact_fallback(exact_fit, tried, at_site, i) \
                    if time.perf_counter() < exact_until else None
                if j is None:
                    continue
            elif not math.isfinite(cost[j]):
                continue
        at = pdu_at.setdefault(need.pdu, np.zeros(m, dtype=bool))
        site_of[i] = j
        at_site.setdefault(j, set()).add(i)
        desk_free[j] -= arrays.desk_days[i]
        room_free[j] -= arrays.room_days[i]
        used[j] = True
        at[j] = True
        if need.lot.prefers_authority:
            h = hosts.setdefault(need.pdu, np.zeros(m, dtype=bool))
            h[j] = True
    return site_of


_EXACT_TRIES = 5  # sites per need, at most, asked of the exact rota model in the greedy fill
_EXACT_FALLBACK_S = 0.3  # at most, for all those questions in one greedy fill


def _exact_fallback(check: DayFit | None, cost: np.ndarray, at_site: dict[int, set[int]],
                    i: int) -> int | None:
    """The cheapest of a need's few cheapest sites with room where an exact rota exists."""
    if check is None:
        return None
    finite = np.flatnonzero(np.isfinite(cost))
    for j in finite[np.argsort(cost[finite], kind="stable")][:_EXACT_TRIES].tolist():
        if check.fits(j, at_site.get(j, set()) | {i}, new=i):
            return int(j)
    return None
