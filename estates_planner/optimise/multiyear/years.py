"""Contract years and the single-year scenario of each (volumes from the ramp, availability).

A contract plan is priced and solved as K ordinary scenarios that share sites: year k's
scenario holds the needs active in year k with their year-k volumes, its go-live is the
first day of year k and its ``period_end`` the last (so rule R7 judges ``available_from``
and the lease end, ``available_until``, for that year). Everything else (rules, pins,
closures, bars, capacity overrides, weights) is the scenario's own. These year scenarios
feed the unchanged single-year machinery: candidates, pair costs and pricing
(:func:`~estates_planner.optimise.evaluate.plan_result`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from estates_planner.errors import ScenarioError
from estates_planner.model import Dataset, Scenario, ServiceNeed
from estates_planner.ramp import Ramp

# fit-out in the year scenarios: "none" (the contract plan charges it once, outside the
# years), or "full" (a year planned alone pays the whole fit-out of a site it opens)
FIT_OUT_NONE = "none"
FIT_OUT_FULL = "full"


@dataclass(frozen=True, slots=True)
class ContractYear:
    """Year ``number`` (1-based) of the contract, from ``first_day`` to ``last_day``
    inclusive; both None when the scenario has neither ``contract_start`` nor ``go_live``."""

    number: int
    first_day: date | None
    last_day: date | None

    @property
    def label(self) -> str:
        return f"Year {self.number}"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def contract_years(scenario: Scenario, years: int | None = None) -> tuple[ContractYear, ...]:
    """The contract years of ``scenario`` (``years`` overrides ``contract_years``)."""
    st = scenario.settings
    count = st.contract_years if years is None else years
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ScenarioError(f"the number of contract years must be a whole number ≥ 1, got "
                            f"{count!r}")
    start = st.contract_start if st.contract_start is not None else st.go_live
    out = []
    for k in range(1, count + 1):
        if start is None:
            out.append(ContractYear(k, None, None))
        else:
            first = _add_years(start, k - 1)
            out.append(ContractYear(k, first, _add_years(start, k) - timedelta(days=1)))
    return tuple(out)


def ramped_need(need: ServiceNeed, share: Fraction) -> ServiceNeed:
    """The need in a year with ``share`` (> 0): desks and rooms rounded up exactly, caseload
    scaled, days a week unchanged."""
    if share == 1:
        return need
    return dataclasses.replace(
        need, desks=math.ceil(need.desks * share),
        interview_rooms=math.ceil(need.interview_rooms * share),
        caseload=float(Fraction(need.caseload) * share))


def year_scenario(scenario: Scenario, ramp: Ramp, year: ContractYear, *,
                  fit_out: str = FIT_OUT_NONE, fit_out_paid: Collection[str] = (),
                  baseline: Mapping[str, str | None] | None = None,
                  use_scenario_baseline: bool | None = None,
                  pins: Mapping[str, str] | None = None) -> Scenario:
    """The single-year scenario of ``year``.

    Parameters
    ----------
    fit_out
        ``"none"``: every site's fit-out is 0 (the contract plan charges it once, outside
        the years); ``"full"``: a site's whole fit-out, except the sites in
        ``fit_out_paid`` (already fitted out in an earlier year).
    baseline
        The plan moves are priced against (the previous year's plan when years are planned
        one at a time). By default year 1 keeps the scenario's baseline and later years
        have none (moves between years are priced by the contract plan itself).
    pins
        Extra pins (need_id -> site_id) on top of the scenario's, for needs active this year.
    """
    ds = scenario.dataset
    needs = []
    for need in ds.needs:
        share = ramp.share(need, year.number)
        if share > 0:
            needs.append(ramped_need(need, share))
    active = {n.need_id for n in needs}
    paid = set(fit_out_paid)
    sites = tuple(
        s if (fit_out == FIT_OUT_FULL and s.site_id not in paid) or s.fit_out_cost == 0
        else dataclasses.replace(s, fit_out_cost=0.0)
        for s in ds.sites)
    dataset = Dataset(sites=sites, needs=tuple(needs), demand=ds.demand)
    all_pins = {k: v for k, v in scenario.pins.items() if k in active}
    all_pins.update({k: v for k, v in (pins or {}).items() if k in active})
    if use_scenario_baseline is None:
        use_scenario_baseline = year.number == 1
    if baseline is None and use_scenario_baseline and scenario.baseline is not None:
        baseline = scenario.baseline
    if baseline is not None:
        baseline = {k: v for k, v in baseline.items() if k in active}
    settings = scenario.settings.replace(
        go_live=year.first_day, contract_years=1, amortisation_years=1.0)
    return scenario.replace(
        name=f"{scenario.name} – {year.label.lower()}", dataset=dataset, settings=settings,
        pins=all_pins, baseline=baseline, period_end=year.last_day)
