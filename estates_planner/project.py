"""The project: the data, scenarios, plans and layers a planner works on, as one object.

:class:`Project` is what a use case takes and a save writes; the file format (a GeoPackage)
is :mod:`estates_planner.io.project_gpkg`, which :func:`open_project` and :func:`save_project`
call. The scenario rules (names, rename with the result, duplicates) live on the Project.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from estates_planner.errors import ScenarioError
from estates_planner.io.contract_tables import drop_scenario_rows, rename_scenario_rows
from estates_planner.io.coords import frame_to_bng
from estates_planner.io.project_gpkg import (  # noqa: F401 - the file format's names, re-exported
    FORMAT_VERSION,
    NETWORK_LAYER,
    RESERVED_NAMES,
    write_project_file,
)
from estates_planner.io.project_gpkg_read import read_project_file
from estates_planner.model import (
    Dataset,
    Scenario,
    Settings,
)
from estates_planner.optimise.result import PlanResult

DEFAULT_SCENARIO_NAME = "Baseline"


@dataclass(eq=False)
class Project:
    """Everything a planner works on, as one mutable container that a save writes out.

    Scenarios and results are immutable values; the project holds the current ones and is
    edited by replacing them (:meth:`put_scenario`, ``results[name] = ...``). Every scenario
    refers to ``dataset``.

    Attributes
    ----------
    dataset : the imported sites, needs and demand points.
    scenarios : in the order the app lists them; names are unique.
    results : the latest plan of each scenario, by scenario name.
    layers : polygon layers in EPSG:27700 by name, e.g. ``"regions"``, ``"outline"``.
    network : travel network lines (EPSG:27700), or None.
    tables : extra attribute tables by name, e.g. travel caches.
    metadata : title, created, sources, notes (text values).
    path : where the project was opened from or last saved to.
    caches : what is derived from the project while it is open and never saved, such as the
        travel model built from ``network`` (see :mod:`estates_planner.travel.resolve`).
    """

    dataset: Dataset
    scenarios: list[Scenario] = field(default_factory=list)
    results: dict[str, PlanResult] = field(default_factory=dict)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    network: gpd.GeoDataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    caches: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        return self.metadata.get("title", "") or (self.path.stem if self.path else "Untitled")

    @property
    def scenario_names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    def scenario(self, name: str) -> Scenario:
        """The scenario called ``name``; ScenarioError naming the known ones otherwise."""
        for s in self.scenarios:
            if s.name == name:
                return s
        known = ", ".join(repr(n) for n in self.scenario_names) or "none"
        raise ScenarioError(f"there is no scenario called {name!r}; the project has {known}")

    def has_scenario(self, name: str) -> bool:
        return any(s.name == name for s in self.scenarios)

    # The scenario rules, once: the app's Workspace makes its undoable edits through these.
    def unique_name(self, stem: str) -> str:
        """``stem``, or ``stem 2``, ``stem 3``... whichever is not yet a scenario name."""
        name, n = stem, 1
        while self.has_scenario(name):
            n += 1
            name = f"{stem} {n}"
        return name

    def check_new_name(self, name: str) -> str:
        """``name`` without surrounding spaces if it can name a new scenario; else ScenarioError."""
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError("a scenario needs a name")
        name = name.strip()
        if self.has_scenario(name):
            raise ScenarioError(f"there is already a scenario called {name!r}")
        return name

    def add_scenario(self, scenario: Scenario) -> Scenario:
        """Append a scenario; its name must be new and its data the project's dataset."""
        name = self.check_new_name(scenario.name)
        if name != scenario.name:
            scenario = scenario.replace(name=name)
        self.scenarios = [*self.scenarios, self._own(scenario)]
        return self.scenarios[-1]

    def put_scenario(self, scenario: Scenario) -> Scenario:
        """Replace the scenario of the same name (an edit), or append it if it is new.

        A stored result stays: the app compares it with the edited scenario to show that the
        plan is out of date.
        """
        scenario = self._own(scenario)
        for i, s in enumerate(self.scenarios):
            if s.name == scenario.name:
                self.scenarios[i] = scenario
                return scenario
        return self.add_scenario(scenario)

    def rename_scenario(self, old: str, new: str) -> Scenario:
        """Rename a scenario with its result and contract plan; a no-op when the name does not
        change."""
        current = self.scenario(old)
        if new.strip() == old:
            return current
        renamed = current.replace(name=self.check_new_name(new))
        self.scenarios = [renamed if s is current else s for s in self.scenarios]
        if old in self.results:
            result = self.results.pop(old)
            self.results[renamed.name] = dataclasses.replace(result, scenario_name=renamed.name)
        rename_scenario_rows(self.tables, old, renamed.name)
        return renamed

    def remove_scenario(self, name: str) -> Scenario:
        """Take a scenario, its result and its contract plan out of the project; returns the
        scenario."""
        current = self.scenario(name)
        self.scenarios = [s for s in self.scenarios if s is not current]
        self.results.pop(name, None)
        drop_scenario_rows(self.tables, name)
        return current

    def duplicate_scenario(self, name: str, new_name: str | None = None) -> Scenario:
        """Copy a scenario (edits and settings, not its result) under a new name, at the end.

        The default name is ``NAME copy`` (``NAME copy 2``... when taken).
        """
        current = self.scenario(name)
        new_name = self.check_new_name(new_name or self.unique_name(f"{name} copy"))
        return self.add_scenario(current.replace(name=new_name))

    def _own(self, scenario: Scenario) -> Scenario:
        if scenario.dataset is self.dataset:
            return scenario
        if scenario.dataset == self.dataset:
            return scenario.replace(dataset=self.dataset)
        raise ScenarioError(f"scenario {scenario.name!r} is built on different data from "
                            "this project's sites and needs")


def scenario_on_new_data(scenario: Scenario, dataset: Dataset, *,
                         removed_site: str | None = None,
                         removed_need: str | None = None) -> Scenario:
    """``scenario`` moved onto edited data: its pins, closures, bars, capacity overrides and
    baseline entries of a removed site or need are dropped with it."""
    pins = {n: s for n, s in scenario.pins.items() if n != removed_need and s != removed_site}
    closed = scenario.closed_sites - {removed_site}
    barred = frozenset((n, s) for n, s in scenario.barred
                       if n != removed_need and s != removed_site)
    overrides = {k: v for k, v in scenario.capacity_overrides.items() if k != removed_site}
    baseline = scenario.baseline
    if baseline is not None:
        baseline = {n: (None if s == removed_site else s) for n, s in baseline.items()
                    if n != removed_need}
    return scenario.replace(dataset=dataset, pins=pins, closed_sites=closed, barred=barred,
                            capacity_overrides=overrides, baseline=baseline)


def result_uses(result: PlanResult, *, site_id: str | None = None,
                need_id: str | None = None) -> bool:
    """Whether a plan places a need at ``site_id`` or holds ``need_id`` (it then no longer
    fits data without them)."""
    return any((site_id is not None and a.site_id == site_id)
               or (need_id is not None and a.need_id == need_id) for a in result.allocations)


def new_project(dataset: Dataset, layers: Mapping[str, gpd.GeoDataFrame] | None = None,
                title: str = "Untitled project", *, settings: Settings | None = None,
                scenario_name: str = DEFAULT_SCENARIO_NAME,
                metadata: Mapping[str, str] | None = None,
                network: gpd.GeoDataFrame | None = None) -> Project:
    """A new, unsaved project with one scenario (default settings unless given).

    Parameters
    ----------
    dataset : the validated sites, needs and demand points (e.g. from ``io.load_dataset``).
    layers : boundary polygon layers by name; reprojected to EPSG:27700 if needed.
    title : shown in the window title and reports.
    settings : the first scenario's settings.
    metadata : more metadata (``sources``, ``note``...); ``created`` defaults to now (UTC).
    """
    meta = {"title": title, "created": datetime.now(UTC).replace(microsecond=0).isoformat()}
    meta.update(metadata or {})
    return Project(
        dataset=dataset,
        scenarios=[Scenario(scenario_name, dataset, settings or Settings())],
        layers={name: frame_to_bng(gdf, f"layer {name!r}") for name, gdf in (layers or {}).items()},
        network=None if network is None else frame_to_bng(network, "the travel network"),
        metadata=meta,
    )


# ----------------------------------------------------------------------------- saving


def save_project(project: Project, path: str | Path | None = None, *,
                 timestamp: datetime | None = None) -> Path:
    """Write the project to ``path`` (default: ``project.path``) safely; see
    :func:`estates_planner.io.project_gpkg.write_project_file`. Keeps ``NAME.gpkg.bak``."""
    return write_project_file(project, path, timestamp=timestamp)


def open_project(path: str | Path) -> Project:
    """Read a project file written by :func:`save_project`.

    Raises
    ------
    ProjectFileError
        with a message a planner can act on: the file is missing, not a GeoPackage, damaged
        or truncated, a GeoPackage that is not a project, or written by a newer version.
    """
    return Project(**read_project_file(path))
