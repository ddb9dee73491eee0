"""The workspace's events and undo history: what an edit changes, held by reference.

Scenarios, datasets and results are immutable, so a :class:`Snapshot` is a handful of
references and undo puts an earlier one back (see :mod:`estates_planner.workspace`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from estates_planner.model import Dataset, Scenario
from estates_planner.optimise.result import PlanResult

# event kinds a listener can subscribe to
EVENT_KINDS = (
    "project",  # a different project was opened (everything changed)
    "scenarios",  # scenarios were added, removed or renamed
    "scenario",  # the current scenario's content changed (an edit or undo)
    "current",  # another scenario became current
    "result",  # a result was stored or removed
    "contract",  # a scenario's contract plan (its years) was stored
    "history",  # undo/redo availability or labels changed
    "modified",  # the modified flag changed
    "layers",  # polygon layers changed
)


@dataclass(frozen=True)
class WorkspaceEvent:
    kind: str
    scenario_name: str | None = None


Listener = Callable[[WorkspaceEvent], None]


@dataclass(frozen=True)
class Snapshot:
    """Everything an edit can change, held by reference (all parts are immutable)."""

    dataset: Dataset
    scenarios: tuple[Scenario, ...]
    results: Mapping[str, PlanResult]
    solved_for: Mapping[str, Scenario]
    layers: Mapping[str, Any]
    current: str
    # the project's ramp table (project.tables["ramp"]) or None; the travel caches are
    # results, not inputs, and stay out of the history
    ramp: Any = None
    # the frames of the scenarios' contract plans (io.contract_tables.SCENARIO_TABLES), None
    # where the project has none; renaming or deleting a scenario changes them
    contract_tables: tuple[Any, ...] = ()


def same_objects(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Same keys holding the same objects (GeoDataFrames cannot be compared with ==)."""
    return a.keys() == b.keys() and all(a[k] is b[k] for k in a)


@dataclass(frozen=True)
class Edit:
    """One undoable step: its label as the Edit menu shows it, and the states around it."""

    label: str
    before: Snapshot
    after: Snapshot


@dataclass
class History:
    done: list[Edit] = field(default_factory=list)
    undone: list[Edit] = field(default_factory=list)
