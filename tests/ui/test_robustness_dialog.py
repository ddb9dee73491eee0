"""Scenario ▸ Test against late changes…: settings, a run, cancel, adopting a candidate."""

from __future__ import annotations

import functools
import time

import pytest
from PySide6.QtWidgets import QPushButton
from studies.hand_case import hand_scenario

from estates_planner.project import new_project
from estates_planner.studies import run_study
from estates_planner.ui.robustness_dialog import RobustnessDialog
from estates_planner.workspace import Workspace

pytestmark = pytest.mark.gui

# the study runs in this process (no Dask cluster to start): the same figures, sooner
INLINE = functools.partial(run_study, inline=True)


@pytest.fixture
def make_dialog(qtbot):
    def make(**study: object) -> RobustnessDialog:
        sc = hand_scenario(**study)
        ws = Workspace(new_project(sc.dataset, settings=sc.settings, scenario_name="Hand"))
        dialog = RobustnessDialog(ws, run=INLINE)
        qtbot.addWidget(dialog)
        return dialog

    return make


def test_a_run_shows_the_fragile_placement_and_adopts_the_headroom_plan(make_dialog, qtbot):
    dialog = make_dialog()
    dialog.samples.setValue(12)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=60_000)
    ws = dialog.workspace
    assert ws.current.settings.samples == 12  # stored with the scenario, undoably
    assert ws.can_undo
    assert dialog.status.text().startswith("12 samples (seed 7): 2 of 3 needs keep their site")
    assert dialog.fragile.rowCount() == 1
    assert [dialog.fragile.item(0, c).text() for c in (0, 3, 5, 6)] == \
        ["N2", "A", "capacity", "B"]
    assert "robustness_needs" in ws.project.tables
    assert ws.modified
    assert dialog.candidates.rowCount() == 2
    assert dialog.candidates.item(1, 0).text().startswith("10 % headroom")
    assert dialog.candidates.item(1, 1).text() == "£20,400"  # N2 at B from the start
    assert not dialog.adopt_button.isEnabled()
    dialog.candidates.selectRow(1)
    assert dialog.adopt_button.isEnabled()
    with qtbot.waitSignal(dialog.highlightRequested):
        dialog.fragile.selectRow(0)
    dialog.adopt_button.click()
    assert ws.current_name == "Hand (10 % headroom)"
    assert ws.result().assignment == {"N1": "A", "N2": "B", "N3": "C"}


def test_cancel_in_the_progress_dialog_stops_the_study_within_2_s(make_dialog, qtbot):
    dialog = make_dialog(samples=20_000)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress_dialog is not None
                    and dialog.progress_dialog.value() > 0, timeout=60_000)
    [cancel] = dialog.progress_dialog.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    pressed = time.monotonic()
    cancel.click()
    qtbot.waitUntil(lambda: dialog.thread is None, timeout=10_000)
    assert time.monotonic() - pressed < 2.0
    assert dialog.status.text() == "The study was cancelled; nothing was kept."
    assert "robustness_needs" not in dialog.workspace.project.tables
    assert dialog.run_button.isEnabled()


def test_bad_headroom_is_refused_with_the_rule(make_dialog, monkeypatch):
    dialog = make_dialog()
    shown = []
    monkeypatch.setattr("estates_planner.ui.robustness_dialog.QMessageBox.warning",
                        lambda parent, title, text: shown.append(text))
    dialog.headroom.setText("5, lots")
    dialog.start()
    assert dialog.thread is None
    assert "headroom_pct" in shown[0] and "percentages from 0 to below 100" in shown[0]


def test_the_scenario_menu_opens_the_study(make_window, project):
    window = make_window(project)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Scenario")
    assert window.act_robustness in menu.actions()
    window.act_robustness.trigger()
    dialog = window.findChild(RobustnessDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.samples.value() == 100  # the scenario's setting (the default)
    dialog.close()
