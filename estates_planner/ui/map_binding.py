"""Wiring between the workspace state and the map canvas (``ui.map.MapView``).

The map is a view like any other: it gets the current scenario, plan and layers, shows the
shared selection, and reports clicks, context menus and drops. This binding keeps that wiring
in one place so the main window only talks to :class:`MapBinding`; the binding of the real
map is :class:`estates_planner.ui.map_view_binding.MapViewBinding`, made by its
:func:`~estates_planner.ui.map_view_binding.create_map`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtWidgets import QWidget

from estates_planner.ui.state import WorkspaceState

BASE_LAYERS = (("sites", "Sites"), ("needs", "Service-user points"),
               ("lines", "Allocation lines"))


class MapBinding(QObject):
    """Keeps a map widget in step with the state, and re-emits its requests.

    Signals
    -------
    needDroppedOnSite(need_ids, site_id)
        Needs dragged from the table onto a site.
    siteMenuRequested(site_id, global_pos), needMenuRequested(need_id, global_pos)
        Right-click on a site or a need marker.
    """

    needDroppedOnSite = Signal(list, str)
    siteMenuRequested = Signal(str, QPoint)
    needMenuRequested = Signal(str, QPoint)
    statusMessage = Signal(str)

    def __init__(self, state: WorkspaceState, widget: QWidget, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.widget = widget
        self.visible: dict[str, bool] = {}
        self._syncing = False

    # methods the main window calls; the map's binding overrides them
    def layers(self) -> list[tuple[str, str, bool]]:
        names = [*BASE_LAYERS,
                 *((n, n.replace("_", " ").capitalize())
                   for n in self.state.workspace.project.layers)]
        return [(n, label, self.visible.get(n, True)) for n, label in names]

    def set_layer_visible(self, name: str, visible: bool) -> None:
        self.visible[name] = visible

    def highlight(self, site_ids: list[str], need_ids: list[str], label: str = "") -> None:
        pass

    def highlight_provider_options(self, site_ids: list[str], need_ids: list[str]) -> None:
        self.highlight(site_ids, need_ids)

    def set_legend_shown(self, shown: bool) -> None:
        pass

    def zoom_to_all(self) -> None:
        pass

    def set_basemap(self, url_template: str | None, attribution: str = "") -> None:
        pass

    def zoom_to_selection(self) -> None:
        pass

    def set_catchment(self, geometry) -> None:
        """Draw a catchment (shapely polygon in BNG metres), or none with None."""
