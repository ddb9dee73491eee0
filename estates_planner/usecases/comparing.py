"""Compare the plans of two scenarios of a project (the app's Compare window): their
single-year plans, and their contract plans year by year and over the horizon."""

from __future__ import annotations

from dataclasses import dataclass

from estates_planner.errors import EstatesError, ScenarioError
from estates_planner.model import Scenario
from estates_planner.optimise.multiyear.result import MultiYearResult
from estates_planner.project import Project
from estates_planner.ramp import Ramp
from estates_planner.report.figures import MONEY, POINTS
from estates_planner.report.kpis import NOT_AVAILABLE, format_delta
from estates_planner.report.multiyear import HorizonFigures, YearFigures, figures_by_year
from estates_planner.scenarios import KpiDelta, PlanComparison, compare_plans

# the unit of a count in KpiDelta (formatted as a whole number, no unit shown)
COUNT = "count"
PERSON_KM = "person-km"


def compare(project: Project, name_a: str, name_b: str) -> PlanComparison:
    """What changes from the plan of scenario ``name_a`` to that of ``name_b``.

    Each plan is judged against its own scenario (capacities, settings). ScenarioError names
    the scenarios that have no plan yet.
    """
    scenario_a, scenario_b = project.scenario(name_a), project.scenario(name_b)
    unsolved = [n for n in dict.fromkeys((name_a, name_b)) if n not in project.results]
    if unsolved:
        raise ScenarioError(f"solve {' and '.join(repr(n) for n in unsolved)} first: only "
                            "solved scenarios can be compared")
    return compare_plans(scenario_a, project.results[name_a], scenario_b,
                         project.results[name_b])


@dataclass(frozen=True)
class ContractSection:
    """A block of the comparison: one contract year, or the whole horizon."""

    title: str
    rows: tuple[KpiDelta, ...]


@dataclass(frozen=True)
class ContractComparison:
    """Two scenarios' contract plans side by side: a section per contract year (property
    cost in £, travel, placed, not placed, moves into the year, the year's score in points)
    and one over the horizon, each row with the change B − A. ``years_a`` / ``years_b`` are
    0 for a scenario without a contract plan (its values read "n/a")."""

    name_a: str
    name_b: str
    years_a: int
    years_b: int
    sections: tuple[ContractSection, ...]
    property_change_gbp: float | None  # over the horizon, B - A
    score_change_points: float | None

    def summary(self) -> str:
        """One sentence: the money over the horizon, then the score (points, not money)."""
        missing = [n for n, k in ((self.name_a, self.years_a), (self.name_b, self.years_b))
                   if not k]
        if missing:
            return (f"Only one scenario has a contract plan: plan the contract years of "
                    f"{missing[0]} (Scenario ▸ Plan contract years…) to compare them.")
        horizon = f"{self.years_a} years" if self.years_a == self.years_b else \
            f"{self.years_a} and {self.years_b} years (different horizons)"
        money = self.property_change_gbp or 0.0
        cost = (f"B costs the same as A over the contract ({horizon})" if round(money) == 0
                else f"B costs {format_delta(money, MONEY).lstrip('+-')} "
                f"{'more' if money > 0 else 'less'} than A over the contract ({horizon})")
        score = self.score_change_points or 0.0
        score_text = ("the same optimiser score" if round(score) == 0 else
                      f"optimiser score {format_delta(score, POINTS)} points (not money)")
        return f"{cost}; {score_text}."


def _value(figures: YearFigures | HorizonFigures | None, name: str) -> float | int | str:
    return NOT_AVAILABLE if figures is None else getattr(figures, name)


def _row(label: str, unit: str, name_a: str, a, name_b: str, b) -> KpiDelta:  # noqa: ANN001
    va, vb = _value(a, name_a), _value(b, name_b)
    delta = None if isinstance(va, str) or isinstance(vb, str) else vb - va
    return KpiDelta(label, va, vb, delta, unit)


def _year_rows(a: YearFigures | None, b: YearFigures | None) -> tuple[KpiDelta, ...]:
    rows = [
        _row("Annual property cost", MONEY, "property_cost_gbp", a, "property_cost_gbp", b),
        _row("Service-user travel (person-km)", PERSON_KM, "travel_person_km", a,
             "travel_person_km", b),
        _row("Needs placed", COUNT, "placed", a, "placed", b),
        _row("Needs not placed", COUNT, "unplaced", a, "unplaced", b),
    ]
    if (a or b).year > 1:  # type: ignore[union-attr]
        rows.append(_row("Moves from the year before", COUNT, "moves", a, "moves", b))
    rows.append(_row("Year's optimiser score (points)", POINTS, "score_points", a,
                     "score_points", b))
    return tuple(rows)


def _horizon_rows(a: HorizonFigures | None, b: HorizonFigures | None) -> tuple[KpiDelta, ...]:
    return (
        _row("Property cost over the contract", MONEY, "property_cost_gbp", a,
             "property_cost_gbp", b),
        _row("Service-user travel (person-km)", PERSON_KM, "travel_person_km", a,
             "travel_person_km", b),
        _row("Need-years placed", COUNT, "need_years_placed", a, "need_years_placed", b),
        _row("Need-years not placed", COUNT, "need_years_unplaced", a,
             "need_years_unplaced", b),
        _row("Moves between years", COUNT, "moves", a, "moves", b),
        _row("Optimiser score over the contract (points)", POINTS, "score_points", a,
             "score_points", b),
    )


# a contract plan with what prices it: its scenario and ramp
ContractPlan = tuple[Scenario, Ramp, MultiYearResult]


def compare_contract_plans(name_a: str, plan_a: ContractPlan | None, name_b: str,
                           plan_b: ContractPlan | None) -> ContractComparison:
    """Contract plan b against contract plan a, year by year and over the horizon.

    Each plan is ``(scenario, ramp, result)`` and is costed with its own scenario and ramp;
    None is a scenario without a contract plan. Years are matched by number; a year only
    one plan has reads "n/a" on the other side.
    """
    if plan_a is None and plan_b is None:
        raise ScenarioError(f"neither {name_a!r} nor {name_b!r} has a contract plan")
    years_a, horizon_a = figures_by_year(*plan_a) if plan_a is not None else ([], None)
    years_b, horizon_b = figures_by_year(*plan_b) if plan_b is not None else ([], None)
    sections = []
    for k in range(1, max(len(years_a), len(years_b)) + 1):
        a = years_a[k - 1] if k <= len(years_a) else None
        b = years_b[k - 1] if k <= len(years_b) else None
        titles = {f.title for f in (a, b) if f is not None}
        title = titles.pop() if len(titles) == 1 else f"Year {k}"
        sections.append(ContractSection(title, _year_rows(a, b)))
    horizon_rows = _horizon_rows(horizon_a, horizon_b)
    sections.append(ContractSection("Over the contract", horizon_rows))
    return ContractComparison(
        name_a, name_b, len(years_a), len(years_b), tuple(sections),
        property_change_gbp=horizon_rows[0].delta, score_change_points=horizon_rows[-1].delta)


def contract_plan_of(project: Project, name: str) -> ContractPlan | None:
    """The contract plan the project keeps for scenario ``name`` — (scenario with the
    project's travel model, ramp, plan) — or None. Through
    :func:`usecases.multiyear.stored_contract`, so it follows how plans are stored."""
    from estates_planner.travel.resolve import with_travel
    from estates_planner.usecases.multiyear import stored_contract

    scenario = project.scenario(name)
    try:
        scenario = with_travel(project, scenario)
    except EstatesError:
        pass  # priced in straight lines, as the key figures then are
    stored = stored_contract(project, scenario)
    return None if stored is None else (stored.scenario, stored.ramp, stored.result)


def compare_contracts(project: Project, name_a: str,
                      name_b: str) -> ContractComparison | None:
    """The contract plans of two scenarios compared, or None when neither has one."""
    plan_a, plan_b = contract_plan_of(project, name_a), contract_plan_of(project, name_b)
    if plan_a is None and plan_b is None:
        return None
    return compare_contract_plans(name_a, plan_a, name_b, plan_b)
