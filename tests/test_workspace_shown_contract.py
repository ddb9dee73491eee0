"""A whole contract plan shown in the views ("All years", issue 15): held by the workspace
beside the stored plan, never saved, and dropped when a year or a new plan is shown."""

from __future__ import annotations

from contract_case import contract_project

from estates_planner.optimise.multiyear.pricing import price_contract_plan
from estates_planner.ramp import Ramp
from estates_planner.workspace import Workspace


def test_a_shown_contract_sits_beside_the_stored_plan_until_a_year_is_shown():
    project = contract_project()
    ws = Workspace(project)
    name = ws.current_name
    scenario = ws.current.replace(settings=ws.current.settings.replace(contract_years=2))
    contract = price_contract_plan(scenario, Ramp(), [{"N1": "A"}, {"N1": "B"}])
    heard = []
    ws.subscribe("result", lambda e: heard.append(e.scenario_name))
    ws.show_plan(name, None, "All years", contract=contract)
    assert ws.shown_contract() is contract and ws.shown_label() == "All years"
    assert ws.result() is None and project.results == {}  # shown only: nothing to save
    assert heard == [name]
    ws.show_plan(name, contract.years[0].result, "Year 1 (2027-28)")
    assert ws.shown_contract() is None
    assert ws.result() is contract.years[0].result


def test_a_shown_contract_is_out_of_date_after_an_edit_of_the_scenario_or_the_ramp():
    from estates_planner.model import Lot
    from estates_planner.ramp import RampRow

    project = contract_project()
    ws = Workspace(project)
    name = ws.current_name
    planned_for = ws.current
    contract = price_contract_plan(planned_for, Ramp(), [{"N1": "A"}, {"N1": "B"}])
    ws.show_plan(name, None, "All years", contract=contract, planned_for=(planned_for, Ramp()))
    assert not ws.shown_plan_is_stale()
    ws.set_capacity("B", 2, None)  # a site's room: the plan was made without it
    assert ws.shown_plan_is_stale()
    assert ws.contract_is_stale(name, planned_for, Ramp())
    ws.undo()  # the very scenario planned for is back
    assert not ws.shown_plan_is_stale()
    ws.edit_need("N1", desks=2)  # a need's data
    assert ws.shown_plan_is_stale()
    ws.undo()
    from fractions import Fraction

    ws.set_settings("Ramp", ramp=Ramp((RampRow(Lot.ETE, "", "", 1, Fraction(1, 2)),)))
    assert ws.current is planned_for and ws.shown_plan_is_stale()  # the volumes changed
    ws.undo()
    assert not ws.shown_plan_is_stale()
    # a year shown keeps the rule; the stored plan shown again has none
    ws.show_plan(name, contract.years[1].result, "Year 2 (2028-29)",
                 planned_for=(planned_for, Ramp()))
    ws.set_settings("Weights", move_penalty=900.0)
    assert ws.shown_plan_is_stale()
    ws.show_plan(name, None)
    assert not ws.shown_plan_is_stale()


def test_the_plan_note_says_which_plan_is_shown():
    """What the scenario list and the status bar say: the stored plan's state, or which of a
    contract plan is shown, its status, need-years left out, and when it is out of date."""
    project = contract_project()
    ws = Workspace(project)
    name = ws.current_name
    assert ws.plan_note() == "not solved"
    planned_for = ws.current
    contract = price_contract_plan(planned_for, Ramp(), [{"N1": "A"}, {"N1": None}])
    ws.show_plan(name, None, "All years", contract=contract, planned_for=(planned_for, Ramp()))
    assert ws.plan_note() == f"All years of the contract plan, {contract.status}"
    assert ws.plan_note(unplaced=True) == \
        f"All years of the contract plan, {contract.status}, 1 need-year unplaced"
    year_2 = contract.years[1].result
    ws.show_plan(name, year_2, "Year 2 (2028-29)", planned_for=(planned_for, Ramp()))
    assert ws.plan_note(unplaced=True) == \
        f"Year 2 (2028-29) of the contract plan, {year_2.status}, 1 need unplaced"
    ws.set_settings("Dearer moves", move_penalty=9999.0)
    assert ws.plan_note() == "Year 2 (2028-29) of the contract plan, out of date"
    ws.show_plan(name, None)
    assert ws.plan_note() == "not solved"
