"""The contract plan: needs that ramp up over the contract years, sites that open and close,
and moves between years, planned together (issue 15; maths in :class:`MultiYearModel`).

Public API: :class:`MultiYearModel` (``MultiYearModel(scenario, ramp, years).solve(...)``),
:func:`solve_contract` (the same in one call), :func:`price_contract_plan` (prices any plan of
every year with the same objective), :func:`contract_years`, :func:`year_scenario`, and the
results :class:`MultiYearResult`, :class:`YearPlan`, :class:`Move`. With one contract year
everything is the single-year optimiser's, unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping

from estates_planner.model import Scenario
from estates_planner.optimise.multiyear.pricing import ContractData, price_contract_plan
from estates_planner.optimise.multiyear.result import (
    COMPARISON_NAMES,
    HORIZON_TERM_LABELS,
    Move,
    MultiYearResult,
    YearPlan,
)
from estates_planner.optimise.multiyear.years import ContractYear, contract_years, year_scenario
from estates_planner.optimise.progress import Cancel, ProgressCallback
from estates_planner.ramp import Ramp


def __getattr__(name: str):
    # the model pulls in OR-Tools; load it on first use, as estates_planner.optimise does
    if name == "MultiYearModel":
        from estates_planner.optimise.multiyear.model import MultiYearModel

        return MultiYearModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def solve_contract(scenario: Scenario, ramp: Ramp | None = None, *, years: int | None = None,
                   time_limit_s: float | None = None, progress: ProgressCallback | None = None,
                   cancel: Cancel | None = None,
                   warm_start: Mapping[str, str | None] | None = None,
                   workers: int | None = None) -> MultiYearResult:
    """Plan the contract years of ``scenario`` together; see :class:`MultiYearModel`.

    The time limit (default the scenario's ``time_limit_s``) covers building the model too.
    """
    import time

    from estates_planner.optimise.multiyear.model import MultiYearModel

    start = time.perf_counter()
    limit = scenario.settings.time_limit_s if time_limit_s is None else time_limit_s
    model = MultiYearModel(scenario, ramp, years)
    left = limit if model.data is None else max(limit - (time.perf_counter() - start), 0.0)
    return model.solve(time_limit_s=left, progress=progress, cancel=cancel,
                       warm_start=warm_start, workers=workers)


__all__ = [
    "COMPARISON_NAMES",
    "HORIZON_TERM_LABELS",
    "ContractData",
    "ContractYear",
    "Move",
    "MultiYearModel",
    "MultiYearResult",
    "Ramp",
    "YearPlan",
    "contract_years",
    "price_contract_plan",
    "solve_contract",
    "year_scenario",
]
