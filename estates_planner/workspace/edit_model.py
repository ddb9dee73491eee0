"""The desktop app's edit model: one open project, its current scenario and an undo history.

Plain Python with no Qt, in the manner of napari's ``components``: the GUI (``ui.state``)
subscribes to this object's events and never holds state of its own, so every edit can be
tested without a window. Scenarios are immutable, so an edit is simply "the project's
scenarios, results and layers before" and "after"; undo puts the earlier snapshot back. That
keeps undo exact (including scenario create/rename/delete and imports) and cheap, because
snapshots share the unchanged scenario objects.

A result belongs to the scenario object it was solved for. After an edit the scenario is a new
object, so :meth:`Workspace.result_is_stale` turns true; undoing the edit brings back the very
object that was solved and the result is current again.
"""

from __future__ import annotations

import sys
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from estates_planner.errors import EstatesError, ScenarioError
from estates_planner.io.contract_tables import SCENARIO_TABLES
from estates_planner.io.ramp import RAMP_TABLE, Ramp, ramp_from_frame, ramp_to_frame
from estates_planner.model import Dataset, Scenario, Settings
from estates_planner.optimise.result import PlanResult
from estates_planner.project import Project
from estates_planner.travel.resolve import with_travel
from estates_planner.workspace.data_edits import DataEdits
from estates_planner.workspace.history import (
    EVENT_KINDS,
    Edit,
    History,
    Listener,
    Snapshot,
    WorkspaceEvent,
    same_objects,
)

if TYPE_CHECKING:
    from estates_planner.optimise.multiyear.result import MultiYearResult


class Workspace(DataEdits):
    """The open project, the scenario being worked on, and the edits made to it.

    Parameters
    ----------
    project
        The :class:`estates_planner.project.Project`. The workspace edits it
        in place, so ``save_project(workspace.project)`` always writes what the user sees.
    """

    def __init__(self, project: Project) -> None:
        self._listeners: dict[str, list[Listener]] = {k: [] for k in EVENT_KINDS}
        self._history = History()
        self._saved_depth: int | None = 0
        self._modified = False
        self.project = project
        self._solved_for: dict[str, Scenario] = {}
        # a plan shown instead of the stored one (a contract year); never saved
        self._shown: dict[str, PlanResult] = {}
        # what of a contract plan the views show, by scenario: "Year 2 (2027-28)", "All years"
        self._shown_labels: dict[str, str] = {}
        self._shown_scenarios: dict[str, Scenario] = {}
        # a whole contract plan shown ("All years"): the views show every year at once
        self._shown_contracts: dict[str, MultiYearResult] = {}
        # what a shown contract plan was planned for: the scenario object and the ramp
        self._contract_basis: dict[str, tuple[Scenario, Ramp]] = {}
        self._current = ""
        self._adopt(project)

    # ---------------------------------------------------------------- listeners
    def subscribe(self, kind: str, listener: Listener) -> None:
        """Call ``listener(event)`` after every change of ``kind`` (see ``EVENT_KINDS``)."""
        if kind not in self._listeners:
            raise ValueError(f"unknown event kind {kind!r}; use one of {', '.join(EVENT_KINDS)}")
        self._listeners[kind].append(listener)

    def unsubscribe(self, kind: str, listener: Listener) -> None:
        if listener in self._listeners.get(kind, []):
            self._listeners[kind].remove(listener)

    def _emit(self, kind: str, name: str | None = None) -> None:
        """Tell every listener; one that fails is reported and the others still hear it.

        A failing view must not stop an edit half way (history kept but the modified flag
        not set), so the error goes to ``sys.excepthook`` (the desktop app's one hook logs
        it and tells the user) and the edit completes.
        """
        event = WorkspaceEvent(kind, name)
        for listener in list(self._listeners[kind]):
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - reported, see above
                sys.excepthook(*sys.exc_info())

    # ---------------------------------------------------------------- project
    def _adopt(self, project: Project) -> None:
        self.project = project
        if not project.scenarios:
            project.scenarios = [Scenario("Base", project.dataset)]
        by_name = {s.name: s for s in project.scenarios}
        # results read from a file belong to the scenarios read with them
        self._solved_for = {n: by_name[n] for n in project.results if n in by_name}
        self._shown = {}
        self._shown_labels = {}
        self._shown_scenarios = {}
        self._shown_contracts = {}
        self._contract_basis = {}
        self._current = project.scenarios[0].name

    def set_project(self, project: Project) -> None:
        """Start working on another project: clears the history and the modified flag."""
        self._adopt(project)
        self._history = History()
        self._saved_depth = 0
        self._set_modified(False)
        self._emit("project")
        self._emit("scenarios")
        self._emit("current", self._current)
        self._emit("history")

    @property
    def dataset(self) -> Dataset:
        return self.project.dataset

    @property
    def scenarios(self) -> list[Scenario]:
        return list(self.project.scenarios)

    @property
    def scenario_names(self) -> list[str]:
        return [s.name for s in self.project.scenarios]

    def scenario(self, name: str | None = None) -> Scenario:
        """The scenario called ``name`` (the current one when None)."""
        return self.project.scenario(self._current if name is None else name)

    @property
    def current_name(self) -> str:
        return self._current

    @property
    def current(self) -> Scenario:
        return self.scenario(self._current)

    def set_current(self, name: str) -> None:
        """Make another scenario current (a view change, not an undoable edit)."""
        self.scenario(name)  # raises for an unknown name
        if name != self._current:
            self._current = name
            self._emit("current", name)

    # ---------------------------------------------------------------- results
    def result(self, name: str | None = None) -> PlanResult | None:
        """The plan the views show: a contract year's if one is shown, else the stored one."""
        name = self._current if name is None else name
        shown = self._shown.get(name)
        return shown if shown is not None else self.project.results.get(name)

    def show_plan(self, name: str, plan: PlanResult | None, label: str = "",
                  scenario: Scenario | None = None,
                  contract: MultiYearResult | None = None,
                  planned_for: tuple[Scenario, Ramp] | None = None) -> None:
        """Show ``plan`` for scenario ``name`` in the views instead of its stored plan (a
        contract year); None shows the stored plan again. Not an edit: nothing is saved.

        ``label`` says what is shown ("Year 2 (2027-28)", "All years"; "" when no contract
        plan is shown) and ``scenario`` is the one to cost ``plan`` with (the year's volumes
        from the ramp), for the key figures. ``contract`` (with ``plan`` None) is a whole
        contract plan shown at once: the views that can show every year ask
        :meth:`shown_contract`; :meth:`result` stays the stored plan. ``planned_for`` is the
        scenario and ramp the contract plan was made with, for :meth:`shown_plan_is_stale`.
        """
        if label and planned_for is not None:
            self._contract_basis[name] = planned_for
        else:
            self._contract_basis.pop(name, None)
        if contract is not None and plan is None:
            self._shown_contracts[name] = contract
        else:
            self._shown_contracts.pop(name, None)
        if plan is None:
            self._shown.pop(name, None)
            self._shown_scenarios.pop(name, None)
        else:
            self._shown[name] = plan
            if scenario is not None:
                self._shown_scenarios[name] = scenario
        if label:
            self._shown_labels[name] = label
        else:
            self._shown_labels.pop(name, None)
        self._emit("result", name)

    def shown_contract(self, name: str | None = None) -> MultiYearResult | None:
        """The whole contract plan shown ("All years"), or None."""
        return self._shown_contracts.get(self._current if name is None else name)

    def contract_is_stale(self, name: str, planned_for: Scenario, ramp: Ramp) -> bool:
        """True when scenario ``name``'s contract plan, made for ``planned_for`` with
        ``ramp``, is out of date: the scenario or the project's ramp changed after it was
        planned (its sites, needs, settings or volumes are no longer the plan's), or the
        scenario is gone.

        The rule is :meth:`result_is_stale`'s (a plan belongs to the scenario object it was
        made for; undoing the edit brings that object back), with the ramp beside it, as
        the contract's volumes come from the ramp, not the scenario.
        """
        return name not in self.scenario_names or planned_for is not self.scenario(name) \
            or ramp != self.ramp

    def shown_plan_is_stale(self, name: str | None = None) -> bool:
        """True when a contract plan (a year of it, or All years) is shown and is out of
        date (:meth:`contract_is_stale`)."""
        name = self._current if name is None else name
        basis = self._contract_basis.get(name)
        return basis is not None and self.contract_is_stale(name, *basis)

    def shown_label(self, name: str | None = None) -> str:
        """What of a contract plan the views show ("Year 2 (2027-28)", "All years"), or ""."""
        return self._shown_labels.get(self._current if name is None else name, "")

    def plan_note(self, name: str | None = None, *, unplaced: bool = False) -> str:
        """What the scenario list and the status bar say of the plan the views show for
        ``name``: "not solved", "edited since solved", its status; for a contract plan
        shown, which of it ("All years of the contract plan, feasible") and whether it is out
        of date. ``unplaced``: the status also counts the needs (or need-years) left out."""
        name = self._current if name is None else name
        label = self.shown_label(name)
        if label:
            contract = self._shown_contracts.get(name)
            plan = contract if contract is not None else self._shown.get(name)
            what = f"{label} of the contract plan"
            if self.shown_plan_is_stale(name):
                return f"{what}, out of date"
            if plan is None:
                return what
            if not unplaced:
                return f"{what}, {plan.status}"
            left_out = (sum(y.unplaced for y in contract.years) if contract is not None
                        else len(plan.unplaced))
            unit = "need-year" if contract is not None else "need"
            return f"{what}, {plan.status}, {left_out} {unit}{'s' if left_out != 1 else ''} " \
                "unplaced"
        result = self.result(name)
        if result is None:
            return "not solved"
        if self.result_is_stale(name):
            return f"{result.status}, edited since" if unplaced else "edited since solved"
        return f"{result.status}, {len(result.unplaced)} unplaced" if unplaced \
            else result.status

    def scenario_for_figures(self, name: str | None = None) -> Scenario:
        """The scenario to cost the shown plan with: a contract year's own (its volumes
        from the ramp) while one is shown, else the scenario itself."""
        name = self._current if name is None else name
        if name in self._shown and name in self._shown_scenarios:
            return self._shown_scenarios[name]
        return self.scenario(name)

    def scenario_for_costs(self, name: str | None = None) -> Scenario:
        """The scenario as the solver sees it: with the project's travel network, if any.

        Scenarios in the history carry no travel model (it is project data, and the history
        knows scenarios by identity), so views that cost a plan — explanations, a provider's
        options — ask here, and measure journeys as the solve did.
        """
        scenario = self.current if name is None else self.scenario(name)
        try:
            return with_travel(self.project, scenario)
        except EstatesError:
            return scenario

    def result_is_stale(self, name: str | None = None) -> bool:
        """True when the scenario was edited after its result was computed."""
        name = self._current if name is None else name
        if name not in self.project.results:
            return False
        solved = self._solved_for.get(name)
        return solved is None or solved is not self.scenario(name)

    def set_result(self, result: PlanResult, scenario: Scenario) -> None:
        """Store the plan solved for ``scenario`` (kept even if the user edited meanwhile).

        Not an undoable edit (solving is not an edit of the plan's inputs), but it changes
        what a save writes, so the project becomes modified.
        """
        names = self.scenario_names
        name = scenario.name if scenario.name in names else None
        if name is None:  # renamed or deleted while solving: find it by identity
            name = next((s.name for s in self.project.scenarios if s is scenario), None)
        if name is None:
            return
        self.project.results[name] = result
        self._shown.pop(name, None)
        self._shown_scenarios.pop(name, None)
        self._shown_labels.pop(name, None)
        self._shown_contracts.pop(name, None)
        self._contract_basis.pop(name, None)
        self._solved_for[name] = scenario
        self._saved_depth = None  # undo cannot lead back to the saved state any more
        self._set_modified(True)
        self._emit("result", name)

    # ---------------------------------------------------------------- history
    def _snapshot(self) -> Snapshot:
        p = self.project
        return Snapshot(p.dataset, tuple(p.scenarios), MappingProxyType(dict(p.results)),
                        MappingProxyType(dict(self._solved_for)),
                        MappingProxyType(dict(p.layers)), self._current,
                        p.tables.get(RAMP_TABLE),
                        tuple(p.tables.get(name) for name in SCENARIO_TABLES))

    def _restore(self, snap: Snapshot, other: Snapshot | None = None) -> None:
        """Put the project back to ``snap``; ``other`` is the edit's other side. The contract
        plans are put back only when that edit changed them (a rename or a delete): a plan
        made after the edit, which is no edit of its own, is kept."""
        p = self.project
        if other is not None and any(a is not b for a, b in zip(
                snap.contract_tables, other.contract_tables, strict=True)):
            for name, frame in zip(SCENARIO_TABLES, snap.contract_tables, strict=True):
                if frame is None:
                    p.tables.pop(name, None)
                else:
                    p.tables[name] = frame
        old_names = self.scenario_names
        old_dataset, old_layers = p.dataset, dict(p.layers)
        old_current = self.current
        p.dataset = snap.dataset
        p.scenarios = list(snap.scenarios)
        p.results = dict(snap.results)
        p.layers = dict(snap.layers)
        if snap.ramp is None:
            p.tables.pop(RAMP_TABLE, None)
        else:
            p.tables[RAMP_TABLE] = snap.ramp
        self._solved_for = dict(snap.solved_for)
        self._current = snap.current
        if snap.dataset is not old_dataset:
            self._emit("project")
        if self.scenario_names != old_names:
            self._emit("scenarios")
        if not same_objects(snap.layers, old_layers):
            self._emit("layers")
        if self.current.name != old_current.name:
            self._emit("current", self._current)
        elif self.current is not old_current:
            self._emit("scenario", self._current)
        self._emit("result", self._current)

    def _commit(self, label: str, before: Snapshot) -> None:
        after = self._snapshot()
        self._history.done.append(Edit(label, before, after))
        if self._saved_depth is not None and self._saved_depth > len(self._history.done) - 1:
            self._saved_depth = None  # the saved state was on the undone branch
        self._history.undone.clear()
        self._restore_events_only(before, after)
        self._set_modified(len(self._history.done) != self._saved_depth)
        self._emit("history")

    def _restore_events_only(self, before: Snapshot, after: Snapshot) -> None:
        # the project already holds `after`; tell listeners what changed
        if after.dataset is not before.dataset:
            self._emit("project")
        if [s.name for s in after.scenarios] != [s.name for s in before.scenarios]:
            self._emit("scenarios")
        if not same_objects(after.layers, before.layers):
            self._emit("layers")
        if after.current != before.current:
            self._emit("current", after.current)
        else:
            self._emit("scenario", after.current)
        if not same_objects(after.results, before.results):
            self._emit("result", after.current)

    @property
    def can_undo(self) -> bool:
        return bool(self._history.done)

    @property
    def can_redo(self) -> bool:
        return bool(self._history.undone)

    @property
    def undo_label(self) -> str:
        return self._history.done[-1].label if self._history.done else ""

    @property
    def redo_label(self) -> str:
        return self._history.undone[-1].label if self._history.undone else ""

    @property
    def history_labels(self) -> list[str]:
        return [e.label for e in self._history.done]

    def undo(self) -> None:
        if not self._history.done:
            return
        edit = self._history.done.pop()
        self._history.undone.append(edit)
        self._restore(edit.before, edit.after)
        self._set_modified(len(self._history.done) != self._saved_depth)
        self._emit("history")

    def redo(self) -> None:
        if not self._history.undone:
            return
        edit = self._history.undone.pop()
        self._history.done.append(edit)
        self._restore(edit.after, edit.before)
        self._set_modified(len(self._history.done) != self._saved_depth)
        self._emit("history")

    # ---------------------------------------------------------------- modified flag
    @property
    def modified(self) -> bool:
        return self._modified

    def _set_modified(self, value: bool) -> None:
        if value != self._modified:
            self._modified = value
            self._emit("modified")

    def contract_stored(self, name: str) -> None:
        """A contract plan of scenario ``name`` was put in the project's tables (by
        :func:`estates_planner.usecases.multiyear.store_contract`): Save is needed, and the
        views that show contract plans (the compare window) hear of it."""
        self.mark_unsaved()
        self._emit("contract", name)

    def mark_unsaved(self, stale_results: Any = ()) -> None:
        """Treat the project as changed since its last save (e.g. restored from a recovery
        file): Save is needed, and undo can never lead back to a saved state.

        ``stale_results`` names scenarios whose stored plan was out of date when the recovery
        file was written; they stay out of date after the restore.
        """
        for name in stale_results:
            if name in self.project.results:
                self._solved_for.pop(name, None)
                self._emit("result", name)
        self._saved_depth = None
        self._set_modified(True)

    @property
    def stale_result_names(self) -> tuple[str, ...]:
        """Scenarios whose stored plan was solved before their latest edit."""
        return tuple(n for n in self.scenario_names if self.result_is_stale(n))

    def mark_saved(self, path: Any = None) -> None:
        """Record that the project as it is now has been written (to ``path`` if given)."""
        if path is not None:
            self.project.path = path
        self._saved_depth = len(self._history.done)
        self._set_modified(False)

    # ---------------------------------------------------------------- scenario edits
    def _replace_current(self, label: str, new: Scenario) -> None:
        old = self.current
        if new == old and new.settings == old.settings:
            return
        before = self._snapshot()
        self.project.scenarios = [new if s is old else s for s in self.project.scenarios]
        self._commit(label, before)

    def pin(self, need_id: str, site_id: str) -> None:
        """Fix a need to a site (rule R8) in the current scenario."""
        self._need(need_id)
        site = self._site(site_id)
        self._replace_current(f"Pin {need_id} to {site.name}",
                              self.current.with_pin(need_id, site_id))

    def unpin(self, need_id: str) -> None:
        self._need(need_id)
        if need_id not in self.current.pins:
            return
        self._replace_current(f"Unpin {need_id}", self.current.with_pin(need_id, None))

    def set_site_closed(self, site_id: str, closed: bool = True) -> None:
        """Take a site out of use in the current scenario (or bring it back)."""
        site = self._site(site_id)
        if (site_id in self.current.closed_sites) == closed:
            return
        verb = "Close" if closed else "Reopen"
        self._replace_current(f"{verb} {site.name}",
                              self.current.with_site_closed(site_id, closed))

    def set_capacity(self, site_id: str, desks: int | None, interview_rooms: int | None) -> None:
        """Override a site's capacity in the current scenario; None keeps the data's value."""
        site = self._site(site_id)
        for label, value in (("desks", desks), ("interview rooms", interview_rooms)):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ScenarioError(f"{site.name}: {label} must be a whole number ≥ 0, "
                                    f"got {value!r}")
        if desks == site.desks:
            desks = None
        if interview_rooms == site.interview_rooms:
            interview_rooms = None
        self._replace_current(f"Set capacity of {site.name}",
                              self.current.with_capacity(site_id, desks, interview_rooms))

    def set_settings(self, label: str = "Change settings", *, ramp: Ramp | None = None,
                     **changes: object) -> None:
        """Change weights or rule switches of the current scenario, and with them (one undo
        step) the project's contract ramp: ``ramp`` replaces it (an empty Ramp clears it);
        None leaves it as it is."""
        unknown = sorted(set(changes) - set(Settings.__dataclass_fields__))
        if unknown:
            raise ScenarioError(f"unknown setting {', '.join(unknown)}")
        current = self.current.settings
        changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
        new_ramp = ramp is not None and ramp != self.ramp
        if not changes and not new_ramp:
            return
        before = self._snapshot()
        if changes:
            old = self.current
            new = old.with_settings(**changes)
            self.project.scenarios = [new if s is old else s for s in self.project.scenarios]
        if new_ramp:
            assert ramp is not None
            if ramp.rows:
                self.project.tables[RAMP_TABLE] = ramp_to_frame(ramp)
            else:
                self.project.tables.pop(RAMP_TABLE, None)
        self._commit(label, before)

    @property
    def ramp(self) -> Ramp:
        """The project's contract ramp (every scenario plans with it); no rows when it has
        none, or when the stored table no longer reads (the planning use case reports that)."""
        frame = self.project.tables.get(RAMP_TABLE)
        if frame is None:
            return Ramp()
        ramp, _report = ramp_from_frame(frame)
        return ramp

    # ---------------------------------------------------------------- scenario list
    # The naming rules and the changes themselves are the Project's; this adds undo and events.
    def unique_name(self, stem: str) -> str:
        """``stem``, or ``stem 2``, ``stem 3``... whichever is free."""
        return self.project.unique_name(stem)

    def create_scenario(self, name: str) -> Scenario:
        """A fresh scenario on the project's data with default settings; becomes current."""
        name = self.project.check_new_name(name)
        before = self._snapshot()
        new = self.project.add_scenario(Scenario(name, self.dataset,
                                                 travel=self.current.travel))
        self._current = new.name
        self._commit(f"New scenario {name}", before)
        return new

    def duplicate_scenario(self, name: str, new_name: str) -> Scenario:
        """A copy of ``name`` (edits and settings, not its result); becomes current."""
        self.scenario(name)  # an unknown name is named before the new one is checked
        new_name = self.project.check_new_name(new_name)
        before = self._snapshot()
        new = self.project.duplicate_scenario(name, new_name)
        self._current = new.name
        self._commit(f"Duplicate {name} as {new.name}", before)
        return new

    def rename_scenario(self, name: str, new_name: str) -> None:
        """Rename a scenario and its stored result (undoable)."""
        source = self.scenario(name)
        if new_name.strip() == name:
            return
        new_name = self.project.check_new_name(new_name)
        before = self._snapshot()
        new = self.project.rename_scenario(name, new_name)
        solved = self._solved_for.pop(name, None)
        # the renamed result is still the plan of this (renamed) scenario
        if solved is source:
            self._solved_for[new_name] = new
        if self._current == name:
            self._current = new_name
        self._commit(f"Rename {name} to {new_name}", before)

    def delete_scenario(self, name: str) -> None:
        source = self.scenario(name)
        if len(self.project.scenarios) == 1:
            raise ScenarioError("a project keeps at least one scenario; create another "
                                "before deleting this one")
        before = self._snapshot()
        index = self.project.scenarios.index(source)
        self.project.remove_scenario(name)
        self._solved_for.pop(name, None)
        if self._current == name:
            self._current = self.project.scenarios[max(0, index - 1)].name
        self._commit(f"Delete scenario {name}", before)

    def add_what_if(self, scenario: Scenario, label: str) -> Scenario:
        """Add ``scenario`` (a changed copy of one of the project's, e.g. from
        ``optimise.suggest.Change.apply``) under a free name made from its name; it becomes
        current. Undoable."""
        if scenario.dataset is not self.dataset and scenario.dataset != self.dataset:
            raise ScenarioError("a what-if scenario must use the project's sites and needs; "
                                "change the data with an edit of the need or site instead")
        before = self._snapshot()
        new = self.project.add_scenario(
            scenario.replace(name=self.project.unique_name(scenario.name)))
        self._current = new.name
        self._commit(label, before)
        return new

    # ---------------------------------------------------------------- layers
    def set_layer(self, name: str, layer: Any, label: str | None = None) -> None:
        """Add or replace a polygon layer (e.g. imported region boundaries)."""
        before = self._snapshot()
        self.project.layers = {**self.project.layers, name: layer}
        self._commit(label or f"Import layer {name}", before)
