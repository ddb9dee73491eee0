"""The real map (``ui.map.MapView``) bound to the workspace state; see :mod:`map_binding`."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel

from estates_planner.render.map import BASEMAP, MapContent
from estates_planner.render.map.base_layer import BaseLayer
from estates_planner.render.map.content import MOVED_HIGHLIGHT, layer_label
from estates_planner.report.contract_overview import ContractOverview, contract_overview
from estates_planner.ui.map import MapView
from estates_planner.ui.map_binding import MapBinding
from estates_planner.ui.state import WorkspaceState

PROVIDER_HIGHLIGHT = "Provider view: options"
# under All years the provider view picks out its needs' sites of every year, not options
PROVIDER_CONTRACT_HIGHLIGHT = "Provider view: its sites in some year"
STALE_TEXT = ("Plan out of date: the scenario was edited after it was solved. "
              "Press F5 to solve again.")


class MapViewBinding(MapBinding):
    """Feeds the map the current scenario, plan, layers and selection, and relays its events."""

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        view = MapView(parent)
        view.setObjectName("map")
        view.setAccessibleName("Map of sites and needs")
        super().__init__(state, view, parent)
        self.view = view
        self._highlighted: frozenset[str] = frozenset()
        self._highlighted_sites: frozenset[str] = frozenset()
        self._highlight_label = MOVED_HIGHLIGHT
        self._from_map = False  # the map's own clicks select without moving the map
        # the offline coastline, read once for this map (about 15 ms)
        self.base_layer = BaseLayer.load()
        self.stale_banner = QLabel(STALE_TEXT, view)
        self.stale_banner.setObjectName("staleBanner")
        self.stale_banner.setAccessibleName("Plan out of date")
        self.stale_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stale_banner.setWordWrap(True)
        self.stale_banner.setStyleSheet(
            "QLabel#staleBanner { background: #FFF3C4; color: #1A1A1A; border: 1px solid "
            "#B58900; border-radius: 4px; padding: 4px 10px; }")
        self.stale_banner.hide()
        view.installEventFilter(self)
        self._catchment = None  # from the inspector's "Show catchment"
        # the contract plan shown under "All years", worked out once per plan and data (the
        # canvas re-prepares its drawing only for a new object)
        self._overview: tuple[object, object, ContractOverview] | None = None
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
        from estates_planner.studies.aggregate import stored_site_use, stored_stability

        ws = self.state.workspace
        name = ws.current.name if ws.current is not None else ""
        contract = self.contract_overview()
        return MapContent(
            site_stability=stored_site_use(ws.project, name),
            need_stability=stored_stability(ws.project, name),
            dataset=ws.dataset, result=ws.result() if contract is None else None,
            contract=contract, scenario=ws.current,
            layers=ws.project.layers, highlighted_need_ids=self._highlighted,
            highlighted_site_ids=self._highlighted_sites,
            selected_site_ids=frozenset(self.state.selected_site_ids),
            selected_need_ids=frozenset(self.state.selected_need_ids),
            catchment=self._catchment, base_layer=self.base_layer,
            highlight_label=self._highlight_label)

    def contract_overview(self) -> ContractOverview | None:
        """The whole contract plan shown ("All years"), or None."""
        ws = self.state.workspace
        contract = ws.shown_contract()
        if contract is None:
            self._overview = None
            return None
        cached = self._overview
        if cached is None or cached[0] is not contract or cached[1] is not ws.dataset:
            cached = (contract, ws.dataset,
                      contract_overview(contract, (n.need_id for n in ws.dataset.needs)))
            self._overview = cached
        return cached[2]

    def refresh(self, *_args) -> None:
        self.view.set_content(self.content())
        self._update_banner()

    def _update_banner(self) -> None:
        """The map draws the plan as solved: say so when the scenario was edited since."""
        ws = self.state.workspace
        stale = (ws.result() is not None and ws.shown_contract() is None
                 and ws.result_is_stale())
        if stale:
            self._place_banner()
            self.stale_banner.raise_()
        self.stale_banner.setVisible(stale)

    def _place_banner(self) -> None:
        banner, view = self.stale_banner, self.view
        width = min(banner.sizeHint().width(), max(120, view.width() - 24))
        banner.resize(width, banner.heightForWidth(width))
        banner.move(max(0, (view.width() - width) // 2), 8)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize \
                and self.stale_banner.isVisible():
            self._place_banner()
        return False

    def _map_selection_changed(self, site_ids: list[str], need_ids: list[str]) -> None:
        self._from_map = True
        try:
            self.state.set_selection(site_ids, need_ids)
        finally:
            self._from_map = False

    def _state_selection_changed(self, site_ids: list[str], need_ids: list[str]) -> None:
        """Show the selection; one made elsewhere (table, inspector, Find) moves the map."""
        self.view.select(site_ids, need_ids)
        if not self._from_map:
            self.view.reveal(site_ids, need_ids)

    # ---------------------------------------------------------------- main window API
    def layers(self) -> list[tuple[str, str, bool, str]]:
        whole = self.state.workspace.shown_contract() is not None
        rows = []
        for name in self.view.layer_names():
            if name != BASEMAP:
                label, tip = layer_label(name, whole)
                rows.append((name, label, self.view.is_layer_visible(name), tip))
        return rows

    def set_layer_visible(self, name: str, visible: bool) -> None:
        self.view.set_layer_visible(name, visible)

    def highlight(self, site_ids: list[str], need_ids: list[str],
                  label: str = MOVED_HIGHLIGHT) -> None:
        """Pick out needs and sites (moved needs with their old and new sites, by default),
        named ``label`` in the legend, and bring them into view."""
        self._highlighted = frozenset(need_ids)
        self._highlighted_sites = frozenset(site_ids)
        self._highlight_label = label
        self.view.set_content(self.content())
        if site_ids or need_ids:  # the picked-out sites and needs, not every site's users
            self.view.reveal(site_ids, need_ids, site_needs=False)

    def highlight_provider_options(self, site_ids: list[str], need_ids: list[str]) -> None:
        """The provider view's options (under All years, its needs' sites of every year):
        their own legend entry, not "Moved between plans"."""
        whole = self.state.workspace.shown_contract() is not None
        self.highlight(site_ids, need_ids,
                       PROVIDER_CONTRACT_HIGHLIGHT if whole else PROVIDER_HIGHLIGHT)

    def set_legend_shown(self, shown: bool) -> None:
        self.view.set_legend_visible(shown)

    def zoom_to_all(self) -> None:
        self.view.zoom_to_all()

    def set_basemap(self, url_template: str | None, attribution: str = "") -> None:
        self.view.set_basemap(url_template, attribution)

    def zoom_to_selection(self) -> None:
        self.view.zoom_to_selection()

    def set_catchment(self, geometry) -> None:
        self._catchment = geometry
        self.refresh()


def create_map(state: WorkspaceState, parent=None) -> MapViewBinding:
    """The map widget bound to ``state``, for the main window."""
    return MapViewBinding(state, parent)
