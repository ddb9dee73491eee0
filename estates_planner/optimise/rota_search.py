"""The local search under the daily rule: the weekly rule first, then a rota for every site.

Measured on the sample's largest part (91 needs): searching with the daily check from the
start (each move allowed only when the site keeps a rota) ends at £1.63 M, far from the
£1.46 M CP-SAT later finds, because single moves into sites that are full on some weekdays
are rarely allowed; the weekly search reaches £1.47 M. Most sites of a good weekly plan have
a rota anyway (13 of 488 sites on the issue's national case do not), so the search plans by
the weekly rule for a share of its time, then repairs the sites without a rota -- each time
moving out the need that costs least to move to a site with a rota, or leaving it unplaced --
and spends the rest of its time on the daily-checked moves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from estates_planner.optimise.evaluate import UNPLACED

if TYPE_CHECKING:
    from estates_planner.optimise.local_search import PlanState

_WEEKLY_SHARE = 0.5  # of the search's time, at most, for the weekly phase
_EPS = 1e-6


def weekly_then_daily(state: PlanState, members: list[int], *, deadline: float,
                      should_stop: Callable[[], bool],
                      improve: Callable[[float, bool], float], lns: bool) -> float:
    """Improve ``state`` (whose ``day_fit`` is set) for the daily rule; the change in GBP.

    ``improve(until, lns)`` runs the moves of the local search on ``state`` until ``until``
    with the checks ``state`` has at the time.
    """
    check = state.day_fit
    now = time.perf_counter()
    total = 0.0
    state.day_fit = None  # the weekly rule: moves ignore the weekdays
    try:
        total += improve(now + _WEEKLY_SHARE * max(deadline - now, 0.0), lns)
    finally:
        state.day_fit = check
    total += repair_rotas(state, members, should_stop)
    if time.perf_counter() < deadline and not should_stop():
        # the daily-checked moves: above all, they place the needs the repair left out
        total += improve(deadline, lns)
    return total


def repair_rotas(state: PlanState, members: list[int],
                 should_stop: Callable[[], bool] = lambda: False) -> float:
    """Give every site of the part a rota by moving needs out; the change in GBP.

    At a site without a rota, each of its needs is priced at its best other site with room
    in the week and a rota (or unplaced, when not strict and nothing else is left), and the
    cheapest such move is made, until the site has a rota. A cancel stops it between sites
    (the solver's last check, :func:`~estates_planner.optimise.rota.enforce_rotas`, then
    makes the plan fit).
    """
    check = state.day_fit
    if check is None:
        return 0.0
    total = 0.0
    sites = sorted({int(state.site_of[i]) for i in members if state.site_of[i] != UNPLACED})
    for j in sites:
        if should_stop():
            break
        while state.at_site[j] and not check.fits(j, state.at_site[j]):
            if should_stop():  # the check now answers "no" to all: leave the rest
                return total
            best: tuple[float, int, int] | None = None
            for i in sorted(state.at_site[j]):
                cand = state.candidates[i]
                cand = cand[(cand != j) & (state.desk_free[cand] >= state.a.desk_days[i])
                            & (state.room_free[cand] >= state.a.room_days[i])]
                cand = state.day_fits(i, cand)
                options = [(float(d), int(k)) for d, k in
                           zip(state.deltas(i, cand), cand, strict=True)] if len(cand) else []
                if not state.st.strict:
                    options.append((state.delta(i, UNPLACED), UNPLACED))
                for d, k in options:
                    if best is None or d < best[0] - _EPS:
                        best = (d, i, k)
            if best is None:  # strict mode and nowhere to go: leave it to CP-SAT
                break
            d, i, k = best
            state.move(i, k)
            total += d
    return total





_WEEKLY_CP_SAT_SHARE = 0.4  # of a part's search time, at most, for the weekly model
_DAILY_MOVES_SHARE = 0.1  # of the time left then, for the daily-checked moves
_DAILY_MOVES_S = 0.5  # and at most this
_MIN_WEEKLY_S = 0.2  # no weekly model with less time than this for it


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
    from estates_planner.optimise.cpsat_part import PartModel
    from estates_planner.optimise.local_search import PlanState, search_plan

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
