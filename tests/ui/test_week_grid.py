"""The inspector's Mon-Fri grid of a site's week (issue 17)."""

from __future__ import annotations

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site, SiteKind
from estates_planner.optimise import evaluate_plan
from estates_planner.report.rota import site_week
from estates_planner.ui.week_grid import WeekGrid


def test_grid_shows_desks_rooms_and_providers_by_day(qtbot) -> None:  # noqa: ANN001
    site = Site("S", "Ten Desks", "North", "P", SiteKind.PROVIDER, False, 10, 1, 1000.0, 0, 0)
    a = ServiceNeed("A", "Jobs Ltd", Lot.ETE, "North", "P", 8, 1, 1, 0, 0, 0, fixed_days=(1,))
    b = ServiceNeed("B", "Homes Co", Lot.ACCOMMODATION, "North", "P", 4, 1, 1, 0, 0, 0,
                    fixed_days=(1,))
    sc = Scenario("week", Dataset((site,), (a, b)))
    result = evaluate_plan(sc, {"A": "S", "B": "S"})  # Tuesday: 12 desks of 10, 2 rooms of 1
    grid = WeekGrid(site_week(sc, result, "S"))
    qtbot.addWidget(grid)
    assert [grid.horizontalHeaderItem(c).text() for c in range(5)] == [
        "Mon", "Tue", "Wed", "Thu", "Fri"]
    assert grid.cell_text(0, 0) == "0 of 10"
    assert grid.cell_text(0, 1) == "12 of 10 over"
    assert grid.cell_text(1, 1) == "2 of 1 over"
    assert grid.cell_text(2, 1) == "Homes Co\nJobs Ltd"
    assert "A: Jobs Ltd (ETE), 8 desks, 1 rooms" in grid.item(2, 1).toolTip()
