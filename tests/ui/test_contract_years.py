"""The contract plan in the app (issue 15): the year selector drives the key figures and the
allocation table, the dock lists the moves and why, the inspector shows desk-days per year.

The hand case is tests/contract_case.py: year 1 at A, year 2 at B, 4,500 points.
"""

from __future__ import annotations

from contract_case import contract_project as _project

from estates_planner.ui.allocation_table import COLUMN_INDEX
from estates_planner.usecases.multiyear import plan_contract_in_project


def _planned_window(make_window):
    project = _project()
    window = make_window(project)
    run = plan_contract_in_project(project, window.workspace.current.name, years=2,
                                   time_limit_s=10.0)
    window.contract.finished(run)
    return window, run


def _site_in_table(window) -> str:
    model = window.table_panel.model
    return model.index(model.row_of("N1"), COLUMN_INDEX["site_id"]).data()


def test_the_use_case_plans_and_stores_the_hand_optimum():
    project = _project()
    run = plan_contract_in_project(project, project.scenario_names[0], years=2,
                                   time_limit_s=10.0)
    assert [run.result.plan(k)["N1"] for k in (1, 2)] == ["A", "B"]
    assert run.result.objective == 4500.0
    assert run.scenario.settings.contract_years == 2
    assert project.scenario(project.scenario_names[0]).settings.contract_years == 2
    table = project.tables["contract_plan"]
    name = project.scenario_names[0]
    assert table.values.tolist() == [[name, 1, "N1", "A"], [name, 2, "N1", "B"]]


def test_year_selector_drives_key_figures_and_table(make_window):
    window, _run = _planned_window(make_window)
    selector = window.contract.selector
    assert [selector.itemText(i) for i in range(selector.count())] == [
        "All years", "Year 1", "Year 2"]
    selector.choose(1)
    rows = dict(window.kpi_panel.rows())
    assert rows["Desk cost"] == "£1,000"
    assert _site_in_table(window) in ("A", "Site A")
    selector.choose(2)
    rows = dict(window.kpi_panel.rows())
    assert rows["Desk cost"] == "£3,000"
    assert _site_in_table(window) in ("B", "Site B")
    # shown only: the project keeps no single-year plan, so a save writes none
    assert window.workspace.project.results == {}
    selector.choose(0)
    assert window.workspace.result() is None  # the scenario had no plan of its own


def test_dock_shows_moves_costs_and_comparison(make_window):
    window, _run = _planned_window(make_window)
    panel = window.contract.panel
    assert [(m.need_id, m.year, m.from_site, m.to_site, m.reason) for m in panel.moves] == [
        ("N1", 2, "A", "B", "lease ends")]
    tabs = {panel.tabs.tabText(i): panel.tabs.widget(i) for i in range(panel.tabs.count())}
    assert list(tabs) == ["Terms", "Property cost", "Comparison", "Moves (1)"]
    moves = tabs["Moves (1)"]
    assert [moves.item(0, c).text() for c in range(3)] == ["N1", "Year 2", "Site A → Site B"]
    assert "lease ends on 2028-03-31" in moves.item(0, 3).text()
    cost = tabs["Property cost"]
    assert [cost.item(0, c).text() for c in (1, 2, 3)] == ["£1,000", "£3,000", "£4,000"]
    comparison = tabs["Comparison"]
    assert comparison.item(0, 1).text() == "4,500 pts"
    # no cell of the points tables is in pounds
    for name in ("Terms", "Comparison"):
        table = tabs[name]
        texts = [table.item(r, c).text() for r in range(table.rowCount())
                 for c in range(table.columnCount()) if table.item(r, c)]
        assert not any("£" in t for t in texts)


def test_inspector_shows_desk_days_per_year(make_window):
    window, _run = _planned_window(make_window)
    window.state.set_selection(["A"], [])
    rows = window.contract.occupancy.rows
    assert [r[:2] for r in rows] == [("Year 1", "5 of 5"), ("Year 2", "not available")]
    assert not window.contract.occupancy.isHidden()
    window.state.set_selection(["B"], [])
    assert [r[:2] for r in window.contract.occupancy.rows] == [
        ("Year 1", "0 of 5"), ("Year 2", "5 of 5")]


def test_a_saved_contract_plan_shows_when_the_project_opens(make_window, tmp_path):
    from estates_planner.project import open_project, save_project

    project = _project()
    plan_contract_in_project(project, project.scenario_names[0], years=2, time_limit_s=10.0)
    opened = open_project(save_project(project, tmp_path / "p.gpkg"))
    window = make_window(opened)
    contract = window.contract
    assert contract.run is not None and contract.run.result.status == "evaluated"
    assert contract.run.result.objective == 4500.0  # re-priced from the stored table
    assert contract.selector.count() == 3
    comparison = contract.panel.tabs.widget(2)
    # planning year by year also finds A then B; keeping the final year's site (B) costs more
    assert [[comparison.item(r, c).text() for c in (1, 2, 3)] for r in (1, 2)] == [
        ["4,500 pts", "0 pts", "0.0 %"], ["6,000 pts", "1,500 pts", "25.0 %"]]
    assert [(m.year, m.reason) for m in contract.panel.moves] == [(2, "lease ends")]


def test_plan_contract_years_runs_in_a_worker_with_keep_sites(qtbot, make_window):
    window = make_window(_project())
    contract = window.contract
    scenario_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Scenario")
    assert contract.action in scenario_menu.actions()
    contract.start(2, None, keep_sites=True, time_limit_s=10.0)
    qtbot.waitUntil(lambda: contract.run is not None and contract.thread is None,
                    timeout=30_000)
    # keeping one site in every year: B throughout, 3,000 + 3,000 points, no move
    assert [contract.run.result.plan(k)["N1"] for k in (1, 2)] == ["B", "B"]
    assert contract.run.result.objective == 6000.0
    assert contract.panel.moves == []
    ws = window.workspace
    assert ws.current.settings.keep_sites_across_years
    assert ws.current.settings.contract_years == 2
    assert ws.project.tables["contract_plan"][["year", "need_id", "site_id"]].values.tolist() \
        == [[1, "N1", "B"], [2, "N1", "B"]]
    assert ws.modified
    assert contract.action.isEnabled()
