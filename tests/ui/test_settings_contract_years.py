"""Contract years and the ramp in the scenario settings (issue 15): the dialog sets the years,
their start and the keep-sites switch, loads a ramp file (a bad one is refused with its
file, row and column), clears it; OK is one undoable edit, and the ramp is saved with the
project."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QFileDialog

from estates_planner.model import Lot

DATA = Path(__file__).resolve().parents[1] / "data" / "ui"
VALID = DATA / "ramp_valid.csv"
BROKEN = DATA / "ramp_broken.csv"


def _accept_after(monkeypatch, edit):
    """Run the settings dialog as ``edit(dialog)`` then OK, without showing it modally."""
    from estates_planner.ui import settings_dialog

    def run(dialog):
        edit(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", run)


def _choose_file(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def _ramp_cells(dialog):
    t = dialog.ramp_table
    return [tuple(t.item(r, c).text() for c in range(t.columnCount()))
            for r in range(t.rowCount())]


def test_years_start_and_keep_sites_set_in_one_undoable_edit(monkeypatch, make_window,
                                                             project, tmp_path):
    from estates_planner.project import open_project, save_project

    window = make_window(project)
    ws = window.workspace
    before = ws.current.settings

    def edit(dialog):
        assert dialog.contract_years.value() == 1
        assert dialog.contract_years.text() == "1 year (one static plan)"
        dialog.contract_years.setValue(4)
        dialog.use_contract_start.setChecked(True)
        dialog.contract_start.setDate(QDate(2027, 4, 1))
        dialog.keep_sites.setChecked(True)

    _accept_after(monkeypatch, edit)
    window.act_settings.trigger()
    s = ws.current.settings
    assert (s.contract_years, s.contract_start, s.keep_sites_across_years) == (
        4, date(2027, 4, 1), True)
    assert ws.modified
    assert ws.undo_label == "Change settings of Baseline"
    path = tmp_path / "years.gpkg"
    save_project(ws.project, path)
    saved = open_project(path).scenario("Baseline").settings
    assert (saved.contract_years, saved.contract_start, saved.keep_sites_across_years) == (
        4, date(2027, 4, 1), True)
    ws.undo()
    assert ws.current.settings == before
    ws.redo()
    assert ws.current.settings.contract_years == 4


def test_a_ramp_file_loaded_shown_kept_undone_and_saved(monkeypatch, make_window, project,
                                                        tmp_path):
    from estates_planner.project import open_project, save_project

    window = make_window(project)
    ws = window.workspace
    _choose_file(monkeypatch, VALID)
    shown = {}

    def edit(dialog):
        assert "No ramp" in dialog.ramp_status.text()
        assert not dialog.clear_ramp_button.isEnabled()
        dialog.load_ramp_button.click()
        shown["cells"] = _ramp_cells(dialog)
        shown["status"] = dialog.ramp_status.text()
        shown["years"] = dialog.contract_years.value()
        dialog.grab().save(str(tmp_path / "settings.png"))

    _accept_after(monkeypatch, edit)
    window.act_settings.trigger()
    # the file's five rows, as a planner reads them (50% is written as a percentage)
    assert shown["cells"] == [
        ("ETE", "(all)", "(all)", "1", "60 %"),
        ("ETE", "(all)", "(all)", "2", "80 %"),
        ("Personal wellbeing", "Bloom", "(all)", "1", "50 %"),
        ("Personal wellbeing", "Bloom", "(all)", "2", "75 %"),
        ("Women's services", "(all)", "N-W-1", "1", "70 %"),
    ]
    assert shown["status"].startswith("5 rows for years 1–2")
    # one year planned and a ramp of two: the years follow the ramp (and the note says so)
    assert shown["years"] == 2
    ramp = ws.ramp
    assert [(r.lot, r.provider, r.need_id, r.year, r.share) for r in ramp.rows][2] == (
        Lot.WELLBEING, "Bloom", "", 1, Fraction(1, 2))
    assert ws.current.settings.contract_years == 2
    assert ws.project.tables["ramp"]["share"].tolist() == ["0.6", "0.8", "0.5", "0.75", "0.7"]

    path = tmp_path / "ramped.gpkg"
    save_project(ws.project, path)
    assert open_project(path).tables["ramp"]["share"].tolist() == [
        "0.6", "0.8", "0.5", "0.75", "0.7"]

    ws.undo()  # the ramp and the years together
    assert "ramp" not in ws.project.tables and ws.ramp.rows == ()
    assert ws.current.settings.contract_years == 1
    ws.redo()
    assert len(ws.ramp.rows) == 5


def test_a_bad_ramp_file_is_refused_with_file_row_and_column(monkeypatch, make_window,
                                                            project, no_dialogs):
    window = make_window(project)
    ws = window.workspace
    _choose_file(monkeypatch, BROKEN)
    kept = {}

    def edit(dialog):
        dialog.load_ramp_button.click()
        kept["rows"] = dialog.ramp_table.rowCount()
        kept["change"] = dialog.ramp_change()

    _accept_after(monkeypatch, edit)
    window.act_settings.trigger()
    title, text = no_dialogs.seen[-1]
    assert title == "Load ramp"
    assert "ramp_broken.csv, row 3, column 'year'" in text and "'two'" in text
    assert "ramp_broken.csv, row 4, column 'share'" in text and "'-0.5'" in text
    # nothing of the bad file is kept: no rows shown, nothing to apply, no edit
    assert kept == {"rows": 0, "change": None}
    assert "ramp" not in ws.project.tables
    assert not ws.can_undo


def test_clearing_the_ramp_is_undoable(monkeypatch, make_window, project):
    from estates_planner.io.ramp import ramp_to_frame, read_ramp

    ramp, _report = read_ramp(VALID)
    project.tables["ramp"] = ramp_to_frame(ramp)
    window = make_window(project)
    ws = window.workspace
    seen = {}

    def edit(dialog):
        seen["before"] = dialog.ramp_table.rowCount()
        dialog.clear_ramp_button.click()
        seen["after"] = dialog.ramp_table.rowCount()

    _accept_after(monkeypatch, edit)
    window.act_settings.trigger()
    assert seen == {"before": 5, "after": 0}
    assert "ramp" not in ws.project.tables
    assert ws.undo_label == "Change settings of Baseline"
    ws.undo()
    assert len(ws.ramp.rows) == 5


def test_cancel_keeps_settings_and_ramp(monkeypatch, make_window, project):
    from estates_planner.ui import settings_dialog

    window = make_window(project)
    _choose_file(monkeypatch, VALID)

    def run(dialog):
        dialog.contract_years.setValue(3)
        dialog.load_ramp_button.click()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", run)
    window.act_settings.trigger()
    assert window.workspace.current.settings.contract_years == 1
    assert "ramp" not in window.workspace.project.tables
    assert not window.workspace.can_undo
