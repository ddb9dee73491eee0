"""The headline figures of the hand-made plan (tests/plan_builders.py), worked out by hand.

Needs placed: N1 2 desks x 3/5 x £3,000 = £3,600 (0.5 km, caseload 100 -> 50 person-km);
N2 3 x 5/5 x £3,000 = £9,000 (0 km); N3 1 x 2/5 x £2,500 = £1,000 (1.0 km x 50 = 50);
N4 2 x 4/5 x £2,000 = £3,200 (0 km); N5 2 x 2/5 x £3,500 = £2,800 (0.3 km x 60 = 18).
Fit-out: Wakefield Market Unit £8,000 over 4 years = £2,000. N6 (1 desk) is not placed.
"""

from __future__ import annotations

import plan_builders as pb
import pytest

from estates_planner.report.figures import compute_figures, figure_rows, format_figure
from estates_planner.report.regions import region_rows


def test_money_apart_from_weights_and_penalty():
    """The PDF's headline figures (report.figures, as the app and the CLI): money in £,
    travel weight, planning weights and the score in points."""
    sc = pb.scenario()
    f = compute_figures(sc, pb.plan(sc))
    assert f.desk_cost_gbp == pytest.approx(19_600)
    assert f.fit_out_gbp == pytest.approx(2_000)
    assert f.annual_cost_gbp == pytest.approx(21_600)
    assert f.travel_person_km == pytest.approx(118)
    assert f.travel_weighted_points == pytest.approx(236)  # 2 points per person-km
    assert f.travel_measure == "km"
    assert (f.unplaced_count, f.unplaced_desks, f.needs_total) == (1, 1, 6)
    assert f.unplaced_penalty_points == pytest.approx(1_000_000)
    # Leeds uses S1 and S2, Wakefield S3, Manchester S4: 4 separate locations x 5,000
    assert f.locations_points == pytest.approx(20_000)
    assert f.authority_points == 0
    # the score holds every term and adds up to the objective
    assert f.score_points == pytest.approx(1_041_836)
    shown = {(r.section, r.label): format_figure(r.value, r.unit) for r in figure_rows(f)}
    assert shown[("Money (a year)", "Annual property cost")] == "£21,600"
    assert shown[("Planning weights (not money)", "Separate locations")] == "20,000 points"
    assert shown[("Optimiser score (not money)", "Unplaced penalty")] == "1,000,000 points"
    assert shown[("Optimiser score (not money)", "Optimiser score")] == "1,041,836 points"
    # the penalty is only in the optimiser score, and only money carries £
    assert [s for s, label in shown if label == "Unplaced penalty"] == [
        "Optimiser score (not money)"]
    assert [text for text in shown.values() if "£" in text] == ["£21,600", "£19,600",
                                                                "£2,000"]


def test_region_rows_add_up_to_the_plan():
    sc = pb.scenario()
    rows = {r.region: r for r in region_rows(sc, pb.plan(sc))}
    yorks, gm = rows[pb.YORKS], rows[pb.GM]
    # Yorkshire: S1 (N1, N2), S2 (N4), S3 (N3); £3,600 + £9,000 + £3,200 + £1,000 + £2,000
    assert (yorks.sites_used, yorks.needs_placed, yorks.needs_unplaced) == (3, 4, 0)
    assert yorks.annual_property_cost_gbp == pytest.approx(18_800)
    assert yorks.authority == (2, 2) and yorks.paired == (0, 1)
    # Greater Manchester: N5 at S4 (£2,800), N6 unplaced
    assert (gm.sites_used, gm.needs_placed, gm.needs_unplaced) == (1, 1, 1)
    assert gm.annual_property_cost_gbp == pytest.approx(2_800)
    assert gm.authority == (1, 1) and gm.paired == (0, 0)
    assert sum(r.annual_property_cost_gbp for r in rows.values()) == pytest.approx(21_600)
