"""Unexpected errors (bugs) in a slot, in the solve worker or in an import: the one exception
hook logs the traceback to the log file in the user's data folder and shows a plain message
naming that file, and the window stays usable with the user's work intact.

Failures are injected with monkeypatch. pytest-qt's own exception capture is off here, so the
app's hook (installed by the ``error_hook`` fixture, as ``run_app`` does) is the one that runs.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from estates_planner.ui.import_wizard import ImportWizard

pytestmark = pytest.mark.qt_no_exception_capture

TITLE = "Something went wrong"


def hook_messages(no_dialogs) -> list[str]:
    return [text for title, text in no_dialogs.seen if title == TITLE]


def assert_reported(qtbot, no_dialogs, error_hook, expected: str, code_line: str) -> None:
    """One plain message naming the error and the log; the log holds the traceback."""
    qtbot.waitUntil(lambda: bool(hook_messages(no_dialogs)), timeout=5000)
    text = hook_messages(no_dialogs)[-1]
    assert expected in text
    assert str(error_hook.log_file) in text
    assert "Traceback" not in text and 'File "' not in text
    log = error_hook.log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and expected in log
    assert code_line in log  # the failing line itself is in the log


def snapshot(window):
    ws = window.workspace
    return ([(s.name, dict(s.pins), s.closed_sites) for s in ws.scenarios],
            dict(ws.project.results), ws.dataset)


def solve_and_wait(qtbot, window):
    window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=20_000)


def test_error_in_the_solve_worker(qtbot, make_window, project, no_dialogs, error_hook,
                                   monkeypatch):
    import estates_planner.optimise as optimise

    def exploding(scenario, **kwargs):
        raise RuntimeError("solver exploded at node 17")

    monkeypatch.setattr(optimise, "solve_scenario", exploding)
    window = make_window(project)  # the window's solver is the (patched) core one
    window.workspace.set_site_closed("W1", True)
    before = snapshot(window)
    solve_and_wait(qtbot, window)
    assert_reported(qtbot, no_dialogs, error_hook, "RuntimeError: solver exploded at node 17",
                    'raise RuntimeError("solver exploded at node 17")')
    assert [t for t, _ in no_dialogs.seen].count(TITLE) == 1  # no second box from the worker
    assert snapshot(window) == before and window.workspace.result() is None
    assert window.workspace.modified and window.solve_dialog is None
    assert window.act_solve.isEnabled()
    # the window still works: another edit, then undo both
    window.workspace.pin("N-ETE-1", "A1")
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert window.workspace.current.closed_sites == frozenset()
    assert window.workspace.current.pins == {}


def step_through(wizard) -> int:
    wizard.show()
    for _ in range(3):
        wizard.next()
    return QDialog.DialogCode.Accepted if wizard.report_page.isComplete() else \
        QDialog.DialogCode.Rejected


def test_error_in_an_import_reader(qtbot, make_window, project, sample_dir, no_dialogs,
                                   error_hook, monkeypatch):
    import estates_planner.io as io

    def broken_reader(path, **kwargs):
        return {}["easting"]

    monkeypatch.setattr(io, "read_sites", broken_reader)
    pages = []

    def run(wizard):
        code = step_through(wizard)
        pages.append(wizard.report_page.summary.text())
        return code

    monkeypatch.setattr(ImportWizard, "exec", run)
    window = make_window(project)
    window.workspace.pin("N-ETE-1", "A1")
    before = snapshot(window)
    assert not window.import_data(sample_dir / "sites.csv")
    assert_reported(qtbot, no_dialogs, error_hook, "KeyError: 'easting'",
                    'return {}["easting"]')
    assert "1 error" in pages[0]  # the wizard says nothing was imported, and blocks Finish
    assert snapshot(window) == before
    assert window.workspace.undo_label == "Pin N-ETE-1 to Northgate Office"
    window.act_undo.trigger()
    assert window.workspace.current.pins == {}


def test_error_in_a_slot_kpi_panel_refresh(qtbot, make_window, project, no_dialogs,
                                           error_hook, monkeypatch):
    from estates_planner.ui import kpi_panel

    window = make_window(project)
    solve_and_wait(qtbot, window)
    assert window.kpi_panel.rows()
    broken = {"on": True}
    real = kpi_panel.compute_kpis

    def compute(*args, **kwargs):
        if broken["on"]:
            raise ZeroDivisionError("float division by zero in the KPI panel")
        return real(*args, **kwargs)

    monkeypatch.setattr(kpi_panel, "compute_kpis", compute)
    window.workspace.set_site_closed("W1", True)  # the edit refreshes the panel, which fails
    assert_reported(qtbot, no_dialogs, error_hook, "ZeroDivisionError: float division by zero",
                    'raise ZeroDivisionError("float division by zero in the KPI panel")')
    ws = window.workspace
    # the edit is complete despite the failing view: in the scenario, the history and the
    # modified flag, and the other views heard of it
    assert ws.current.closed_sites == frozenset({"W1"}) and ws.modified
    assert window.isWindowModified() and ws.undo_label == "Close Rose House"
    assert "edited since" in window.status_scenario.text()
    assert len(hook_messages(no_dialogs)) == 1  # several refreshes, one message
    broken["on"] = False
    window.act_undo.trigger()
    assert ws.current.closed_sites == frozenset() and window.kpi_panel.rows()


def test_error_in_a_slot_inspector_update(qtbot, make_window, project, no_dialogs,
                                          error_hook, monkeypatch):
    from estates_planner.ui.inspector import Inspector

    def broken(self, site):
        raise AttributeError("'NoneType' object has no attribute 'desks'")

    monkeypatch.setattr(Inspector, "_show_site", broken)
    window = make_window(project)
    window.workspace.pin("N-WB-1", "P1")
    before = snapshot(window)
    window.state.set_selection(["A2"], [])  # the inspector fails to show the site
    assert_reported(qtbot, no_dialogs, error_hook, "AttributeError: 'NoneType' object",
                    "raise AttributeError(")
    assert snapshot(window) == before
    # the selection reached the other views, and editing goes on
    assert window.state.selected_site_ids == ["A2"]
    window.toggle_selected_site()
    assert window.workspace.current.closed_sites == frozenset({"A2"})
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert window.workspace.current.pins == {} and not window.workspace.modified


def test_error_message_screenshot(qtbot, tmp_path, error_hook):
    """The plain message as the user sees it (also docs/screenshots/error-message.png)."""
    from PySide6.QtWidgets import QMessageBox

    from estates_planner.ui.errors_hook import error_message

    text = error_message("RuntimeError: solver exploded at node 17", str(error_hook.log_file))
    box = QMessageBox(QMessageBox.Icon.Warning, TITLE, text)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    assert str(error_hook.log_file) in box.text() and "Traceback" not in box.text()
    assert box.grab().save(str(tmp_path / "error-message.png"))


def test_autosave_failures_never_interrupt_work(make_window, project, no_dialogs, error_hook,
                                                monkeypatch, qtbot):
    """A full disk is a status-bar note; a bug is reported once, not every few minutes."""
    from estates_planner import recovery
    from estates_planner.errors import ProjectFileError

    window = make_window(project)
    window.workspace.set_site_closed("W1", True)

    def full(*args, **kwargs):
        raise ProjectFileError("cannot save the project: No space left on device")

    monkeypatch.setattr(recovery.RecoveryStore, "write", full)
    window.autosaver.autosave()
    window.autosaver.wait()
    assert "No space left" in window.statusBar().currentMessage()
    assert no_dialogs.seen == []

    def bug(*args, **kwargs):
        raise TypeError("unsupported operand")

    monkeypatch.setattr(recovery.RecoveryStore, "write", bug)
    for _ in range(3):
        window.autosaver.timer.timeout.emit()
        window.autosaver.wait()
    assert_reported(qtbot, no_dialogs, error_hook, "TypeError: unsupported operand",
                    'raise TypeError("unsupported operand")')
    qtbot.wait(50)
    assert len(hook_messages(no_dialogs)) == 1
    # the first went to the hook, the other two only to the log
    assert error_hook.log_file.read_text(encoding="utf-8").count("autosave failed again") == 2
    assert window.workspace.current.closed_sites == frozenset({"W1"}) and window.workspace.modified
