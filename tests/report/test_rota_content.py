"""The site week content (report/rota.py): needs in each day, desks and rooms used."""

from __future__ import annotations

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site, SiteKind
from estates_planner.optimise import evaluate_plan
from estates_planner.report.rota import same_day_count, site_week


def scenario() -> Scenario:
    site = Site("S", "Ten Desks", "North", "P", SiteKind.PROVIDER, False, 10, 2, 1000.0, 0, 0)
    a = ServiceNeed("A", "Jobs Ltd", Lot.ETE, "North", "P", 8, 1, 2, 0, 0, 0,
                    fixed_days=(0, 2))
    b = ServiceNeed("B", "Homes Co", Lot.ACCOMMODATION, "North", "P", 2, 1, 1, 0, 0, 0,
                    fixed_days=(0,))
    c = ServiceNeed("C", "Homes Co", Lot.ACCOMMODATION, "North", "P", 9, 0, 1, 0, 0, 0,
                    fixed_days=(4,))
    return Scenario("week", Dataset((site,), (a, b, c)))


def test_site_week_counts_each_day_against_the_site() -> None:
    sc = scenario()
    result = evaluate_plan(sc, {"A": "S", "B": "S", "C": "S"})
    week = site_week(sc, result, "S")
    assert [d.weekday for d in week.days] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    # Monday: A (8 desks, 1 room) and B (2, 1); Wednesday A; Friday C (9 desks)
    assert [(d.desks_used, d.rooms_used) for d in week.days] == [
        (10, 2), (0, 0), (8, 1), (0, 0), (9, 0)]
    assert week.days[0].providers == ("Homes Co", "Jobs Ltd")
    assert [n[0] for n in week.days[0].needs] == ["B", "A"]  # by provider
    assert week.days_over_capacity == 0 and week.without_days == ()
    assert same_day_count(result) == 0


def test_a_day_over_capacity_is_shown_as_such() -> None:
    sc = scenario()
    over = sc.replace(dataset=Dataset(sc.dataset.sites, sc.dataset.needs[:2] + (
        ServiceNeed("D", "Jobs Ltd", Lot.ETE, "North", "P", 3, 0, 1, 0, 0, 0,
                    fixed_days=(0,)),)))
    result = evaluate_plan(over, {"A": "S", "B": "S", "D": "S"})
    week = site_week(over, result, "S")
    assert week.days[0].desks_used == 13 and week.days[0].over
    assert week.days_over_capacity == 1
    assert result.days_over_capacity == 1
    assert any(m.startswith("R2 (daily): Ten Desks has no weekly rota") for m in result.messages)
