"""Everything about a contract plan that does not depend on the plan, and its exact price.

:class:`ContractData` builds each year's scenario and its :class:`ScenarioArrays` once (the
travel matrices are computed once for all needs and sliced per year).
:func:`price_contract_plan` prices any plan over the horizon with the objective of
:class:`~estates_planner.optimise.multiyear.model.MultiYearModel`: each year by the
single-year pricing (no fit-out inside the years), plus the whole fit-out of every site used
in any year, plus the move penalty per need placed in consecutive years at different sites.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from estates_planner.errors import ScenarioError
from estates_planner.model import Scenario
from estates_planner.optimise.candidates import Distances, candidate_distances
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays, breaches, plan_result
from estates_planner.optimise.multiyear.result import Move, MultiYearResult, YearPlan
from estates_planner.optimise.multiyear.years import (
    ContractYear,
    contract_years,
    year_scenario,
)
from estates_planner.ramp import Ramp


@dataclass(frozen=True, eq=False)
class ContractData:
    """The year scenarios of a contract plan and their arrays, in year order.

    ``need_index[k]`` maps a need_id to its row in year k's arrays (active needs only);
    ``base_rows[k]`` gives, for each row of year k, the need's row in the scenario's dataset.
    Sites keep the dataset's order in every year, so a site index means the same site
    throughout. ``fit_out`` is each site's whole fit-out cost (GBP).
    """

    scenario: Scenario
    ramp: Ramp
    years: tuple[ContractYear, ...]
    scenarios: tuple[Scenario, ...]
    arrays: tuple[ScenarioArrays, ...]
    base_rows: tuple[np.ndarray, ...]
    need_index: tuple[dict[str, int], ...]
    fit_out: np.ndarray
    distances: Distances

    @classmethod
    def build(cls, scenario: Scenario, ramp: Ramp, years: int | None = None,
              distances: Distances | None = None) -> ContractData:
        periods = contract_years(scenario, years)
        distances = distances if distances is not None else candidate_distances(scenario)
        row_of = {n.need_id: i for i, n in enumerate(scenario.dataset.needs)}
        scenarios, arrays, rows, index = [], [], [], []
        for year in periods:
            sc = year_scenario(scenario, ramp, year)
            r = np.array([row_of[n.need_id] for n in sc.dataset.needs], dtype=np.int64)
            year_distances = Distances(km=distances.km[r], travel=distances.travel[r],
                                       measure=distances.measure)
            scenarios.append(sc)
            arrays.append(ScenarioArrays.build(sc, year_distances))
            rows.append(r)
            index.append({n.need_id: i for i, n in enumerate(sc.dataset.needs)})
        fit_out = np.array([s.fit_out_cost for s in scenario.dataset.sites], dtype=float)
        return cls(scenario=scenario, ramp=ramp, years=periods, scenarios=tuple(scenarios),
                   arrays=tuple(arrays), base_rows=tuple(rows), need_index=tuple(index),
                   fit_out=fit_out, distances=distances)

    def site_of(self, k: int, plan: Mapping[str, str | None]) -> np.ndarray:
        """Year k's plan (need_id -> site_id) as a site index per row of year k's arrays;
        needs missing from ``plan`` are unplaced."""
        sites = {s.site_id: j for j, s in enumerate(self.scenario.dataset.sites)}
        out = np.full(len(self.base_rows[k]), UNPLACED, dtype=np.int64)
        unknown = sorted(str(v) for v in plan.values() if v is not None and v not in sites)
        if unknown:
            raise ScenarioError("the plan names sites not in the data: "
                                + ", ".join(unknown[:10]))
        for need_id, site_id in plan.items():
            i = self.need_index[k].get(need_id)
            if i is not None and site_id is not None:
                out[i] = sites[site_id]
        return out


def moves_between(data: ContractData, site_ofs: Sequence[np.ndarray]) -> list[Move]:
    """Needs placed in two consecutive years at different sites (an unplaced or inactive
    year between is not a move)."""
    sites = data.scenario.dataset.sites
    moves = []
    for k in range(1, len(site_ofs)):
        before = data.need_index[k - 1]
        needs = data.scenarios[k].dataset.needs
        for i, j in enumerate(site_ofs[k].tolist()):
            if j == UNPLACED:
                continue
            p = before.get(needs[i].need_id)
            if p is None:
                continue
            was = int(site_ofs[k - 1][p])
            if was != UNPLACED and was != j:
                moves.append(Move(needs[i].need_id, k + 1, sites[was].site_id, sites[j].site_id))
    return moves


def plan_breaches(data: ContractData, site_ofs: Sequence[np.ndarray]) -> list[str]:
    """Every rule the plan breaks in any year (capacity, R3-R8 of the year, keeping sites)."""
    out = []
    for year, arrays, site_of in zip(data.years, data.arrays, site_ofs, strict=True):
        out.extend(f"{year.label}: {b}" for b in breaches(arrays, site_of))
    if data.scenario.settings.keep_sites_across_years:
        out.extend(_keep_breaches(data, site_ofs))
    return out


def price_site_ofs(data: ContractData, site_ofs: Sequence[np.ndarray], *, status: str,
                   bound: float, seconds: float, messages: Sequence[str] = (),
                   check_rules: bool = False) -> MultiYearResult:
    """The :class:`MultiYearResult` of a plan given as a site index per row of each year."""
    years = []
    used: set[int] = set()
    notes = list(messages) + (plan_breaches(data, site_ofs) if check_rules else [])
    for year, arrays, site_of in zip(data.years, data.arrays, site_ofs, strict=True):
        result = plan_result(arrays, site_of, status=status, bound=math.nan, seconds=seconds)
        years.append(YearPlan(year, result))
        used.update(int(j) for j in site_of.tolist() if j != UNPLACED)
    fit_sites = sorted(j for j in used if data.fit_out[j] > 0)
    fit_out = float(sum(data.fit_out[j] for j in fit_sites))
    moves = moves_between(data, site_ofs)
    penalty = data.scenario.settings.move_penalty
    objective = float(sum(y.objective for y in years)) + fit_out + penalty * len(moves)
    if math.isnan(bound):
        gap = math.nan
    else:
        bound = min(bound, objective)
        gap = max(0.0, (objective - bound) / max(abs(objective), 1.0))
    site_ids = tuple(data.scenario.dataset.sites[j].site_id for j in fit_sites)
    return MultiYearResult(
        scenario_name=data.scenario.name, years=tuple(years), fit_out_once=fit_out,
        fit_out_sites=site_ids, moves=tuple(moves), move_penalty=penalty,
        objective=objective, bound=bound, gap=gap, status=status, seconds=seconds,
        messages=tuple(notes))


def _keep_breaches(data: ContractData, site_ofs: Sequence[np.ndarray]) -> list[str]:
    first: dict[str, int] = {}
    out = []
    sites = data.scenario.dataset.sites
    for k, site_of in enumerate(site_ofs):
        needs = data.scenarios[k].dataset.needs
        for i, j in enumerate(site_of.tolist()):
            if j == UNPLACED:
                continue
            was = first.setdefault(needs[i].need_id, j)
            if was != j:
                out.append(f"Year {k + 1}: {needs[i].need_id} is at {sites[j].site_id}, not at "
                           f"{sites[was].site_id} as before (keep_sites_across_years)")
    return out


def price_contract_plan(scenario: Scenario, ramp: Ramp,
                        plans: Sequence[Mapping[str, str | None]], *,
                        data: ContractData | None = None) -> MultiYearResult:
    """Price a contract plan given from outside, year by year (status "evaluated").

    Parameters
    ----------
    plans
        One mapping need_id -> site_id (None unplaced) per contract year, in order; active
        needs missing from a year's mapping are unplaced that year.

    Rule breaches (capacity with the year's volumes, availability in the year, R3-R8,
    keeping sites) do not stop the pricing; each is listed in ``messages``.
    """
    data = data if data is not None else ContractData.build(scenario, ramp, len(plans))
    if len(plans) != len(data.years):
        raise ScenarioError(f"the plan has {len(plans)} years; the scenario has "
                            f"{len(data.years)} contract years")
    site_ofs = [data.site_of(k, plan) for k, plan in enumerate(plans)]
    return price_site_ofs(data, site_ofs, status="evaluated", bound=math.nan, seconds=0.0,
                          check_rules=True)
