"""Compare the plans of two scenarios of a project (the app's Compare window)."""

from __future__ import annotations

from estates_planner.errors import ScenarioError
from estates_planner.project import Project
from estates_planner.scenarios import PlanComparison, compare_plans


def compare(project: Project, name_a: str, name_b: str) -> PlanComparison:
    """What changes from the plan of scenario ``name_a`` to that of ``name_b``.

    Each plan is judged against its own scenario (capacities, settings). ScenarioError names
    the scenarios that have no plan yet.
    """
    scenario_a, scenario_b = project.scenario(name_a), project.scenario(name_b)
    unsolved = [n for n in dict.fromkeys((name_a, name_b)) if n not in project.results]
    if unsolved:
        raise ScenarioError(f"solve {' and '.join(repr(n) for n in unsolved)} first: only "
                            "solved scenarios can be compared")
    return compare_plans(scenario_a, project.results[name_a], scenario_b,
                         project.results[name_b])
