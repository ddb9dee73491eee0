"""The project's contract ramp as a workspace edit: set and cleared with the settings in one
undo step, and left alone by undo when other tables (contract plans) change."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from estates_planner.model import Dataset, Lot, Scenario
from estates_planner.project import Project
from estates_planner.ramp import Ramp, RampRow
from estates_planner.workspace import Workspace

RAMP = Ramp((RampRow(Lot.ETE, "", "", 1, Fraction(3, 5)),
             RampRow(Lot.ETE, "", "", 2, Fraction(4, 5))))


def _workspace() -> Workspace:
    dataset = Dataset((), ())
    return Workspace(Project(dataset, [Scenario("Base", dataset)]))


def test_ramp_and_years_set_together_and_undone_together():
    ws = _workspace()
    ws.set_settings("Ramp", ramp=RAMP, contract_years=2)
    assert ws.ramp == RAMP and ws.current.settings.contract_years == 2
    assert ws.project.tables["ramp"]["share"].tolist() == ["0.6", "0.8"]
    assert ws.history_labels == ["Ramp"] and ws.modified
    ws.undo()
    assert ws.ramp == Ramp() and "ramp" not in ws.project.tables
    assert ws.current.settings.contract_years == 1
    ws.redo()
    assert ws.ramp == RAMP


def test_the_same_ramp_again_is_no_edit_and_an_empty_one_clears_it():
    ws = _workspace()
    ws.set_settings("Ramp", ramp=RAMP)
    ws.set_settings("Again", ramp=Ramp(rows=RAMP.rows))
    assert ws.history_labels == ["Ramp"]
    ws.set_settings("Clear", ramp=Ramp())
    assert "ramp" not in ws.project.tables
    ws.undo()
    assert ws.ramp == RAMP


def test_undo_restores_only_the_ramp_of_the_projects_tables():
    ws = _workspace()
    ws.set_settings("Ramp", ramp=RAMP)
    # a contract plan stored after the edit is a result, not an input: undo keeps it
    ws.project.tables["contract_plan"] = pd.DataFrame({"year": [1], "need_id": ["N1"],
                                                       "site_id": ["A"]})
    ws.undo()
    assert "ramp" not in ws.project.tables
    assert "contract_plan" in ws.project.tables
