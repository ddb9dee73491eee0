"""The headline figures of a plan with money, weights and penalties kept apart.

The optimiser minimises one number, the *optimiser score*: the annual property cost in pounds
plus terms that are not money at all (service-user travel valued at the travel weight, the
planning weights for separate locations, authority preference, wellbeing pairing and moves,
and the penalty for each need left unplaced). Estates staff defend a plan to finance with the
money alone, so every place that shows figures (key-figures panel, solve dialog, CLI summary
and JSON, comparison, XLSX, PDF) takes them from here:

* **Annual property cost** (£): desk cost + fit-out amortised over the settings' years.
* **Service-user travel** in person-km (caseload x journey km of each placed need), and its
  weighted value (the travel weight is a planning weight, not money spent by the service).
* **Planning weights**: separate locations, not in authority property, pairing bonus, moves.
* **Needs not placed**: a count and the desks they ask for.
* **Optimiser score**: the sum of everything above plus the unplaced penalty; the only place
  the penalty shows.

Weights and the score are shown as "points" (their numbers are the settings' £-like weights,
but nobody pays them), never with a £ sign.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from estates_planner.model import Scenario
from estates_planner.optimise.result import PlanResult

GUIDE_FIGURES = "figures"
GUIDE_WEIGHTS = "weights"
GUIDE_UNPLACED = "unplaced"

SCORE_EXPLANATION = "The optimiser score ranks plans; it is not money."
SCORE_EXPLANATION_LONG = ("The optimiser score is the one number the optimiser makes as small "
                          "as it can: annual property cost plus weighted travel, planning "
                          "weights and penalties. It ranks plans; it is not money.")

# the units a FigureRow carries (report.kpis.format_value formats them)
MONEY = "£"
POINTS = "points"


@dataclass(frozen=True)
class PlanFigures:
    """Money, travel, weights and penalties of one plan, kept apart.

    Money is annual GBP; the weights and the score are the optimiser's points (the settings'
    weights in £-like numbers that nobody pays). ``travel_measure`` is "km" or "minutes": what
    the travel weight multiplies (``travel_weighted_points``); ``travel_person_km`` is always
    caseload x km.
    """

    scenario_name: str
    desk_cost_gbp: float
    fit_out_gbp: float
    amortisation_years: float
    travel_person_km: float
    travel_measure: str
    travel_weight: float
    travel_weighted_points: float
    locations_points: float
    authority_points: float
    pairing_points: float  # negative: a bonus
    moves_points: float
    needs_total: int
    needs_placed: int
    unplaced_count: int
    unplaced_desks: int
    unplaced_penalty_points: float
    score_points: float
    same_day_points: float = 0.0  # negative: the daily rule's same-day bonus (issue 17)

    @property
    def annual_cost_gbp(self) -> float:
        """What the plan costs in money a year: desks plus amortised fit-out."""
        return self.desk_cost_gbp + self.fit_out_gbp

    @property
    def weights_points(self) -> float:
        """The planning weights together (travel apart)."""
        return self.locations_points + self.authority_points + self.pairing_points \
            + self.same_day_points + self.moves_points


class FigureRow(NamedTuple):
    """One line of the headline figures: ``section`` groups the lines, ``unit`` is "£",
    "points", "person-km" or "needs"; ``anchor`` is the user guide's section about it."""

    section: str
    label: str
    value: float | int
    unit: str
    anchor: str


def compute_figures(scenario: Scenario, result: PlanResult) -> PlanFigures:
    """The headline figures of ``result`` as a plan of ``scenario``.

    The terms are the result's own (as the optimiser priced them); person-km and the unplaced
    needs' desks are counted from the allocations.
    """
    ds, st = scenario.dataset, scenario.settings
    terms = result.terms
    person_km = 0.0
    placed = unplaced = unplaced_desks = 0
    for alloc in result.allocations:
        need = ds.need(alloc.need_id) if ds.has_need(alloc.need_id) else None
        if alloc.site_id is None:
            unplaced += 1
            unplaced_desks += need.desks if need is not None else 0
            continue
        placed += 1
        if need is not None and alloc.travel_km is not None and math.isfinite(alloc.travel_km):
            person_km += need.caseload * alloc.travel_km
    measure = "minutes" if st.travel_measure == "minutes" and _travel_in_minutes(
        result, ds, st.travel_weight) else "km"
    return PlanFigures(
        scenario_name=scenario.name,
        desk_cost_gbp=float(terms.get("desk_cost", 0.0)),
        fit_out_gbp=float(terms.get("fit_out", 0.0)),
        amortisation_years=float(st.amortisation_years),
        travel_person_km=person_km,
        travel_measure=measure,
        travel_weight=float(st.travel_weight),
        travel_weighted_points=float(terms.get("travel", 0.0)),
        locations_points=float(terms.get("locations", 0.0)),
        authority_points=float(terms.get("authority_preference", 0.0)),
        pairing_points=float(terms.get("pairing", 0.0)),
        same_day_points=float(terms.get("same_day", 0.0)),
        moves_points=float(terms.get("moves", 0.0)),
        needs_total=len(result.allocations),
        needs_placed=placed,
        unplaced_count=unplaced,
        unplaced_desks=unplaced_desks,
        unplaced_penalty_points=float(terms.get("unplaced", 0.0)),
        score_points=float(result.objective),
    )


def _travel_in_minutes(result: PlanResult, dataset, travel_weight: float) -> bool:  # noqa: ANN001
    """Whether the travel term was priced in minutes, not km.

    The settings may ask for minutes while the travel model has no times (it then falls back
    to km); a placed need's own travel cost tells which was used: in km it is exactly
    caseload x km x travel weight.
    """
    for alloc in result.allocations:
        if alloc.site_id is None or not alloc.travel_km or not dataset.has_need(alloc.need_id):
            continue
        caseload = dataset.need(alloc.need_id).caseload
        if caseload and math.isfinite(alloc.travel_km) and alloc.travel_cost:
            per_person_km = alloc.travel_cost / (caseload * alloc.travel_km)
            return not math.isclose(per_person_km, travel_weight, rel_tol=1e-6)
    return False


def travel_unit(figures: PlanFigures) -> str:
    return "person-minute" if figures.travel_measure == "minutes" else "person-km"


def figure_rows(figures: PlanFigures) -> list[FigureRow]:
    """The headline figures in their one order, grouped in sections.

    Money first (the only £ rows), then travel, the needs not placed, the planning weights
    and last the optimiser score with the unplaced penalty (the only place it shows).
    """
    f = figures
    money, travel, needs, weights, score = ("Money (a year)", "Service-user travel",
                                            "Needs", "Planning weights (not money)",
                                            "Optimiser score (not money)")
    per = travel_unit(f)
    return [
        FigureRow(money, "Annual property cost", f.annual_cost_gbp, MONEY, GUIDE_FIGURES),
        FigureRow(money, "Desk cost", f.desk_cost_gbp, MONEY, GUIDE_FIGURES),
        FigureRow(money, f"Fit-out (over {f.amortisation_years:g} years)", f.fit_out_gbp,
                  MONEY, GUIDE_FIGURES),
        FigureRow(travel, "Service-user travel", f.travel_person_km, "person-km",
                  GUIDE_FIGURES),
        FigureRow(travel, f"Travel weight ({f.travel_weight:,.2f} points per {per})",
                  f.travel_weighted_points, POINTS, GUIDE_WEIGHTS),
        FigureRow(needs, "Needs placed", f.needs_placed, "needs", GUIDE_FIGURES),
        FigureRow(needs, "Needs not placed", f.unplaced_count, "needs", GUIDE_UNPLACED),
        FigureRow(needs, "Desks of needs not placed", f.unplaced_desks, "desks",
                  GUIDE_UNPLACED),
        FigureRow(weights, "Separate locations", f.locations_points, POINTS, GUIDE_WEIGHTS),
        FigureRow(weights, "Not in authority property", f.authority_points, POINTS,
                  GUIDE_WEIGHTS),
        FigureRow(weights, "Wellbeing pairing bonus", f.pairing_points, POINTS, GUIDE_WEIGHTS),
        FigureRow(weights, "Same-day pairing bonus", f.same_day_points, POINTS, GUIDE_WEIGHTS),
        FigureRow(weights, "Moves from baseline", f.moves_points, POINTS, GUIDE_WEIGHTS),
        FigureRow(score, "Unplaced penalty", f.unplaced_penalty_points, POINTS,
                  GUIDE_UNPLACED),
        FigureRow(score, "Optimiser score", f.score_points, POINTS, GUIDE_WEIGHTS),
    ]


def format_figure(value: float | int, unit: str) -> str:
    """A figure as the panel, the CLI and the reports print it: "£2,512,000",
    "1,234,567 person-km", "31,616,824 points", "27 needs"."""
    if not isinstance(value, int | float) or (isinstance(value, float)
                                              and not math.isfinite(value)):
        return "n/a"
    if unit == MONEY:
        text = f"£{abs(value):,.0f}"
        return "-" + text if round(value) < 0 else text
    number = f"{value:,.0f}" if unit in (POINTS, "person-km") or float(value).is_integer() \
        else f"{value:,.1f}"
    if number in ("-0",):
        number = "0"
    if unit == "needs":
        return f"{number} need" + ("" if value == 1 else "s")
    if unit == "desks":
        return f"{number} desk" + ("" if value == 1 else "s")
    if unit in ("moves", "need-years"):
        return f"{number} {unit[:-1] if value == 1 else unit}"
    return f"{number} {unit}"


def summary_fields(figures: PlanFigures) -> dict[str, float | int]:
    """The figures the CLI's ``--summary`` JSON adds beside ``objective`` (rounded to pence
    and 0.1 person-km)."""
    return {
        "annual_cost": round(figures.annual_cost_gbp, 2),
        "desk_cost": round(figures.desk_cost_gbp, 2),
        "fit_out": round(figures.fit_out_gbp, 2),
        "travel_person_km": round(figures.travel_person_km, 1),
        "travel_weighted": round(figures.travel_weighted_points, 2),
        "planning_weights": round(figures.weights_points, 2),
        "unplaced_count": figures.unplaced_count,
        "unplaced_desks": figures.unplaced_desks,
        "unplaced_penalty": round(figures.unplaced_penalty_points, 2),
    }
