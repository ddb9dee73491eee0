"""The smallest single change that would place an unplaced need (issue 13), one hand case
per kind of obstacle: the change, applied and solved, places the need, and the next smaller
change does not."""

from __future__ import annotations

from datetime import date

import pytest

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Settings, Site, SiteKind
from estates_planner.optimise import solve_scenario
from estates_planner.optimise.suggest import advise_unplaced, long_journeys

X, Y = 400_000.0, 500_000.0


def site(site_id, dx_km, *, kind=SiteKind.MARKET, region="North", desks=10, rooms=2,
         women=False, available=None):
    return Site(site_id, f"Site {site_id}", region, "North PDU", kind, women, desks, rooms,
                1000.0, X + dx_km * 1000, Y, available_from=available)


def need(need_id="N", lot=Lot.ETE, desks=2, rooms=0, limit=10.0):
    return ServiceNeed(need_id, "Acme", lot, "North", "North PDU", desks, rooms, 5, 10.0,
                       X, Y, max_travel_km=limit)


def solve(scenario):
    return solve_scenario(scenario, time_limit_s=5)


def advice_for(scenario, need_id="N"):
    result = solve(scenario)
    assert result.allocation(need_id).site_id is None  # the case leaves it unplaced
    return advise_unplaced(scenario, result)[need_id]


def placed_after(change, scenario, need_id="N"):
    return solve(change.apply(scenario)).allocation(need_id).site_id


def test_travel_limit_raised_to_the_nearest_site_only():
    # sites 12.34 km and 15 km away, the limit 10 km: raise it to 12.4 km (12.34 rounded up)
    sc = Scenario("s", Dataset((site("A", 12.34), site("B", 15.0)), (need(),)))
    advice = advice_for(sc)
    change = advice.best
    assert change.kind == "travel_limit" and change.max_travel_km == pytest.approx(12.4)
    assert change.text.startswith("raise its travel limit to 12.4 km")
    assert advice.nearest == "A" and "12.3 km away" in advice.nearest_text
    assert "(R6)" in advice.nearest_text
    assert placed_after(change, sc) == "A"
    smaller = type(change)(**{**change.__dict__, "max_travel_km": 12.3})
    assert placed_after(smaller, sc) is None


def test_capacity_adds_the_fewest_desks_and_rooms():
    # the site has 1 desk and no room; the need asks for 3 desks and 1 interview room
    sc = Scenario("s", Dataset((site("A", 1.0, desks=1, rooms=0),), (need(desks=3, rooms=1),)))
    change = advice_for(sc).best
    assert (change.kind, change.add_desks, change.add_rooms) == ("capacity", 2, 1)
    assert change.text == "add 2 desks and 1 interview room at Site A"
    assert placed_after(change, sc) == "A"
    fewer = type(change)(**{**change.__dict__, "add_desks": 1})
    assert placed_after(fewer, sc) is None


def test_closed_site_is_reopened():
    sc = Scenario("s", Dataset((site("A", 1.0),), (need(),))).with_site_closed("A")
    change = advice_for(sc).best
    assert (change.kind, change.text) == ("reopen", "reopen Site A")
    assert placed_after(change, sc) == "A"


def test_other_region_is_allowed():
    sc = Scenario("s", Dataset((site("A", 1.0, region="South"),), (need(),)))
    change = advice_for(sc).best
    assert change.kind == "region" and change.settings == {"same_region": False}
    assert change.text.startswith("allow needs outside their own region")
    assert placed_after(change, sc) == "A"


def test_womens_need_may_use_a_site_that_is_not_women_only():
    # the only women-only site is 30 km away (beyond the limit: two obstacles with R6? no,
    # one: R6); the nearer ordinary site is blocked by R3 alone
    sc = Scenario("s", Dataset((site("A", 2.0), site("W", 30.0, women=True)),
                               (need(lot=Lot.WOMENS, limit=10.0),)))
    advice = advice_for(sc)
    kinds = [c.kind for c in advice.changes]
    # raising the limit to 30 km is local to the need, so it comes first; allowing a site
    # that is not women-only changes a scenario-wide rule
    assert kinds == ["travel_limit", "women_only"]
    assert advice.nearest == "A" and "(R3)" in advice.nearest_text
    women = advice.changes[1]
    assert women.settings == {"women_only_sites": False}
    assert placed_after(women, sc) == "A"
    assert placed_after(advice.changes[0], sc) == "W"


def test_wellbeing_at_an_authority_site_and_go_live():
    sc = Scenario("s", Dataset((site("A", 1.0, kind=SiteKind.AUTHORITY),),
                               (need(lot=Lot.WELLBEING),)))
    change = advice_for(sc).best
    assert change.settings == {"wellbeing_outside_authority": False}
    assert placed_after(change, sc) == "A"
    later = Scenario("s", Dataset((site("A", 1.0, available=date(2027, 6, 1)),), (need(),)),
                     Settings(go_live=date(2027, 4, 1)))
    change = advice_for(later).best
    assert change.kind == "go_live" and change.settings == {"go_live": date(2027, 6, 1)}
    assert placed_after(change, later) == "A"


def test_no_single_change_when_every_site_has_two_obstacles():
    sc = Scenario("s", Dataset((site("A", 20.0, region="South"),), (need(),)))
    advice = advice_for(sc)
    assert advice.nearest is None and advice.changes == ()
    assert "two or more obstacles" in advice.nearest_text


def test_long_journeys_over_the_warning_distance():
    sc = Scenario("s", Dataset((site("A", 70.0),), (need(limit=100.0), need("M", limit=None))))
    result = solve(sc)
    assert [(j.need_id, round(j.distance_km)) for j in long_journeys(sc, result, 60.0)] == [
        ("M", 70), ("N", 70)]
    assert long_journeys(sc, result, 80.0) == []
