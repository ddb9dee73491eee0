"""The immutable outcome of solving, evaluating or greedily filling a scenario."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from estates_planner.model import Allocation

# objective terms in the order reports show them; "pairing" is negative (a bonus)
TERM_NAMES: tuple[str, ...] = (
    "desk_cost", "fit_out", "travel", "locations", "authority_preference", "pairing",
    "same_day", "unplaced", "moves",
)
TERM_LABELS: Mapping[str, str] = MappingProxyType({
    "desk_cost": "Desk cost",
    "fit_out": "Fit-out (amortised)",
    "travel": "Travel",
    "locations": "Separate locations",
    "authority_preference": "Not in authority property",
    "pairing": "Wellbeing pairing bonus",
    "same_day": "Same-day pairing bonus",
    "unplaced": "Unplaced needs",
    "moves": "Moves from baseline",
})


@dataclass(frozen=True, slots=True)
class SiteUsage:
    site_id: str
    desk_days_used: int
    desk_days_available: int
    room_days_used: int
    room_days_available: int
    need_ids: tuple[str, ...] = ()

    @property
    def utilisation(self) -> float:
        """The fuller of desks and rooms, 0..1 (0 for a site with no capacity)."""
        ratios = [u / a for u, a in ((self.desk_days_used, self.desk_days_available),
                                     (self.room_days_used, self.room_days_available)) if a > 0]
        return max(ratios, default=0.0)


@dataclass(frozen=True)
class PlanResult:
    """A plan with its objective split by term.

    ``status`` is one of "optimal", "feasible" (time limit hit; see ``gap``), "infeasible"
    (strict mode), "cancelled" (best plan found so far), "greedy" or "evaluated" (a plan given
    from outside, e.g. a baseline CSV, costed). ``bound`` is the proven lower bound on the
    objective; ``gap`` is (objective - bound) / max(|objective|, 1).
    """

    scenario_name: str
    allocations: tuple[Allocation, ...]
    terms: Mapping[str, float]
    objective: float
    bound: float
    gap: float
    status: str
    seconds: float
    site_usage: Mapping[str, SiteUsage] = field(default_factory=dict)
    messages: tuple[str, ...] = ()
    # site-weekdays of the plan's rota where desks or rooms exceed the site's (issue 17):
    # 0 under the daily rule, and what the weekly rule alone would overbook when it is off
    days_over_capacity: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", MappingProxyType(dict(self.terms)))
        object.__setattr__(self, "site_usage", MappingProxyType(dict(self.site_usage)))
        object.__setattr__(self, "_by_need", {a.need_id: a for a in self.allocations})

    def allocation(self, need_id: str) -> Allocation:
        return self._by_need[need_id]  # type: ignore[attr-defined]

    def allocation_or_none(self, need_id: str) -> Allocation | None:
        """The need's allocation, or None for a need this plan does not hold (added since)."""
        return self._by_need.get(need_id)  # type: ignore[attr-defined]

    @property
    def assignment(self) -> dict[str, str | None]:
        return {a.need_id: a.site_id for a in self.allocations}

    @property
    def unplaced(self) -> list[Allocation]:
        return [a for a in self.allocations if a.site_id is None]

    @property
    def used_site_ids(self) -> list[str]:
        return sorted({a.site_id for a in self.allocations if a.site_id is not None})

    @property
    def most_above_best(self) -> float | None:
        """How much higher this plan's optimiser score may be than the best possible one's
        (objective minus proven bound, in points), for a search stopped before its proof;
        None when there is no such figure (proven optimal, or nothing proven)."""
        if self.status not in ("feasible", "cancelled") or not math.isfinite(self.bound) \
                or not math.isfinite(self.objective):
            return None
        return max(self.objective - self.bound, 0.0)

    @property
    def proof_text(self) -> str:
        """What is proven about this plan, in words for people who do not read "gap".

        A plan that is not proven optimal says how much better (in optimiser points, not
        money) the best plan could at most be, so the user can judge whether a longer time
        limit is worth it.
        """
        if self.status == "optimal":
            return "Proven optimal: no plan under these rules and weights scores less."
        room = self.most_above_best
        if room is not None:
            head = ("Stopped by the time limit before the optimum was proven"
                    if self.status == "feasible" else "Cancelled before the optimum was proven")
            return (f"{head}: no plan has an optimiser score below {self.bound:,.0f} points, "
                    f"so this one is at most {room:,.0f} points "
                    f"({100 * max(self.gap, 0.0):.1f} %) above the best possible. Solving "
                    "again (it continues from this plan) or a longer time limit may find a "
                    "better plan or prove this one.")
        if self.status == "greedy":
            return "Greedy baseline: each need at its cheapest site with room, not optimised."
        if self.status == "evaluated":
            return "A given plan, priced by the objective: not optimised."
        return ""
