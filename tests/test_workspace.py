"""The Qt-free edit model: edits, undo/redo, the modified flag, scenario management, events."""

from __future__ import annotations

import pytest

from estates_planner.errors import ScenarioError
from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site, SiteKind
from estates_planner.optimise.result import PlanResult
from estates_planner.project import Project
from estates_planner.workspace import Workspace


def _site(site_id: str, x: float) -> Site:
    return Site(site_id, f"Site {site_id}", "North", "P1", SiteKind.AUTHORITY, False, 10, 2,
                1000.0, x, 0.0)


def _need(need_id: str) -> ServiceNeed:
    return ServiceNeed(need_id, "Acme", Lot.ETE, "North", "P1", 2, 1, 5, 10.0, 0.0, 0.0)


@pytest.fixture
def ws() -> Workspace:
    data = Dataset((_site("S1", 0.0), _site("S2", 1000.0)), (_need("N1"), _need("N2")))
    return Workspace(Project(data, scenarios=[Scenario("Base", data)]))


def _result(name: str) -> PlanResult:
    return PlanResult(name, (), {}, 1.0, 1.0, 0.0, "optimal", 0.1)


def test_pin_undo_redo_restores_scenarios_and_modified(ws):
    base = ws.current
    ws.pin("N1", "S2")
    assert ws.current.pins == {"N1": "S2"}
    assert ws.modified and ws.can_undo and ws.undo_label == "Pin N1 to Site S2"
    ws.undo()
    assert ws.current is base  # the very same object comes back
    assert not ws.modified and ws.can_redo and not ws.can_undo
    ws.redo()
    assert ws.current.pins == {"N1": "S2"} and ws.modified


def test_unknown_ids_are_refused_with_the_name(ws):
    with pytest.raises(ScenarioError, match="'S9'"):
        ws.pin("N1", "S9")
    with pytest.raises(ScenarioError, match="'N9'"):
        ws.pin("N9", "S1")
    assert not ws.can_undo


def test_a_new_edit_after_undo_drops_the_redo_branch(ws):
    ws.pin("N1", "S2")
    ws.undo()
    ws.set_site_closed("S1")
    assert not ws.can_redo
    assert ws.current.closed_sites == {"S1"} and not ws.current.pins


def test_modified_flag_follows_the_saved_point(ws):
    ws.pin("N1", "S2")
    ws.mark_saved("/tmp/x.gpkg")
    assert not ws.modified and ws.project.path == "/tmp/x.gpkg"
    ws.set_site_closed("S1")
    assert ws.modified
    ws.undo()
    assert not ws.modified  # back to what was saved
    ws.undo()
    assert ws.modified


def test_capacity_equal_to_the_data_clears_the_override(ws):
    ws.set_capacity("S1", 4, None)
    assert ws.current.site_capacity(ws.dataset.site("S1")) == (4, 2)
    ws.set_capacity("S1", 10, 2)
    assert "S1" not in ws.current.capacity_overrides
    with pytest.raises(ScenarioError, match="whole number"):
        ws.set_capacity("S1", -1, None)


def test_settings_change_is_one_undo_step_and_no_op_adds_nothing(ws):
    ws.set_settings(travel_weight=3.5, same_region=False)
    assert ws.current.settings.travel_weight == 3.5 and not ws.current.settings.same_region
    ws.set_settings(travel_weight=3.5)
    assert ws.history_labels == ["Change settings"]
    with pytest.raises(ScenarioError, match="unknown setting colour"):
        ws.set_settings(colour=1)


def test_scenario_create_duplicate_rename_delete_and_undo(ws):
    ws.pin("N1", "S2")
    ws.duplicate_scenario("Base", "Copy")
    assert ws.current_name == "Copy" and ws.current.pins == {"N1": "S2"}
    ws.create_scenario("Fresh")
    assert ws.scenario_names == ["Base", "Copy", "Fresh"] and not ws.current.pins
    ws.rename_scenario("Copy", "Closed S1")
    assert ws.scenario_names == ["Base", "Closed S1", "Fresh"]
    ws.delete_scenario("Fresh")
    assert ws.scenario_names == ["Base", "Closed S1"] and ws.current_name == "Closed S1"
    with pytest.raises(ScenarioError, match="already a scenario called 'Base'"):
        ws.rename_scenario("Closed S1", "Base")
    for _ in range(3):
        ws.undo()
    assert ws.scenario_names == ["Base", "Copy"] and ws.current_name == "Copy"


def test_the_last_scenario_cannot_be_deleted(ws):
    with pytest.raises(ScenarioError, match="at least one scenario"):
        ws.delete_scenario("Base")


def test_result_goes_stale_on_edit_and_fresh_on_undo(ws):
    ws.set_result(_result("Base"), ws.current)
    assert ws.result() is not None and not ws.result_is_stale()
    ws.pin("N1", "S1")
    assert ws.result_is_stale()
    ws.undo()
    assert not ws.result_is_stale()


def test_rename_carries_the_result_and_delete_undo_brings_it_back(ws):
    result = _result("Base")
    ws.set_result(result, ws.current)
    ws.duplicate_scenario("Base", "B")
    ws.rename_scenario("Base", "A")
    renamed = ws.result("A")  # the same plan, now named for its scenario
    assert renamed.scenario_name == "A" and renamed.objective == result.objective
    assert not ws.result_is_stale("A")
    ws.delete_scenario("A")
    assert "A" not in ws.scenario_names and ws.result("A") is None
    ws.undo()
    assert ws.result("A") is renamed
    ws.undo()
    assert ws.result("Base") is result


def test_result_for_a_scenario_deleted_or_renamed_while_solving_is_dropped(ws):
    solving = ws.current
    ws.rename_scenario("Base", "Renamed")
    ws.set_result(_result("Base"), solving)
    # the renamed scenario is another object: the plan may not fit it, so it is not stored
    assert ws.result("Renamed") is None and ws.result("Base") is None


def test_events_are_sent_to_listeners(ws):
    seen = []
    for kind in ("scenario", "scenarios", "current", "history", "modified"):
        ws.subscribe(kind, lambda e: seen.append((e.kind, e.scenario_name)))
    ws.pin("N1", "S2")
    assert ("scenario", "Base") in seen and ("modified", None) in seen
    seen.clear()
    ws.create_scenario("X")
    assert ("scenarios", None) in seen and ("current", "X") in seen
    with pytest.raises(ValueError, match="unknown event kind"):
        ws.subscribe("colour", print)


def test_unique_name_counts_up(ws):
    ws.create_scenario("Copy")
    assert ws.unique_name("Copy") == "Copy 2"
    assert ws.unique_name("Other") == "Other"
