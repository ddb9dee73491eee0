""""All years" of a contract plan in the other views (issue 15): the unplaced panel lists
need-years, the provider view each need's site per year, the layer list says the lines are
the selection's, and every place that shows the plan says when an edit put it out of date.

The hand case (two years from 2027-04-01, warning at 30 km): A is 40 km east of everyone
(2 desks), B where they are (1 desk); N1 and N3 are Prov's, N2 is Other's.

====  ======  ======
need  year 1  year 2
====  ======  ======
N1    A 40km  B        one move
N2    B       A 40km
N3    unpl.   A 40km
====  ======  ======
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "optimise"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from contract_case import START  # noqa: E402
from plan_checker import make_scenario, need, site  # noqa: E402

from estates_planner.optimise.multiyear.pricing import price_contract_plan  # noqa: E402
from estates_planner.ramp import Ramp  # noqa: E402
from estates_planner.report.contract_overview import OUT_OF_DATE  # noqa: E402
from estates_planner.ui.year_selector import ALL_YEARS  # noqa: E402
from estates_planner.usecases.multiyear import ContractRun  # noqa: E402

PLANS = [{"N1": "A", "N2": "B", "N3": None}, {"N1": "B", "N2": "A", "N3": "A"}]


def _window(make_window):
    from estates_planner.project import new_project

    scenario = make_scenario([site("A", x=40_000.0, desks=2), site("B", desks=1)],
                             [need("N1"), need("N2", provider="Other"), need("N3")],
                             go_live=START, contract_years=2, move_penalty=100.0,
                             journey_warning_km=30.0)
    project = new_project(scenario.dataset, title="Two contract years")
    project.put_scenario(scenario.replace(name=project.scenario_names[0],
                                          dataset=project.dataset))
    window = make_window(project)
    ws = window.workspace
    result = price_contract_plan(ws.current, Ramp(), PLANS)
    window.contract.finished(ContractRun(ws.current, Ramp(), result))
    window.contract.selector.choose(ALL_YEARS)
    return window


def test_all_years_unplaced_panel_lists_need_years_with_their_year(make_window):
    window = _window(make_window)
    panel = window.unplaced_panel
    panel.refresh()
    header = panel.tree.headerItem()
    assert [header.text(c) for c in range(5)] == [
        "Need", "Provider", "Year", "Issue", "Why not placed / journey"]
    rows = panel.row_texts()
    assert rows[0][:4] == ("N3", "Prov", "Year 1 (2027-28)", "Not placed")
    assert rows[0][4].startswith("Not placed although Site A is allowed and has room")
    assert rows[1:] == [
        ("N1", "Prov", "Year 1 (2027-28)", "Journey 40.0 km", "From P1 to Site A"),
        ("N2", "Other", "Year 2 (2028-29)", "Journey 40.0 km", "From P1 to Site A"),
        ("N3", "Prov", "Year 2 (2028-29)", "Journey 40.0 km", "From P1 to Site A")]
    assert panel.status.text().startswith(
        "Over the 2 contract years: 1 need-year (1 need) not placed; 3 need-years (3 needs) "
        "with a journey over 30 km.")
    # the advice is one year's: nothing to try under All
    panel.select_need("N3")
    assert not panel.try_button.isEnabled()
    assert window.state.selected_need_ids == ["N3"]
    # a year again: that year's own list
    window.contract.selector.choose(2)
    panel.refresh()
    assert [r[0] for r in panel.row_texts()] == ["N2", "N3"]
    assert panel.tree.headerItem().text(2) == "Issue"


def test_all_years_provider_view_shows_each_needs_site_per_year(make_window):
    window = _window(make_window)
    view = window.provider_view
    view.set_provider("Prov")
    view.refresh()
    header = view.tree.headerItem()
    assert [header.text(c) for c in range(view.tree.columnCount())] == [
        "Need", "Lot", "Moves", "Year 1 (2027-28)", "Year 2 (2028-29)"]
    assert view.contract_rows() == [("N3", "ETE", "0", "unplaced", "Site A"),
                                    ("N1", "ETE", "1", "Site A", "Site B")]
    assert view.tree.topLevelItem(1).toolTip(4) == "Site B (B)"
    text = view.message.text()
    assert "Year 1 (2027-28): 1 placed at 1 site, 1 not placed" in text
    assert "Year 2 (2028-29): 2 placed at 2 sites" in text
    assert "choose a year on the toolbar" in text
    assert view.partner_note.text() == ("Partners by year: Year 1 (2027-28): shares no "
                                        "site; Year 2 (2028-29): Other at 1 site.")
    assert not view.partners.isVisibleTo(view)
    # the map picks out the provider's sites of every year, not one plan's options
    content = window.map.view.content()
    assert content.highlight_label == "Provider view: its sites in some year"
    assert content.highlighted_site_ids == {"A", "B"}
    # a year again: the options tree of that year's plan
    window.contract.selector.choose(1)
    assert view.need_order() == ["N3", "N1"]
    assert view.rows("N1")[0][1] == "yes (current)"


def test_all_years_layer_list_says_lines_are_the_selections(make_window):
    window = _window(make_window)

    def lines_item():
        items = window.layers_panel.list.findItems("Allocation lines",
                                                   _starts_with())
        assert len(items) == 1
        return items[0]
    assert lines_item().text() == "Allocation lines (selected need or site)"
    assert "selected need or site" in lines_item().toolTip()
    window.contract.selector.choose(1)
    assert lines_item().text() == "Allocation lines" and lines_item().toolTip() == ""


def _starts_with():
    from PySide6.QtCore import Qt

    return Qt.MatchFlag.MatchStartsWith


def test_an_edit_after_planning_marks_the_contract_plan_out_of_date(make_window):
    window = _window(make_window)
    ws = window.workspace
    note = window.contract.panel.stale_note
    assert not note.isVisibleTo(window.contract.panel)
    assert OUT_OF_DATE not in window.kpi_panel.status.text()
    ws.set_capacity("B", 3, None)
    assert note.isVisibleTo(window.contract.panel)
    assert OUT_OF_DATE in note.text()
    assert OUT_OF_DATE in window.kpi_panel.status.text()
    window.unplaced_panel.refresh()
    assert OUT_OF_DATE in window.unplaced_panel.status.text()
    window.provider_view.refresh()
    assert OUT_OF_DATE in window.provider_view.message.text()
    window.contract.selector.choose(2)  # a year of it is as out of date
    assert OUT_OF_DATE in window.kpi_panel.status.text()
    ws.undo()  # the scenario planned for is back
    assert not note.isVisibleTo(window.contract.panel)
    assert OUT_OF_DATE not in window.kpi_panel.status.text()


def test_a_plan_read_back_from_the_project_file_is_current_until_an_edit(make_window,
                                                                          tmp_path):
    from contract_case import contract_project

    from estates_planner.project import open_project, save_project
    from estates_planner.usecases.multiyear import plan_contract_in_project

    project = contract_project()
    plan_contract_in_project(project, project.scenario_names[0], years=2, time_limit_s=10.0)
    save_project(project, tmp_path / "contract.gpkg")
    window = make_window(open_project(tmp_path / "contract.gpkg"))
    panel = window.contract.panel
    assert window.contract.run is not None
    assert not panel.stale_note.isVisibleTo(panel)
    window.workspace.set_settings("Weights", move_penalty=900.0)
    assert panel.stale_note.isVisibleTo(panel)
    assert OUT_OF_DATE in window.kpi_panel.status.text()
