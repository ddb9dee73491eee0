"""The headline figures of the hand-made plan (tests/plan_builders.py), worked out by hand.

Needs placed: N1 2 desks x 3/5 x £3,000 = £3,600 (0.5 km, caseload 100 -> 50 person-km);
N2 3 x 5/5 x £3,000 = £9,000 (0 km); N3 1 x 2/5 x £2,500 = £1,000 (1.0 km x 50 = 50);
N4 2 x 4/5 x £2,000 = £3,200 (0 km); N5 2 x 2/5 x £3,500 = £2,800 (0.3 km x 60 = 18).
Fit-out: Wakefield Market Unit £8,000 over 4 years = £2,000. N6 (1 desk) is not placed.
"""

from __future__ import annotations

import plan_builders as pb
import pytest

from estates_planner.report.headline import compute_headline, region_rows


def test_money_apart_from_weights_and_penalty():
    sc = pb.scenario()
    h = compute_headline(sc, pb.plan(sc))
    assert h.desk_cost_gbp == pytest.approx(19_600)
    assert h.fit_out_gbp == pytest.approx(2_000)
    assert h.annual_property_cost_gbp == pytest.approx(21_600)
    assert h.travel_person_km == pytest.approx(118)
    assert h.travel_value_gbp == pytest.approx(236)  # £2 per person-km: a weight
    assert h.travel_per == "person-km"
    assert (h.unplaced_count, h.unplaced_desks, h.needs_total) == (1, 1, 6)
    assert h.unplaced_penalty_gbp == pytest.approx(1_000_000)
    weights = dict(h.weights)
    # Leeds uses S1 and S2, Wakefield S3, Manchester S4: 4 separate locations x £5,000
    assert weights["Separate locations"] == pytest.approx(20_000)
    assert weights["Not in authority property"] == 0
    assert "Unplaced needs" not in weights  # the penalty is not a weight
    # the score holds every term and adds up to the objective
    assert h.score == pytest.approx(1_041_836)
    assert dict(h.score_terms)["Unplaced needs"] == pytest.approx(1_000_000)


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
