"""The immutable outcome of a contract plan: a plan per year, priced over the horizon."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from estates_planner.optimise.multiyear.years import ContractYear
from estates_planner.optimise.result import TERM_NAMES, PlanResult

# the horizon's own terms, beside the sum of the years' terms
HORIZON_TERM_LABELS: Mapping[str, str] = MappingProxyType({
    "fit_out_once": "Fit-out (once per site used)",
    "moves_between_years": "Moves between years",
})
COMPARISON_NAMES: Mapping[str, str] = MappingProxyType({
    "year_by_year": "Year by year (each year re-planned from the previous)",
    "final_year_kept": "Final year's plan kept where the rules allow",
})


@dataclass(frozen=True, slots=True)
class YearPlan:
    """One contract year's plan, priced as that year alone: its ``result.terms`` hold no
    fit-out (the horizon charges it once) and, in year 1 only, moves from the baseline."""

    year: ContractYear
    result: PlanResult

    @property
    def objective(self) -> float:
        return self.result.objective

    @property
    def placed(self) -> int:
        return sum(1 for a in self.result.allocations if a.site_id is not None)

    @property
    def unplaced(self) -> int:
        return len(self.result.allocations) - self.placed


@dataclass(frozen=True, slots=True)
class Move:
    """``need_id`` is at ``from_site`` in year ``year - 1`` and at ``to_site`` in ``year``."""

    need_id: str
    year: int
    from_site: str
    to_site: str


@dataclass(frozen=True)
class MultiYearResult:
    """A plan for every contract year, with the objective summed over the horizon.

    ``objective`` = the sum of the years' objectives + ``fit_out_once`` (each site's whole
    fit-out if it is used in any year) + ``move_penalty`` x the moves between consecutive
    years. With one contract year it is exactly the single-year plan (amortised fit-out,
    no horizon terms). ``bound`` is a proven lower bound on that objective (NaN when
    nothing is proven); ``comparison`` prices the plans made without planning the years
    together, with the same objective.
    """

    scenario_name: str
    years: tuple[YearPlan, ...]
    fit_out_once: float
    fit_out_sites: tuple[str, ...]
    moves: tuple[Move, ...]
    move_penalty: float
    objective: float
    bound: float
    gap: float
    status: str
    seconds: float
    messages: tuple[str, ...] = ()
    comparison: Mapping[str, MultiYearResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "comparison", MappingProxyType(dict(self.comparison)))

    @property
    def moves_between_years_cost(self) -> float:
        return self.move_penalty * len(self.moves)

    @property
    def terms(self) -> dict[str, float]:
        """The years' terms summed, then the horizon's own (fit-out once, moves between years).

        With one contract year: the year's own terms (fit-out amortised there)."""
        out = dict.fromkeys(TERM_NAMES, 0.0)
        for y in self.years:
            for key, value in y.result.terms.items():
                out[key] = out.get(key, 0.0) + value
        if len(self.years) > 1:
            out["fit_out_once"] = self.fit_out_once
            out["moves_between_years"] = self.moves_between_years_cost
        return out

    def plan(self, year: int) -> dict[str, str | None]:
        """need_id -> site_id (None unplaced) for the active needs of ``year`` (1-based)."""
        return self.years[year - 1].result.assignment

    def saving_against(self, name: str) -> tuple[float, float] | None:
        """(GBP, fraction) this plan saves over comparison ``name``; None if not priced."""
        other = self.comparison.get(name)
        if other is None:
            return None
        saving = other.objective - self.objective
        return saving, saving / other.objective if other.objective else math.nan

    @property
    def proof_text(self) -> str:
        if len(self.years) == 1:
            return self.years[0].result.proof_text
        if self.status == "optimal":
            return ("Proven optimal over the contract years: no plan under these rules and "
                    "weights costs less over the horizon.")
        if math.isfinite(self.bound) and self.status in ("feasible", "cancelled"):
            room = max(self.objective - self.bound, 0.0)
            return (f"No plan scores less than {self.bound:,.0f} points over the horizon, so "
                    f"this one is at most {room:,.0f} points ({100 * max(self.gap, 0.0):.1f} %) "
                    "above the best possible. A longer time limit may find a better plan.")
        return ""
