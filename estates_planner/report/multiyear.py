"""Report content of a contract plan, Qt-free: what a year selector, the inspector's
occupancy chart, a moves list and the PDF's four-year summary show.

Money and planning weights are kept apart: ``property_cost_by_year`` is money (desks and
fit-out); the objective's terms are labelled as the objective labels them.
"""

from __future__ import annotations

from dataclasses import dataclass

from estates_planner.model import Scenario
from estates_planner.optimise.multiyear.result import (
    COMPARISON_NAMES,
    HORIZON_TERM_LABELS,
    MultiYearResult,
)
from estates_planner.optimise.multiyear.years import ContractYear, year_scenario
from estates_planner.optimise.result import TERM_LABELS, TERM_NAMES
from estates_planner.ramp import Ramp


@dataclass(frozen=True, slots=True)
class ExplainedMove:
    """A move between years and why it is made, in a sentence."""

    need_id: str
    year: int
    from_site: str
    to_site: str
    why: str
    reason: str  # "lease ends", "site opens", "volume grows", "capacity", "re-planned"


@dataclass(frozen=True, slots=True)
class YearOccupancy:
    """A site's use in one year: desk-days and room-days a week used and available."""

    year: int
    desk_days_used: int
    desk_days_available: int
    room_days_used: int
    room_days_available: int
    available: bool


# what the views show when no single contract year is chosen
ALL_YEARS_LABEL = "All years"


def year_title(year: ContractYear) -> str:
    """"Year 2 (2027-28)": the year's number and the years it spans, as UK financial years
    are written; "Year 2" when the contract has no start date."""
    first, last = year.first_day, year.last_day
    if first is None or last is None:
        return year.label
    span = str(first.year) if last.year == first.year else \
        f"{first.year}-{str(last.year)[-2:]}" if last.year == first.year + 1 else \
        f"{first.year}-{last.year}"
    return f"{year.label} ({span})"


def terms_by_year(result: MultiYearResult) -> list[tuple[str, list[float], float]]:
    """(label, value per year, horizon total) per term, then the horizon's own terms
    (charged once, so with no per-year split) and the total."""
    rows = []
    for key in TERM_NAMES:
        values = [float(y.result.terms.get(key, 0.0)) for y in result.years]
        rows.append((TERM_LABELS[key] if key != "fit_out" or len(result.years) == 1
                     else "Fit-out (charged once, below)", values, sum(values)))
    if len(result.years) > 1:
        rows.append((HORIZON_TERM_LABELS["fit_out_once"], [], result.fit_out_once))
        rows.append((HORIZON_TERM_LABELS["moves_between_years"], [],
                     result.moves_between_years_cost))
    rows.append(("Total", [y.objective for y in result.years], result.objective))
    return rows


def property_cost_by_year(scenario: Scenario, result: MultiYearResult) -> list[float]:
    """Money spent on property each year (GBP): desk cost, plus the whole fit-out of the
    sites first used that year. Penalties and bonuses are not money and are left out."""
    first_use: dict[str, int] = {}
    for k, y in enumerate(result.years):
        for a in y.result.allocations:
            if a.site_id is not None:
                first_use.setdefault(a.site_id, k)
    out = [float(y.result.terms.get("desk_cost", 0.0)) for y in result.years]
    if len(result.years) == 1:
        return out
    ds = scenario.dataset
    for site_id, k in first_use.items():
        out[k] += ds.site(site_id).fit_out_cost
    return out


def occupancy_by_year(scenario: Scenario, ramp: Ramp,
                      result: MultiYearResult) -> dict[str, list[YearOccupancy]]:
    """Per site, its use in each year (for the inspector's small chart); ``available`` is
    False in the years its lease does not cover (or before it opens)."""
    out: dict[str, list[YearOccupancy]] = {s.site_id: [] for s in scenario.dataset.sites}
    for y in result.years:
        sc = year_scenario(scenario, ramp, y.year)
        for site in scenario.dataset.sites:
            usage = y.result.site_usage.get(site.site_id)
            out[site.site_id].append(YearOccupancy(
                year=y.year.number,
                desk_days_used=usage.desk_days_used if usage else 0,
                desk_days_available=usage.desk_days_available if usage else 0,
                room_days_used=usage.room_days_used if usage else 0,
                room_days_available=usage.room_days_available if usage else 0,
                available=_available(sc, site)))
    return out


def _available(sc: Scenario, site) -> bool:  # noqa: ANN001 (Site)
    """R7 of a year scenario (as rules.pair_blocks judges it)."""
    if sc.settings.go_live is not None and site.available_from is not None \
            and site.available_from > sc.settings.go_live:
        return False
    return not (sc.period_end is not None and site.available_until is not None
                and site.available_until < sc.period_end)


def explain_moves(scenario: Scenario, ramp: Ramp,
                  result: MultiYearResult) -> list[ExplainedMove]:
    """Every move between years with the first reason that applies: the old site's lease
    ends; the new site opens that year; the need grows and no longer fits the old site;
    the old site is full with the others' growth; else re-planned (cheaper overall)."""
    if not result.moves:
        return []
    scenarios = [year_scenario(scenario, ramp, y.year) for y in result.years]
    ds = scenario.dataset
    out = []
    for mv in result.moves:
        k = mv.year - 1
        now, before = scenarios[k], scenarios[k - 1]
        old, new = ds.site(mv.from_site), ds.site(mv.to_site)
        need_now = now.dataset.need(mv.need_id)
        need_before = before.dataset.need(mv.need_id)
        usage = result.years[k].result.site_usage.get(old.site_id)
        others_desk = (usage.desk_days_used if usage else 0)
        others_room = (usage.room_days_used if usage else 0)
        cap_desk = usage.desk_days_available if usage else 0
        cap_room = usage.room_days_available if usage else 0
        no_room = (others_desk + need_now.desk_days > cap_desk
                   or others_room + need_now.room_days > cap_room)
        if not _available(now, old):
            ends = old.available_until.isoformat() if old.available_until else "earlier"
            reason, why = "lease ends", f"{old.name}'s lease ends on {ends}"
        elif not _available(before, new):
            opens = new.available_from.isoformat() if new.available_from else "this year"
            reason, why = "site opens", f"{new.name} opens on {opens} and costs less overall"
        elif no_room and (need_now.desk_days > need_before.desk_days
                          or need_now.room_days > need_before.room_days):
            reason = "volume grows"
            why = (f"the need grows from {need_before.desks} to {need_now.desks} desks "
                   f"({need_before.interview_rooms} to {need_now.interview_rooms} rooms) and "
                   f"no longer fits {old.name}")
        elif no_room:
            reason, why = "capacity", f"{old.name} is full in year {mv.year}"
        else:
            reason = "re-planned"
            why = ("cheaper overall (travel, pairing or fewer separate locations) than "
                   "staying, after the move penalty")
        out.append(ExplainedMove(mv.need_id, mv.year, mv.from_site, mv.to_site, why, reason))
    return out


def comparison_rows(result: MultiYearResult) -> list[tuple[str, float, float, float]]:
    """(label, objective, saving in GBP, saving as a fraction) per comparison plan."""
    rows = []
    for name, label in COMPARISON_NAMES.items():
        saving = result.saving_against(name)
        if saving is not None:
            rows.append((label, result.comparison[name].objective, saving[0], saving[1]))
    return rows


@dataclass(frozen=True, slots=True)
class YearFigures:
    """A contract year's headline figures, money and points apart (the compare window's
    rows). ``moves`` counts the needs that moved into the year from the year before."""

    year: int
    title: str
    property_cost_gbp: float
    travel_person_km: float
    placed: int
    unplaced: int
    moves: int
    score_points: float


@dataclass(frozen=True, slots=True)
class HorizonFigures:
    """The same figures over the whole contract: property cost and travel summed over the
    years, placed and unplaced counted in need-years, every move between years, and the
    plan's own score (the years' terms, fit-out once and the moves)."""

    years: int
    property_cost_gbp: float
    travel_person_km: float
    need_years_placed: int
    need_years_unplaced: int
    moves: int
    score_points: float


def figures_by_year(scenario: Scenario, ramp: Ramp,
                    result: MultiYearResult) -> tuple[list[YearFigures], HorizonFigures]:
    """Each year's figures and the horizon's, for a contract plan of ``scenario``.

    Travel is each placed need's year-k caseload (from the ramp) times its journey, as the
    key figures count it; the property cost is :func:`property_cost_by_year`'s (fit-out in
    the year a site is first used).
    """
    from estates_planner.report.figures import compute_figures

    costs = property_cost_by_year(scenario, result)
    years = []
    for y, cost in zip(result.years, costs, strict=True):
        figures = compute_figures(year_scenario(scenario, ramp, y.year), y.result)
        years.append(YearFigures(
            year=y.year.number, title=year_title(y.year), property_cost_gbp=cost,
            travel_person_km=figures.travel_person_km, placed=y.placed, unplaced=y.unplaced,
            moves=sum(1 for m in result.moves if m.year == y.year.number),
            score_points=float(y.objective)))
    horizon = HorizonFigures(
        years=len(years), property_cost_gbp=sum(costs),
        travel_person_km=sum(f.travel_person_km for f in years),
        need_years_placed=sum(f.placed for f in years),
        need_years_unplaced=sum(f.unplaced for f in years),
        moves=len(result.moves), score_points=float(result.objective))
    return years, horizon


def contract_figure_rows(scenario: Scenario, ramp: Ramp, result: MultiYearResult) -> list:
    """The key figures of a whole contract plan (the panel's "All years"), as
    :class:`~estates_planner.report.figures.FigureRow` with money, travel, needs and the
    score apart: property cost over the contract and by year (£), travel (person-km),
    need-years placed and not, moves between years, and the score (points)."""
    from estates_planner.report.figures import (
        GUIDE_FIGURES,
        GUIDE_UNPLACED,
        GUIDE_WEIGHTS,
        MONEY,
        POINTS,
        FigureRow,
    )

    years, horizon = figures_by_year(scenario, ramp, result)
    money = f"Money over the contract ({horizon.years} years)"
    rows = [FigureRow(money, "Property cost", horizon.property_cost_gbp, MONEY, GUIDE_FIGURES)]
    rows += [FigureRow(money, y.title, y.property_cost_gbp, MONEY, GUIDE_FIGURES)
             for y in years]
    needs = "Needs over the contract"
    rows += [
        FigureRow("Service-user travel", "Over the contract", horizon.travel_person_km,
                  "person-km", GUIDE_FIGURES),
        FigureRow(needs, "Placed", horizon.need_years_placed, "need-years", GUIDE_FIGURES),
        FigureRow(needs, "Not placed", horizon.need_years_unplaced, "need-years",
                  GUIDE_UNPLACED),
        FigureRow(needs, "Moves between years", horizon.moves, "moves", GUIDE_WEIGHTS),
        FigureRow("Optimiser score (not money)", "Total score", horizon.score_points, POINTS,
                  GUIDE_WEIGHTS),
    ]
    return rows
