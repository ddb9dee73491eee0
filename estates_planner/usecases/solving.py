"""Solve a scenario of a project: the one place the CLI and the app assemble a solve.

The rules a solve in a project follows, written once: journeys are measured by the model
:func:`estates_planner.travel.resolve.travel_model_for` gives (the project's road network when it
holds one), and the search starts from the scenario's last plan (less needs and sites the
edited scenario no longer has), so a re-solve after an edit improves the old plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from estates_planner.model import Scenario
from estates_planner.optimise.progress import ProgressEvent
from estates_planner.optimise.result import PlanResult
from estates_planner.project import Project
from estates_planner.travel.matrix import NetworkTravelModel
from estates_planner.travel.resolve import is_project_model, with_travel
from estates_planner.travel.stored import store_cache

Solver = Callable[..., PlanResult]


@dataclass(frozen=True)
class Solved:
    """A plan and the scenario it was solved for (with the travel model that measured it)."""

    scenario: Scenario
    result: PlanResult


def warm_start_from(scenario: Scenario, previous: PlanResult | None
                    ) -> dict[str, str | None] | None:
    """The previous plan, less needs and sites the scenario no longer has; None without one."""
    if previous is None:
        return None
    ds = scenario.dataset
    return {need_id: site_id for need_id, site_id in previous.assignment.items()
            if ds.has_need(need_id) and (site_id is None or ds.has_site(site_id))}


def solve_in_project(project: Project, scenario_name: str, *,
                     time_limit_s: float | None = None,
                     progress: Callable[[ProgressEvent], None] | None = None,
                     cancel: object | None = None, scenario: Scenario | None = None,
                     warm_start: Mapping[str, str | None] | None = None,
                     solver: Solver | None = None) -> Solved:
    """Solve ``scenario_name`` of ``project`` and return the plan; the project is not changed.

    Parameters
    ----------
    time_limit_s
        Seconds to search; by default the scenario's ``settings.time_limit_s``.
    progress, cancel
        As :func:`estates_planner.optimise.solve_scenario` takes them.
    scenario
        The scenario to solve in place of the stored one of that name (the CLI's
        ``--settings``/``--baseline``/``--network`` variants); it keeps its own travel model.
    warm_start
        need_id -> site_id to start from in place of the scenario's last plan (a baseline).
    solver
        Replaces ``solve_scenario`` (tests, and the app's injected solver).
    """
    if scenario is None:
        scenario = project.scenario(scenario_name)
    scenario = with_travel(project, scenario)
    if warm_start is None:
        warm_start = warm_start_from(scenario, project.results.get(scenario_name))
    limit = scenario.settings.time_limit_s if time_limit_s is None else time_limit_s
    if solver is None:
        from estates_planner.optimise import solve_scenario as solver
    extra = {} if warm_start is None else {"warm_start": warm_start}
    result = solver(scenario, time_limit_s=limit, progress=progress, cancel=cancel, **extra)
    return Solved(scenario, result)


def keep_plan(project: Project, solved: Solved) -> bool:
    """Store a plan in the project; True when the scenario itself changed (and was stored).

    The stored network's matrices are kept for the next opening (not those of a network
    given for one solve only, ``--network``).
    """
    scenario = solved.scenario
    stored = project.scenario(scenario.name) if project.has_scenario(scenario.name) else None
    changed = stored is None or scenario != stored
    if changed:
        project.put_scenario(scenario)
    project.results[scenario.name] = solved.result
    if isinstance(scenario.travel, NetworkTravelModel) and is_project_model(project,
                                                                            scenario.travel):
        store_cache(project, scenario.travel)
    return changed
