"""The daily rule's start for one part: the assignment first, with rota cuts, or the weekly
model first when the part's time is short.

The method and its rows are described in :mod:`estates_planner.optimise.rota_cuts`; this
module runs the loop (master solve, per-site rota check, cuts) because it needs the part
model (:mod:`estates_planner.optimise.cpsat_part`), which imports those rows.

Measured (Dec 2026, one part at a time on one core, load about 1): the sample's twelve parts
were all cut to a plan with a rota at every site in 1-6 master solves, 0.03-4.4 s a part,
where the weekly model's plan (the start before) left 77 site-weekdays over capacity.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python.cp_model import LinearExpr

from estates_planner.model import ServiceNeed
from estates_planner.optimise.cp_solver import new_cp_solver
from estates_planner.optimise.cpsat_part import PENCE, PartModel
from estates_planner.optimise.local_search import search_plan
from estates_planner.optimise.plan_state import PlanState
from estates_planner.optimise.rota import (
    DAYS,
    Rota,
    build_rota,
    daily_capacities,
    exact_site_days,
    need_days,
    rota_item,
    same_day_bonus,
)
from estates_planner.optimise.rota_search import repair_rotas

_WEEKLY_CP_SAT_SHARE = 0.4  # of a part's search time, at most, for the weekly model
_DAILY_MOVES_SHARE = 0.1  # of the time left then, for the daily-checked moves
_DAILY_MOVES_S = 0.5  # and at most this
_MIN_WEEKLY_S = 0.2  # no weekly model with less time than this for it
_SITE_CHECK_S = 0.5  # at most, for one site's exact rota check
_CORE_CHECK_S = 0.1  # at most, for each check of the deletion filter
_MAX_ROUNDS = 30  # master solves of one part, at most
_SHARE_CHECK_S = 0.2  # at most, for each "can w share a day here" model
# rounds of same-day cuts, at most: each removes one configuration of a site's needs, and on
# the sample's 31-need part 30 rounds of them (2.7 s) had not closed a gap of one bonus that
# the weekday model closes in a fraction of a second
_MAX_SHARE_ROUNDS = 3


@dataclass
class CutOutcome:
    """What the rota cuts gave one part."""

    plan: np.ndarray  # the whole plan, the part's needs set (every site with a rota)
    objective: float | None  # GBP, the plan priced with its rota; None: no plan with rotas
    bound: float  # GBP, a lower bound of the part's daily optimum (-inf: none)
    proven: bool  # the plan is optimal under the daily rule
    rounds: int  # master solves
    cuts: int  # rota cuts and same-day cuts added


def solve_with_rota_cuts(arrays, part, candidates: list, start: np.ndarray,  # noqa: ANN001
                         *, until: float, should_stop: Callable[[], bool],
                         register: Callable[[object], None],
                         unregister: Callable[[object], None],
                         price: Callable[[np.ndarray], float | None],
                         on_update: Callable[[float | None, float], None] | None = None,
                         ) -> CutOutcome:
    """The part's daily-rule plan and bound by rota cuts (see the module), until ``until``.

    ``price(plan)`` is the part's objective in GBP without the same-day bonuses (None when
    strict mode is broken); they are added here from the plan's rota.
    """
    needs = arrays.scenario.dataset.needs
    desk_day, room_day = daily_capacities(arrays)
    members = [int(i) for i in part.needs]
    cuts: list[tuple[int, list[int]]] = []
    share_cuts: list[tuple[int, int, list[tuple[int, int]], list[tuple[int, int]]]] = []
    bonus = same_day_bonus(arrays.scenario.settings)

    def priced(plan: np.ndarray) -> tuple[float | None, Rota]:
        mine = np.full(len(plan), -1, dtype=np.int64)
        mine[part.needs] = plan[part.needs]  # parts share no site and no pairing
        rota = build_rota(arrays, mine)
        base = price(plan)
        if base is None or len(rota.over):
            return None, rota
        return base - bonus * int(np.count_nonzero(rota.same_day[part.needs])), rota

    best_plan, best = start, priced(start)[0] if _has_rotas(arrays, start, members) else None
    bound = -np.inf
    hint = start
    rounds = share_rounds = 0
    while rounds < _MAX_ROUNDS and not should_stop():
        left = until - time.perf_counter()
        if left <= 0.05:
            break
        rounds += 1
        try:
            pm = PartModel(arrays, part, candidates, hint, should_stop, daily=False,
                           relaxed_days=True)
        except Exception:  # noqa: BLE001 - a cancelled build: keep what we have
            break
        for j, group in cuts:
            pm.model.add(LinearExpr.sum([pm.x[i, j] for i in group]) <= len(group) - 1)
        for w, j, stay, join in share_cuts:
            t = pm.relaxed.same_day.get((w, j)) if pm.relaxed is not None else None
            if t is not None:
                pm.model.add(t <= len(stay) - LinearExpr.sum([pm.x[key] for key in stay])
                             + LinearExpr.sum([pm.x[key] for key in join]))
        out = pm.solve(time_limit_s=left, workers=1, relative_gap=0.0, register=register,
                       unregister=unregister,
                       on_update=(lambda o, b: on_update(None, b / PENCE))
                       if on_update is not None else (lambda o, b: None))
        if np.isfinite(out.bound):
            bound = max(bound, out.bound)
        if out.objective is None:
            break
        plan = hint.copy()
        plan[part.needs] = out.site_of
        new = _rota_cuts(needs, plan, members, desk_day, room_day, until, should_stop)
        if new is None:
            break  # out of time while checking: the plan is not known to have rotas
        if new:
            cuts.extend(new)
            # the next master starts from this plan with its sites repaired: it has a rota
            # at every site, so it meets every cut and CP-SAT has a plan at once (from the
            # master's own plan, which a new cut forbids, a loaded machine ran out of time
            # on the sample's 91-need part); it is also the best plan with rotas so far
            repaired = _repaired(arrays, candidates, plan, members, should_stop, until)
            hint = repaired
            if _has_rotas(arrays, repaired, members):
                cost = priced(repaired)[0]
                if cost is not None and (best is None or cost < best):
                    best_plan, best = repaired, cost
            continue
        cost, rota = priced(plan)
        if cost is not None and (best is None or cost < best):
            best_plan, best = plan, cost
        tolerance = 0.01 * len(members) + 0.005  # pence rounding of the master's costs
        if cost is None or out.objective is None or cost <= out.objective + tolerance:
            proven = cost is not None and out.status == "optimal"
            return CutOutcome(best_plan, best, bound, proven, rounds,
                              len(cuts) + len(share_cuts))
        share_rounds += 1
        new_share = [] if share_rounds > _MAX_SHARE_ROUNDS else \
            _share_cuts(arrays, pm, plan, rota, members, until, should_stop)
        if not new_share:
            break  # no same-day cut proven in time: the weekday model takes over
        share_cuts.extend(new_share)
        hint = plan
    return CutOutcome(best_plan, best, bound, False, rounds, len(cuts) + len(share_cuts))


def _repaired(arrays, candidates: list, plan: np.ndarray, members: list[int],  # noqa: ANN001
              should_stop: Callable[[], bool], until: float) -> np.ndarray:
    """The plan with every site of the part given a rota by moving needs out.

    (The daily-checked moves after it, as the weekly model's start had, made the 500 x 750
    instance's gap at 10 s 7.1 % instead of 2.3 %: they take the time of the next round.)"""
    state = PlanState(arrays, candidates, plan.copy())
    if state.day_fit is not None:
        state.day_fit.stop = lambda: should_stop() or time.perf_counter() > until + 0.5
    repair_rotas(state, members, should_stop)
    return state.site_of


def _sites_of(plan: np.ndarray, members: list[int]) -> dict[int, list[int]]:
    at: dict[int, list[int]] = {}
    for i in members:
        if plan[i] >= 0:
            at.setdefault(int(plan[i]), []).append(i)
    return at


def _has_rotas(arrays, plan: np.ndarray, members: list[int]) -> bool:  # noqa: ANN001
    needs = arrays.scenario.dataset.needs
    desk_day, room_day = daily_capacities(arrays)
    found = _rota_cuts(needs, plan, members, desk_day, room_day, time.perf_counter() + 5.0,
                       lambda: False)
    return found == []


def _rota_cuts(needs: Sequence[ServiceNeed], plan: np.ndarray, members: list[int],
               desk_day: np.ndarray, room_day: np.ndarray, until: float,
               should_stop: Callable[[], bool]) -> list[tuple[int, list[int]]] | None:
    """A cut per site of the plan with no rota: (site, a smallest set of its needs with no
    rota); [] when every site has one; None when the clock ran out before it was known."""
    cuts: list[tuple[int, list[int]]] = []
    for j, group in _sites_of(plan, members).items():
        dcap, rcap = int(desk_day[j]), int(room_day[j])
        items = [rota_item(needs, i) for i in group]
        if sum(it.desks for it in items) <= dcap and sum(it.rooms for it in items) <= rcap:
            continue  # every need fits every day together
        if should_stop() or time.perf_counter() > until:
            return None
        rota, proven = exact_site_days(items, dcap, rcap, _SITE_CHECK_S)
        if rota is not None:
            continue
        if not proven:
            return None
        cuts.append((j, [it.index for it in _smallest_without_rota(items, dcap, rcap)]))
    return cuts


def _smallest_without_rota(items: list, dcap: int, rcap: int) -> list:
    """A subset of ``items`` with no rota from which no need can be dropped (a deletion
    filter, the smallest needs tried first: a short cut removes more plans)."""
    core = list(items)
    for it in sorted(items, key=lambda it: (it.desks * it.days + it.rooms * it.days,
                                            it.index)):
        trial = [x for x in core if x.index != it.index]
        if len(trial) < 2:
            continue
        rota, proven = exact_site_days(trial, dcap, rcap, _CORE_CHECK_S)
        if rota is None and proven:
            core = trial
    return core


def _share_cuts(arrays, pm: PartModel, plan: np.ndarray, rota: Rota,  # noqa: ANN001
                members: list[int], until: float, should_stop: Callable[[], bool],
                ) -> list[tuple[int, int, list[tuple[int, int]], list[tuple[int, int]]]]:
    """Same-day cuts (see :mod:`estates_planner.optimise.rota_cuts`): for each wellbeing
    need the master credits with a shared day that its rota does not give, when no rota of
    the needs at its sites can: (w, site, placements that stay, host placements that join)."""
    needs = arrays.scenario.dataset.needs
    desk_day, room_day = daily_capacities(arrays)
    relaxed = pm.relaxed
    if relaxed is None:
        return []
    at = _sites_of(plan, members)
    out = []
    for (w, j), _t in relaxed.same_day.items():
        if plan[w] != j or rota.same_day[w] or should_stop() or time.perf_counter() > until:
            continue
        hosts = [e for e in members if needs[e].lot.prefers_authority
                 and needs[e].pdu == needs[w].pdu and plan[e] >= 0
                 and arrays.near[j, int(plan[e])]
                 and relaxed.could_share(w, j, e, int(plan[e]))]
        if not hosts:
            continue  # the master gives no bonus here either
        sites = sorted({j} | {int(plan[e]) for e in hosts})
        group = [i for k in sites for i in at.get(k, [])]
        if not _no_shared_day(needs, w, hosts, group, plan, desk_day, room_day):
            continue
        stay = [(i, int(plan[i])) for i in group]
        join = [(e, int(k)) for e in members if needs[e].lot.prefers_authority
                and needs[e].pdu == needs[w].pdu
                for k in sites_near(arrays, pm, e, j) if plan[e] != k]
        out.append((w, j, stay, join))
    return out


def sites_near(arrays, pm: PartModel, e: int, j: int) -> list[int]:  # noqa: ANN001
    """Sites of need e's candidates within the pairing radius of site j."""
    return [k for k, _ in pm.rows[e] if arrays.near[j, k]]


def _no_shared_day(needs: Sequence[ServiceNeed], w: int, hosts: list[int], group: list[int],
                   plan: np.ndarray, desk_day: np.ndarray, room_day: np.ndarray) -> bool:
    """True when it is proven that no rota of ``group`` (needs at their sites in ``plan``)
    within daily capacity has w in on a day with one of ``hosts``."""
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    on: dict[int, list] = {}
    for i in group:
        n = needs[i]
        if n.fixed_days:
            on[i] = [1 if d in n.fixed_days else 0 for d in range(DAYS)]
            continue
        row = [m.new_bool_var("") for _ in range(DAYS)]
        m.add(LinearExpr.sum(row) == need_days(n))
        on[i] = row
    for k in {int(plan[i]) for i in group}:
        here = [i for i in group if plan[i] == k]
        for d in range(DAYS):
            m.add(LinearExpr.sum([needs[i].desks * on[i][d] for i in here])
                  <= int(desk_day[k]))
            m.add(LinearExpr.sum([needs[i].interview_rooms * on[i][d] for i in here])
                  <= int(room_day[k]))
    shared = []
    for d in range(DAYS):
        g = m.new_bool_var("")
        m.add(g <= on[w][d])
        m.add(g <= LinearExpr.sum([on[e][d] for e in hosts]))
        shared.append(g)
    m.add(LinearExpr.sum(shared) >= 1)
    solver = new_cp_solver()
    solver.parameters.max_time_in_seconds = _SHARE_CHECK_S
    solver.parameters.num_workers = 1
    return solver.solve(m) == cp_model.INFEASIBLE


def weekly_first(arrays, part, candidates: list, start: np.ndarray,  # noqa: ANN001
                 *, until: float, should_stop: Callable[[], bool],
                 register: Callable[[object], None], unregister: Callable[[object], None],
                 price: Callable[[np.ndarray], float | None],
                 ) -> tuple[np.ndarray, float]:
    """A starting plan and a lower bound for one part under the daily rule, from the weekly
    model first: (plan with a rota at every site, bound in GBP; -inf when none proven).

    The part's model without the weekday rows, each paired wellbeing need counted as sharing
    a day (which only overstates the bonus), is a relaxation of the daily model: its optimum
    is a valid lower bound, and CP-SAT proves it about as fast as the weekly rule's (the
    sample's 91-need part: 1.4 s). Its plan, with the sites that have no rota repaired and the
    daily-checked moves after, starts the daily model far better than the local search alone:
    on that part £1.49 M instead of £1.56-1.63 M, and CP-SAT then reaches £1.466 M in 6 s
    where from the local search's plan it stayed at £1.557 M.
    """
    now = time.perf_counter()
    limit = _WEEKLY_CP_SAT_SHARE * (until - now)
    if limit < _MIN_WEEKLY_S or should_stop():
        return start, -np.inf
    try:
        model = PartModel(arrays, part, candidates, start, should_stop, daily=False)
    except Exception:  # noqa: BLE001 - a cancelled build: keep the plan we have
        return start, -np.inf
    outcome = model.solve(time_limit_s=limit, workers=1, relative_gap=0.0, register=register,
                          unregister=unregister, on_update=lambda o, b: None)
    bound = outcome.bound if np.isfinite(outcome.bound) else -np.inf
    if outcome.objective is None:
        return start, bound
    plan = start.copy()
    plan[part.needs] = outcome.site_of
    state = PlanState(arrays, candidates, plan)
    if state.day_fit is not None:
        state.day_fit.stop = lambda: should_stop() or time.perf_counter() > until
    members = [int(i) for i in part.needs]
    repair_rotas(state, members, lambda: should_stop() or time.perf_counter() > until)
    left = until - time.perf_counter()
    if left > 0.2:
        search_plan(state, members,
                    deadline=time.perf_counter() + min(_DAILY_MOVES_SHARE * left,
                                                       _DAILY_MOVES_S),
                    should_stop=should_stop, hooks=(register, unregister), lns=False)
    mine, theirs = price(state.site_of), price(start)
    if mine is None or (theirs is not None and theirs <= mine):
        return start, bound
    return state.site_of, bound
