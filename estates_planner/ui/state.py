"""Qt signals over the Qt-free :class:`~estates_planner.workspace.Workspace`.

Widgets connect to these signals instead of polling; the selection (which sites and needs the
user has picked on the map or in the table) lives here too, so the map, the table and the
inspector stay in step without knowing about one another.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from estates_planner.workspace import Workspace, WorkspaceEvent


class WorkspaceState(QObject):
    """Re-emits workspace events as Qt signals and holds the shared selection.

    Signals
    -------
    projectChanged
        Another project (or new data) is loaded; views rebuild from scratch.
    scenariosChanged
        The list of scenario names changed.
    scenarioChanged(str)
        The current scenario's content changed (an edit, undo or redo), or it became current.
    resultChanged(str)
        A result was stored, removed or went stale.
    historyChanged, modifiedChanged(bool), layersChanged
        As named.
    selectionChanged(list, list)
        Selected site ids and need ids.
    """

    projectChanged = Signal()
    scenariosChanged = Signal()
    scenarioChanged = Signal(str)
    resultChanged = Signal(str)
    contractChanged = Signal(str)
    historyChanged = Signal()
    modifiedChanged = Signal(bool)
    layersChanged = Signal()
    selectionChanged = Signal(list, list)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._site_ids: list[str] = []
        self._need_ids: list[str] = []
        subscriptions = {
            "project": self._on_project,
            "scenarios": lambda e: self.scenariosChanged.emit(),
            "scenario": self._on_scenario,
            "current": self._on_scenario,
            "result": lambda e: self.resultChanged.emit(e.scenario_name or ""),
            "contract": lambda e: self.contractChanged.emit(e.scenario_name or ""),
            "history": lambda e: self.historyChanged.emit(),
            "modified": lambda e: self.modifiedChanged.emit(self.workspace.modified),
            "layers": lambda e: self.layersChanged.emit(),
        }
        for kind, callback in subscriptions.items():
            workspace.subscribe(kind, callback)

    def _on_project(self, event: WorkspaceEvent) -> None:
        # ids of the old data may not exist any more
        self.set_selection([], [])
        self.projectChanged.emit()

    def _on_scenario(self, event: WorkspaceEvent) -> None:
        self.scenarioChanged.emit(event.scenario_name or self.workspace.current_name)

    # ---------------------------------------------------------------- selection
    @property
    def selected_site_ids(self) -> list[str]:
        return list(self._site_ids)

    @property
    def selected_need_ids(self) -> list[str]:
        return list(self._need_ids)

    def set_selection(self, site_ids: list[str], need_ids: list[str]) -> None:
        """Select sites and needs everywhere; emits only when something changed."""
        site_ids, need_ids = list(site_ids), list(need_ids)
        if site_ids == self._site_ids and need_ids == self._need_ids:
            return
        self._site_ids, self._need_ids = site_ids, need_ids
        self.selectionChanged.emit(site_ids, need_ids)
