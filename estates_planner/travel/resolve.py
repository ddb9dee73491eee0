"""The one rule for how a project's journeys are measured.

A scenario may carry its own travel model (``--network`` on the command line); otherwise the
project's stored road network measures journeys, and with neither they are straight lines
(``None``). Every caller (solve, export, the report, the app's panels) asks here, so a plan is
costed and described with the same model that solved it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from estates_planner.geo import TravelModel
from estates_planner.model import Scenario
from estates_planner.travel.stored import model_from_project

if TYPE_CHECKING:  # the project imports no travel code; this is only for the type
    from estates_planner.project import Project

# key in Project.caches: (the network frame the model was built from, the model)
_MODEL_CACHE = "travel_model"


def travel_model_for(project: Project, scenario: Scenario | None = None) -> TravelModel | None:
    """The scenario's own model, else the project's network model, else None (straight lines).

    Building a model from the stored lines takes a moment and its matrices fill as it is used,
    so it is built once per network frame and held in ``project.caches``: a new network (a new
    ``project.network`` object) gives a new model.
    """
    if scenario is not None and scenario.travel is not None:
        return scenario.travel
    frame = project.network
    if frame is None:
        return None
    cached = project.caches.get(_MODEL_CACHE)
    if cached is not None and cached[0] is frame:
        return cached[1]
    model = model_from_project(project)
    project.caches[_MODEL_CACHE] = (frame, model)
    return model


def with_travel(project: Project, scenario: Scenario) -> Scenario:
    """``scenario`` with the model :func:`travel_model_for` gives set as its ``travel``."""
    model = travel_model_for(project, scenario)
    return scenario if model is None or model is scenario.travel else scenario.replace(
        travel=model)


def is_project_model(project: Project, model: object) -> bool:
    """True when ``model`` was built from the project's stored network (not ``--network``)."""
    cached = project.caches.get(_MODEL_CACHE)
    return model is not None and cached is not None and cached[0] is project.network \
        and cached[1] is model
