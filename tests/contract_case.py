"""A two-year contract plan worked out by hand, shared by the app and PDF tests.

Two contract years from 2027-04-01: site A (£1,000 a desk) whose lease ends on 2028-03-31
and site B (£3,000), one need N1 of 1 desk all week, move penalty 500 points, every other
weight off. Year 1 at A, year 2 at B: 1,000 + 3,000 + 500 = 4,500 points, against B
throughout 6,000 (the final year kept) — a saving of 1,500 points, 25 %.
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path

# the optimiser tests' hand-case builders (tests/ has no packages: import mode is importlib)
sys.path.insert(0, str(Path(__file__).resolve().parent / "optimise"))
from plan_checker import make_scenario, need, site  # noqa: E402

START = date(2027, 4, 1)
END_OF_YEAR_1 = date(2028, 3, 31)


def contract_project():
    """A project whose first scenario is the hand case (not yet planned)."""
    from estates_planner.project import new_project

    a = dataclasses.replace(site("A", 1000.0, desks=1), available_until=END_OF_YEAR_1)
    scenario = make_scenario([a, site("B", 3000.0, desks=1)], [need("N1")], go_live=START,
                             move_penalty=500.0)
    project = new_project(scenario.dataset, title="Two contract years")
    project.put_scenario(scenario.replace(name=project.scenario_names[0],
                                          dataset=project.dataset))
    return project
