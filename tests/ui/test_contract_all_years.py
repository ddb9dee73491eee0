""""All years" of a contract plan in the app (issue 15): the allocation table shows each
need's site in every year and its moves, the map shows the sites used in any year with no
line claiming one year's placement.

The hand case is tests/contract_case.py's, with its places spread out so the map can be
pointed at: N1 at A in year 1 (A's lease ends), at B in year 2, one move.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "optimise"))
from contract_case import END_OF_YEAR_1, START  # noqa: E402
from plan_checker import make_scenario, need, site  # noqa: E402
from PySide6.QtCore import QPointF, Qt  # noqa: E402

from estates_planner.render.map.content import site_tooltip  # noqa: E402
from estates_planner.ui.allocation_table import COLUMN_INDEX, UNPLACED  # noqa: E402
from estates_planner.ui.year_selector import ALL_YEARS  # noqa: E402
from estates_planner.usecases.multiyear import plan_contract_in_project  # noqa: E402

HORIZONTAL = Qt.Orientation.Horizontal
TOOLTIP = Qt.ItemDataRole.ToolTipRole

YEAR_COLUMNS = ["Year 1 (2027-28)", "Year 2 (2028-29)"]


def _project():
    """contract_case's project, with A 4 km west of N1 and B 4 km east."""
    from estates_planner.project import new_project

    a = dataclasses.replace(site("A", 1000.0, x=-4000.0, desks=1),
                            available_until=END_OF_YEAR_1)
    scenario = make_scenario([a, site("B", 3000.0, x=4000.0, desks=1)], [need("N1")],
                             go_live=START, move_penalty=500.0)
    project = new_project(scenario.dataset, title="Two contract years")
    project.put_scenario(scenario.replace(name=project.scenario_names[0],
                                          dataset=project.dataset))
    return project


def _planned_window(make_window):
    project = _project()
    window = make_window(project)
    run = plan_contract_in_project(project, window.workspace.current.name, years=2,
                                   time_limit_s=10.0)
    window.contract.finished(run)
    window.contract.selector.choose(ALL_YEARS)
    return window


def _headers(model) -> list[str]:
    return [model.headerData(c, HORIZONTAL) for c in range(model.columnCount())]


def _shown_rows(panel) -> list[list[str]]:
    proxy = panel.proxy
    return [[proxy.index(r, c).data() for c in range(proxy.columnCount())]
            for r in range(proxy.rowCount())]


def test_all_years_table_shows_each_years_site_and_the_moves(make_window):
    window = _planned_window(make_window)
    panel = window.table_panel
    # the moves and years first: they are what "All years" is for
    assert _headers(panel.model) == ["Need", "Provider", "Lot", "Moves", *YEAR_COLUMNS,
                                     "Region", "PDU", "Desks", "Rooms", "Days/wk", "Pinned"]
    assert _shown_rows(panel) == [["N1", "Prov", "ETE", "1", "Site A", "Site B", "North",
                                   "P1", "1", "0", "5", ""]]
    assert panel.count_label.text() == "1 of 1 needs"
    # the site's id is a tooltip away, and the desks say they are the full volume
    year1, year2 = panel.proxy.index(0, 4), panel.proxy.index(0, 5)
    assert year1.data(TOOLTIP) == "Site A (A)"
    # the year N1 arrives at B is bold, and says where it came from
    assert year2.data(TOOLTIP) == "Site B (B)\nMoved here from Site A (A)"
    assert year2.data(Qt.ItemDataRole.FontRole).bold()
    assert year1.data(Qt.ItemDataRole.FontRole) is None
    assert "full volume" in panel.model.headerData(9, HORIZONTAL, TOOLTIP)


def test_all_years_table_filters_by_a_site_of_any_year_and_finds_by_site(make_window):
    window = _planned_window(make_window)
    panel = window.table_panel
    panel.set_filter("site_id", "B")  # N1 is at B in year 2 only
    assert panel.proxy.rowCount() == 1
    panel.set_filter("site_id", UNPLACED)  # placed in both years
    assert panel.proxy.rowCount() == 0
    panel.set_filter("site_id", "All")
    panel.search.setText("site b")
    assert panel.proxy.rowCount() == 1
    panel.search.setText("site c")
    assert panel.proxy.rowCount() == 0


def test_choosing_a_year_after_all_brings_back_the_one_year_table(make_window):
    window = _planned_window(make_window)
    model = window.table_panel.model
    window.contract.selector.choose(2)
    assert _headers(model)[COLUMN_INDEX["site_id"]] == "Site"
    assert model.index(model.row_of("N1"), COLUMN_INDEX["site_id"]).data() == "B"
    assert "Year 1 (2027-28)" not in _headers(model)
    window.contract.selector.choose(ALL_YEARS)
    assert YEAR_COLUMNS[0] in _headers(model)


def test_all_years_map_shows_both_sites_used_and_no_single_year_line(make_window):
    window = _planned_window(make_window)
    view = window.map.view
    content = view.content()
    assert content.result is None and content.contract is not None
    assert len(view.prepared().line_need) == 0  # no line claims one year's site
    # selecting N1 joins it to every site it has in some year: A and B
    prepared = view.prepared()
    assert sorted(prepared.site_ids[r] for r in prepared.link_site) == ["A", "B"]
    assert not view.prepared().need_unplaced.any()
    assert content.used_utilisation("A") == 1.0 and content.used_utilisation("B") == 1.0
    assert "Used in year 1 of 2 (peak utilisation 100%)" in site_tooltip(content, "A")
    window.map.zoom_to_all()
    view.grab_image()  # paints, placing the labels
    tips = {sid: view.tooltip_at(_point(window, sid)) for sid in ("A", "B", "N1")}
    assert "Used in year 2 of 2" in tips["B"]
    assert tips["N1"].splitlines()[-4:-1] == ["Year 1 (2027-28): Site A",
                                              "Year 2 (2028-29): Site B",
                                              "1 move between years"]
    labels = {label.text for label in view.placed_labels}
    assert {"Site A · year 1", "Site B · year 2"} <= labels
    # a single year again: its own line and plain names
    window.contract.selector.choose(1)
    assert view.content().contract is None
    assert len(view.prepared().line_need) == 1


def _point(window, item_id: str) -> QPointF:
    ds = window.workspace.dataset
    item = ds.site(item_id) if ds.has_site(item_id) else ds.need(item_id)
    return window.map.view.frame().point_to_px(item.easting, item.northing)


def _inspector_texts(qtbot, window, first: str) -> dict[str, str]:
    """The inspector's labels (by accessible name, else by text) once ``first`` shows: a
    layout shows the labels added to it at the next turn of the event loop."""
    from PySide6.QtWidgets import QLabel

    def texts():
        return {w.accessibleName() or w.text(): w.text()
                for w in window.inspector.findChildren(QLabel)
                if w.isVisibleTo(window.inspector)}
    qtbot.waitUntil(lambda: any(key.startswith(first) for key in texts()))
    return texts()


def test_all_years_inspector_names_every_year_not_one_years_plan(qtbot, make_window):
    window = _planned_window(make_window)
    window.state.set_selection([], ["N1"])
    texts = _inspector_texts(qtbot, window, "Year 1")
    assert texts["Year 1 (2027-28)"] == "Site A"
    assert texts["Year 2 (2028-29)"] == "Site B"
    assert texts["Moves between years"] == "1"
    assert not any("Not solved" in t for t in texts.values())
    window.state.set_selection(["B"], [])
    texts = _inspector_texts(qtbot, window, "Used in")
    assert [t for t in texts.values() if t.startswith("Used in")] == [
        "Used in year 2 of 2 (peak utilisation 100%). Choose a year on the toolbar for its "
        "needs and week."]


def test_the_scenario_list_and_status_bar_name_the_contract_plan_shown(make_window):
    window = _planned_window(make_window)
    ws = window.workspace
    run = window.contract.run
    expected = f"All years of the contract plan, {run.result.status}"
    assert window.scenarios_panel.list.item(0).text() == f"{ws.current_name}  —  {expected}"
    assert window.status_scenario.text() == (
        f"Scenario: {ws.current_name} ({expected}, 0 need-years unplaced)")
    window.contract.selector.choose(2)
    assert "Year 2 (2028-29) of the contract plan" in window.status_scenario.text()
