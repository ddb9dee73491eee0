"""Plan comparison and the what-if re-plan on a hand-sized scenario, worked out here.

North: Leeds Probation Office (authority, 2 desks, £1,000), Leeds Market (market, 4 desks,
£2,000, 0.5 km away, fit-out £1,000 a year), Bradford Hub (provider, 4 desks, £1,500, 10 km).
South: Bristol Probation Office (authority, 3 desks), Bristol Women's Centre (women-only).
Every need uses 1 desk 5 days a week with a caseload of 10 at (0, 0) (S1 at the Bristol office).
"""

from __future__ import annotations

import pytest
from hand_plan import NEEDS, PLAN, SITES, need, site  # noqa: F401 - shared hand plan

from estates_planner.errors import ScenarioError
from estates_planner.model import Dataset, Lot, Scenario
from estates_planner.optimise import evaluate_plan
from estates_planner.project import Project
from estates_planner.scenarios import compare_plans
from estates_planner.usecases import compare, keep_plan, solve_in_project, warm_start_from


@pytest.fixture
def scenario():
    return Scenario("hand", Dataset(SITES, NEEDS))


def test_comparison_lists_exactly_the_moved_needs_and_the_term_changes(scenario):
    a = evaluate_plan(scenario, PLAN)
    b = evaluate_plan(scenario, {**PLAN, "E1": "LMK", "B1": "BRH"})
    c = compare_plans(scenario, a, scenario, b)
    moves = {m.need_id: m for m in c.moved}
    assert set(moves) == {"E1", "B1"}
    assert c.changed_need_ids == {"E1", "B1"}
    e1 = moves["E1"]
    assert (e1.provider, e1.lot, e1.from_site_id, e1.to_site_id) == (
        "Prov A", Lot.ETE, "LPO", "LMK")
    assert (e1.from_site_name, e1.to_site_name) == ("Leeds Probation Office", "Leeds Market")
    # E1: 1,000 at the office -> 2,000 desks + 10 travel + 10,000 not in authority
    assert e1.cost_change == pytest.approx(11_010)
    # B1: 2,000 + 10 - 5,000 paired - 2,000 sharing a day (five days each) -> 1,500 + 200
    # travel, unpaired
    assert moves["B1"].cost_change == pytest.approx(6690)
    assert c.newly_placed == () and c.newly_unplaced == ()
    assert c.sites_newly_used == ("BRH",) and c.sites_no_longer_used == ()
    assert dict(c.term_changes) == pytest.approx({
        "desk_cost": 500, "fit_out": 0, "travel": 200, "locations": 5000,
        "authority_preference": 10_000, "pairing": 5000, "same_day": 2000, "unplaced": 0,
        "moves": 0})
    assert c.objective_change == pytest.approx(22_700)
    rows = {r.label: r for r in c.rows}
    share = rows["Wellbeing needs paired (share)"]
    assert (share.a, share.b, share.delta) == (100, 0, -100)
    assert share.formatted() == ("Wellbeing needs paired (share)", "100.0%", "0.0%",
                                 "-100.0 pp")
    assert rows["Optimiser score (points)"].formatted()[3] == "+22,700"
    assert rows["Annual property cost"].formatted()[3] == "+£500"
    assert c.summary().startswith(
        "From 'hand' to 'hand': 2 needs moved; annual property cost +£500; optimiser score "
        "+22,700 points. Score by term: desk cost +£500, travel +200")
    assert "this one has none" in c.summary()  # moved, but no baseline: moves score 0


def test_newly_placed_and_newly_unplaced(scenario):
    a = evaluate_plan(scenario, PLAN)
    relaxed = scenario.with_settings(women_only_sites=False).replace(name="relaxed")
    b = evaluate_plan(relaxed, {**PLAN, "G1": "BRH", "S1": None})
    c = compare_plans(scenario, a, relaxed, b)
    assert c.moved == ()
    (g1,) = c.newly_placed
    assert (g1.need_id, g1.from_site_id, g1.to_site_id, g1.to_site_name) == (
        "G1", None, "BRH", "Bradford Hub")
    # unplaced 1,000,000 -> 1,500 desks + 10 km x 10 x £2 travel
    assert g1.cost_change == pytest.approx(1700 - 1_000_000)
    (s1,) = c.newly_unplaced
    assert (s1.need_id, s1.from_site_id, s1.to_site_id) == ("S1", "BPO", None)
    assert s1.cost_change == pytest.approx(1_000_000 - 1000)
    assert c.sites_newly_used == ("BRH",) and c.sites_no_longer_used == ("BPO",)
    assert c.name_b == "relaxed"
    assert "1 newly placed, 1 newly unplaced" in c.summary()


def test_identical_plans_compare_as_no_change(scenario):
    a = evaluate_plan(scenario, PLAN)
    c = compare_plans(scenario, a, scenario, a)
    assert c.changed_need_ids == frozenset()
    assert all(r.delta in (0, None) for r in c.rows)
    assert c.summary() == ("From 'hand' to 'hand': 0 needs moved; annual property cost £0; "
                           "optimiser score 0 points.")


def _project(scenario: Scenario, before=None) -> Project:
    """A project holding ``scenario`` and, if given, its plan before an edit."""
    return Project(scenario.dataset, scenarios=[scenario],
                   results={} if before is None else {scenario.name: before})


def test_solving_again_warm_starts_from_the_previous_plan_and_reports_the_moves(scenario):
    before = evaluate_plan(scenario, PLAN)
    project = _project(scenario, before)
    project.put_scenario(scenario.with_site_closed("LMK"))
    seen = {}

    def fake_solve(sc, *, warm_start, time_limit_s, progress, cancel):
        seen.update(warm_start=warm_start, time_limit_s=time_limit_s)
        return evaluate_plan(sc, {**warm_start, "B1": "BRH"})

    solved = solve_in_project(project, "hand", time_limit_s=2, solver=fake_solve)
    assert seen == {"warm_start": PLAN, "time_limit_s": 2}
    assert solved.result.assignment["B1"] == "BRH"
    keep_plan(project, solved)
    project.scenarios.append(scenario.replace(name="before"))
    project.results["before"] = before
    comparison = compare(project, "before", "hand")
    assert [(m.need_id, m.from_site_id, m.to_site_id) for m in comparison.moved] == [
        ("B1", "LMK", "BRH")]
    assert comparison.sites_no_longer_used == ("LMK",)


def test_warm_start_drops_needs_and_sites_the_edited_scenario_lacks(scenario):
    before = evaluate_plan(scenario, PLAN)
    smaller = scenario.replace(dataset=Dataset(SITES[:3], NEEDS[:4]))
    assert warm_start_from(smaller, before) == {"E1": "LPO", "B1": "LMK", "A1": "LPO",
                                                "G1": None}
    assert warm_start_from(smaller, None) is None


def test_a_baseline_makes_moves_cost(scenario):
    before = evaluate_plan(scenario, PLAN)
    careful = scenario.with_site_closed("LMK").replace(baseline=before.assignment)
    assert dict(careful.baseline) == PLAN
    moved = evaluate_plan(careful, {**PLAN, "B1": "BRH"})
    assert moved.terms["moves"] == pytest.approx(2000)  # B1 only; G1 was unplaced before
    assert evaluate_plan(careful, PLAN).terms["moves"] == 0


def test_compare_names_the_scenarios_without_a_plan(scenario):
    project = _project(scenario)
    with pytest.raises(ScenarioError, match="solve 'hand' first"):
        compare(project, "hand", "hand")


def test_solving_again_with_the_solver_after_closing_the_market(scenario):
    from functools import partial

    from estates_planner.optimise import solve_scenario

    before = solve_scenario(scenario, time_limit_s=5)
    # the optimum is the hand plan: the office holds E1 and A1, B1 pairs from the market
    assert before.assignment == PLAN
    project = _project(scenario.replace(name="before"), before)
    project.scenarios.append(scenario.with_site_closed("LMK"))
    project.results["hand"] = before  # the plan before the edit
    solved = solve_in_project(project, "hand", time_limit_s=5,
                              solver=partial(solve_scenario, workers=1))
    keep_plan(project, solved)
    comparison = compare(project, "before", "hand")
    # B1 cannot use the office (R4), so Bradford; nothing else moves
    assert project.results["hand"].assignment == {**PLAN, "B1": "BRH"}
    assert [(m.need_id, m.from_site_id, m.to_site_id) for m in comparison.moved] == [
        ("B1", "LMK", "BRH")]
    # desk -500, fit-out -1,000, travel +190, pairing lost +5,000, same day lost +2,000
    assert comparison.objective_change == pytest.approx(5690)
    assert comparison.term_changes["fit_out"] == pytest.approx(-1000)
