"""An independent checker for contract plans, from the issue's definitions.

Shares no code with ``estates_planner.optimise`` (nor with ``io.ramp``): the year-k volumes
are worked out here from a plain share table, availability from the site's dates, each
year's terms by :mod:`plan_checker` (itself independent of the optimiser), then the
horizon's own terms: each site's whole fit-out once if it is used in any year, and the move
penalty per need placed in consecutive years at different sites.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction

from plan_checker import breaches, terms

from estates_planner.model import Dataset, Scenario

Shares = Mapping[tuple[str, int], Fraction]  # (need_id, year) -> share; missing means 1
Plan = Sequence[Mapping[str, "str | None"]]  # per year: need_id -> site_id or None


def year_bounds(start: date, k: int) -> tuple[date, date]:
    first = start.replace(year=start.year + k - 1)
    return first, start.replace(year=start.year + k) - timedelta(days=1)


def year_scenario(scenario: Scenario, shares: Shares, k: int) -> Scenario:
    """Year k as a plain scenario: active needs at year-k volumes, no fit-out in the year
    (charged once over the horizon), sites not available all year closed."""
    st = scenario.settings
    start = st.contract_start or st.go_live
    needs = []
    for n in scenario.dataset.needs:
        share = Fraction(shares.get((n.need_id, k), 1))
        if share == 0:
            continue
        needs.append(dataclasses.replace(
            n, desks=math.ceil(n.desks * share), interview_rooms=math.ceil(n.interview_rooms
                                                                           * share),
            caseload=float(Fraction(n.caseload) * share)))
    closed = set(scenario.closed_sites)
    if start is not None:
        first, last = year_bounds(start, k)
        for s in scenario.dataset.sites:
            if (s.available_from is not None and s.available_from > first) or \
                    (s.available_until is not None and s.available_until < last):
                closed.add(s.site_id)
    sites = tuple(dataclasses.replace(s, fit_out_cost=0.0, available_from=None)
                  for s in scenario.dataset.sites)
    baseline = scenario.baseline if k == 1 else None
    return Scenario(f"year {k}", Dataset(sites, tuple(needs)),
                    settings=st.replace(amortisation_years=1.0, go_live=None),
                    closed_sites=frozenset(closed), pins=scenario.pins, barred=scenario.barred,
                    capacity_overrides=scenario.capacity_overrides, baseline=baseline)


def contract_breaches(scenario: Scenario, shares: Shares, plan: Plan) -> list[str]:
    out = []
    for k, year_plan in enumerate(plan, start=1):
        sc = year_scenario(scenario, shares, k)
        active = {n.need_id for n in sc.dataset.needs}
        out += [f"year {k}: {b}" for b in breaches(sc, year_plan)]
        out += [f"year {k}: inactive {n} placed" for n, s in year_plan.items()
                if s is not None and n not in active]
    if scenario.settings.keep_sites_across_years:
        first: dict[str, str] = {}
        for k, year_plan in enumerate(plan, start=1):
            for n, s in year_plan.items():
                if s is not None and first.setdefault(n, s) != s:
                    out.append(f"year {k}: {n} left its site")
    return out


def contract_objective(scenario: Scenario, shares: Shares, plan: Plan) -> dict[str, float]:
    """Per-year objectives ("year 1", ...) and the horizon's terms; "total" sums them."""
    st = scenario.settings
    out: dict[str, float] = {}
    used: set[str] = set()
    for k, year_plan in enumerate(plan, start=1):
        sc = year_scenario(scenario, shares, k)
        active = {n.need_id: year_plan.get(n.need_id) for n in sc.dataset.needs}
        out[f"year {k}"] = sum(terms(sc, active).values())
        used |= {s for s in active.values() if s is not None}
    sites = {s.site_id: s for s in scenario.dataset.sites}
    out["fit_out_once"] = sum(sites[s].fit_out_cost for s in used)
    moves = 0
    for k in range(1, len(plan)):
        for n, s in plan[k].items():
            before = plan[k - 1].get(n)
            if s is not None and before is not None and before != s:
                moves += 1
    out["moves_between_years"] = st.move_penalty * moves
    out["total"] = sum(out.values())
    return out


def brute_force(scenario: Scenario, shares: Shares, years: int) -> tuple[float, list] | None:
    """The optimum over every plan of every year (tiny instances only)."""
    ids = [n.need_id for n in scenario.dataset.needs]
    options = [s.site_id for s in scenario.dataset.sites] + [None]
    per_year = []
    for k in range(1, years + 1):
        active = [n for n in ids if Fraction(shares.get((n, k), 1)) > 0]
        sc = year_scenario(scenario, shares, k)
        plans = (dict(zip(active, combo, strict=True))
                 for combo in itertools.product(options, repeat=len(active)))
        per_year.append([p for p in plans if not breaches(sc, p)])
    best = None
    for plan in itertools.product(*per_year):
        if contract_breaches(scenario, shares, plan):
            continue
        value = contract_objective(scenario, shares, plan)["total"]
        if best is None or value < best[0]:
            best = (value, list(plan))
    return best
