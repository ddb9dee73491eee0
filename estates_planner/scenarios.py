"""Comparing two plans: what changed from one scenario's plan to another's.

A what-if edit is one call on the immutable scenario (``with_site_closed``, ``with_capacity``,
``with_pin``, ``with_settings``); :func:`estates_planner.usecases.solve_in_project` re-solves it
from the previous plan (a ``baseline`` makes moves from it cost), and :func:`compare_plans` says
what changed: the KPI table side by side with deltas, the £ change per objective term, and
which needs moved where.

The KPI rows come from :mod:`estates_planner.report.kpis`, which depends only on the model and
the plan result, so the comparison table matches the KPI panel and the PDF summary exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from estates_planner.model import Allocation, Lot, Scenario, Settings
from estates_planner.optimise.result import TERM_LABELS, TERM_NAMES, PlanResult
from estates_planner.report.figures import POINTS
from estates_planner.report.kpis import Kpis, compute_kpis, format_delta, format_value, kpi_rows

# the objective terms that are money (annual £); the rest are weights and penalties
MONEY_TERMS = ("desk_cost", "fit_out")


@dataclass(frozen=True, slots=True)
class KpiDelta:
    """One KPI row of two plans; ``delta`` is b - a, None when either value is "n/a"."""

    label: str
    a: float | int | str
    b: float | int | str
    delta: float | int | None
    unit: str

    def formatted(self) -> tuple[str, str, str, str]:
        """(label, a, b, delta) as text, formatted as everywhere else in the app."""
        return (self.label, format_value(self.a, self.unit), format_value(self.b, self.unit),
                format_delta(self.delta, self.unit))


@dataclass(frozen=True, slots=True)
class NeedMove:
    """A need whose site differs between plan a and plan b (a site of None is unplaced).

    ``cost_change`` is the change in the need's own annual cost (desk, travel, not-in-authority
    penalty, less the pairing and same-day bonuses, plus the unplaced and move penalties)
    from a to b.
    """

    need_id: str
    provider: str
    lot: Lot
    from_site_id: str | None
    from_site_name: str | None
    to_site_id: str | None
    to_site_name: str | None
    cost_change: float


@dataclass(frozen=True)
class PlanComparison:
    """What changed from plan a to plan b."""

    name_a: str
    name_b: str
    kpis_a: Kpis
    kpis_b: Kpis
    rows: tuple[KpiDelta, ...]
    term_changes: Mapping[str, float]  # every name in TERM_NAMES, b - a in annual £
    objective_change: float
    moved: tuple[NeedMove, ...]  # placed in both plans, at different sites
    newly_placed: tuple[NeedMove, ...]  # unplaced in a, placed in b
    newly_unplaced: tuple[NeedMove, ...]  # placed in a, unplaced in b
    sites_newly_used: tuple[str, ...]
    sites_no_longer_used: tuple[str, ...]
    needs_only_in_a: tuple[str, ...] = ()
    needs_only_in_b: tuple[str, ...] = ()

    @property
    def changed_need_ids(self) -> frozenset[str]:
        """Every need whose placement differs (to highlight on the map)."""
        return frozenset(m.need_id for group in (self.moved, self.newly_placed,
                                                 self.newly_unplaced) for m in group)

    def summary(self) -> str:
        """One or two sentences: how many needs moved, the change in money (annual property
        cost, £) and in the optimiser score (points, not money), by term."""
        n = len(self.moved)
        parts = [f"{n} need{'s' if n != 1 else ''} moved"]
        if self.newly_placed:
            parts.append(f"{len(self.newly_placed)} newly placed")
        if self.newly_unplaced:
            parts.append(f"{len(self.newly_unplaced)} newly unplaced")
        money = sum(self.term_changes[t] for t in MONEY_TERMS)
        text = (f"From '{self.name_a}' to '{self.name_b}': " + ", ".join(parts)
                + f"; annual property cost {format_delta(money, '£')}; optimiser score "
                f"{format_delta(self.objective_change, POINTS)} points.")
        terms = [f"{TERM_LABELS[t].lower()} "
                 f"{format_delta(v, '£' if t in MONEY_TERMS else POINTS)}"
                 for t, v in self.term_changes.items() if round(v) != 0]
        if terms:
            text += " Score by term: " + ", ".join(terms) + "."
        if self.moved and round(self.term_changes.get("moves", 0.0)) == 0:
            text += (" Moves from baseline count only when the scenario has a baseline "
                     "plan (a minimal-disruption re-plan); this one has none.")
        return text


def need_cost(alloc: Allocation, settings: Settings) -> float:
    """A need's own annual cost in a plan (the terms an allocation carries)."""
    if alloc.site_id is None:
        return settings.unplaced_penalty
    return (alloc.desk_cost + alloc.travel_cost + alloc.authority_penalty - alloc.pairing_bonus
            - alloc.same_day_bonus + (settings.move_penalty if alloc.moved else 0.0))


def _delta(a: float | int | str, b: float | int | str) -> float | int | None:
    if isinstance(a, str) or isinstance(b, str):
        return None
    return b - a


def compare_plans(scenario_a: Scenario, result_a: PlanResult, scenario_b: Scenario,
                  result_b: PlanResult) -> PlanComparison:
    """Plan b against plan a: KPI rows side by side with deltas (b - a), the £ change per
    objective term, needs moved, newly placed and newly unplaced, and sites newly used or no
    longer used. Needs only one of the plans has are listed apart and not counted as moves.
    """
    kpis_a, kpis_b = compute_kpis(scenario_a, result_a), compute_kpis(scenario_b, result_b)
    rows = tuple(KpiDelta(ra.label, ra.value, rb.value, _delta(ra.value, rb.value), ra.unit)
                 for ra, rb in zip(kpi_rows(kpis_a), kpi_rows(kpis_b), strict=True))
    terms = {t: kpis_b.terms[t] - kpis_a.terms[t] for t in TERM_NAMES}
    ds_a, ds_b = scenario_a.dataset, scenario_b.dataset
    by_a = {a.need_id: a for a in result_a.allocations}
    by_b = {b.need_id: b for b in result_b.allocations}
    moved: list[NeedMove] = []
    placed: list[NeedMove] = []
    unplaced: list[NeedMove] = []
    for need_id, alloc_a in by_a.items():
        alloc_b = by_b.get(need_id)
        if alloc_b is None or alloc_a.site_id == alloc_b.site_id:
            continue
        need = ds_b.need(need_id) if ds_b.has_need(need_id) else ds_a.need(need_id)
        move = NeedMove(
            need_id=need_id, provider=need.provider, lot=need.lot,
            from_site_id=alloc_a.site_id,
            from_site_name=ds_a.site(alloc_a.site_id).name if alloc_a.site_id else None,
            to_site_id=alloc_b.site_id,
            to_site_name=ds_b.site(alloc_b.site_id).name if alloc_b.site_id else None,
            cost_change=(need_cost(alloc_b, scenario_b.settings)
                         - need_cost(alloc_a, scenario_a.settings)))
        if alloc_a.site_id is None:
            placed.append(move)
        elif alloc_b.site_id is None:
            unplaced.append(move)
        else:
            moved.append(move)
    used_a, used_b = set(result_a.used_site_ids), set(result_b.used_site_ids)
    return PlanComparison(
        name_a=result_a.scenario_name or scenario_a.name,
        name_b=result_b.scenario_name or scenario_b.name,
        kpis_a=kpis_a, kpis_b=kpis_b, rows=rows,
        term_changes=MappingProxyType(terms),
        objective_change=float(result_b.objective - result_a.objective),
        moved=tuple(moved), newly_placed=tuple(placed), newly_unplaced=tuple(unplaced),
        sites_newly_used=tuple(sorted(used_b - used_a)),
        sites_no_longer_used=tuple(sorted(used_a - used_b)),
        needs_only_in_a=tuple(sorted(by_a.keys() - by_b.keys())),
        needs_only_in_b=tuple(sorted(by_b.keys() - by_a.keys())),
    )
