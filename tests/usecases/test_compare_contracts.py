"""Two contract plans compared year by year and over the contract (issue 15), with every
figure worked out by hand."""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "optimise"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from contract_case import contract_project  # noqa: E402
from plan_checker import make_scenario, need, site  # noqa: E402

from estates_planner.model import Lot  # noqa: E402
from estates_planner.optimise.multiyear.pricing import price_contract_plan  # noqa: E402
from estates_planner.ramp import Ramp, RampRow  # noqa: E402
from estates_planner.usecases.comparing import (  # noqa: E402
    compare_contract_plans,
    compare_contracts,
)

START = date(2027, 4, 1)


def _case():
    """N1: 2 desks all week, caseload 10, at the origin; ETE at half volume in year 1 (1 desk,
    caseload 5). A: £1,000 a desk, 3 km east, lease ends after year 1. B: £3,000, 4 km east,
    £500 fit-out. C: £2,000, 6 km north. Travel weight 2 points per person-km, move penalty
    500 points."""
    a = dataclasses.replace(site("A", 1000.0, x=3000.0, desks=2),
                            available_until=date(2028, 3, 31))
    b = site("B", 3000.0, x=4000.0, desks=2, fit_out=500.0)
    c = site("C", 2000.0, y=6000.0, desks=2)
    scenario = make_scenario([a, b, c], [need("N1", desks=2, caseload=10.0)], go_live=START,
                             travel_weight=2.0, move_penalty=500.0, contract_years=2)
    ramp = Ramp((RampRow(Lot.ETE, "", "", 1, Fraction(1, 2)),))
    return scenario, ramp


def _rows(section):
    return {r.label: (r.a, r.b, r.delta) for r in section.rows}


def test_two_contract_plans_compared_year_by_year_and_over_the_contract():
    scenario, ramp = _case()
    # X: A in year 1, B in year 2 (a move). Y: C in both years
    x = price_contract_plan(scenario, ramp, [{"N1": "A"}, {"N1": "B"}])
    y = price_contract_plan(scenario, ramp, [{"N1": "C"}, {"N1": "C"}])
    cmp = compare_contract_plans("X", (scenario, ramp, x), "Y", (scenario, ramp, y))
    assert [s.title for s in cmp.sections] == ["Year 1 (2027-28)", "Year 2 (2028-29)",
                                               "Over the contract"]
    year1, year2, horizon = (_rows(s) for s in cmp.sections)
    # year 1: 1 desk at A £1,000 against 1 at C £2,000; 5 people x 3 km = 15 against x 6 km
    assert year1["Annual property cost"] == (1000.0, 2000.0, 1000.0)
    assert year1["Service-user travel (person-km)"] == pytest.approx((15.0, 30.0, 15.0))
    assert year1["Needs placed"] == (1, 1, 0)
    assert year1["Needs not placed"] == (0, 0, 0)
    assert "Moves from the year before" not in year1
    # score: desks + 2 points per person-km
    assert year1["Year's optimiser score (points)"] == pytest.approx((1030.0, 2060.0, 1030.0))
    # year 2: 2 desks at B £6,000 plus B's £500 fit-out (first used) against 2 at C £4,000
    assert year2["Annual property cost"] == (6500.0, 4000.0, -2500.0)
    assert year2["Service-user travel (person-km)"] == pytest.approx((40.0, 60.0, 20.0))
    assert year2["Moves from the year before"] == (1, 0, -1)
    assert year2["Year's optimiser score (points)"] == pytest.approx((6080.0, 4120.0, -1960.0))
    # the contract: 1,030 + 6,080 + 500 fit-out once + 500 for the move = 8,110
    assert horizon["Property cost over the contract"] == (7500.0, 6000.0, -1500.0)
    assert horizon["Service-user travel (person-km)"] == pytest.approx((55.0, 90.0, 35.0))
    assert horizon["Need-years placed"] == (2, 2, 0)
    assert horizon["Moves between years"] == (1, 0, -1)
    assert horizon["Optimiser score over the contract (points)"] == pytest.approx(
        (8110.0, 6180.0, -1930.0))
    assert cmp.summary() == ("B costs £1,500 less than A over the contract (2 years); "
                             "optimiser score -1,930 points (not money).")
    # money rows only are in pounds; points rows never
    formatted = {r.label: r.formatted() for s in cmp.sections for r in s.rows}
    assert formatted["Annual property cost"][1:] == ("£6,500", "£4,000", "-£2,500")
    assert not any("£" in cell for label, cells in formatted.items() if "points" in label
                   for cell in cells)


def test_a_scenario_without_a_contract_plan_reads_na():
    scenario, ramp = _case()
    x = price_contract_plan(scenario, ramp, [{"N1": "A"}, {"N1": "B"}])
    cmp = compare_contract_plans("X", (scenario, ramp, x), "Plain", None)
    assert (cmp.years_a, cmp.years_b) == (2, 0)
    horizon = _rows(cmp.sections[-1])
    assert horizon["Property cost over the contract"] == (7500.0, "n/a", None)
    assert cmp.summary().startswith("Only one scenario has a contract plan: plan the "
                                    "contract years of Plain")


def test_the_use_case_prices_the_projects_stored_plan_for_each_scenario():
    from estates_planner.usecases.multiyear import plan_contract_in_project

    project = contract_project()
    name = project.scenario_names[0]
    assert compare_contracts(project, name, name) is None  # no contract plan yet
    plan_contract_in_project(project, name, years=2, time_limit_s=10.0)
    dearer = project.duplicate_scenario(name, "Dearer moves")
    project.put_scenario(dearer.with_settings(move_penalty=2000.0))
    # one contract plan per scenario: a duplicate starts without one
    cmp = compare_contracts(project, name, "Dearer moves")
    assert (cmp.years_a, cmp.years_b) == (2, 0)
    plan_contract_in_project(project, "Dearer moves", years=2, time_limit_s=10.0)
    cmp = compare_contracts(project, name, "Dearer moves")
    horizon = _rows(cmp.sections[-1])
    # the hand case (tests/contract_case.py): A then B, 1,000 + 3,000 + one move
    assert horizon["Property cost over the contract"] == (4000.0, 4000.0, 0.0)
    assert horizon["Optimiser score over the contract (points)"] == (4500.0, 6000.0, 1500.0)
