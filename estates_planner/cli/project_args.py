"""What the commands that work on a project file share: opening it and choosing the scenario.

``solve`` and ``robustness`` take a project and ``--scenario NAME`` (default: the project's
first scenario); both refuse a project without scenarios in the same words.
"""

from __future__ import annotations

from pathlib import Path

from estates_planner.errors import ScenarioError
from estates_planner.model import Scenario
from estates_planner.project import Project, open_project


def open_scenario(path: Path, name: str | None, purpose: str) -> tuple[Project, Scenario]:
    """The project at ``path`` and its scenario called ``name`` (default: its first).

    Raises
    ------
    ScenarioError
        "PATH has no scenarios to PURPOSE" for a project without scenarios; for an unknown
        ``name``, the project's own message listing the scenarios it has.
    """
    project = open_project(path)
    if not project.scenarios:
        raise ScenarioError(f"{path} has no scenarios to {purpose}")
    return project, project.scenario(name or project.scenarios[0].name)
