"""Each contract year has its own rota (issues 15 and 17), on a hand case worked out here.

Site S (£1,000 a desk, 10 desks) and site T (£2,000 a desk, 10 desks); two ETE needs N1 and N2
of 8 desks on 3 days a week, at half volume in years 1 and 2 (ceil(8 x 0.5) = 4 desks) and at
full volume in year 3. A need of d desks on 3 days costs 3/5 x d x the site's cost a year.

- Years 1 and 2: 4 + 4 = 8 desks fit S on every day: both at S, 2 x 2,400 = 4,800 a year.
- Year 3: the weekly total fits S (8 x 3 + 8 x 3 = 48 of 50 desk-days), but any two sets of 3
  weekdays share a day, when 16 desks are needed: no rota. Under the weekly rule both stay
  at S (2 x 4,800 = 9,600); under the daily rule one moves to T: 4,800 + 9,600 = 14,400, plus
  the move penalty 500. Placing one at T from year 1 instead (no move) costs 2,400 + 4,800 =
  7,200 in each of years 1 and 2, 4,800 more than the 500 of the move.

Daily rule: 4,800 + 4,800 + 14,400 + 500 = 24,500; weekly rule: 19,200. (Before each year
had its own rota the daily plan left one need out in year 3: the unplaced penalty instead.)
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from multiyear_checker import contract_breaches, contract_objective
from plan_checker import make_scenario, need, site

from estates_planner.model import WEEKDAYS, Lot
from estates_planner.optimise.multiyear import solve_contract, year_scenario
from estates_planner.ramp import Ramp, RampRow
from estates_planner.report.multiyear_csv import write_contract_allocation_csv

START = date(2027, 4, 1)
HALF = Fraction(1, 2)
RAMP = Ramp(tuple(RampRow(Lot.ETE, "", "", y, HALF) for y in (1, 2)))
SHARES = {(n, y): HALF for n in ("N1", "N2") for y in (1, 2)}


def _scenario(daily: bool):  # noqa: ANN202
    return make_scenario([site("S", 1000.0, desks=10), site("T", 2000.0, desks=10)],
                         [need("N1", desks=8, days=3), need("N2", desks=8, days=3)],
                         go_live=START, move_penalty=500.0, daily_capacity=daily)


def _solve(daily: bool):  # noqa: ANN202
    sc = _scenario(daily)
    result = solve_contract(sc, RAMP, years=3, time_limit_s=10.0)
    plans = [result.plan(k) for k in (1, 2, 3)]
    # the independent multi-year checker (weekly rules, availability, fit-out, moves)
    assert contract_breaches(sc, SHARES, plans) == []
    assert result.objective == pytest.approx(contract_objective(sc, SHARES, plans)["total"])
    return sc, result, plans


def test_year_3_without_a_rota_at_s_moves_one_need_under_the_daily_rule():
    _sc, result, plans = _solve(daily=True)
    assert plans[0] == plans[1] == {"N1": "S", "N2": "S"}
    assert sorted(plans[2].values()) == ["S", "T"]
    assert result.objective == pytest.approx(24_500.0)
    assert [y.objective for y in result.years] == pytest.approx([4800.0, 4800.0, 14_400.0])
    assert len(result.moves) == 1 and result.moves[0].year == 3
    assert result.status == "optimal"
    for y in result.years:
        assert y.result.days_over_capacity == 0
        # every placed need has its own three weekdays in every year
        assert all(len(a.weekdays) == 3 for a in y.result.allocations if a.site_id)


def test_the_weekly_rule_keeps_both_at_s_in_every_year():
    _sc, result, plans = _solve(daily=False)
    assert plans == [{"N1": "S", "N2": "S"}] * 3
    assert result.objective == pytest.approx(19_200.0)


def _day_use_from_csv(path: Path) -> dict[tuple[str, str, str], int]:
    """(year, site, weekday) -> desks in, from the allocation CSV's own columns alone."""
    use: dict[tuple[str, str, str], int] = defaultdict(int)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if not row["site_id"]:
                continue
            days = [d for d in row["weekdays"].split(",") if d]
            assert len(days) == int(row["days_per_week"]), row
            for day in days:
                use[row["year"], row["site_id"], day] += int(row["desks"])
    return use


def test_the_csv_rotas_recomputed_per_year_site_and_weekday_fit(tmp_path):
    sc, result, _plans = _solve(daily=True)
    path = write_contract_allocation_csv(sc, RAMP, result, tmp_path / "plan.csv")
    use = _day_use_from_csv(path)
    assert {day for _, _, day in use} <= set(WEEKDAYS)
    capacity = {s.site_id: s.desks for s in sc.dataset.sites}
    assert all(desks <= capacity[site_id] for (_, site_id, _), desks in use.items())
    # years 1 and 2: 4 + 4 desks at S on the days both are in; year 3: 8 at each of S and T
    assert max(use[y, "S", d] for y in ("1", "2") for d in WEEKDAYS) <= 8
    assert sum(use["3", "S", d] for d in WEEKDAYS) == 24
    assert sum(use["3", "T", d] for d in WEEKDAYS) == 24
    # and the year-3 volumes were what the rota was checked with
    year3 = year_scenario(sc, RAMP, result.years[2].year)
    assert [n.desks for n in year3.dataset.needs] == [8, 8]
