"""Report content of a hand-made plan: sections by region, occupants, capacity, weekly use."""

from __future__ import annotations

from datetime import date

import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest

from estates_planner.errors import ExportError
from estates_planner.optimise.result import TERM_NAMES
from estates_planner.report.content import (
    build_report_content,
    money,
    summary_plan,
)
from estates_planner.report.kpis import compute_kpis, format_value


@pytest.fixture
def content():
    sc = pb.scenario()
    return build_report_content(sc, pb.plan(sc), project_name="Test project",
                                metadata={"sites_source": "sites.csv", "colour": "blue"},
                                created=date(2026, 11, 25))


def test_sections_grouped_by_region_sorted(content):
    assert [g.name for g in content.regions] == ["Greater Manchester",
                                                 "Yorkshire and the Humber"]
    names = [[s.site.name for s in g.sections] for g in content.regions]
    # S5 is not used, so it has no section
    assert names == [["Manchester Probation Office"],
                     ["Hope House", "Leeds Probation Office", "Wakefield Market Unit"]]


def test_site_section_occupants_capacity_and_week(content):
    leeds = next(s for s in content.sections if s.site.site_id == "S1")
    assert [(o.need_id, o.provider, o.lot, o.desks, o.days_per_week, o.days)
            for o in leeds.occupants] == [
        ("N1", "Bright Futures", "ETE", 2, 3, "Mon, Wed, Fri"),
        ("N2", "Home First", "Accommodation", 3, 5, ""),
    ]
    # desk-days: 2x3 + 3x5 = 21 of 10x5; room-days 1x3 + 1x5 = 8 of 4x5
    assert (leeds.desk_days_used, leeds.desk_days_available) == (21, 50)
    assert (leeds.room_days_used, leeds.room_days_available) == (8, 20)
    assert [o.fixed_days for o in leeds.occupants] == [(0, 2, 4), ()]
    # the hand-made plan gives no weekdays (as one made before the weekly rota): the week
    # says which needs have none rather than guessing them onto days
    assert leeds.week.without_days == ("N1", "N2")
    assert [d.desks_used for d in leeds.week.days] == [0, 0, 0, 0, 0]
    # Hope House is 224 m away (within the 0.5 km pairing radius)
    assert [(p.provider, p.where) for p in leeds.partners] == [
        ("Bright Futures", "same site"), ("Home First", "same site"),
        ("Women Together", "Hope House, 0.2 km")]
    facts = dict(leeds.facts)
    assert facts["Kind"] == "Authority (probation office)"
    assert facts["Capacity"] == "10 desks, 4 interview rooms"
    assert facts["Women-only"] == "no"
    assert facts["Cost"] == "£3,000 per desk a year"


def test_site_week_of_a_plan_with_a_rota():
    """The plan costed with its rota: N1 keeps its fixed Mon, Wed, Fri (2 desks, 1 room);
    N2 is in all five days (3 desks, 1 room), so Leeds (10 desks, 4 rooms) uses 5 desks on
    Mon, Wed, Fri and 3 on Tue, Thu; rooms never fill, so they do not bind."""
    from estates_planner.optimise import evaluate_plan

    sc = pb.scenario()
    plan = evaluate_plan(sc, {n: s for n, s in pb.PLAN.items() if s is not None})
    content = build_report_content(sc, plan, project_name="Test project",
                                   created=date(2026, 11, 25))
    leeds = next(s for s in content.sections if s.site.site_id == "S1")
    week = leeds.week
    assert week.without_days == ()
    assert week.days_of("N1") == (0, 2, 4) and week.days_of("N2") == (0, 1, 2, 3, 4)
    assert [(d.desks_used, d.desks) for d in week.days] == [(5, 10), (3, 10), (5, 10),
                                                             (3, 10), (5, 10)]
    assert [d.rooms_used for d in week.days] == [2, 1, 2, 1, 2]
    assert not week.rooms_bind
    # Wakefield: N3 (1 desk, 1 room, 2 days) of 6 desks and 2 rooms
    wakefield = next(s for s in content.sections if s.site.site_id == "S3")
    assert len(wakefield.week.days_of("N3")) == 2
    assert sum(d.desks_used for d in wakefield.week.days) == 2


def test_summary_figures_match_kpis(content):
    sc = pb.scenario()
    kpis = compute_kpis(sc, pb.plan(sc))
    lines = {k.label: k.text for k in content.kpis}
    assert lines["Optimiser score (points)"] == format_value(kpis.objective, "points")
    assert lines["Annual property cost"] == format_value(
        kpis.terms["desk_cost"] + kpis.terms["fit_out"], "£")
    assert content.wellbeing_paired == (0, 1)
    assert content.unplaced == [("N6", "Calm Minds", "Personal wellbeing",
                                 "Greater Manchester", pb.UNPLACED_REASON)]
    assert ("Yorkshire and the Humber", "Leeds", 2, 3) in content.locations_per_pdu
    assert content.placed_by_lot_kind[-1][-1] == "5"
    assert "Sites source: sites.csv" in content.data_sources
    assert not any("colour" in line.lower() for line in content.data_sources)


def test_authority_share_counts_every_region(content):
    # N1, N2 (Leeds office) and N5 (Manchester office): 3 of 3 ETE/accommodation placed
    assert content.authority_share == (3, 3)


def test_rules_and_weights(content):
    rules = {r[0]: r[2] for r in content.rules}
    assert rules["R3"] == "on" and rules["R2"] == "always"
    assert rules["R1"] == "unplaced allowed, with penalty"
    weights = dict(content.weights)
    assert weights["Travel weight"] == "2.00 points per person-km"  # a weight, not money
    assert weights["Unplaced need penalty"] == "1,000,000 points per need"
    assert weights["Pairing radius"] == "0.5 km"


def test_region_filter_limits_sections_and_appendix():
    sc = pb.scenario()
    c = build_report_content(sc, pb.plan(sc), regions=["Greater Manchester"])
    assert [g.name for g in c.regions] == ["Greater Manchester"]
    assert [row[0] for row in c.appendix] == ["N5", "N6"]
    assert c.appendix[1][4] == "— unplaced —"
    with pytest.raises(ExportError, match="unknown region.*Narnia"):
        build_report_content(sc, pb.plan(sc), regions=["Narnia"])


def test_whole_plan_summary_is_the_apps(content):
    assert content.whole_plan and content.summary_for == "the whole plan (all regions)"
    lines = {k.label: k.text for k in content.kpis}
    assert lines["Optimiser score (points)"] == "1,041,836"
    assert lines["Needs placed"] == "5" and lines["Needs not placed"] == "1"


def test_one_region_summary_worked_out_by_hand():
    """Yorkshire alone: N1, N2 at Leeds office (S1), N4 at Hope House (S2), N3 at Wakefield
    (S3); the unplaced N6 is Greater Manchester's, so not counted."""
    sc = pb.scenario()
    c = build_report_content(sc, pb.plan(sc), regions=[pb.YORKS])
    assert not c.whole_plan and c.summary_for == pb.YORKS and c.summary_note == ""
    lines = {k.label: k.text for k in c.kpis}
    # desk: N1 2x3/5x£3,000 = £3,600; N2 3x5/5x£3,000 = £9,000; N3 1x2/5x£2,500 = £1,000;
    # N4 2x4/5x£2,000 = £3,200; together £16,800
    assert lines["Desk cost"] == "£16,800"
    assert lines["Fit-out (over 4 years)"] == "£2,000"  # Wakefield's £8,000 over 4 years
    assert lines["Annual property cost"] == "£18,800"  # the only money: desks + fit-out
    # travel: N1 100 x 0.5 km + N3 50 x 1 km = 100 person-km, N2 and N4 0 km; weighted at
    # £2 per person-km: 200 points
    assert lines["Service-user travel (person-km)"] == "100"
    assert lines["Travel weight (2.00 points per person-km) (points)"] == "200"
    # (Leeds, S1), (Leeds, S2), (Wakefield, S3): 3 x 5,000 points
    assert lines["Separate locations (points)"] == "15,000"
    assert lines["Unplaced penalty (points)"] == "0"
    assert lines["Optimiser score (points)"] == "34,000"
    assert lines["Needs placed"] == "4" and lines["Needs not placed"] == "0"
    assert lines["Sites used"] == "3"
    # desk-days 21 (S1) + 8 (S2) + 2 (S3) = 31 of 50 + 20 + 30 = 100
    assert lines["Desk-days placed a week"] == "31"
    assert lines["Desk utilisation of sites used"] == "31.0%"
    assert lines["Separate locations per PDU (mean)"] == "1.5"  # Leeds 2, Wakefield 1
    assert lines["Separate locations per PDU (most)"] == "2"
    assert c.authority_share == (2, 2)  # N1, N2 at the Leeds office
    assert c.wellbeing_paired == (0, 1)
    assert c.placed_by_lot_kind[-1] == ["Total", "2", "1", "1", "4"]
    assert c.unplaced == []
    assert [(r, p, s, n) for r, p, s, n in c.locations_per_pdu] == [
        (pb.YORKS, "Leeds", 2, 3), (pb.YORKS, "Wakefield", 1, 1)]
    assert [line.pdu for line in c.service_users] == ["Leeds", "Wakefield"]
    # the figures add up to the site sections and the appendix of the same report
    assert sum(s.desk_days_used for s in c.sections) == 31
    assert len(c.sections) == 3 and len(c.appendix) == 4


def test_the_other_region_carries_the_unplaced_need():
    sc = pb.scenario()
    c = build_report_content(sc, pb.plan(sc), regions=[pb.GM])
    lines = {k.label: k.text for k in c.kpis}
    # N5 at Manchester office: desk 2x2/5x£3,500 = £2,800, travel 60 x 0.3 km x £2 = £36,
    # one location £5,000; N6 unplaced £1,000,000
    assert lines["Optimiser score (points)"] == "1,007,836"
    assert lines["Annual property cost"] == "£2,800"
    assert lines["Needs not placed"] == "1"
    assert [u[0] for u in c.unplaced] == ["N6"]


@pytest.mark.parametrize("priced_by", ["by hand", "optimiser, with moves"])
def test_region_summaries_add_up_to_the_whole_plan(priced_by):
    from estates_planner.optimise.evaluate import evaluate_plan

    sc = pb.scenario()
    result = pb.plan(sc)
    if priced_by != "by hand":  # the optimiser's own pricing, with a baseline to move from
        sc = sc.replace(baseline={"N1": "S2", "N5": "S4"})
        result = evaluate_plan(sc, pb.PLAN)
        assert result.terms["moves"] == 2000.0  # N1 moved from Hope House
    parts = [summary_plan(sc, result, lambda s, r=r: s.region == r,
                          lambda n, r=r: n.region == r) for r in sc.dataset.regions]
    for name in TERM_NAMES:
        assert sum(p.terms[name] for p in parts) == pytest.approx(result.terms[name]), name
    assert sum(p.objective for p in parts) == pytest.approx(result.objective)
    assert sorted(a.need_id for p in parts for a in p.allocations) == [
        f"N{i}" for i in range(1, 7)]


def test_site_choice_counts_only_those_sites():
    sc = pb.scenario()
    c = build_report_content(sc, pb.plan(sc), site_ids=["S1"])
    lines = {k.label: k.text for k in c.kpis}
    # N1 £3,600 + N2 £9,000 desk, N1's £100 travel, one location £5,000; no unplaced need
    # belongs to a site
    assert lines["Optimiser score (points)"] == "17,700"
    assert lines["Annual property cost"] == "£12,600"
    assert c.summary_for == "Leeds Probation Office"
    assert [row[0] for row in c.appendix] == ["N1", "N2"]


def test_needs_placed_across_a_region_border_count_with_their_site():
    from dataclasses import replace

    from estates_planner.optimise.evaluate import evaluate_plan

    base = pb.scenario()
    sc = base.replace(settings=replace(base.settings, same_region=False))
    plan = dict(pb.PLAN, N6="S3")  # Calm Minds (Greater Manchester) at Wakefield (Yorkshire)
    result = evaluate_plan(sc, plan)
    gm = build_report_content(sc, result, regions=[pb.GM])
    yorks = build_report_content(sc, result, regions=[pb.YORKS])
    assert gm.summary_note == ("1 need of these regions is placed at sites outside them and "
                               "counted with those sites.")
    assert yorks.summary_note == "1 need of other regions is placed here and counted."
    assert [row[0] for row in gm.appendix] == ["N5"]
    assert "N6" in [row[0] for row in yorks.appendix]
    assert {k.label: k.text for k in yorks.kpis}["Needs placed"] == "5"


def test_money():
    assert money(1234.4) == "£1,234"
    assert money(-5000) == "−£5,000"


def test_status_of_a_plan_not_proven_optimal_says_how_far_it_may_be():
    from dataclasses import replace

    sc = pb.scenario()
    result = pb.plan(sc)
    stopped = replace(result, status="feasible", bound=result.objective - 20_000.0,
                      gap=20_000.0 / result.objective)
    text = build_report_content(sc, stopped).status_text
    assert text.startswith("Plan status: best found in the time limit (optimiser score "
                           "at most 20,000 points, ")
    assert text.endswith("%, above the best possible plan)")
    optimal = replace(result, status="optimal", bound=result.objective, gap=0.0)
    assert build_report_content(sc, optimal).status_text == "Plan status: proven optimal"
