"""Editing sites and needs through the workspace (issue 13): undoable, checked with the
import's messages, saved in the project."""

from __future__ import annotations

import pytest

from estates_planner.errors import InputValidationError, ScenarioError
from estates_planner.model import Dataset, Lot, ServiceNeed, Site, SiteKind
from estates_planner.optimise import evaluate_plan, solve_scenario
from estates_planner.project import new_project, open_project, save_project
from estates_planner.workspace import Workspace

X, Y = 400_000.0, 500_000.0
NEW_SITE = {"site_id": "S2", "name": "Quay House", "region": "North", "pdu": "North PDU",
            "kind": "market", "women_only": "false", "desks": "6", "interview_rooms": "2",
            "annual_cost_per_desk": "1200", "fit_out_cost": "4000", "easting": X + 1000,
            "northing": Y}


def workspace() -> Workspace:
    sites = (Site("S1", "North Office", "North", "North PDU", SiteKind.AUTHORITY, False, 2, 1,
                  1000.0, X, Y),)
    needs = (ServiceNeed("E1", "Acme", Lot.ETE, "North", "North PDU", 2, 0, 5, 10.0,
                         X + 500, Y, max_travel_km=20.0),
             ServiceNeed("W1", "Bloom", Lot.WELLBEING, "North", "North PDU", 1, 0, 5, 10.0,
                         X, Y))
    return Workspace(new_project(Dataset(sites, needs), title="Edits"))


def test_add_site_undo_redo_and_the_import_message():
    ws = workspace()
    with pytest.raises(InputValidationError,
                       match=r"Site S2, column 'desks': expected a whole number ≥ 0, got "
                             r"'twelve'"):
        ws.add_site({**NEW_SITE, "desks": "twelve"})
    assert not ws.can_undo
    site = ws.add_site(NEW_SITE)
    assert (site.desks, site.fit_out_cost, site.kind) == (6, 4000.0, SiteKind.MARKET)
    assert ws.current.dataset.has_site("S2") and ws.undo_label == "Add site Quay House"
    ws.undo()
    assert not ws.dataset.has_site("S2") and not ws.current.dataset.has_site("S2")
    ws.redo()
    assert ws.dataset.site("S2") == site
    with pytest.raises(ScenarioError, match="already a site 'S2'"):
        ws.add_site(NEW_SITE)


def test_add_site_by_longitude_and_latitude():
    ws = workspace()
    fields = {k: v for k, v in NEW_SITE.items() if k not in ("easting", "northing")}
    site = ws.add_site({**fields, "lon": -1.5491, "lat": 53.8008})  # Leeds
    assert site.easting == pytest.approx(429_900, abs=300)
    assert site.northing == pytest.approx(433_900, abs=300)  # SE 299 339


def test_edit_every_site_attribute_and_undo():
    ws = workspace()
    before = ws.dataset.site("S1")
    ws.edit_site("S1", name="North Hub", kind="market", women_only=True, desks=4,
                 interview_rooms=3, annual_cost_per_desk=900, fit_out_cost=2000,
                 available_from="2027-06-01", step_free=True)
    after = ws.dataset.site("S1")
    assert (after.name, after.kind, after.women_only, after.desks, after.interview_rooms,
            after.annual_cost_per_desk, after.fit_out_cost, after.available_from.isoformat(),
            after.step_free) == ("North Hub", SiteKind.MARKET, True, 4, 3, 900.0, 2000.0,
                                 "2027-06-01", True)
    with pytest.raises(InputValidationError, match="column 'kind'"):
        ws.edit_site("S1", kind="castle")
    ws.undo()
    assert ws.dataset.site("S1") == before
    ws.redo()
    assert ws.dataset.site("S1") == after


def test_delete_site_refused_while_pinned_and_undoable():
    ws = workspace()
    ws.add_site(NEW_SITE)
    ws.pin("W1", "S2")
    with pytest.raises(ScenarioError, match="Quay House cannot be deleted: needs are pinned"):
        ws.delete_site("S2")
    ws.unpin("W1")
    ws.set_site_closed("S2")
    ws.delete_site("S2")
    assert not ws.dataset.has_site("S2") and "S2" not in ws.current.closed_sites
    ws.undo()
    assert ws.dataset.has_site("S2") and "S2" in ws.current.closed_sites


def test_edit_add_and_delete_needs_with_undo():
    ws = workspace()
    ws.edit_need("E1", desks=3, interview_rooms=1, days_per_week=2, caseload=40,
                 max_travel_km=35)
    e1 = ws.dataset.need("E1")
    assert (e1.desks, e1.interview_rooms, e1.days_per_week, e1.caseload,
            e1.max_travel_km) == (3, 1, 2, 40.0, 35.0)
    with pytest.raises(InputValidationError,
                       match=r"Need E1, column 'days_per_week': expected a whole number from "
                             r"1 to 5, got '7'"):
        ws.edit_need("E1", days_per_week=7)
    ws.undo()
    assert ws.dataset.need("E1").desks == 2
    ws.redo()
    new = ws.add_need({"need_id": "A1", "provider": "Roof", "lot": "accommodation",
                       "region": "North", "pdu": "North PDU", "desks": 1,
                       "interview_rooms": 0, "days_per_week": 3, "caseload": 12})
    # no point given: placed at the PDU's authority sites, as the import does
    assert (new.easting, new.northing, new.location_source) == (X, Y, "authority mean")
    ws.set_result(evaluate_plan(ws.current, {"E1": "S1", "W1": None, "A1": None}), ws.current)
    ws.delete_need("A1")
    assert not ws.dataset.has_need("A1") and ws.result() is None  # its plan no longer fits
    ws.undo()
    assert ws.dataset.has_need("A1") and ws.result() is not None
    ws.undo()
    assert not ws.dataset.has_need("A1")


def test_site_added_saved_reopened_and_solved(tmp_path):
    ws = workspace()
    ws.add_site(NEW_SITE)
    path = tmp_path / "edited.gpkg"
    save_project(ws.project, path)
    reopened = open_project(path)
    assert reopened.dataset.site("S2").name == "Quay House"
    result = solve_scenario(reopened.scenarios[0], time_limit_s=5)
    # W1 (wellbeing) may not use the authority office (R4): only the new market site
    assert result.allocation("W1").site_id == "S2"


def test_fixed_days_edited_saved_reopened_and_kept_by_the_solver(tmp_path):
    """E1 (2 desks, 5 days) made a 2-day need fixed on Tue and Thu: the project file keeps
    the days in the need's 'days' column, and the solve keeps them (issue 17)."""
    ws = workspace()
    with pytest.raises(InputValidationError,
                       match=r"Need E1, column 'days': 1 fixed weekday for a need on site 5 "
                             r"days a week \(column 'days_per_week'\)"):
        ws.edit_need("E1", days="Tue")
    ws.edit_need("E1", days_per_week="2", days="Thu,Tue")
    assert ws.dataset.need("E1").fixed_days == (1, 3)
    path = tmp_path / "days.gpkg"
    save_project(ws.project, path)
    need = open_project(path).dataset.need("E1")
    assert (need.days_per_week, need.fixed_days) == (2, (1, 3))
    assert solve_scenario(ws.current, time_limit_s=10).allocation("E1").weekdays == (1, 3)
