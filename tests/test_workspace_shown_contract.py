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
