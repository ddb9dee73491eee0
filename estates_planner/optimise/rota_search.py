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

from estates_planner.optimise.arrays import UNPLACED

if TYPE_CHECKING:
    from estates_planner.optimise.plan_state import PlanState

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
