"""One contract plan per scenario in the project file (issue 15): saved and read back per
scenario, carried by a rename, removed with its scenario (undoable in the app's workspace),
and an older file's plan (no scenario column) given to the scenario it was planned for.

The hand case is tests/contract_case.py: year 1 at A (lease ends), year 2 at B, 4,500 points;
a second scenario with a move penalty of 2,000 keeps N1 at B in both years: 6,000 points.
"""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from contract_case import contract_project

from estates_planner.io.contract_tables import (
    CONTRACT_COMPARISON_TABLE,
    CONTRACT_PLAN_TABLE,
    SCENARIO_COLUMN,
)
from estates_planner.project import open_project, save_project
from estates_planner.usecases.multiyear import plan_contract_in_project, stored_contract
from estates_planner.workspace import Workspace


def _two_planned_scenarios():
    project = contract_project()
    first = project.scenario_names[0]
    project.put_scenario(project.scenario(first).with_settings(contract_years=2))
    costly = project.add_scenario(project.scenario(first).replace(name="Costly moves")
                                  .with_settings(move_penalty=2000.0))
    plan_contract_in_project(project, first, years=2, time_limit_s=10.0)
    plan_contract_in_project(project, costly.name, years=2, time_limit_s=10.0)
    return project, first, costly.name


def _plan_of(project, name):
    stored = stored_contract(project, project.scenario(name))
    if stored is None:
        return None
    return [stored.result.plan(k)["N1"] for k in (1, 2)], stored.result.objective


def test_each_scenario_keeps_its_own_plan_through_a_save(tmp_path):
    project, first, costly = _two_planned_scenarios()
    assert _plan_of(project, first) == (["A", "B"], 4500.0)
    # 1,000 + 3,000 + 2,000 for the move is 6,000; B in both years is 6,000 too: no move
    plan, objective = _plan_of(project, costly)
    assert objective == 6000.0
    table = project.tables[CONTRACT_PLAN_TABLE]
    assert table.columns.tolist() == [SCENARIO_COLUMN, "year", "need_id", "site_id"]
    assert table[SCENARIO_COLUMN].tolist() == [first, first, costly, costly]

    path = tmp_path / "two.gpkg"
    save_project(project, path)
    again = open_project(path)
    assert _plan_of(again, first) == (["A", "B"], 4500.0)
    assert _plan_of(again, costly) == (plan, 6000.0)
    comparison = again.tables[CONTRACT_COMPARISON_TABLE]
    assert set(comparison[SCENARIO_COLUMN]) == {first, costly}

    # planning one scenario again replaces its rows only
    plan_contract_in_project(again, first, years=2, time_limit_s=10.0)
    assert again.tables[CONTRACT_PLAN_TABLE][SCENARIO_COLUMN].tolist() == [
        costly, costly, first, first]
    assert _plan_of(again, costly) == (plan, 6000.0)


def test_a_scenario_without_a_plan_has_none():
    project, first, _costly = _two_planned_scenarios()
    other = project.duplicate_scenario(first, "Copy")  # settings, not the plans
    assert stored_contract(project, other) is None


def test_rename_carries_and_delete_removes_the_plan(tmp_path):
    project, first, costly = _two_planned_scenarios()
    project.rename_scenario(first, "Lease ends")
    assert _plan_of(project, "Lease ends") == (["A", "B"], 4500.0)
    assert set(project.tables[CONTRACT_PLAN_TABLE][SCENARIO_COLUMN]) == {"Lease ends", costly}
    project.remove_scenario(costly)
    assert set(project.tables[CONTRACT_PLAN_TABLE][SCENARIO_COLUMN]) == {"Lease ends"}
    assert set(project.tables[CONTRACT_COMPARISON_TABLE][SCENARIO_COLUMN]) == {"Lease ends"}
    # a scenario added later under the deleted name does not inherit its plan
    project.add_scenario(project.scenario("Lease ends").replace(name=costly))
    assert stored_contract(project, project.scenario(costly)) is None
    project.remove_scenario(costly)
    path = tmp_path / "renamed.gpkg"
    save_project(project, path)
    assert _plan_of(open_project(path), "Lease ends") == (["A", "B"], 4500.0)


def test_deleting_the_last_planned_scenario_drops_the_tables():
    project, first, costly = _two_planned_scenarios()
    project.remove_scenario(costly)
    project.remove_scenario(first)
    assert CONTRACT_PLAN_TABLE not in project.tables
    assert CONTRACT_COMPARISON_TABLE not in project.tables


def test_workspace_undo_brings_a_deleted_or_renamed_plan_back():
    project, first, costly = _two_planned_scenarios()
    ws = Workspace(project)
    ws.delete_scenario(costly)
    assert stored_contract(project, project.scenario(first)) is not None
    assert set(project.tables[CONTRACT_PLAN_TABLE][SCENARIO_COLUMN]) == {first}
    ws.undo()
    assert _plan_of(project, costly)[1] == 6000.0
    ws.redo()
    assert not project.has_scenario(costly)
    assert set(project.tables[CONTRACT_PLAN_TABLE][SCENARIO_COLUMN]) == {first}
    ws.undo()

    ws.rename_scenario(first, "Renamed")
    assert _plan_of(project, "Renamed") == (["A", "B"], 4500.0)
    ws.undo()
    assert _plan_of(project, first) == (["A", "B"], 4500.0)
    assert set(project.tables[CONTRACT_PLAN_TABLE][SCENARIO_COLUMN]) == {first, costly}


def test_undoing_an_unrelated_edit_keeps_a_plan_made_after_it():
    project = contract_project()
    first = project.scenario_names[0]
    ws = Workspace(project)
    ws.set_settings("Two years", contract_years=2)
    plan_contract_in_project(project, first, years=2, time_limit_s=10.0)
    ws.set_settings("Weights", travel_weight=0.0)  # an edit after the plan was made
    ws.undo()
    assert CONTRACT_PLAN_TABLE in project.tables


def _drop_scenario_column(path, table):
    """Rewrite ``table`` of a saved project as a file of before the scenario column."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(f'ALTER TABLE "{table}" DROP COLUMN "{SCENARIO_COLUMN}"')
    finally:
        con.close()


@pytest.mark.parametrize("years_of_second", [2, 1])
def test_an_older_file_gives_its_plan_to_the_scenario_it_was_planned_for(tmp_path,
                                                                         years_of_second):
    project = contract_project()
    first = project.scenario_names[0]
    # the first scenario has one contract year; the plan was made for the second (two years)
    second = project.add_scenario(project.scenario(first).replace(name="Contract"))
    plan_contract_in_project(project, second.name, years=2, time_limit_s=10.0)
    if years_of_second == 1:  # the setting changed after planning: nobody has two years
        project.put_scenario(project.scenario("Contract").with_settings(contract_years=1))
    path = tmp_path / "old.gpkg"
    save_project(project, path)
    for table in (CONTRACT_PLAN_TABLE, CONTRACT_COMPARISON_TABLE):
        _drop_scenario_column(path, table)

    old = open_project(path)
    owner = "Contract" if years_of_second == 2 else first
    frame = old.tables[CONTRACT_PLAN_TABLE]
    assert frame[SCENARIO_COLUMN].tolist() == [owner, owner]
    assert set(old.tables[CONTRACT_COMPARISON_TABLE][SCENARIO_COLUMN]) == {owner}
    if years_of_second == 2:
        assert _plan_of(old, "Contract") == (["A", "B"], 4500.0)
    # the other scenario has no plan (and the owner's shows once its years match)
    assert stored_contract(old, old.scenario(first if owner == "Contract" else "Contract")) \
        is None
    # saved again, the file has the column
    save_project(old, tmp_path / "new.gpkg")
    again = open_project(tmp_path / "new.gpkg")
    assert again.tables[CONTRACT_PLAN_TABLE][SCENARIO_COLUMN].tolist() == [owner, owner]


def test_a_plan_frame_without_the_column_is_replaced_when_planned_again():
    project = contract_project()
    first = project.scenario_names[0]
    project.tables[CONTRACT_PLAN_TABLE] = pd.DataFrame(
        [(1, "N1", "B"), (2, "N1", "B")], columns=["year", "need_id", "site_id"])
    plan_contract_in_project(project, first, years=2, time_limit_s=10.0)
    assert project.tables[CONTRACT_PLAN_TABLE].values.tolist() == [
        [first, 1, "N1", "A"], [first, 2, "N1", "B"]]
