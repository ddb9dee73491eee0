"""The compare window with contract plans (issue 15): per-year rows and the contract's totals
with the change B − A, money in £ and scores in points.

The hand case is tests/contract_case.py: N1 at A in year 1 (£1,000) and at B in year 2
(£3,000), one move; 4,500 points with a move penalty of 500, 6,000 with one of 2,000.
"""

from __future__ import annotations

from contract_case import contract_project

from estates_planner.usecases.multiyear import plan_contract_in_project

DEARER = "Dearer moves"


def _window(make_window, *, second_contract: bool = True):
    project = contract_project()
    name = project.scenario_names[0]
    plan_contract_in_project(project, name, years=2, time_limit_s=10.0)
    window = make_window(project)
    ws = window.workspace
    ws.duplicate_scenario(name, DEARER)
    ws.set_current(DEARER)
    if second_contract:
        ws.set_settings("Dearer moves", move_penalty=2000.0)
        # one contract plan per scenario: the duplicate gets its own
        plan_contract_in_project(ws.project, DEARER, years=2, time_limit_s=10.0)
    else:
        ws.set_settings("One year", contract_years=1)
    ws.set_current(name)
    window.compare_scenarios()
    dialog = window.compare_dialog
    dialog.set_pair(name, DEARER)
    return window, dialog, name


def test_compare_shows_contract_years_side_by_side(make_window, tmp_path):
    _window_, dialog, _name = _window(make_window)
    # neither scenario has a one-year plan: the contract tab is the one shown
    assert dialog.tabs.currentIndex() == 1 and dialog.tabs.isTabEnabled(1)
    rows = {(section, figure): (a, b, change)
            for section, figure, a, b, change in dialog.contract_rows()}
    assert rows[("Year 1 (2027-28)", "Annual property cost")] == ("£1,000", "£1,000", "£0")
    assert rows[("Year 2 (2028-29)", "Annual property cost")] == ("£3,000", "£3,000", "£0")
    assert rows[("Year 2 (2028-29)", "Moves from the year before")] == ("1", "1", "0")
    assert rows[("Year 1 (2027-28)", "Needs placed")] == ("1", "1", "0")
    assert rows[("Over the contract", "Property cost over the contract")] == (
        "£4,000", "£4,000", "£0")
    assert rows[("Over the contract", "Optimiser score over the contract (points)")] == (
        "4,500", "6,000", "+1,500")
    assert dialog.contract_summary.text().startswith(
        "B costs the same as A over the contract (2 years); optimiser score +1,500 points "
        "(not money).")
    # no points row is shown in pounds
    assert not any("£" in cell for (_s, figure), cells in rows.items() if "points" in figure
                   for cell in cells)
    dialog.grab().save(str(tmp_path / "compare_contract.png"))


def test_a_scenario_without_a_contract_plan_reads_na(make_window):
    _window_, dialog, _name = _window(make_window, second_contract=False)
    rows = {(section, figure): (a, b, change)
            for section, figure, a, b, change in dialog.contract_rows()}
    assert rows[("Over the contract", "Property cost over the contract")] == (
        "£4,000", "n/a", "n/a")
    assert "plan the contract years of Dearer moves" in dialog.contract_summary.text()


def test_without_contract_plans_the_tab_is_disabled(make_window, project):
    window = make_window(project)
    ws = window.workspace
    ws.duplicate_scenario(ws.current_name, "Copy")
    window.compare_scenarios()
    dialog = window.compare_dialog
    assert not dialog.tabs.isTabEnabled(1)
    assert dialog.tabs.currentIndex() == 0
    assert dialog.contract_rows() == []


def test_a_contract_plan_made_while_the_window_is_open_is_shown(make_window):
    """Planning B's contract years with the compare window open fills B's column at once."""
    window, dialog, name = _window(make_window, second_contract=False)
    rows = {(s, f): (a, b, c) for s, f, a, b, c in dialog.contract_rows()}
    assert rows[("Over the contract", "Property cost over the contract")][1] == "n/a"
    ws = window.workspace
    ws.set_current(DEARER)
    # what Scenario ▸ Plan contract years… does when its worker finishes
    run = plan_contract_in_project(ws.project, DEARER, years=2, time_limit_s=10.0,
                                   store=False)
    window.contract.apply(run)
    rows = {(s, f): (a, b, c) for s, f, a, b, c in dialog.contract_rows()}
    assert rows[("Over the contract", "Property cost over the contract")] == (
        "£4,000", "£4,000", "£0")
    assert ws.modified


def test_the_scenario_lists_follow_renames(make_window):
    window, dialog, name = _window(make_window)
    window.workspace.rename_scenario(DEARER, "Dear")
    names = [dialog.combo_b.itemText(k) for k in range(dialog.combo_b.count())]
    assert "Dear" in names and DEARER not in names
    dialog.combo_b.setCurrentText("Dear")
    rows = {(s, f): (a, b, c) for s, f, a, b, c in dialog.contract_rows()}
    # the contract plan went with the rename
    assert rows[("Over the contract", "Optimiser score over the contract (points)")] == (
        "4,500", "6,000", "+1,500")
