"""The real map (``ui.map.MapView``) bound to the workspace state; see :mod:`map_binding`."""

from __future__ import annotations

import dataclasses

from estates_planner.ui.map import BASEMAP, MapContent, MapView
from estates_planner.ui.map_binding import MapBinding
from estates_planner.ui.state import WorkspaceState


class MapViewBinding(MapBinding):
    """Feeds the map the current scenario, plan, layers and selection, and relays its events."""

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        view = MapView(parent)
        view.setObjectName("map")
        view.setAccessibleName("Map of sites and needs")
        super().__init__(state, view, parent)
        self.view = view
        self._highlighted: frozenset[str] = frozenset()
        view.selectionChanged.connect(self._map_selection_changed)
        view.siteContextMenuRequested.connect(self.siteMenuRequested)
        view.needContextMenuRequested.connect(self.needMenuRequested)
        view.needDroppedOnSite.connect(lambda need_id, site_id:
                                       self.needDroppedOnSite.emit([need_id], site_id))
        view.statusMessage.connect(self.statusMessage)
        state.selectionChanged.connect(self._state_selection_changed)
        for signal in (state.projectChanged, state.scenarioChanged, state.resultChanged,
                       state.layersChanged):
            signal.connect(self.refresh)
        self.refresh()

    def content(self) -> MapContent:
        ws = self.state.workspace
        return MapContent(
            dataset=ws.dataset, result=ws.result(), scenario=ws.current,
            layers=ws.project.layers, highlighted_need_ids=self._highlighted,
            selected_site_ids=frozenset(self.state.selected_site_ids),
            selected_need_ids=frozenset(self.state.selected_need_ids))

    def refresh(self, *_args) -> None:
        self.view.set_content(self.content())

    def _map_selection_changed(self, site_ids: list[str], need_ids: list[str]) -> None:
        self.state.set_selection(site_ids, need_ids)

    def _state_selection_changed(self, site_ids: list[str], need_ids: list[str]) -> None:
        self.view.select(site_ids, need_ids)

    # ---------------------------------------------------------------- main window API
    def layers(self) -> list[tuple[str, str, bool]]:
        return [(name, name, self.view.is_layer_visible(name))
                for name in self.view.layer_names() if name != BASEMAP]

    def set_layer_visible(self, name: str, visible: bool) -> None:
        self.view.set_layer_visible(name, visible)

    def highlight(self, site_ids: list[str], need_ids: list[str]) -> None:
        self._highlighted = frozenset(need_ids)
        self.view.set_content(dataclasses.replace(self.content()))

    def zoom_to_all(self) -> None:
        self.view.zoom_to_all()

    def set_basemap(self, url_template: str | None, attribution: str = "") -> None:
        self.view.set_basemap(url_template, attribution)

    def zoom_to_selection(self) -> None:
        self.view.zoom_to_selection()
