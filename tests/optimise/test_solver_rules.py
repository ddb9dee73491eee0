"""Hand-sized scenarios whose optimum is worked out by hand: each rule binding on its own.

Every weight is off unless a test says otherwise (plan_checker.ZERO_WEIGHTS), so desk cost
alone decides: desks x days/5 x annual cost per desk, i.e. £1,000 for a one-desk, five-day
need at a £1,000 site.
"""

from __future__ import annotations

from datetime import date

import pytest
from plan_checker import check_plan, make_scenario, need, site

from estates_planner.model import Lot, SiteKind
from estates_planner.optimise import solve_scenario


def solve(scenario):  # noqa: ANN001, ANN201
    result = solve_scenario(scenario, time_limit_s=5)
    check_plan(scenario, result)
    assert result.status == "optimal"
    assert result.gap == pytest.approx(0.0)
    return result


def test_r2_capacity_splits_needs_across_sites() -> None:
    # A holds one desk five days a week (5 desk-days); both needs would rather be there
    sc = make_scenario([site("A", 1000, desks=1), site("B", 3000, desks=5)],
                       [need("n1"), need("n2")])
    result = solve(sc)
    assert sorted(result.assignment.values()) == ["A", "B"]
    assert result.objective == pytest.approx(1000 + 3000)
    assert result.site_usage["A"].desk_days_used == 5


def test_r2_part_time_needs_share_a_desk() -> None:
    # 2 + 3 days = 5 desk-days fit one desk; a third day would not
    sc = make_scenario([site("A", 1000, desks=1), site("B", 3000)],
                       [need("n1", days=2), need("n2", days=3)])
    result = solve(sc)
    assert result.assignment == {"n1": "A", "n2": "A"}
    assert result.objective == pytest.approx(1000 * 2 / 5 + 1000 * 3 / 5)


def test_r2_interview_rooms_bind_too() -> None:
    sc = make_scenario([site("A", 1000, rooms=0), site("B", 2000, rooms=1)],
                       [need("n1", rooms=1)])
    assert solve(sc).assignment == {"n1": "B"}


@pytest.mark.parametrize("switch_on", [True, False])
def test_r3_women_only_sites(switch_on: bool) -> None:
    # women's need: A is cheapest but mixed, W is women-only. ETE need: W is cheapest of all.
    sc = make_scenario([site("W", 50, women_only=True), site("A", 100), site("B", 900)],
                       [need("w", Lot.WOMENS), need("e", Lot.ETE)],
                       women_only_sites=switch_on)
    expected = {"w": "W", "e": "A"} if switch_on else {"w": "W", "e": "W"}
    assert solve(sc).assignment == expected
    # with W too small for both, R3 off: the cheaper fit wins, and nothing stops mixing
    only_mixed = make_scenario([site("A", 100), site("W", 500, women_only=True)],
                               [need("w", Lot.WOMENS)], women_only_sites=switch_on)
    assert solve(only_mixed).assignment == {"w": "W" if switch_on else "A"}


@pytest.mark.parametrize("switch_on, expected", [(True, "M"), (False, "A")])
def test_r4_wellbeing_not_at_authority_sites(switch_on: bool, expected: str) -> None:
    sc = make_scenario([site("A", 100, kind=SiteKind.AUTHORITY), site("M", 900,
                                                                      kind=SiteKind.MARKET)],
                       [need("w", Lot.WELLBEING)], wellbeing_outside_authority=switch_on)
    assert solve(sc).assignment == {"w": expected}


@pytest.mark.parametrize("switch_on, expected", [(True, "N"), (False, "S")])
def test_r5_same_region(switch_on: bool, expected: str) -> None:
    sc = make_scenario([site("S", 100, region="South"), site("N", 900, region="North")],
                       [need("n", region="North")], same_region=switch_on)
    assert solve(sc).assignment == {"n": expected}


def test_r6_travel_limit_inclusive() -> None:
    # far is 10 km away and cheap; near is exactly 2 km away and allowed (limit 2 km)
    sc = make_scenario([site("far", 100, x=10_000), site("near", 900, x=2_000)],
                       [need("n", max_km=2.0)])
    result = solve(sc)
    assert result.assignment == {"n": "near"}
    assert result.allocation("n").travel_km == pytest.approx(2.0)


def test_r7_site_not_ready_by_go_live() -> None:
    sc = make_scenario([site("late", 100, available_from=date(2027, 6, 1)), site("ok", 900)],
                       [need("n")], go_live=date(2027, 1, 1))
    assert solve(sc).assignment == {"n": "ok"}
    # a go-live after the opening date lets it be used
    assert solve(sc.with_settings(go_live=date(2027, 6, 1))).assignment == {"n": "late"}


def test_r8_pin_closure_and_bar() -> None:
    sites = [site("A", 100), site("B", 500), site("C", 900)]
    base = make_scenario(sites, [need("n1"), need("n2")])
    assert solve(base).assignment == {"n1": "A", "n2": "A"}
    pinned = base.with_pin("n1", "C")
    result = solve(pinned)
    assert result.assignment == {"n1": "C", "n2": "A"}
    assert result.objective == pytest.approx(900 + 100)
    assert solve(base.with_site_closed("A")).assignment == {"n1": "B", "n2": "B"}
    barred = base.replace(barred=frozenset({("n2", "A")}))
    assert solve(barred).assignment == {"n1": "A", "n2": "B"}


def test_unplaced_need_names_the_binding_rules() -> None:
    sc = make_scenario([site("W", 100, women_only=True, desks=1)],
                       [need("w1", Lot.WOMENS), need("w2", Lot.WOMENS)])
    result = solve(sc)
    assert result.terms["unplaced"] == pytest.approx(1_000_000)
    (lost,) = result.unplaced
    assert "no women-only site in North" in lost.unplaced_reason
    assert "1 desk" in lost.unplaced_reason
    closed = solve(make_scenario([site("A", 100), site("B", 100)], [need("n")])
                   .with_site_closed("A").with_site_closed("B"))
    assert closed.allocation("n").unplaced_reason == \
        "every site in North is closed or barred for it (R8)"


def test_fit_out_is_amortised_and_shared() -> None:
    # F: £600 a desk plus 8,000 / 4 years = £2,000 a year once; G: £1,000 a desk.
    # One need: G (1,000) beats F (600 + 2,000). Three needs: F (3 x 600 + 2,000 = 3,800)
    # beats G (3,000)? no -- G still wins; with five needs F (5,000) ties G (5,000) and
    # with six F wins: 3,600 + 2,000 = 5,600 < 6,000.
    sites = [site("F", 600, fit_out=8000), site("G", 1000)]
    one = solve(make_scenario(sites, [need("n1")]))
    assert one.assignment == {"n1": "G"}
    six = solve(make_scenario(sites, [need(f"n{k}") for k in range(6)]))
    assert set(six.assignment.values()) == {"F"}
    assert six.terms["fit_out"] == pytest.approx(2000)
    assert six.objective == pytest.approx(5600)


def test_location_penalty_pulls_a_pdu_together() -> None:
    # each need is £200 cheaper at its own site; a second site costs the PDU £5,000
    sites = [site("A", 1000), site("B", 1000)]
    needs = [need("n1", pdu="P1"), need("n2", pdu="P1")]
    sc = make_scenario(sites, needs, location_penalty=5000)
    sc = sc.replace(dataset=sc.dataset.__class__(
        (site("A", 1000), site("B", 1200)), (need("n1"), need("n2", desks=1))))
    result = solve(sc)
    assert result.assignment == {"n1": "A", "n2": "A"}
    assert result.terms["locations"] == pytest.approx(5000)
    # different PDUs pay the penalty each, wherever they are
    sc2 = make_scenario([site("A", 1000, desks=1), site("B", 1200)],
                        [need("n1", pdu="P1"), need("n2", pdu="P2")], location_penalty=5000)
    result2 = solve(sc2)
    assert result2.terms["locations"] == pytest.approx(10_000)
    # one PDU, A has room for one only: the pair goes to B together (2 x 1,200 + 5,000)
    # rather than split (1,000 + 1,200 + 10,000)
    sc3 = make_scenario([site("A", 1000, desks=1), site("B", 1200)],
                        [need("n1"), need("n2")], location_penalty=5000)
    result3 = solve(sc3)
    assert result3.assignment == {"n1": "B", "n2": "B"}
    assert result3.objective == pytest.approx(2400 + 5000)


def test_authority_preference() -> None:
    # ETE at the authority site costs 12,000; at the market site 5,000 + 10,000 preference
    sites = [site("A", 12_000, kind=SiteKind.AUTHORITY), site("M", 5000, kind=SiteKind.MARKET)]
    result = solve(make_scenario(sites, [need("e", Lot.ETE)], authority_preference=10_000))
    assert result.assignment == {"e": "A"}
    # wellbeing needs pay no preference and may not use A anyway
    result = solve(make_scenario(sites, [need("e", Lot.ETE), need("w", Lot.WELLBEING)],
                                 authority_preference=10_000))
    assert result.assignment == {"e": "A", "w": "M"}
    assert result.terms["authority_preference"] == 0


@pytest.mark.parametrize("radius_km, paired", [(0.5, True), (0.49, False)])
def test_wellbeing_pairing_within_radius_inclusive(radius_km: float, paired: bool) -> None:
    # ETE sits at authority site A (0, 0): anywhere else costs it the £10,000 preference.
    # Wellbeing may use B, exactly 0.5 km from A (£3,000), or C far away (£1,000).
    # Paired at B: 3,000 - 5,000 = -2,000 < 1,000.
    sites = [site("A", 100, kind=SiteKind.AUTHORITY), site("B", 3000, x=500),
             site("C", 1000, x=20_000)]
    sc = make_scenario(sites, [need("e", Lot.ETE), need("w", Lot.WELLBEING)],
                       pairing_bonus=5000, pairing_radius_km=radius_km,
                       authority_preference=10_000)
    result = solve(sc)
    assert result.assignment == {"e": "A", "w": "B" if paired else "C"}
    assert result.allocation("w").paired is paired
    assert result.terms["pairing"] == pytest.approx(-5000 if paired else 0)
    assert result.objective == pytest.approx(100 + (3000 - 5000 if paired else 1000))


def test_pairing_at_the_same_site_and_only_within_the_pdu() -> None:
    # wellbeing may not use authority site A, so it is at M, 5 km away.
    # e at A + w at M = 100 + 2,000 = 2,100; both at M = 2,000 + 2,000 - 5,000 = -1,000
    sites = [site("A", 100, kind=SiteKind.AUTHORITY), site("M", 2000, x=5000)]
    same = make_scenario(sites, [need("e", Lot.ETE), need("w", Lot.WELLBEING)],
                         pairing_bonus=5000)
    result = solve(same)
    assert result.assignment == {"e": "M", "w": "M"}
    assert result.objective == pytest.approx(-1000)
    other_pdu = make_scenario(sites, [need("e", Lot.ETE, pdu="P1"),
                                      need("w", Lot.WELLBEING, pdu="P2")], pairing_bonus=5000)
    result = solve(other_pdu)
    assert result.assignment == {"e": "A", "w": "M"}
    assert result.objective == pytest.approx(2100)


@pytest.mark.parametrize("move_penalty, expected", [(2000, "B"), (500, "A")])
def test_moves_from_baseline(move_penalty: float, expected: str) -> None:
    # A is £1,000 cheaper than B; the baseline had the need at B
    sc = make_scenario([site("A", 1000), site("B", 2000)], [need("n")],
                       move_penalty=move_penalty).replace(baseline={"n": "B"})
    result = solve(sc)
    assert result.assignment == {"n": expected}
    assert result.allocation("n").moved is (expected == "A")
    assert result.objective == pytest.approx(2000 if expected == "B" else 1000 + move_penalty)


def test_an_unplaced_need_pays_no_move_penalty() -> None:
    sc = make_scenario([site("A", 1000)], [need("n")], move_penalty=2000)
    sc = sc.replace(baseline={"n": "A"}).with_site_closed("A")
    result = solve(sc)
    assert result.terms["moves"] == 0
    assert result.terms["unplaced"] == pytest.approx(1_000_000)


def test_travel_cost_uses_caseload_and_weight() -> None:
    # caseload 10 x 3 km x £2 = £60 on top of the desk cost
    sc = make_scenario([site("A", 1000, x=3000)], [need("n", caseload=10)], travel_weight=2.0)
    result = solve(sc)
    assert result.terms["travel"] == pytest.approx(60)
    assert result.allocation("n").travel_cost == pytest.approx(60)


def test_unplaced_reason_names_each_rule_that_blocks_a_site() -> None:
    sites = [site("W", 100, women_only=True), site("A", 100), site("F", 100, x=50_000)]
    sc = make_scenario(sites, [need("e", max_km=10)]).with_site_closed("A")
    (lost,) = solve(sc).unplaced
    assert lost.unplaced_reason == (
        "every one of the 3 sites in North is ruled out: 1 is women-only (for women's "
        "services only) (R3); 1 is beyond its 10 km travel limit (R6); 1 is closed, barred or "
        "not its pinned site (R8)")
