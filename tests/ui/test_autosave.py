"""Autosave and crash recovery in the desktop app (the logic is tested in test_recovery.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from estates_planner import recovery
from estates_planner.project import open_project, save_project
from estates_planner.ui import app as app_module
from estates_planner.ui.autosave import DEFAULT_MINUTES, SETTING_MINUTES, restore_box


@pytest.fixture
def saved(project, tmp_path):
    """The test project saved as estate.gpkg, opened from there as the app would."""
    path = save_project(project, tmp_path / "estate.gpkg")
    return path, open_project(path)


@pytest.fixture
def offers(monkeypatch, no_dialogs):
    """Answers every restore offer with ``offers.answer`` and records the boxes' texts."""
    class Offers(list):
        answer = "restoreButton"

    seen = Offers()

    def fake_exec(box):
        seen.append(box.text())
        box.findChild(QPushButton, seen.answer).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return seen


def recovery_files(user_data_dir) -> list[recovery.RecoveryInfo]:
    return recovery.list_recovery(user_data_dir / "recovery")


def test_autosave_runs_on_a_timer_of_three_minutes_by_default(make_window, saved,
                                                              settings_file):
    window = make_window(saved[1])
    timer = window.autosaver.timer
    assert timer.isActive() and timer.interval() == DEFAULT_MINUTES * 60_000 == 180_000
    settings_file.setValue(SETTING_MINUTES, 1.5)
    assert make_window(saved[1]).autosaver.timer.interval() == 90_000


def test_autosave_writes_only_when_modified(make_window, saved, user_data_dir):
    window = make_window(saved[1])
    assert not window.autosaver.autosave() and recovery_files(user_data_dir) == []
    window.workspace.set_site_closed("W1", True)
    window.autosaver.timer.timeout.emit()  # what the timer does every few minutes
    assert window.autosaver.busy  # written in the background: the window does not freeze
    window.autosaver.wait()
    [info] = recovery_files(user_data_dir)
    assert info.original_path == saved[0].resolve() and info.title == "estate.gpkg"
    assert open_project(info.path).scenarios[0].closed_sites == frozenset({"W1"})
    assert Path(window.workspace.project.path) == saved[0]  # Save still goes to the original


def test_each_solve_writes_the_recovery_file(qtbot, make_window, saved, user_data_dir):
    window = make_window(saved[1])
    window.solve()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=20_000)
    assert window.workspace.result() is not None
    window.autosaver.wait()
    [info] = recovery_files(user_data_dir)
    assert open_project(info.path).results.keys() == {window.workspace.current_name}


def test_a_clean_save_and_undo_to_the_saved_state_remove_the_file(make_window, saved,
                                                                  user_data_dir):
    window = make_window(saved[1])
    window.workspace.set_site_closed("W1", True)
    window.autosaver.autosave()
    window.autosaver.wait()
    assert recovery_files(user_data_dir)
    window.workspace.undo()  # back to what is on disk: nothing to recover
    assert recovery_files(user_data_dir) == []
    window.workspace.set_site_closed("W1", True)
    window.autosaver.autosave()
    window.autosaver.wait()
    assert window.save()
    assert recovery_files(user_data_dir) == []
    assert open_project(saved[0]).scenarios[0].closed_sites == frozenset({"W1"})


def test_a_clean_close_discarding_changes_removes_the_file(make_window, saved, user_data_dir,
                                                           no_dialogs):
    window = make_window(saved[1])
    window.workspace.set_site_closed("W1", True)
    window.autosaver.autosave()
    window.autosaver.wait()
    no_dialogs.answers["Unsaved changes"] = QMessageBox.StandardButton.Discard
    assert window.close()
    assert recovery_files(user_data_dir) == []
    assert not window.autosaver.timer.isActive()


def test_after_a_crash_the_next_start_offers_the_work_and_restores_it(
        qtbot, make_window, saved, settings_file, user_data_dir, offers):
    path, project = saved
    first = make_window(project)
    first.workspace.set_site_closed("W1", True)
    first.workspace.pin("N-ETE-1", "P1")
    first.autosaver.timer.timeout.emit()
    first.autosaver.wait()
    [written] = recovery_files(user_data_dir)
    # the crash: the window goes without its close event (no save, no clean-up)
    first.autosaver.stop()
    first.hide()

    second, problem = app_module.create_main_window([str(path)], settings_file)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: bool(offers), timeout=5000)
    text = offers[0]
    assert "estate.gpkg" in text and str(path.resolve()) in text
    assert written.saved_at.astimezone().strftime("%H:%M on %d %b %Y") in text
    ws = second.workspace
    assert ws.current.closed_sites == frozenset({"W1"})
    assert ws.current.pins == {"N-ETE-1": "P1"}
    assert ws.modified and second.isWindowModified()
    assert Path(ws.project.path) == path.resolve()
    assert second.windowTitle().startswith("estate.gpkg")
    # the old session's file is gone, the work is in the new session's file meanwhile
    [now] = recovery_files(user_data_dir)
    assert now.session == second.autosaver.store.session != written.session
    # Save writes to the user's file, not into the recovery folder
    assert second.save()
    assert open_project(path).scenarios[0].pins == {"N-ETE-1": "P1"}
    assert recovery_files(user_data_dir) == []
    # and the next start offers nothing
    third, _ = app_module.create_main_window([str(path)], settings_file)
    qtbot.addWidget(third)
    qtbot.wait(50)
    assert len(offers) == 1


def test_discard_deletes_the_kept_copy_and_keeps_the_project(
        qtbot, make_window, saved, settings_file, user_data_dir, offers):
    path, project = saved
    first = make_window(project)
    first.workspace.set_site_closed("W1", True)
    first.autosaver.autosave()
    first.autosaver.wait()
    first.autosaver.stop()
    offers.answer = "discardButton"
    second, _ = app_module.create_main_window([str(path)], settings_file)
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: bool(offers), timeout=5000)
    assert second.workspace.current.closed_sites == frozenset()
    assert not second.workspace.modified
    assert recovery_files(user_data_dir) == []


def test_a_stale_plan_stays_stale_after_restoring(qtbot, make_window, saved, settings_file,
                                                  offers):
    path, project = saved
    first = make_window(project)
    first.solve()
    qtbot.waitUntil(lambda: first.solve_thread is None, timeout=20_000)
    first.workspace.set_site_closed("W1", True)  # the plan is now out of date
    assert first.workspace.result_is_stale()
    first.autosaver.autosave()
    first.autosaver.wait()
    first.autosaver.stop()
    second, _ = app_module.create_main_window([str(path)], settings_file)
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: bool(offers), timeout=5000)
    assert second.workspace.result() is not None and second.workspace.result_is_stale()
    assert "out of date" in second.kpi_panel.status.text()


def test_restore_box_names_the_project_and_defaults_to_restore(qtbot, tmp_path):
    """Also what docs/screenshots/restore-offer.png shows."""
    from datetime import UTC, datetime

    info = recovery.RecoveryInfo(Path("/tmp/recovery-x.gpkg"),
                                 Path("/home/planner/Estates/north-west-2027.gpkg"),
                                 "north-west-2027.gpkg",
                                 datetime(2026, 11, 25, 14, 5, tzinfo=UTC), 1, "x")
    box = restore_box(None, info)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    assert "north-west-2027.gpkg" in box.text() and box.defaultButton().text() == "&Restore"
    assert "14:05" in box.text() or "on 25 Nov 2026" in box.text()
    assert box.escapeButton() is box.defaultButton()  # Esc keeps the work for next time
    assert box.grab().save(str(tmp_path / "restore-offer.png"))


def test_restore_box_offers_work_whose_details_are_unknown(qtbot):
    """Issue 18: a damaged sidecar no longer hides the work; the offer says what is missing."""
    from datetime import UTC, datetime

    info = recovery.RecoveryInfo(Path("/tmp/recovery-y.gpkg"), None, recovery.UNKNOWN_TITLE,
                                 datetime(2026, 11, 25, 14, 5, tzinfo=UTC), 0, "y",
                                 details_known=False)
    box = restore_box(None, info)
    qtbot.addWidget(box)
    assert "Unsaved work (details unknown)" in box.text()
    assert "name and place were not recorded" in box.text()
    assert box.defaultButton().text() == "&Restore"


CHILD = r'''
import os, signal, sys
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
folder, project_path, settings_path = map(Path, sys.argv[1:4])
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from estates_planner.ui import app as app_module, common, errors_hook
qt_app = QApplication([])
common.data_dir = lambda: folder
app_module.configure_application(qt_app)
errors_hook.install_exception_hook(qt_app)
settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
window, _ = app_module.create_main_window([str(project_path)], settings, offer_recovery=False)
window.show()
window.workspace.set_site_closed("W1", True)
window.workspace.pin("N-ETE-1", "P1")
window.autosaver.timer.timeout.emit()
window.autosaver.wait()
os.kill(os.getpid(), signal.SIGKILL)  # the crash: no close, no clean-up, no atexit
'''


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGKILL"), reason="needs SIGKILL")
def test_work_survives_a_real_crash_of_the_app_process(qtbot, saved, settings_file,
                                                       user_data_dir, tmp_path, offers,
                                                       no_dialogs):
    import subprocess
    import sys

    path, _project = saved
    child = subprocess.run([sys.executable, "-c", CHILD, str(user_data_dir), str(path),
                            str(tmp_path / "child-settings.ini")],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr[-2000:]
    [left] = recovery_files(user_data_dir)
    assert left.pid not in (0, __import__("os").getpid())  # written by the crashed child
    window, _ = app_module.create_main_window([str(path)], settings_file)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(offers), timeout=5000)
    ws = window.workspace
    assert ws.current.closed_sites == frozenset({"W1"})
    assert ws.current.pins == {"N-ETE-1": "P1"}
    assert ws.modified and Path(ws.project.path) == path.resolve()
    assert open_project(path).scenarios[0].pins == {}  # the user's file was never touched
    ws._set_modified(False)  # no save prompt while tearing down


def test_a_save_during_a_background_write_leaves_no_recovery_file(make_window, saved,
                                                                  user_data_dir, monkeypatch):
    import threading

    release = threading.Event()
    real_write = recovery.RecoveryStore.write

    def slow_write(self, *args, **kwargs):
        release.wait(10)
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(recovery.RecoveryStore, "write", slow_write)
    window = make_window(saved[1])
    window.workspace.set_site_closed("W1", True)
    assert window.autosaver.autosave() and window.autosaver.busy
    window.workspace.pin("N-ETE-1", "P1")  # the user goes on editing meanwhile
    assert window.save()  # and saves before the write has finished
    release.set()
    window.autosaver.wait()
    assert recovery_files(user_data_dir) == [] and not window.autosaver.busy
    assert open_project(saved[0]).scenarios[0].pins == {"N-ETE-1": "P1"}


def test_an_autosave_asked_for_during_a_write_follows_it(make_window, saved, user_data_dir,
                                                         monkeypatch):
    import threading

    release = threading.Event()
    real_write = recovery.RecoveryStore.write
    calls = []

    def slow_write(self, project, *args, **kwargs):
        calls.append(dict(project.scenarios[0].pins))
        release.wait(10)
        return real_write(self, project, *args, **kwargs)

    monkeypatch.setattr(recovery.RecoveryStore, "write", slow_write)
    window = make_window(saved[1])
    window.workspace.set_site_closed("W1", True)
    window.autosaver.autosave()
    window.workspace.pin("N-ETE-1", "P1")
    window.autosaver.autosave()  # while the first write runs: queued, not a second thread
    release.set()
    window.autosaver.wait()
    assert calls == [{}, {"N-ETE-1": "P1"}]
    [info] = recovery_files(user_data_dir)
    assert open_project(info.path).scenarios[0].pins == {"N-ETE-1": "P1"}


QUIT_CHILD = r'''
import os, sys
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
folder, project_path, settings_path = map(Path, sys.argv[1:4])
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from estates_planner.ui import app as app_module, common
qt_app = QApplication([])
common.data_dir = lambda: folder
app_module.configure_application(qt_app)
app_module.install_exception_hook(qt_app)
settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
window, _ = app_module.create_main_window([str(project_path)], settings, offer_recovery=False)
app_module.quit_on_signals(qt_app, window)
window.show()
window.workspace.set_site_closed("W1", True)
window.workspace.pin("N-ETE-1", "P1")  # unsaved, and never autosaved: the timer is minutes
QTimer.singleShot(0, lambda: print("ready", flush=True))
sys.exit(qt_app.exec())
'''


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_a_signal_keeps_unsaved_work_and_quits_cleanly(qtbot, saved, settings_file,
                                                       user_data_dir, tmp_path, offers,
                                                       no_dialogs, signame):
    """Issue 18: the app ignored SIGINT; SIGTERM ended it with the unsaved work lost."""
    import os
    import signal
    import subprocess
    import sys

    path, _project = saved
    child = subprocess.Popen([sys.executable, "-c", QUIT_CHILD, str(user_data_dir), str(path),
                              str(tmp_path / "child-settings.ini")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "ready\n", child.stderr.read()[-2000:]
    assert recovery_files(user_data_dir) == []  # nothing kept before the signal
    os.kill(child.pid, getattr(signal, signame))
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 128 + getattr(signal, signame), err[-2000:]
    assert "Traceback" not in err
    [left] = recovery_files(user_data_dir)
    window, _ = app_module.create_main_window([str(path)], settings_file)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(offers), timeout=5000)
    ws = window.workspace
    assert ws.current.pins == {"N-ETE-1": "P1"} and ws.current.closed_sites == frozenset({"W1"})
    assert open_project(path).scenarios[0].pins == {}  # the user's file was never touched
    ws._set_modified(False)  # no save prompt while tearing down
