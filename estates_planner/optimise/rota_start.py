"""The daily rule's start for one part: the weekly model first (its plan and its bound).

Apart from :mod:`estates_planner.optimise.rota_search` because it runs the local search
(:mod:`estates_planner.optimise.local_search`), which itself calls that module's search.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from estates_planner.optimise.cpsat_part import PartModel
from estates_planner.optimise.local_search import search_plan
from estates_planner.optimise.plan_state import PlanState
from estates_planner.optimise.rota_search import repair_rotas

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
