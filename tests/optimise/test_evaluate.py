"""evaluate_plan, greedy_plan, check_capacity and the shared distance/rule arrays."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from plan_checker import make_scenario, need, site, terms

from estates_planner.errors import ScenarioError
from estates_planner.model import Lot, Settings, SiteKind
from estates_planner.optimise import (
    TERM_NAMES,
    allowed_pairs,
    candidate_distances,
    check_capacity,
    evaluate_plan,
    greedy_plan,
)
from estates_planner.optimise.rules import pair_blocks
from estates_planner.optimise.synthetic import generate_national_instance


def hand_scenario():  # noqa: ANN201
    """Authority A (fit-out 8,000), market B 0.3 km east, women-only W 1 km north."""
    sites = [site("A", 1000, kind=SiteKind.AUTHORITY, desks=2, fit_out=8000),
             site("B", 500, x=300, kind=SiteKind.MARKET, desks=2),
             site("W", 500, y=1000, women_only=True, desks=2)]
    needs = [need("e", Lot.ETE, caseload=10), need("w", Lot.WELLBEING, caseload=10),
             need("f", Lot.WOMENS, desks=3)]
    return make_scenario(sites, needs, **{k: getattr(Settings(), k)
                                          for k in Settings.WEIGHT_NAMES})


def test_evaluate_plan_terms_by_hand() -> None:
    sc = hand_scenario()  # default weights
    result = evaluate_plan(sc, {"e": "A", "w": "B", "f": None})
    assert result.status == "evaluated"
    assert math.isnan(result.bound) and math.isnan(result.gap)
    assert dict(result.terms) == {
        "desk_cost": 1000 + 500,  # 1 desk x 5/5 days x £1,000 and x £500
        "fit_out": 8000 / 4,
        "travel": 10 * 0.3 * 2.0,  # w: caseload 10 x 0.3 km x £2
        "locations": 2 * 5000,  # PDU P1 uses A and B
        "authority_preference": 0,  # e is at an authority site
        "pairing": -5000,  # w at B, 0.3 km from e's site A (within 0.5 km)
        "same_day": -2000,  # and both are in on all five days, so they share a day
        "unplaced": 1_000_000,
        "moves": 0,
    }
    assert result.objective == pytest.approx(1_000_000 + 1500 + 2000 + 6 + 10_000 - 5000
                                             - 2000)
    assert list(result.terms) == list(TERM_NAMES)
    w = result.allocation("w")
    assert (w.paired, w.pairing_bonus, w.travel_km) == (True, 5000, pytest.approx(0.3))
    assert result.allocation("f").unplaced_reason.startswith("no women-only site in North")
    usage = result.site_usage["A"]
    assert (usage.desk_days_used, usage.desk_days_available, usage.need_ids) == (5, 10, ("e",))
    assert result.messages == ()


def test_evaluate_plan_lists_breaches_but_still_costs_the_plan() -> None:
    sc = hand_scenario()
    result = evaluate_plan(sc, {"e": "A", "w": "A", "f": "A"})
    assert result.messages == (
        "w at Site A breaks R4: Site A is an authority site; wellbeing providers are not "
        "based in probation offices",
        "f at Site A breaks R3: Site A is not a women-only site",
        "R2: Site A is over capacity: 25 desk-days a week used of 10",
        # 5 desks a day (e 1, w 1, f 3) at a site of 2, every day (the daily rule)
        "R2 (daily): Site A has no weekly rota within its capacity; over on Mon 5 desks of 2; "
        "Tue 5 desks of 2; Wed 5 desks of 2; Thu 5 desks of 2; Fri 5 desks of 2",
    )
    assert result.terms["desk_cost"] == pytest.approx(5 * 1000)


def test_evaluate_plan_moves_against_baseline() -> None:
    sc = hand_scenario().replace(baseline={"e": "B", "w": "B", "f": None})
    result = evaluate_plan(sc, {"e": "A", "w": "B", "f": "W"})
    assert result.terms["moves"] == 2000  # e moved; w stayed; f was not placed before
    assert [a.moved for a in result.allocations] == [True, False, False]


def test_evaluate_plan_rejects_unknown_names() -> None:
    with pytest.raises(ScenarioError, match="sites not in the data: Z"):
        evaluate_plan(hand_scenario(), {"e": "Z"})
    with pytest.raises(ScenarioError, match="needs not in the data: q"):
        evaluate_plan(hand_scenario(), {"q": "A"})


def test_evaluate_plan_agrees_with_the_independent_checker_on_random_plans() -> None:
    sc = generate_national_instance(12, 30, seed=3, n_regions=2, pdus_per_region=2)
    rng = random.Random(5)
    site_ids = [s.site_id for s in sc.dataset.sites] + [None]
    for _ in range(20):
        plan = {n.need_id: rng.choice(site_ids) for n in sc.dataset.needs}
        result = evaluate_plan(sc, plan)
        expected = terms(sc, plan, {a.need_id: a.weekdays for a in result.allocations})
        for name in TERM_NAMES:
            assert result.terms[name] == pytest.approx(expected[name]), name


class Minutes:
    """A travel model with times: 3 minutes per straight-line km, roads 1.5 x longer."""

    name = "test network"

    def distance_km(self, needs, sites):  # noqa: ANN001, ANN201
        from estates_planner.geo import straight_line_km

        return straight_line_km(needs, sites) * 1.5

    def time_minutes(self, needs, sites):  # noqa: ANN001, ANN201
        from estates_planner.geo import straight_line_km

        return straight_line_km(needs, sites) * 3.0


def test_minutes_for_the_travel_term_km_for_r6() -> None:
    sc = make_scenario([site("A", 1000, x=4000)], [need("n", caseload=10, max_km=5.0)],
                       travel_weight=2.0, travel_measure="minutes").replace(travel=Minutes())
    d = candidate_distances(sc)
    assert d.measure == "minutes"
    assert d.km[0, 0] == pytest.approx(6.0) and d.travel[0, 0] == pytest.approx(12.0)
    result = evaluate_plan(sc, {"n": "A"})
    assert result.terms["travel"] == pytest.approx(10 * 12.0 * 2.0)
    assert result.allocation("n").travel_km == pytest.approx(6.0)
    assert "R6" in result.messages[0]  # 6 network km is over the 5 km limit
    km_only = sc.with_settings(travel_measure="km")
    assert evaluate_plan(km_only, {"n": "A"}).terms["travel"] == pytest.approx(10 * 6.0 * 2.0)


def test_allowed_pairs_agree_with_pair_blocks() -> None:
    sc = generate_national_instance(30, 60, seed=7, n_regions=3, pdus_per_region=2)
    first = sc.dataset.needs[0]
    sc = sc.with_pin(first.need_id, sc.dataset.sites[3].site_id)
    sc = sc.with_site_closed(sc.dataset.sites[5].site_id)
    sc = sc.replace(barred=frozenset({(sc.dataset.needs[1].need_id,
                                       sc.dataset.sites[1].site_id)}))
    for settings in ({}, {"women_only_sites": False, "same_region": False},
                     {"wellbeing_outside_authority": False}):
        s = sc.with_settings(**settings)
        d = candidate_distances(s)
        mask = allowed_pairs(s, d)
        for i, n in enumerate(s.dataset.needs):
            for j, st in enumerate(s.dataset.sites):
                assert mask[i, j] == (not pair_blocks(s, n, st, float(d.km[i, j]))), (n, st)


def test_greedy_takes_needs_in_input_order() -> None:
    # n1 comes first and takes cheap A; n2 (which only fits A... but it is full) goes to B.
    sc = make_scenario([site("A", 1000, desks=1), site("B", 3000, desks=5)],
                       [need("n1"), need("n2", days=5)])
    result = greedy_plan(sc)
    assert result.status == "greedy"
    assert result.assignment == {"n1": "A", "n2": "B"}
    assert result.objective == pytest.approx(4000)
    # greedy is not optimal: a big need that comes second is stranded
    sc = make_scenario([site("A", 1000, desks=2), site("B", 3000, desks=1)],
                       [need("small"), need("big", desks=2)])
    result = greedy_plan(sc)
    assert result.assignment == {"small": "A", "big": None}


def test_check_capacity_sentences() -> None:
    sites = [site("A", 100, kind=SiteKind.AUTHORITY, desks=2, rooms=0),
             site("M", 100, kind=SiteKind.MARKET, desks=1, rooms=0),
             site("S", 100, region="South", desks=9, rooms=0)]
    needs = [need("e", Lot.ETE, desks=2), need("w1", Lot.WELLBEING), need("w2", Lot.WELLBEING),
             need("r", Lot.ETE, rooms=1, region="South")]
    sc = make_scenario(sites, needs)
    # wellbeing may use only M (A is an authority site): 2 needs x 5 days > 1 desk x 5 days
    assert check_capacity(sc) == [
        "North: Personal wellbeing needs ask for 10 desk-days a week, but the only open site "
        "they may use there offers only 5 (5 days x desks)",
        "South: ETE needs ask for 5 room-days a week, but the only open site they may use "
        "there offers only 0 (5 days x interview rooms)",
        "need r (1 desk, 1 interview room, 5 days a week) is larger than every site it may use",
    ]
    # each lot fits on its own (ETE 20 of 20, wellbeing 10 of 10), but not both: 30 > 20
    sc = make_scenario(sites[:2], [need("e1", Lot.ETE, desks=2), need("e2", Lot.ETE, desks=2),
                                   *needs[1:3]])
    sc = sc.with_capacity("M", desks=2)
    assert check_capacity(sc) == [
        "North: ETE and Personal wellbeing needs together ask for 30 desk-days a week, but the "
        "2 open sites they may use there offer only 20 (5 days x desks)"]
    assert check_capacity(sc.with_capacity("M", desks=4)) == []


def test_distances_are_straight_line_km_without_a_network() -> None:
    sc = make_scenario([site("A", x=3000, y=4000)], [need("n")])
    d = candidate_distances(sc)
    assert d.measure == "km"
    np.testing.assert_allclose(d.km, [[5.0]])
