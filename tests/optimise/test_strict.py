"""Strict mode: a plan placing every need, or InfeasibleError with a few rules in words."""

from __future__ import annotations

import pytest
from plan_checker import check_plan, make_scenario, need, site

from estates_planner.errors import InfeasibleError
from estates_planner.model import Lot
from estates_planner.optimise import check_capacity, solve_scenario


def test_strict_places_everyone_even_at_a_higher_cost() -> None:
    # not strict: placing n2 at the £2m site costs more than leaving it unplaced (£1m)
    sites = [site("A", 1000, desks=1), site("B", 2_000_000)]
    lax = make_scenario(sites, [need("n1"), need("n2")])
    result = solve_scenario(lax, time_limit_s=5)
    check_plan(lax, result)
    assert len(result.unplaced) == 1
    strict = lax.with_settings(strict=True)
    result = solve_scenario(strict, time_limit_s=5)
    check_plan(strict, result)
    assert result.unplaced == []
    assert result.objective == pytest.approx(1000 + 2_000_000)


def test_precheck_stops_strict_mode_with_the_capacity_sentence() -> None:
    sc = make_scenario([site("W", 100, women_only=True, desks=1)],
                       [need("w1", Lot.WOMENS), need("w2", Lot.WOMENS)], strict=True)
    with pytest.raises(InfeasibleError) as info:
        solve_scenario(sc, time_limit_s=5)
    assert info.value.conflicts == [
        "North: Women's services needs ask for 10 desk-days a week, but the only open site "
        "they may use there offers only 5 (5 days x desks)"]


def test_core_names_the_site_the_travel_limit_and_the_region() -> None:
    # capacity in total is enough (10 desk-days for 10), so the pre-check passes; but the
    # second women-only site is 30 km away, beyond both needs' 10 km limit
    sites = [site("W1", 100, women_only=True, desks=1),
             site("W2", 100, women_only=True, desks=1, x=30_000)]
    needs = [need("w1", Lot.WOMENS, max_km=10), need("w2", Lot.WOMENS, max_km=10)]
    sc = make_scenario(sites, needs, strict=True)
    assert check_capacity(sc) == []
    with pytest.raises(InfeasibleError) as info:
        solve_scenario(sc, time_limit_s=5)
    conflicts = info.value.conflicts
    assert len(conflicts) <= 4
    joined = "\n".join(conflicts)
    assert "Site W1 holds at most 1 desk and" in joined and "(R2)" in joined
    assert "needs in North stay within their maximum travel distance (R6)" in joined
    assert "every need in North must be placed (strict mode, R1)" in joined
    assert "(R3)" not in joined  # the women-only rule is not what binds
    assert "R6" in str(info.value)


def test_core_names_a_closed_site_and_a_pin() -> None:
    sites = [site("A", 100, desks=1), site("B", 100, desks=1)]
    sc = make_scenario(sites, [need("n1"), need("n2")], strict=True)
    sc = sc.with_site_closed("B").with_pin("n1", "A")
    with pytest.raises(InfeasibleError) as info:
        solve_scenario(sc, time_limit_s=5)
    joined = "\n".join(info.value.conflicts)
    # closing B leaves one desk for two needs: the pre-check finds it first
    assert "offers only 5" in joined


def test_core_for_a_pin_that_crowds_out_another_need() -> None:
    # A fits one need; n1 is pinned to A and n2 is barred from B: no strict plan
    sites = [site("A", 100, desks=1), site("B", 100, desks=1)]
    sc = make_scenario(sites, [need("n1"), need("n2")], strict=True).with_pin("n1", "A")
    sc = sc.replace(barred=frozenset({("n2", "B")}))
    with pytest.raises(InfeasibleError) as info:
        solve_scenario(sc, time_limit_s=5)
    joined = "\n".join(info.value.conflicts)
    assert "Site A holds at most 1 desk and" in joined
    assert "the need/site bars in North (R8)" in joined
    # the pin need not be in the core: with n1 free, n1 at B is barred for no one... but n2
    # still needs A, and n1 then needs B -- feasible; so the pin is part of the conflict
    assert "n1 is pinned to Site A (R8)" in joined


def test_a_need_with_no_site_at_all_is_reported_before_solving() -> None:
    sc = make_scenario([site("A", 100, region="South")], [need("n", region="North")],
                       strict=True)
    with pytest.raises(InfeasibleError) as info:
        solve_scenario(sc, time_limit_s=5)
    assert info.value.conflicts == [
        "North: ETE needs ask for 5 desk-days a week, but there is no open site they may use "
        "there",
        "need n (ETE, North) has no site it may use: there is no site in North (R5: needs are "
        "placed in their region)"]
