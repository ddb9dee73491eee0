"""The PDF's sentences, read without drawing a page."""

from __future__ import annotations

from types import SimpleNamespace

from estates_planner.report.content import Partner
from estates_planner.report.sentences import (
    capacity_line,
    day_use_text,
    desks_row_label,
    nearby_partners_text,
    project_display_name,
    rooms_row_label,
    short_kind_label,
    sites_in_region,
    toc_sites_text,
    travel_measure_text,
    week_missing_text,
)


def test_counts_take_the_right_number():
    assert sites_in_region(1) == "1 site used in this region"
    assert sites_in_region(3) == "3 sites used in this region"
    assert capacity_line("Desk-days a week", 12, 20) == "Desk-days a week: 12 of 20 used (60%)"
    assert capacity_line("Room-days a week", 0, 0) == "Room-days a week: 0 of 0 used (–)"


def _week(desks_used, desks, rooms_used, rooms, missing=()):
    from estates_planner.report.rota import DayInSite, SiteWeek

    days = tuple(DayInSite(d, (), u, desks, r, rooms)
                 for d, u, r in zip(("Mon", "Tue", "Wed", "Thu", "Fri"), desks_used, rooms_used,
                                    strict=True))
    return SiteWeek("S", "Site", days, tuple(missing))


def test_week_grid_labels_and_day_cells():
    week = _week((5, 3, 8, 0, 0), 8, (1, 3, 3, 0, 0), 3)
    section = SimpleNamespace(week=week, desk_days_used=16, desk_days_available=40)
    assert desks_row_label(section) == "Desks in use of 8 (16 of 40 desk-days a week)"
    assert rooms_row_label(section) == "Interview rooms in use of 3"
    assert week.rooms_bind  # Tuesday and Wednesday use all 3 rooms
    assert not _week((5, 3, 8, 0, 0), 8, (1, 2, 2, 0, 0), 3).rooms_bind
    assert not _week((0,) * 5, 8, (0,) * 5, 0).rooms_bind  # no rooms, none used
    assert day_use_text(8, 8) == "8"
    assert day_use_text(12, 10) == "12 over"
    assert week_missing_text(section) == ""


def test_a_plan_without_weekdays_says_which_needs_and_what_to_do():
    missing = tuple(f"N{i}" for i in range(1, 9))
    section = SimpleNamespace(week=_week((0,) * 5, 8, (0,) * 5, 3, missing))
    assert week_missing_text(section) == (
        "The plan gives no weekdays for N1, N2, N3, N4, N5, N6 and 2 more (made before the "
        "weekly rota): solve again for the site's week.")


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
