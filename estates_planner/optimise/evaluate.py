"""Cost any plan exactly as the objective defines it.

The solver reports its objective through :func:`plan_result` too, so a plan read from a CSV, a
greedy plan and an optimised plan are always priced the same way, in floating-point pounds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from estates_planner.errors import ScenarioError
from estates_planner.model import Allocation, Scenario
from estates_planner.optimise import rules
from estates_planner.optimise.arrays import (  # noqa: F401 - paired_needs: its callers' name
    UNPLACED,
    ScenarioArrays,
    paired_needs,
)
from estates_planner.optimise.candidates import Distances
from estates_planner.optimise.reasons import UnplacedReasons
from estates_planner.optimise.result import TERM_NAMES, PlanResult, SiteUsage
from estates_planner.optimise.rota import build_rota, same_day_bonus
from estates_planner.optimise.rota_explain import rota_messages


def evaluate_plan(scenario: Scenario, assignment: Mapping[str, str | None], *,
                  distances: Distances | None = None) -> PlanResult:
    """Cost a plan given from outside (a baseline CSV, an edited plan) exactly.

    Parameters
    ----------
    scenario
        The scenario whose settings, baseline and travel model price the plan.
    assignment
        need_id -> site_id, or None for an unplaced need. Needs missing from the mapping are
        unplaced.
    distances
        Precomputed :func:`candidate_distances` of the scenario, to save recomputing a network.

    Returns
    -------
    PlanResult
        Status "evaluated", ``bound`` and ``gap`` NaN (nothing is proven). Rule breaches
        (capacity, R3-R8) do not stop the costing; each is listed in ``messages``. Each
        :class:`Allocation` carries its own terms; its ``pairing_bonus`` is the bonus earned
        (a positive amount), and ``terms["pairing"]`` is minus their sum. Fit-out and
        separate locations belong to the plan, in ``terms`` only.

    Raises
    ------
    ScenarioError
        When the plan names a need or site that is not in the scenario's data.
    """
    arrays = ScenarioArrays.build(scenario, distances)
    ds = scenario.dataset
    site_index = {s.site_id: j for j, s in enumerate(ds.sites)}
    need_index = {nd.need_id: i for i, nd in enumerate(ds.needs)}
    unknown_needs = sorted(k for k in assignment if k not in need_index)
    unknown_sites = sorted({v for v in assignment.values()
                            if v is not None and v not in site_index})
    if unknown_needs or unknown_sites:
        parts = []
        if unknown_needs:
            parts.append("needs not in the data: " + ", ".join(unknown_needs[:10]))
        if unknown_sites:
            parts.append("sites not in the data: " + ", ".join(unknown_sites[:10]))
        raise ScenarioError("the plan names " + "; ".join(parts))
    site_of = np.full(len(ds.needs), UNPLACED, dtype=np.int64)
    for need_id, site_id in assignment.items():
        if site_id is not None:
            site_of[need_index[need_id]] = site_index[site_id]
    return plan_result(arrays, site_of, status="evaluated", bound=math.nan, seconds=0.0,
                       messages=breaches(arrays, site_of))


def breaches(arrays: ScenarioArrays, site_of: np.ndarray) -> list[str]:
    """Sentences for every rule the plan breaks (R1 in strict mode, R2, R3-R8)."""
    sc = arrays.scenario
    needs, sites = sc.dataset.needs, sc.dataset.sites
    out: list[str] = []
    if sc.settings.strict and (site_of == UNPLACED).any():
        out.append(f"R1: {(site_of == UNPLACED).sum()} needs are unplaced in strict mode")
    for i, j in enumerate(site_of):
        if j != UNPLACED and not arrays.allowed[i, j]:
            blocks = rules.pair_blocks(sc, needs[i], sites[j], float(arrays.distances.km[i, j]))
            why = "; ".join(str(b) for b in blocks) or "the site cannot be reached"
            out.append(f"{needs[i].need_id} at {sites[j].name} breaks {why}")
    desk_used, room_used = usage_totals(arrays, site_of)
    for j, site in enumerate(sites):
        if desk_used[j] > arrays.desk_cap[j]:
            out.append(f"R2: {site.name} is over capacity: {desk_used[j]} desk-days a week used "
                       f"of {arrays.desk_cap[j]}")
        if room_used[j] > arrays.room_cap[j]:
            out.append(f"R2: {site.name} is over capacity: {room_used[j]} room-days a week used "
                       f"of {arrays.room_cap[j]}")
    return out


def usage_totals(arrays: ScenarioArrays, site_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Desk-days and room-days a week used at every site."""
    m = len(arrays.desk_cap)
    placed = site_of != UNPLACED
    desk = np.bincount(site_of[placed], weights=arrays.desk_days[placed], minlength=m)
    room = np.bincount(site_of[placed], weights=arrays.room_days[placed], minlength=m)
    return desk.astype(np.int64), room.astype(np.int64)


def plan_result(arrays: ScenarioArrays, site_of: np.ndarray, *, status: str, bound: float,
                seconds: float, messages: Sequence[str] = (),
                reasons: Mapping[int, str] | None = None,
                until: float | None = None) -> PlanResult:
    """Build the :class:`PlanResult` of a plan given as a site index per need (-1 unplaced).

    ``reasons`` gives the unplaced reason per need index; missing ones are worked out from
    the rules and the plan's free capacity. ``until`` (a ``time.perf_counter()`` value): the
    reasons' weekday analysis (optional: the weekly sentence remains) stops by then, so that
    a solve with a time limit returns within it.
    """
    sc = arrays.scenario
    st = sc.settings
    needs, sites = sc.dataset.needs, sc.dataset.sites
    c = arrays.costs
    paired = paired_needs(arrays, site_of)
    desk_used, room_used = usage_totals(arrays, site_of)
    # the weekly rota of the plan (issue 17): every plan comes back with one
    rota = build_rota(arrays, site_of, paired)
    same_day = same_day_bonus(st)
    if st.daily_capacity and rota.over:
        messages = [*messages, *rota_messages(arrays, rota)]
    unplaced_reason = UnplacedReasons(arrays, desk_used, room_used,
                                      rota if st.daily_capacity else None, until=until)
    baseline = sc.baseline or {}
    allocations: list[Allocation] = []
    terms = dict.fromkeys(TERM_NAMES, 0.0)
    for i, nd in enumerate(needs):
        j = int(site_of[i])
        if j == UNPLACED:
            reason = (reasons or {}).get(i) or unplaced_reason(i)
            allocations.append(Allocation(nd.need_id, None, unplaced_reason=reason))
            terms["unplaced"] += st.unplaced_penalty
            continue
        km = float(arrays.distances.km[i, j])
        travel_cost = float(c.travel[i, j])
        bonus = st.pairing_bonus if paired[i] else 0.0
        shares_day = bool(rota.same_day[i])
        moved = baseline.get(nd.need_id) is not None and baseline[nd.need_id] != sites[j].site_id
        a = Allocation(
            need_id=nd.need_id, site_id=sites[j].site_id, desk_cost=float(c.desk[i, j]),
            travel_km=km if math.isfinite(km) else None, travel_cost=travel_cost,
            authority_penalty=float(c.authority[i, j]), paired=bool(paired[i]),
            pairing_bonus=bonus, moved=moved, weekdays=rota.days[i], same_day=shares_day,
            same_day_bonus=same_day if shares_day else 0.0)
        allocations.append(a)
        terms["desk_cost"] += a.desk_cost
        terms["travel"] += travel_cost
        terms["authority_preference"] += a.authority_penalty
        terms["pairing"] -= bonus
        terms["same_day"] -= a.same_day_bonus
        terms["moves"] += st.move_penalty if moved else 0.0
    used = sorted({int(j) for j in site_of if j != UNPLACED})
    terms["fit_out"] = float(sum(c.fit_out[j] for j in used))
    pdu_sites = {(nd.pdu, int(site_of[i])) for i, nd in enumerate(needs)
                 if site_of[i] != UNPLACED}
    terms["locations"] = st.location_penalty * len(pdu_sites)
    objective = float(sum(terms.values()))
    users: dict[int, list[str]] = defaultdict(list)
    for i, nd in enumerate(needs):
        if site_of[i] != UNPLACED:
            users[int(site_of[i])].append(nd.need_id)
    usage = {
        s.site_id: SiteUsage(site_id=s.site_id, desk_days_used=int(desk_used[j]),
                             desk_days_available=int(arrays.desk_cap[j]),
                             room_days_used=int(room_used[j]),
                             room_days_available=int(arrays.room_cap[j]),
                             need_ids=tuple(users.get(j, ())))
        for j, s in enumerate(sites)
    }
    if math.isnan(bound):
        gap = math.nan
    else:
        bound = min(bound, objective)  # integer rounding of costs may nudge it above
        gap = max(0.0, (objective - bound) / max(abs(objective), 1.0))
    return PlanResult(scenario_name=sc.name, allocations=tuple(allocations), terms=terms,
                      objective=objective, bound=bound, gap=gap, status=status,
                      seconds=seconds, site_usage=usage, messages=tuple(messages),
                      days_over_capacity=rota.days_over_capacity)
