"""The PDF's sentences, read without drawing a page."""

from __future__ import annotations

from types import SimpleNamespace

from estates_planner.report.content import Partner, WeeklyOccupancy
from estates_planner.report.sentences import (
    capacity_line,
    nearby_partners_text,
    project_display_name,
    short_kind_label,
    sites_in_region,
    toc_sites_text,
    travel_measure_text,
    weekly_line,
)


def test_counts_take_the_right_number():
    assert sites_in_region(1) == "1 site used in this region"
    assert sites_in_region(3) == "3 sites used in this region"
    assert capacity_line("Desk-days a week", 12, 20) == "Desk-days a week: 12 of 20 used (60%)"
    assert capacity_line("Room-days a week", 0, 0) == "Room-days a week: 0 of 0 used (–)"


def test_weekly_line_averages_over_five_days_or_lists_the_weekdays():
    # 23 desk-days of 8 desks: 4.6 desks a day on average, of 40 desk-days available
    section = SimpleNamespace(weekly=WeeklyOccupancy(8, None, 23, 23))
    assert weekly_line(section) == ("No fixed weekdays recorded: 23 of 40 desk-days a week, "
                                    "on average 4.6 of 8 desks a day.")
    # fixed days Mon 2, Wed 3; 5 desk-days on a rota: 1 more desk each day
    section = SimpleNamespace(weekly=WeeklyOccupancy(6, (2, 0, 3, 0, 0), 5, 10))
    assert weekly_line(section) == ("Desks in use by weekday (of 6): Mon 2 · Tue 0 · Wed 3 · "
                                    "Thu 0 · Fri 0, plus 1.0 a day on a rota or any day.")


def test_nearby_partners_leave_out_the_site_itself_and_say_how_many_more():
    section = SimpleNamespace(partners=[
        Partner("Acme", "ETE", "same site"), Partner("Bloom", "Wellbeing", "Hub, 0.3 km"),
        Partner("Hope", "Women's", "Rose House, 1.2 km")])
    assert nearby_partners_text(section) == (
        "Nearby partners within the pairing radius: Bloom (Wellbeing) at Hub, 0.3 km; "
        "Hope (Women's) at Rose House, 1.2 km.")
    assert nearby_partners_text(section, 1).endswith("at Hub, 0.3 km; and 1 more.")
    assert nearby_partners_text(SimpleNamespace(partners=[])) == (
        "Nearby partners within the pairing radius: none.")


def test_one_wording_for_how_journeys_are_measured():
    assert travel_measure_text("road network (roads.gpkg)") == (
        "Journeys measured along the road network (roads.gpkg)")
    assert travel_measure_text("straight line") == (
        "Journeys measured as straight lines (British National Grid)")
    assert travel_measure_text(None) == travel_measure_text("straight line")


def test_contents_list_sites_by_page():
    assert toc_sites_text([(6, ["A", "B"]), (7, ["C"])]) == "p. 6: A, B · p. 7: C"


def test_project_name_from_title_then_metadata_then_file():
    assert project_display_name(SimpleNamespace(title="North plan")) == "North plan"
    assert project_display_name(SimpleNamespace(metadata={"name": "South"})) == "South"
    assert project_display_name(SimpleNamespace(path="/x/estates_2027.gpkg")) == "estates_2027"
    assert project_display_name(SimpleNamespace()) == "Estates Planner project"
    assert short_kind_label("Provider-owned") == "Provider"
    assert short_kind_label("Total") == "Total"
