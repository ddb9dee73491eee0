"""The PDF's sentences, read without drawing a page."""

from __future__ import annotations

from types import SimpleNamespace

from estates_planner.report.content import Partner, WeeklyOccupancy
from estates_planner.report.sentences import (
    capacity_line,
    occupants_title,
    partners_text,
    project_display_name,
    short_kind_label,
    sites_in_region,
    weekly_totals_text,
)


def test_counts_take_the_right_number():
    assert sites_in_region(1) == "1 site used in this region"
    assert sites_in_region(3) == "3 sites used in this region"
    assert occupants_title(1) == "Who is there (1 need)"
    assert capacity_line("Desk-days a week", 12, 20) == "Desk-days a week: 12 of 20 used (60%)"
    assert capacity_line("Room-days a week", 0, 0) == "Room-days a week: 0 of 0 used (–)"


def test_weekly_totals_average_over_five_days():
    # 23 desk-days of 8 desks: 4.6 desks a day on average, of 40 desk-days available
    section = SimpleNamespace(weekly=WeeklyOccupancy(8, None, 23, 23))
    assert weekly_totals_text(section) == (
        "No fixed weekdays are recorded for the needs here. In total 23 desk-days a week are "
        "used of 40 available: on average 4.6 of 8 desks a day.")


def test_partners_list_fewer_nearby_ones_and_say_how_many_more():
    section = SimpleNamespace(partners=[
        Partner("Acme", "ETE", "same site"), Partner("Bloom", "Wellbeing", "Hub, 0.3 km"),
        Partner("Hope", "Women's", "Rose House, 1.2 km")])
    assert partners_text(section) == (
        "At this site: Acme (ETE)\nNearby, within the pairing radius: Bloom (Wellbeing) at "
        "Hub, 0.3 km; Hope (Women's) at Rose House, 1.2 km")
    assert partners_text(section, near_limit=1).endswith(
        "Bloom (Wellbeing) at Hub, 0.3 km; and 1 more")
    assert partners_text(SimpleNamespace(partners=[])) == (
        "At this site: none\nNearby, within the pairing radius: none")


def test_project_name_from_title_then_metadata_then_file():
    assert project_display_name(SimpleNamespace(title="North plan")) == "North plan"
    assert project_display_name(SimpleNamespace(metadata={"name": "South"})) == "South"
    assert project_display_name(SimpleNamespace(path="/x/estates_2027.gpkg")) == "estates_2027"
    assert project_display_name(SimpleNamespace()) == "Estates Planner project"
    assert short_kind_label("Provider-owned") == "Provider"
    assert short_kind_label("Total") == "Total"
