"""KPI figures of hand-sized plans, worked out here.

North: Leeds Probation Office (authority, 2 desks = 10 desk-days), Leeds Market (market,
4 desks, 0.5 km from the office, fit-out £1,000 a year), Bradford Hub (provider, 10 km east).
South: Bristol Probation Office (authority, 3 desks = 15 desk-days), Bristol Women's Centre.
Every need uses 1 desk 5 days a week (5 desk-days).
"""

from __future__ import annotations

import pytest
from hand_plan import NEEDS, PLAN, SITES, need, site  # noqa: F401 - shared hand plan

from estates_planner.errors import ScenarioError
from estates_planner.model import Dataset, Lot, Scenario, SiteKind
from estates_planner.optimise import evaluate_plan
from estates_planner.optimise.result import PlanResult
from estates_planner.report.kpis import compute_kpis, format_delta, format_value, kpi_rows


@pytest.fixture
def scenario():
    return Scenario("hand", Dataset(SITES, NEEDS))


def test_kpis_of_the_hand_plan(scenario):
    k = compute_kpis(scenario, evaluate_plan(scenario, PLAN))
    assert k.terms["desk_cost"] == pytest.approx(5000)
    assert k.terms["locations"] == pytest.approx(15_000)  # Leeds 2 sites, Bristol 1
    assert k.terms["pairing"] == pytest.approx(-5000)
    # the paired wellbeing need and its anchor are in on all five days: same day -2,000
    assert k.terms["same_day"] == pytest.approx(-2000)
    assert k.objective == pytest.approx(1_014_010)
    assert (k.needs_total, k.needs_placed, k.needs_unplaced) == (5, 4, 1)
    assert dict(k.placed_by_lot) == {Lot.ETE: 2, Lot.ACCOMMODATION: 1, Lot.WELLBEING: 1,
                                     Lot.WOMENS: 0}
    assert dict(k.placed_by_kind) == {SiteKind.AUTHORITY: 3, SiteKind.PROVIDER: 0,
                                      SiteKind.MARKET: 1}
    assert k.placed_by_lot_kind[(Lot.ETE, SiteKind.AUTHORITY)] == 2
    assert k.placed_by_lot_kind[(Lot.WELLBEING, SiteKind.MARKET)] == 1
    assert sum(k.placed_by_lot_kind.values()) == 4
    assert (k.ete_acc_placed, k.ete_acc_in_authority, k.ete_acc_in_authority_pct) == (3, 3, 100)
    assert (k.wellbeing_placed, k.wellbeing_paired, k.wellbeing_paired_pct) == (1, 1, 100)
    assert dict(k.locations_per_pdu) == {"Bristol": 1, "Leeds": 2}
    assert (k.locations_mean, k.locations_max) == (1.5, 2)
    assert k.sites_used == 3
    assert dict(k.site_desk_days) == {"BPO": (5, 15), "LMK": (5, 20), "LPO": (10, 10)}
    assert k.site_utilisation_pct("LPO") == 100
    assert (k.desk_days_placed, k.desk_days_available) == (20, 45)
    assert k.utilisation_pct == pytest.approx(100 * 20 / 45)
    assert [(u.need_id, u.lot) for u in k.unplaced] == [("G1", Lot.WOMENS)]
    assert k.unplaced[0].reason  # the evaluator's sentence, carried over
    assert k.placed_table() == [
        ["Lot", "Authority (probation office)", "Provider-owned", "Market property", "Total"],
        ["ETE", 2, 0, 0, 2],
        ["Accommodation", 1, 0, 0, 1],
        ["Personal wellbeing", 0, 0, 1, 1],
        ["Women's services", 0, 0, 0, 0],
        ["Total", 3, 0, 1, 4],
    ]


def test_shares_of_a_second_plan(scenario):
    # E1 to the market, B1 to Bradford (9.7 km from the market, 10 km from the office)
    plan = {**PLAN, "E1": "LMK", "B1": "BRH"}
    k = compute_kpis(scenario.with_capacity("LMK", desks=2), evaluate_plan(scenario, plan))
    assert k.ete_acc_in_authority == 2
    assert k.ete_acc_in_authority_pct == pytest.approx(200 / 3)
    assert (k.wellbeing_paired, k.wellbeing_paired_pct) == (0, 0)
    assert dict(k.locations_per_pdu) == {"Bristol": 1, "Leeds": 3}
    assert k.site_desk_days["LMK"] == (5, 10)  # the capacity override counts


def test_empty_plan_has_no_shares(scenario):
    k = compute_kpis(scenario, evaluate_plan(scenario, {}))
    assert k.needs_placed == 0 and k.sites_used == 0
    assert k.utilisation_pct is None and k.wellbeing_paired_pct is None
    assert k.locations_mean is None and k.locations_max == 0
    rows = {r.label: r for r in kpi_rows(k)}
    assert rows["Desk utilisation of sites used"].value == "n/a"
    assert format_value(rows["Wellbeing needs paired (share)"].value, "%") == "n/a"


def test_rows_have_one_fixed_order(scenario):
    rows = kpi_rows(compute_kpis(scenario, evaluate_plan(scenario, PLAN)))
    labels = [r.label for r in rows]
    # money first, then travel, needs, planning weights and last the optimiser score
    assert labels[:15] == [
        "Annual property cost", "Desk cost", "Fit-out (over 4 years)",
        "Service-user travel (person-km)", "Travel weight (2.00 points per person-km) (points)",
        "Needs placed", "Needs not placed", "Desks of needs not placed",
        "Separate locations (points)", "Not in authority property (points)",
        "Wellbeing pairing bonus (points)", "Same-day pairing bonus (points)",
        "Moves from baseline (points)", "Unplaced penalty (points)",
        "Optimiser score (points)"]
    assert [r.unit for r in rows if r.unit == "£"] == ["£"] * 3  # only money carries £
    assert len(rows) == 31 and len(set(labels)) == 31
    other = kpi_rows(compute_kpis(scenario, evaluate_plan(scenario, {})))
    assert [r.label for r in other] == labels
    by_label = {r.label: r for r in rows}
    # the same-day bonus (£2,000) of the paired wellbeing need
    assert by_label["Optimiser score (points)"][:3] == ("Optimiser score (points)",
                                                        pytest.approx(1_014_010), "points")
    assert by_label["Placed: ETE"].value == 2
    assert by_label["Placed in: Market property"].value == 1
    assert by_label["Separate locations per PDU (mean)"].value == 1.5
    assert format_value(by_label["Desk utilisation of sites used"].value, "%") == "44.4%"


def test_format_value_and_delta():
    assert format_value(1_016_010.4, "£") == "£1,016,010"
    assert format_value(-5000.0, "£") == "-£5,000"
    assert format_value(-0.2, "£") == "£0"
    assert format_value(200 / 3, "%") == "66.7%"
    assert format_value(1200, "needs") == "1,200"
    assert format_value(1.5, "sites") == "1.5"
    assert format_value(2.0, "sites") == "2"
    assert format_value("n/a", "%") == "n/a"
    assert format_value(-0.4, "£2dp") == "-£0.40"
    assert format_delta(2000, "£") == "+£2,000"
    assert format_delta(-500.4, "£") == "-£500"
    assert format_delta(0.3, "£") == "£0"
    assert format_delta(-100.0, "%") == "-100.0 pp"
    assert format_delta(12.5, "%") == "+12.5 pp"
    assert format_delta(-3, "needs") == "-3"
    assert format_delta(0, "sites") == "0"
    assert format_delta(None, "%") == "n/a"


def test_plan_of_another_dataset_is_a_clear_error(scenario):
    from estates_planner.model import Allocation

    stray = PlanResult("other", (Allocation("Z9", "LPO"),), {}, 0.0, 0.0, 0.0, "evaluated", 0.0)
    with pytest.raises(ScenarioError, match="has need Z9, which scenario 'hand' does not"):
        compute_kpis(scenario, stray)
    ghost = PlanResult("other", (Allocation("E1", "NOPE"),), {}, 0.0, 0.0, 0.0, "evaluated", 0.0)
    with pytest.raises(ScenarioError, match="at site NOPE"):
        compute_kpis(scenario, ghost)


def test_settings_rows_say_the_rules_and_weights():
    from datetime import date

    from estates_planner.model import Settings
    from estates_planner.report.kpis import settings_rows

    rows = dict(settings_rows(Settings(same_region=False, go_live=date(2027, 4, 1))))
    assert rows["R5 Needs placed in their own region"] == "off"
    assert rows["R3 Women's services only at women-only sites"] == "on"
    assert rows["Go-live date"] == "2027-04-01"
    # weights are points of the optimiser score, not money: no £ (issue 13)
    assert rows["Travel weight"] == "2.00 points per person-km"
    assert rows["Wellbeing pairing bonus"] == "5,000 points off per paired need, within 0.5 km"
    assert rows["Unplaced penalty"] == "1,000,000 points per need"
