"""The main window end to end: solving, the table and KPIs, undo/redo, prompts, cancel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from estates_planner.report.figures import figure_rows, format_figure
from estates_planner.report.kpis import compute_kpis, format_value, kpi_rows
from estates_planner.ui.allocation_table import COLUMN_INDEX


def solve_and_wait(qtbot, window, timeout=20_000):
    with qtbot.waitSignal(window.state.resultChanged, timeout=timeout):
        window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=timeout)
    return window.workspace.result()


def table_cell(window, need_id, key):
    model = window.table_panel.model
    return model.data(model.index(model.row_of(need_id), COLUMN_INDEX[key]))


def test_window_opens_with_project_title_and_docks(make_window, project):
    window = make_window(project)
    assert window.windowTitle().startswith("Test project")
    assert not window.isWindowModified()
    assert window.table_panel.model.rowCount() == 6
    assert "not solved" in window.kpi_panel.status.text()
    for dock in (window.scenarios_dock, window.inspector_dock, window.kpi_dock,
                 window.table_dock, window.layers_dock):
        assert dock.accessibleName()


def test_solve_fills_table_and_kpis_as_the_core_computes(qtbot, make_window, project,
                                                         core_solve):
    window = make_window(project)
    result = solve_and_wait(qtbot, window)
    direct = core_solve(window.workspace.current, time_limit_s=5)
    assert result.objective == pytest.approx(direct.objective)
    for alloc in result.allocations:
        assert table_cell(window, alloc.need_id, "site_id") == (alloc.site_id or "")
    kpis = compute_kpis(window.workspace.current, result)
    expected = [(r.label, format_figure(r.value, r.unit)) for r in figure_rows(kpis.figures)]
    assert window.kpi_panel.rows() == expected
    assert window.kpi_panel.detail_rows() == [(r.label, format_value(r.value, r.unit))
                                              for r in kpi_rows(kpis) if r.section == "Plan"]
    assert window.isWindowModified()  # a new plan is something to save
    # R3 by hand: the women's need can only go to Rose House, the one women-only site
    assert table_cell(window, "N-W-1", "site_id") == "W1"


def test_a_plan_stopped_by_the_time_limit_says_how_far_it_may_be_from_the_best(
        make_window, project):
    from dataclasses import replace

    from estates_planner.optimise import evaluate_plan

    window = make_window(project)
    ws = window.workspace
    priced = evaluate_plan(ws.current, {n.need_id: None for n in ws.dataset.needs})
    bound = priced.objective - 12_345.0
    ws.set_result(replace(priced, status="feasible", bound=bound,
                          gap=12_345.0 / priced.objective), ws.current)
    text = window.kpi_panel.status.text()
    assert "feasible, gap" in text
    assert "Score at most 12,345 points above the best plan" in text
    assert "at most 12,345 points" in window.kpi_panel.status.toolTip()


def test_solving_after_an_edit_starts_from_the_last_plan(qtbot, make_window, project):
    """The issue's "warm-start from the current plan after an edit": the second solve is
    handed the first plan, and the solver re-places only what the edit no longer allows."""
    from estates_planner.optimise import solve_scenario

    starts = []

    def spy_solve(scenario, **kwargs):
        starts.append(kwargs.get("warm_start"))
        return solve_scenario(scenario, **kwargs)

    window = make_window(project, solve=spy_solve)
    first = solve_and_wait(qtbot, window)
    window.workspace.set_site_closed("P1")
    second = solve_and_wait(qtbot, window)
    assert starts == [None, first.assignment]
    assert all(a.site_id != "P1" for a in second.allocations)


def test_pin_from_context_menu_path_is_undoable_with_shortcuts(qtbot, make_window, project):
    window = make_window(project)
    ws = window.workspace
    window.state.set_selection([], ["N-ETE-1"])
    from estates_planner.ui import edits

    edits.pin(window, window.state, ["N-ETE-1"], "P1")
    assert ws.current.pins == {"N-ETE-1": "P1"}
    assert table_cell(window, "N-ETE-1", "pinned") == "P1"
    assert window.isWindowModified() and "*" in window.windowTitle().replace("[*]", "*")
    assert window.act_undo.text() == "&Undo Pin N-ETE-1 to Riverside Hub"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dict(ws.current.pins) == {}
    assert table_cell(window, "N-ETE-1", "pinned") == ""
    assert not window.isWindowModified()
    qtbot.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert ws.current.pins == {"N-ETE-1": "P1"}


def test_edit_after_solve_marks_the_plan_stale_until_undone(qtbot, make_window, project):
    window = make_window(project)
    solve_and_wait(qtbot, window)
    window.workspace.set_site_closed("P1")
    assert "out of date" in window.kpi_panel.status.text()
    window.act_undo.trigger()
    assert "out of date" not in window.kpi_panel.status.text()


def test_unsaved_changes_prompt_cancel_keeps_window(qtbot, make_window, project, no_dialogs,
                                                    tmp_path, monkeypatch):
    window = make_window(project)
    window.workspace.set_site_closed("A2")
    no_dialogs.answers["Unsaved changes"] = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert window.isVisible()
    assert no_dialogs.seen[-1][0] == "Unsaved changes"
    # Save: asks for a file name, writes it, and the window closes
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "saved.gpkg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), PROJECT_FILTER_ANY))
    no_dialogs.answers["Unsaved changes"] = QMessageBox.StandardButton.Save
    assert window.close()
    assert target.exists()
    from estates_planner.project import open_project

    assert "A2" in open_project(target).scenarios[0].closed_sites


PROJECT_FILTER_ANY = ""


def test_discard_opens_another_project_without_saving(make_window, project, no_dialogs,
                                                      dataset):
    from estates_planner.project import new_project

    window = make_window(project)
    window.workspace.pin("N-ETE-1", "A1")
    no_dialogs.answers["Unsaved changes"] = QMessageBox.StandardButton.Discard
    assert window.maybe_save()
    window.set_project(new_project(dataset, title="Other"))
    assert window.windowTitle().startswith("Other") and not window.workspace.can_undo


def test_cancel_mid_solve_keeps_best_plan_and_a_usable_window(qtbot, make_window, project,
                                                              slow_solve):
    solver, started = slow_solve
    window = make_window(project, solve=solver)
    window.act_solve.trigger()
    qtbot.waitUntil(started.is_set, timeout=5000)
    dialog = window.solve_dialog
    # the optimiser score is not money: points, no £ sign
    qtbot.waitUntil(lambda: dialog.objective.text() == "123,456 points", timeout=5000)
    assert dialog.bound.text() == "100,000 points"
    assert not window.act_solve.isEnabled()
    # the window stays responsive: an edit goes through while the solver runs
    window.workspace.set_site_closed("M2")
    with qtbot.waitSignal(window.state.resultChanged, timeout=10_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=10_000)
    assert window.act_solve.isEnabled() and window.solve_dialog is None
    result = window.workspace.result()
    assert result.status == "cancelled"
    assert window.workspace.result_is_stale()  # solved before M2 was closed
    window.workspace.undo()
    assert not window.workspace.result_is_stale()


def test_solver_error_is_a_message_not_a_traceback(qtbot, make_window, project, no_dialogs):
    from estates_planner.errors import InfeasibleError

    def failing(scenario, **kwargs):
        raise InfeasibleError("strict mode: 2 needs cannot be placed (R3 binds)")

    window = make_window(project, solve=failing)
    window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=5000)
    assert ("Solve", "strict mode: 2 needs cannot be placed (R3 binds)") in no_dialogs.seen
    assert window.workspace.result() is None and window.act_solve.isEnabled()
