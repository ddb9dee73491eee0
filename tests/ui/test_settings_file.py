"""Scenario settings loaded from and saved to the command line's TOML (issue 13): the app and
the CLI given the same file make the same plan."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

SETTINGS = """\
travel_weight = 7.5
location_penalty = 1000.0
same_region = false
journey_warning_km = 40.0
"""


def _plan_from_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return {r["need_id"]: r["site_id"] or None for r in csv.DictReader(fh)}


def test_settings_loaded_in_the_app_and_the_cli_give_the_same_plan(
        qtbot, monkeypatch, make_window, project, tmp_path, no_dialogs):
    from estates_planner.cli import main
    from estates_planner.project import open_project, save_project
    from estates_planner.ui import settings_dialog

    toml = tmp_path / "weights.toml"
    toml.write_text(SETTINGS, encoding="utf-8")
    gpkg = tmp_path / "small.gpkg"
    save_project(project, gpkg)
    out = tmp_path / "cli.csv"
    assert main(["solve", str(gpkg), "--settings", str(toml), "--out", str(out),
                 "--no-save", "--time-limit", "10"]) == 0
    cli_plan = _plan_from_csv(out)

    window = make_window(open_project(gpkg))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(toml), ""))

    def load_and_accept(dialog):
        dialog.load_button.click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(settings_dialog.SettingsDialog, "exec", load_and_accept)
    window.act_settings.trigger()
    s = window.workspace.current.settings
    assert (s.travel_weight, s.location_penalty, s.same_region, s.journey_warning_km) == (
        7.5, 1000.0, False, 40.0)
    with qtbot.waitSignal(window.state.resultChanged, timeout=20_000):
        window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=20_000)
    result = window.workspace.result()
    assert result.status == "optimal"
    assert result.assignment == cli_plan


def test_settings_saved_from_the_dialog_read_back_the_same(
        monkeypatch, make_window, project, tmp_path):
    from estates_planner.io.settings_toml import read_settings
    from estates_planner.ui.settings_dialog import SettingsDialog

    window = make_window(project)
    dialog = SettingsDialog(window.workspace.current.settings, "Baseline", window)
    dialog.spins["pairing_bonus"].setValue(2500)
    dialog.checks["strict"].setChecked(True)
    target = tmp_path / "saved.toml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.save_button.click()
    saved = read_settings(target)
    assert saved.pairing_bonus == pytest.approx(2500) and saved.strict
    assert saved == dialog.settings()
