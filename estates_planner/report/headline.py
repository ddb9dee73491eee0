"""The headline figures of a plan with money apart from planning weights and penalties.

Issue #13 asks every place that shows a plan (the app, the CLI, the XLSX, the PDF) to tell
what the plan costs in money from what only steers the optimiser. This module is the PDF's
Qt-free source of those figures (the app's own split is being built beside it; the two are to
be unified into one module):

- **annual property cost** (money): desk cost plus the fit-out amortised over the settings'
  years, in £ a year;
- **service-user travel**: person-km (each placed need's caseload times its journey in km)
  and the value the travel weight puts on it (a weight, not a cost paid);
- **planning weights**: separate locations, authority preference, wellbeing pairing, moves
  from a baseline: the optimiser's preferences, labelled as weights;
- **needs not placed**: a count and the desks they asked for;
- the **optimiser score**: every objective term, the unplaced penalty among them, and their
  sum (the objective), shown only as a breakdown of what the optimiser minimised.

:func:`region_rows` gives the same figures per region for the summary's region table; over a
split of the plan into regions the property costs add up to the whole plan's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from estates_planner.model import Scenario
from estates_planner.optimise.result import TERM_LABELS, TERM_NAMES, PlanResult

# the objective terms that are planning weights (not money, not a penalty), in print order
WEIGHT_TERMS: tuple[str, ...] = ("locations", "authority_preference", "pairing", "moves")
SCORE_NOTE = ("The optimiser score is what the optimiser minimised: the annual property "
              "cost plus the value of travel, the planning weights and the penalty for each "
              "need not placed. Only the property cost is money paid.")


@dataclass(frozen=True)
class Headline:
    """The figures at the top of a plan's summary (see the module docstring)."""

    desk_cost_gbp: float
    fit_out_gbp: float  # amortised: a year's share
    travel_person_km: float
    travel_value_gbp: float  # the travel weight's value of the journeys, not money paid
    travel_per: str  # "person-km" or "person-minute": what the travel weight is paid per
    weights: tuple[tuple[str, float], ...]  # (label, annual value) of each planning weight
    needs_total: int
    unplaced_count: int
    unplaced_desks: int
    unplaced_penalty_gbp: float  # inside the optimiser score only
    score_terms: tuple[tuple[str, float], ...]  # (label, value) of every objective term
    score: float  # the objective

    @property
    def annual_property_cost_gbp(self) -> float:
        """Desk cost plus amortised fit-out: what the plan costs in money a year."""
        return self.desk_cost_gbp + self.fit_out_gbp


def compute_headline(scenario: Scenario, result: PlanResult) -> Headline:
    """The headline figures of ``result`` (a plan of ``scenario``, or a part of one from
    :func:`estates_planner.report.content.summary_plan`).

    Money and weights come from the plan's objective terms (as the optimiser priced them);
    person-km and the unplaced desks are counted from its allocations.
    """
    ds = scenario.dataset
    terms = {name: float(result.terms.get(name, 0.0)) for name in TERM_NAMES}
    person_km = 0.0
    unplaced = 0
    unplaced_desks = 0
    for a in result.allocations:
        if not ds.has_need(a.need_id):
            continue
        need = ds.need(a.need_id)
        if a.site_id is None:
            unplaced += 1
            unplaced_desks += need.desks
        elif a.travel_km is not None and math.isfinite(a.travel_km):
            person_km += need.caseload * a.travel_km
    per = "person-minute" if scenario.settings.travel_measure == "minutes" else "person-km"
    return Headline(
        desk_cost_gbp=terms["desk_cost"],
        fit_out_gbp=terms["fit_out"],
        travel_person_km=person_km,
        travel_value_gbp=terms["travel"],
        travel_per=per,
        weights=tuple((TERM_LABELS[name], terms[name]) for name in WEIGHT_TERMS),
        needs_total=len(result.allocations),
        unplaced_count=unplaced,
        unplaced_desks=unplaced_desks,
        unplaced_penalty_gbp=terms["unplaced"],
        score_terms=tuple((TERM_LABELS[name], terms[name]) for name in TERM_NAMES),
        score=float(sum(terms.values())),
    )


@dataclass(frozen=True)
class RegionRow:
    """One region of the summary's region table."""

    region: str
    sites_used: int
    needs_placed: int
    needs_unplaced: int
    annual_property_cost_gbp: float
    authority: tuple[int, int]  # ETE/accommodation needs in authority sites, of those placed
    paired: tuple[int, int]  # wellbeing needs paired, of those placed


def region_rows(scenario: Scenario, result: PlanResult,
                regions: Sequence[str] | None = None) -> list[RegionRow]:
    """Per region (of the sites used; an unplaced need counts in its own region): sites
    used, needs placed and not, the annual property cost (desk cost of the needs at its sites
    plus the amortised fit-out of its sites used), and the authority and pairing shares."""
    from estates_planner.model import Lot, SiteKind

    ds, st = scenario.dataset, scenario.settings
    names = list(regions) if regions is not None else list(ds.regions)
    rows = {r: {"sites": set(), "placed": 0, "unplaced": 0, "cost": 0.0, "auth": [0, 0],
                "pair": [0, 0]} for r in names}
    for a in result.allocations:
        if not ds.has_need(a.need_id):
            continue
        need = ds.need(a.need_id)
        if a.site_id is None:
            if need.region in rows:
                rows[need.region]["unplaced"] += 1
            continue
        if not ds.has_site(a.site_id):
            continue
        site = ds.site(a.site_id)
        row = rows.get(site.region)
        if row is None:
            continue
        row["placed"] += 1
        row["cost"] += a.desk_cost
        if a.site_id not in row["sites"]:
            row["sites"].add(a.site_id)
            row["cost"] += site.fit_out_cost / st.amortisation_years
        if need.lot.prefers_authority:
            row["auth"][1] += 1
            row["auth"][0] += site.kind is SiteKind.AUTHORITY
        elif need.lot is Lot.WELLBEING:
            row["pair"][1] += 1
            row["pair"][0] += bool(a.paired)
    return [RegionRow(r, len(v["sites"]), v["placed"], v["unplaced"], v["cost"],
                      (v["auth"][0], v["auth"][1]), (v["pair"][0], v["pair"][1]))
            for r, v in rows.items()]
