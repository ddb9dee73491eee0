"""The summary's region table: each region's part of a plan, counted as the whole plan is.

Each row is the plan cut to one region (:func:`report.content.summary_plan`: the needs at its
sites, and its own needs not placed) and counted by the same code as the whole plan
(:func:`report.kpis.compute_kpis`, whose money comes from :mod:`report.figures`), so a region's
annual property cost is computed exactly as the headline's, and over all regions the costs
add up to the whole plan's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from estates_planner.model import Scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.report.content import summary_plan
from estates_planner.report.kpis import compute_kpis


@dataclass(frozen=True)
class RegionRow:
    """One region of the summary's region table."""

    region: str
    sites_used: int
    needs_placed: int
    needs_unplaced: int
    annual_property_cost_gbp: float  # money: desks + amortised fit-out of its sites used
    authority: tuple[int, int]  # ETE/accommodation needs in authority sites, of those placed
    paired: tuple[int, int]  # wellbeing needs paired, of those placed


def region_rows(scenario: Scenario, result: PlanResult,
                regions: Sequence[str] | None = None) -> list[RegionRow]:
    """Per region (of the sites used; an unplaced need counts in its own region): sites
    used, needs placed and not, the annual property cost, and the authority and pairing
    shares."""
    names = list(regions) if regions is not None else list(scenario.dataset.regions)
    rows = []
    for name in names:
        part = summary_plan(scenario, result, lambda s, r=name: s.region == r,
                            lambda n, r=name: n.region == r)
        k = compute_kpis(scenario, part)
        rows.append(RegionRow(name, k.sites_used, k.needs_placed, k.needs_unplaced,
                              k.figures.annual_cost_gbp,
                              (k.ete_acc_in_authority, k.ete_acc_placed),
                              (k.wellbeing_paired, k.wellbeing_placed)))
    return rows
