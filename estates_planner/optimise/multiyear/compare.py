"""The two plans a contract plan is compared with, each made by the single-year solver.

*Year by year*: year 1 planned alone, then each year re-planned from the previous one with
the move penalty (a site fitted out in an earlier year costs nothing to use again; a new one
costs its whole fit-out). *Final year kept*: the plan for the last year's volumes, kept in
every year where the rules allow (the site is available that year), the other needs
re-placed in that year with the move penalty against the kept plan. Both are priced with the
contract plan's own objective (:func:`~estates_planner.optimise.multiyear.pricing.
price_site_ofs`), so the saving of planning the years together is like for like. They are
also the contract plan's starting points.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from estates_planner.optimise.candidates import fits_alone
from estates_planner.optimise.evaluate import UNPLACED
from estates_planner.optimise.greedy import greedy_plan
from estates_planner.optimise.multiyear.pricing import ContractData
from estates_planner.optimise.multiyear.years import FIT_OUT_FULL, year_scenario
from estates_planner.optimise.progress import Cancel

_MIN_SOLVE_S = 0.2


def _solve_year(scenario, limit_s: float, cancel: Cancel | None,  # noqa: ANN001 (Scenario)
                warm_start: Mapping[str, str | None] | None, workers: int | None,
                notes: list[str] | None = None, label: str = "") -> dict[str, str | None]:
    """The single-year solver's plan, or the greedy fill once cancelled.

    A solve not proven optimal adds a sentence to ``notes``: a comparison made within a
    short share of the time may be dearer than that way of planning could be, which makes
    the saving of planning the years together look larger than it is.
    """
    from estates_planner.optimise.solver import solve_scenario

    if cancel is not None and cancel.is_set():
        if notes is not None:
            notes.append(f"{label}: cancelled, the greedy fill")
        return greedy_plan(scenario).assignment
    result = solve_scenario(scenario, time_limit_s=max(limit_s, _MIN_SOLVE_S), cancel=cancel,
                            warm_start=warm_start, workers=workers)
    if result.status == "cancelled" and not any(a.site_id for a in result.allocations):
        if notes is not None:
            notes.append(f"{label}: cancelled, the greedy fill")
        return greedy_plan(scenario).assignment  # abandoned before any plan was made
    if notes is not None and result.status != "optimal":
        room = result.most_above_best
        notes.append(f"{label}: {result.status} after {result.seconds:.1f} s"
                     + ("" if room is None else f", at most {room:,.0f} points above that year's "
                        "best"))
    return result.assignment


def year_by_year(data: ContractData, time_limit_s: float, *, cancel: Cancel | None = None,
                 workers: int | None = None, notes: list[str] | None = None,
                 ) -> list[np.ndarray]:
    """Each year planned from the previous one's plan; site indices per row of each year."""
    sc, ramp = data.scenario, data.ramp
    paid: set[str] = set()
    previous: dict[str, str | None] | None = None
    out = []
    deadline = time.perf_counter() + time_limit_s
    for k, year in enumerate(data.years):
        share = (deadline - time.perf_counter()) / (len(data.years) - k)
        year_sc = year_scenario(sc, ramp, year, fit_out=FIT_OUT_FULL, fit_out_paid=paid,
                                baseline=previous)
        plan = _solve_year(year_sc, share, cancel, previous, workers, notes, year.label)
        paid.update(s for s in plan.values() if s is not None)
        previous = plan
        out.append(data.site_of(k, plan))
    return out


def final_year_kept(data: ContractData, time_limit_s: float, *, cancel: Cancel | None = None,
                    warm_start: Mapping[str, str | None] | None = None,
                    workers: int | None = None, notes: list[str] | None = None,
                    ) -> list[np.ndarray]:
    """The last year's plan kept where the rules allow, the rest re-placed per year."""
    sc, ramp = data.scenario, data.ramp
    deadline = time.perf_counter() + time_limit_s
    last = len(data.years) - 1
    final_sc = year_scenario(sc, ramp, data.years[last], fit_out=FIT_OUT_FULL,
                             use_scenario_baseline=last == 0)
    final = _solve_year(final_sc, 0.6 * time_limit_s, cancel, warm_start, workers, notes,
                        f"{data.years[last].label} (the plan kept)")
    committed = {s for s in final.values() if s is not None}
    site_index = {s.site_id: j for j, s in enumerate(sc.dataset.sites)}
    out: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(data.years)
    out[last] = data.site_of(last, final)
    for k in range(last):
        allowed = data.arrays[k].allowed & fits_alone(data.scenarios[k])
        pins = {}
        for need_id, i in data.need_index[k].items():
            site_id = final.get(need_id)
            if site_id is not None and allowed[i, site_index[site_id]]:
                pins[need_id] = site_id
        # solved even when every need is pinned: a kept site may be too small for a year
        # with more volume than the last, and the solver then leaves the need unplaced
        year_sc = year_scenario(sc, ramp, data.years[k], fit_out=FIT_OUT_FULL,
                                fit_out_paid=committed, baseline=final, pins=pins)
        share = (deadline - time.perf_counter()) / (last - k)
        plan = _solve_year(year_sc, share, cancel, final, workers, notes,
                           f"{data.years[k].label} (re-placed)")
        out[k] = data.site_of(k, plan)
    return out


def kept_sites_only(data: ContractData, site_ofs: list[np.ndarray]) -> list[np.ndarray]:
    """The plan with every need left unplaced in the years it is not at its first site, so
    that it keeps to ``keep_sites_across_years`` (a valid start for that rule)."""
    first: dict[str, int] = {}
    out = []
    for k, site_of in enumerate(site_ofs):
        site_of = site_of.copy()
        needs = data.scenarios[k].dataset.needs
        for i, j in enumerate(site_of.tolist()):
            if j != UNPLACED and first.setdefault(needs[i].need_id, j) != j:
                site_of[i] = UNPLACED
        out.append(site_of)
    return out
