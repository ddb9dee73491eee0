"""The weekly rota (issue 17): capacity per weekday, fixed days, the same-day bonus.

Every optimum here is worked out by hand in the test, and checked against the independent
brute force of ``plan_checker`` (every assignment, every rota: the "assignment first, rota
check" way), so the solver's weekday variables and that way are shown to agree.
"""

from __future__ import annotations

import dataclasses

import pytest
from plan_checker import best_rota, brute_force, check_plan, make_scenario, need, site

from estates_planner.model import Lot, SiteKind
from estates_planner.optimise import evaluate_plan, greedy_plan, solve_scenario
from estates_planner.optimise.explain import site_options


def solve(sc):  # noqa: ANN001, ANN201
    result = solve_scenario(sc, time_limit_s=10, workers=1)
    assert result.status == "optimal"
    return result


def with_fixed(n, days):  # noqa: ANN001, ANN201
    return dataclasses.replace(n, fixed_days=tuple(days))


# -- the example: 10 desks, two needs of 8 desks on 3 days -------------------------

def ten_desks(*, far_site: bool):  # noqa: ANN201
    sites = [site("S", 1000, desks=10, rooms=0)]
    if far_site:
        sites.append(site("F", 3000, desks=10, rooms=0, x=20_000))
    needs = [need("A", desks=8, days=3), need("B", desks=8, days=3)]
    return make_scenario(sites, needs)


def test_ten_desks_refused_under_the_daily_rule_and_accepted_without_it() -> None:
    sc = ten_desks(far_site=False)
    # weekly: 2 x 8 x 3 = 48 desk-days of 50 fit; any two sets of 3 weekdays meet: 16 > 10
    weekly = solve(sc.with_settings(daily_capacity=False))
    assert weekly.assignment == {"A": "S", "B": "S"}
    assert weekly.objective == pytest.approx(2 * 8 * 3 / 5 * 1000)
    assert weekly.days_over_capacity >= 1  # its rota overbooks a day: reported, not hidden
    daily = solve(sc)
    assert set(daily.assignment.values()) == {"S", None}
    # 4,800 for the one placed, the unplaced penalty for the other
    assert daily.objective == pytest.approx(4800 + 1_000_000)
    assert daily.days_over_capacity == 0
    check_plan(sc, daily)
    assert brute_force(sc)[0] == pytest.approx(daily.objective)
    reason = daily.unplaced[0].unplaced_reason
    assert "only 2 of the 3 days it needs have 8 free desks at Site S" in reason
    assert "no weekly rota fits it" in reason


def test_ten_desks_second_need_goes_to_the_far_site() -> None:
    sc = ten_desks(far_site=True)
    result = solve(sc)
    # one at S (8 x 3/5 x 1,000 = 4,800), the other at F (8 x 3/5 x 3,000 = 14,400)
    assert sorted(result.assignment.values()) == ["F", "S"]
    assert result.objective == pytest.approx(4800 + 14_400)
    assert brute_force(sc)[0] == pytest.approx(result.objective)
    check_plan(sc, result)
    # the explanation of moving the one at F to S: R2 by the weekday, not the week
    at_f = next(a.need_id for a in result.allocations if a.site_id == "F")
    s_option = next(o for o in site_options(sc, result, at_f) if o.site_id == "S")
    assert not s_option.allowed
    assert "have 8 free desks at Site S" in s_option.reasons
    assert "the weekly total has room, but no weekly rota fits it" in s_option.reasons


def test_greedy_fill_never_overbooks_a_day() -> None:
    result = greedy_plan(ten_desks(far_site=True))
    assert result.days_over_capacity == 0
    assert sorted(result.assignment.values()) == ["F", "S"]


# -- fixed days ----------------------------------------------------------------------------

def test_fixed_days_force_a_need_elsewhere() -> None:
    # S: 4 desks a day, £1,000 a desk; T: 4 desks, £2,500 a desk, far away.
    # A: 3 desks on Mon and Tue (fixed); B: 2 desks, 1 day.
    # B with free days: Wed at S (3 + 2 > 4 only on Mon/Tue) -> both at S.
    # B fixed on Mon: 3 + 2 = 5 > 4 at S on Monday, so B goes to T though the week of S has
    # room (3 x 2 + 2 x 1 = 8 of 20 desk-days)
    sites = [site("S", 1000, desks=4, rooms=0), site("T", 2500, desks=4, rooms=0, x=30_000)]
    a = with_fixed(need("A", desks=3, days=2), (0, 1))
    b = need("B", desks=2, days=1)
    free = make_scenario(sites, [a, b])
    result = solve(free)
    assert result.assignment == {"A": "S", "B": "S"}
    assert result.allocation("A").weekdays == (0, 1)
    assert result.allocation("B").weekdays not in ((0,), (1,))
    # 3 x 2/5 x 1,000 + 2 x 1/5 x 1,000
    assert result.objective == pytest.approx(1200 + 400)
    fixed = make_scenario(sites, [a, with_fixed(b, (0,))])
    result = solve(fixed)
    assert result.assignment == {"A": "S", "B": "T"}
    assert result.allocation("B").weekdays == (0,)
    # 1,200 + 2 x 1/5 x 2,500
    assert result.objective == pytest.approx(1200 + 1000)
    assert brute_force(fixed)[0] == pytest.approx(result.objective)
    check_plan(fixed, result)
    # without the daily rule both sit at S and Monday is overbooked
    weekly = solve(fixed.with_settings(daily_capacity=False))
    assert weekly.assignment == {"A": "S", "B": "S"}
    assert weekly.days_over_capacity == 1


# -- rooms binding on one day only -----------------------------------------------------------

def test_rooms_bind_on_one_day_only() -> None:
    # S: plenty of desks, 1 interview room. A holds the room on Monday (fixed); C needs the
    # room on 3 days, any but Monday; D needs the room on Monday (fixed) and goes to T
    # (£3,000 a desk), though the week of S has room for all three (1 + 3 + 1 = 5 room-days)
    sites = [site("S", 1000, desks=20, rooms=1), site("T", 3000, desks=20, rooms=1, x=40_000)]
    a = with_fixed(need("A", desks=1, rooms=1, days=1), (0,))
    c = need("C", desks=1, rooms=1, days=3)
    d = with_fixed(need("D", desks=1, rooms=1, days=1), (0,))
    sc = make_scenario(sites, [a, c, d]).with_pin("A", "S")  # A and D alike: A stays
    result = solve(sc)
    assert result.assignment == {"A": "S", "C": "S", "D": "T"}
    assert 0 not in result.allocation("C").weekdays
    # 1 x 1/5 x 1,000 + 1 x 3/5 x 1,000 + 1 x 1/5 x 3,000
    assert result.objective == pytest.approx(200 + 600 + 600)
    assert brute_force(sc)[0] == pytest.approx(result.objective)
    check_plan(sc, result)
    options = {o.site_id: o for o in site_options(sc, result, "D")}
    assert "its fixed days Mon do not all have 1 free interview room at Site S" in \
        options["S"].reasons
    weekly = solve(sc.with_settings(daily_capacity=False))
    assert weekly.assignment == {"A": "S", "C": "S", "D": "S"}


# -- the same-day bonus -----------------------------------------------------------------------

def same_day_scenario(**settings):  # noqa: ANN003, ANN201
    """E (ETE) sits at authority H on Thursday. The wellbeing need W may use M1 or M2, both
    within the pairing radius of H. M1 is dearer-free but only Monday is free there (O holds
    its one desk Tuesday to Friday); M2 costs £1,000 a year more for W and is free all week."""
    sites = [site("H", 5000, desks=1, rooms=0, kind=SiteKind.AUTHORITY),
             site("M1", 5000, desks=1, rooms=0, x=200),
             site("M2", 10_000, desks=1, rooms=0, x=-200)]
    e = with_fixed(need("E", Lot.ETE, desks=1, days=1), (3,))
    w = need("W", Lot.WELLBEING, desks=1, days=1)
    o = with_fixed(need("O", Lot.ACCOMMODATION, desks=1, days=4, pdu="P9"), (1, 2, 3, 4))
    values = dict(pairing_bonus=5000.0, same_day_bonus=2000.0, pairing_radius_km=1.0)
    values.update(settings)
    return make_scenario(sites, [e, w, o], **values).with_pin("E", "H").with_pin("O", "M1")


def test_same_day_bonus_changes_the_days_and_the_site() -> None:
    sc = same_day_scenario()
    result = solve(sc)
    # W at M2 on Thursday with E: 2,000 - 5,000 - 2,000; at M1 (Monday only) it would be
    # 1,000 - 5,000. E 1 x 1/5 x 5,000 = 1,000; O 1 x 4/5 x 5,000 = 4,000
    assert result.assignment == {"E": "H", "W": "M2", "O": "M1"}
    assert result.allocation("W").weekdays == (3,)
    assert result.allocation("W").same_day and result.allocation("W").paired
    assert result.terms["same_day"] == pytest.approx(-2000)
    assert result.objective == pytest.approx(1000 + 4000 + 2000 - 5000 - 2000)
    assert brute_force(sc)[0] == pytest.approx(result.objective)
    check_plan(sc, result)


def test_without_the_same_day_bonus_the_cheaper_site_wins() -> None:
    for sc in (same_day_scenario(same_day_bonus=0.0),
               same_day_scenario(daily_capacity=False)):
        result = solve(sc)
        assert result.assignment == {"E": "H", "W": "M1", "O": "M1"}
        assert result.allocation("W").weekdays == (0,) or not sc.settings.daily_capacity
        assert result.terms["same_day"] == 0
        assert result.objective == pytest.approx(1000 + 4000 + 1000 - 5000)


def test_the_rota_gives_a_paired_need_its_pairs_day_when_it_can() -> None:
    # no capacity question at all: W on 1 day at M2 with E on Thursday -> W on Thursday
    sc = same_day_scenario()
    result = evaluate_plan(sc, {"E": "H", "W": "M2", "O": "M1"})
    assert result.allocation("W").weekdays == (3,)
    assert result.terms["same_day"] == pytest.approx(-2000)
    assert best_rota(sc, {"E": "H", "W": "M2", "O": "M1"})[0] == pytest.approx(-2000)


# -- the switch off is today's rule -----------------------------------------------------------

@pytest.mark.slow
def test_switch_off_gives_the_weekly_plan_of_the_sample() -> None:
    from pathlib import Path

    from estates_planner.project import open_project

    sample = Path(__file__).resolve().parents[2] / "data" / "sample_project.gpkg"
    sc = open_project(sample).scenarios[0].with_settings(daily_capacity=False)
    result = solve_scenario(sc, time_limit_s=60)
    assert result.status == "optimal"
    # the sample's proven optimum under the weekly rule, before issue 17 (main, Dec 2026)
    assert result.objective == pytest.approx(8_922_658.51, abs=0.01 * len(sc.dataset.needs))
    assert result.terms["same_day"] == 0
    check_plan(sc, result, abs_tol=1e-3)
