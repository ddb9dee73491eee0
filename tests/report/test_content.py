"""Report content of a hand-made plan: sections by region, occupants, capacity, weekly use."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from estates_planner.errors import ExportError
from estates_planner.report.content import build_report_content, money, parse_weekdays
from estates_planner.report.kpis import compute_kpis, format_value


def _load_builders():
    path = Path(__file__).with_name("plan_builders.py")
    spec = importlib.util.spec_from_file_location("plan_builders_content", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pb = _load_builders()


@pytest.fixture
def content():
    sc = pb.scenario()
    return build_report_content(sc, pb.plan(sc), project_name="Test project",
                                metadata={"sites_source": "sites.csv", "colour": "blue"},
                                created=date(2026, 11, 25))


@pytest.mark.parametrize("text, expected", [
    ("Mon,Wed", (0, 2)),
    ("tue; THU", (1, 3)),
    ("Friday", (4,)),
    ("rota", None),
    ("", None),
    (None, None),
    ("Mon,Sat", None),
])
def test_parse_weekdays(text, expected):
    assert parse_weekdays(text) == expected


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
    # N1 has fixed days (2 desks Mon, Wed, Fri); N2 is on a rota: 15 unscheduled desk-days
    assert leeds.weekly.by_day == (2, 0, 2, 0, 2)
    assert leeds.weekly.unscheduled_desk_days == 15
    assert leeds.weekly.total_desk_days == 21
    # Hope House is 224 m away (within the 0.5 km pairing radius)
    assert [(p.provider, p.where) for p in leeds.partners] == [
        ("Bright Futures", "same site"), ("Home First", "same site"),
        ("Women Together", "Hope House, 0.2 km")]
    facts = dict(leeds.facts)
    assert facts["Kind"] == "Authority (probation office)"
    assert facts["Capacity"] == "10 desks, 4 interview rooms"
    assert facts["Women-only"] == "no"
    assert facts["Cost"] == "£3,000 per desk a year"


def test_weekly_totals_only_without_rota(content):
    wakefield = next(s for s in content.sections if s.site.site_id == "S3")
    assert wakefield.weekly.by_day is None
    assert wakefield.weekly.total_desk_days == 2  # 1 desk x 2 days


def test_summary_figures_match_kpis(content):
    sc = pb.scenario()
    kpis = compute_kpis(sc, pb.plan(sc))
    lines = {k.label: k.text for k in content.kpis}
    assert lines["Total annual cost (objective)"] == format_value(kpis.objective, "£")
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
    assert weights["Travel weight"] == "£2.00 per person-km"
    assert weights["Pairing radius"] == "0.5 km"


def test_region_filter_limits_sections_and_appendix():
    sc = pb.scenario()
    c = build_report_content(sc, pb.plan(sc), regions=["Greater Manchester"])
    assert [g.name for g in c.regions] == ["Greater Manchester"]
    assert [row[0] for row in c.appendix] == ["N5", "N6"]
    assert c.appendix[1][4] == "— unplaced —"
    with pytest.raises(ExportError, match="unknown region.*Narnia"):
        build_report_content(sc, pb.plan(sc), regions=["Narnia"])


def test_money():
    assert money(1234.4) == "£1,234"
    assert money(-5000) == "−£5,000"
