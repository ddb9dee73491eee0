"""Start-up: which project opens, the exception hook, the About box, window layout."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths

from estates_planner.ui import app as app_module
from estates_planner.ui import errors_hook
from estates_planner.ui.about import versions


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """Point the log folder at a temporary place."""
    QStandardPaths.setTestModeEnabled(True)
    monkeypatch.setattr(errors_hook, "log_path", lambda: tmp_path / "estates-planner.log")
    yield tmp_path
    QStandardPaths.setTestModeEnabled(False)


def test_first_start_opens_the_sample_project(qtbot, settings_file, no_dialogs):
    window, problem = app_module.create_main_window([], settings_file)
    qtbot.addWidget(window)
    assert problem == ""
    assert Path(window.workspace.project.path).name == "sample_project.gpkg"
    assert window.windowTitle().startswith("sample_project.gpkg")
    assert window.table_panel.model.rowCount() == len(window.workspace.dataset.needs) > 50
    assert settings_file.value("recent/last").endswith("sample_project.gpkg")


def test_a_missing_last_project_falls_back_to_the_sample_and_says_why(qtbot, settings_file,
                                                                     tmp_path, no_dialogs):
    settings_file.setValue("recent/last", str(tmp_path / "gone.gpkg"))
    window, problem = app_module.create_main_window([], settings_file)
    qtbot.addWidget(window)
    assert "gone.gpkg" in problem
    assert Path(window.workspace.project.path).name == "sample_project.gpkg"


def test_argument_project_wins_over_the_last_one(qtbot, settings_file, tmp_path, project,
                                                 no_dialogs):
    from estates_planner.project import save_project

    path = save_project(project, tmp_path / "mine.gpkg")
    settings_file.setValue("recent/last", str(app_module.SAMPLE_PROJECT))
    window, _ = app_module.create_main_window([str(path)], settings_file)
    qtbot.addWidget(window)
    assert Path(window.workspace.project.path) == path


def test_save_on_the_bundled_sample_asks_where_and_leaves_the_sample_alone(
        qtbot, settings_file, tmp_path, monkeypatch, no_dialogs):
    """The sample is a template: Save offers a copy in the user's documents instead of
    writing into the app's own data folder; the copy then saves in place as usual."""
    import shutil

    from PySide6.QtWidgets import QFileDialog

    from estates_planner.ui import common

    sample = tmp_path / "app" / "data" / "sample_project.gpkg"
    sample.parent.mkdir(parents=True)
    shutil.copy(app_module.SAMPLE_PROJECT, sample)
    before = sample.read_bytes()
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(common, "SAMPLE_PROJECT", sample)
    monkeypatch.setattr(common, "documents_dir", lambda: documents)
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _p, _t, where, _f: (asked.append(where) or where, ""))
    window, _ = app_module.create_main_window([str(sample)], settings_file)
    qtbot.addWidget(window)
    window.workspace.set_site_closed(window.workspace.dataset.sites[0].site_id)
    assert window.save()
    assert asked == [str(documents / "sample_project.gpkg")]
    assert sample.read_bytes() == before
    assert Path(window.workspace.project.path) == documents / "sample_project.gpkg"
    assert not window.isWindowModified()
    window.workspace.set_site_closed(window.workspace.dataset.sites[1].site_id)
    assert window.save() and len(asked) == 1  # the user's copy: saved without asking


def test_exception_hook_logs_traceback_and_shows_a_plain_message(qtbot, data_home,
                                                                 no_dialogs):
    reporter = errors_hook.ErrorReporter()
    log = data_home / "estates-planner.log"
    import logging

    handler = logging.FileHandler(log, encoding="utf-8")
    logging.getLogger("estates_planner").addHandler(handler)
    try:
        try:
            {}["missing"]
        except KeyError:
            reporter.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: bool(no_dialogs.seen), timeout=2000)
    finally:
        logging.getLogger("estates_planner").removeHandler(handler)
        handler.close()
    title, text = no_dialogs.seen[-1]
    assert title == "Something went wrong" and "KeyError: 'missing'" in text
    assert "Traceback" not in text
    assert "Traceback" in log.read_text() and "{}[\"missing\"]" in log.read_text()


def test_worker_thread_errors_reach_the_same_hook(qtbot, data_home, no_dialogs):
    reporter = errors_hook.ErrorReporter()
    old = threading.excepthook
    threading.excepthook = reporter.thread_hook
    try:
        thread = threading.Thread(target=lambda: 1 / 0)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(no_dialogs.seen), timeout=2000)
    finally:
        threading.excepthook = old
    assert "ZeroDivisionError" in no_dialogs.seen[-1][1]


def test_about_lists_versions():
    names = dict(versions())
    assert names["Estates Planner"] and names["PySide6"] and names["ortools"] != ""


def test_window_layout_and_recent_files_are_restored(qtbot, make_window, project,
                                                     settings_file, tmp_path):
    window = make_window(project)
    window.resize(760, 590)
    size = window.size()
    window.table_dock.hide()
    window._remember(tmp_path / "a.gpkg")
    window.close()
    again = make_window(project)
    assert again.size() == size and size.width() < 800
    assert again.table_dock.isHidden()
    assert again.recent_files()[0].endswith("a.gpkg")


def test_dropped_project_file_opens(qtbot, make_window, project, tmp_path, sample_dir):
    window = make_window(project)
    window.open_dropped([sample_dir / "sample_project.gpkg"])
    assert Path(window.workspace.project.path).name == "sample_project.gpkg"


def test_style_sheet_and_icons_exist():
    assert "QDockWidget" in app_module.style_sheet()
    icons = Path(app_module.RESOURCES / "icons")
    for name in ("open", "save", "solve", "undo", "redo", "import", "export", "app"):
        assert (icons / f"{name}.svg").read_text().startswith("<svg")


def test_dropped_table_goes_to_the_import_wizard(make_window, project, tmp_path,
                                                 monkeypatch):
    from estates_planner.ui.import_wizard import ImportWizard

    seen = []

    def fake_exec(wizard):
        seen.append((wizard.file_page.path.text(), wizard.file_page.kind()))
        return 0

    monkeypatch.setattr(ImportWizard, "exec", fake_exec)
    window = make_window(project)
    path = tmp_path / "needs.csv"
    path.write_text("need_id\n", encoding="utf-8")
    window.open_dropped([path])
    assert seen == [(str(path), "needs")]


def test_export_opens_the_export_dialog_for_the_current_scenario(make_window, project,
                                                                 monkeypatch):
    from estates_planner.ui import export_dialog

    seen = []
    monkeypatch.setattr(export_dialog.ExportDialog, "exec",
                        lambda d: seen.append(d.scenario_name) or 0)
    window = make_window(project)
    assert window.act_export.isEnabled()
    window.act_export.trigger()
    assert seen == ["Baseline"]


def test_new_project_then_import_sites_and_needs(qtbot, make_window, project, sample_dir,
                                                 monkeypatch):
    from PySide6.QtWidgets import QDialog

    from estates_planner.ui.import_wizard import ImportWizard

    def finish(wizard):
        wizard.show()
        for _ in range(3):
            wizard.next()
        assert wizard.report_page.isComplete(), wizard.report_page.model.as_text()
        return QDialog.DialogCode.Accepted

    window = make_window(project)
    window.act_new.trigger()
    assert window.windowTitle().startswith("Untitled project")
    assert not window.act_solve.isEnabled() and window.table_panel.model.rowCount() == 0
    monkeypatch.setattr(ImportWizard, "exec", finish)
    assert window.import_data(sample_dir / "sites.csv")
    assert window.import_data(sample_dir / "needs.csv")
    ws = window.workspace
    import csv

    def rows(name):
        with open(sample_dir / name, encoding="utf-8") as fh:
            return len(list(csv.DictReader(fh)))

    assert len(ws.dataset.sites) == rows("sites.csv")
    assert len(ws.dataset.needs) == rows("needs.csv")
    assert window.act_solve.isEnabled() and window.isWindowModified()
