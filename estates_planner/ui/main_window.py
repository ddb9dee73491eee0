"""The main window: map in the centre, docks around it, menus, toolbar and the solve loop.

The window holds no planning state of its own: everything lives in the
:class:`~estates_planner.workspace.Workspace` behind :class:`~ui.state.WorkspaceState`. Each
user action catches :class:`~estates_planner.errors.EstatesError` and shows its message;
anything else reaches the application's exception hook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from estates_planner.optimise.result import PlanResult
from estates_planner.ui import edits
from estates_planner.ui.allocation_table import AllocationPanel
from estates_planner.ui.autosave import Autosaver
from estates_planner.ui.common import user_action
from estates_planner.ui.compare_dialog import CompareDialog
from estates_planner.ui.contract_years import install_contract_years
from estates_planner.ui.guide import show_guide
from estates_planner.ui.inspector import Inspector
from estates_planner.ui.kpi_panel import KpiPanel
from estates_planner.ui.layers_dock import LayersPanel
from estates_planner.ui.main_actions import ActionsMixin
from estates_planner.ui.main_files import FilesMixin
from estates_planner.ui.map_controls import install_map_controls
from estates_planner.ui.map_view_binding import create_map
from estates_planner.ui.provider_view import ProviderView
from estates_planner.ui.scenarios_dock import ScenariosPanel
from estates_planner.ui.settings_dialog import SettingsDialog
from estates_planner.ui.solve_dialog import SolveProgressDialog
from estates_planner.ui.state import WorkspaceState
from estates_planner.ui.unplaced_panel import UnplacedPanel
from estates_planner.ui.workers import SolveWorker, end_thread, start_worker
from estates_planner.workspace import Workspace

log = logging.getLogger(__name__)

APP_TITLE = "Estates Planner"


class MainWindow(ActionsMixin, FilesMixin, QMainWindow):
    """The application window for one open project at a time.

    Parameters
    ----------
    project
        The project to show (from ``project.open_project`` or ``new_project``).
    settings
        Where window layout and recent files are kept (tests pass a temporary one).
    solve
        The solver function (default: ``optimise.solve_scenario``); tests may pass another.
    """

    def __init__(self, project, settings: QSettings | None = None,
                 solve: Callable | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings or QSettings()
        self.solve_function = solve
        self.workspace = Workspace(project)
        self.state = WorkspaceState(self.workspace, self)
        self.solve_thread = None
        self.solve_worker: SolveWorker | None = None
        self.solve_dialog: SolveProgressDialog | None = None
        self.compare_dialog: CompareDialog | None = None
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)

        self.map = create_map(self.state, self)
        self.setCentralWidget(self.map.widget)
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.map_controls = install_map_controls(self)  # Find (Ctrl+F), View → legend
        self.contract = install_contract_years(self)  # Scenario ▸ Plan contract years…
        self.status_scenario = QLabel(self)
        self.status_scenario.setAccessibleName("Current scenario")
        self.statusBar().addPermanentWidget(self.status_scenario)

        self.state.modifiedChanged.connect(self._update_title)
        self.state.historyChanged.connect(self._update_undo_actions)
        self.state.scenarioChanged.connect(self._update_status)
        self.state.resultChanged.connect(self._update_status)
        self.state.scenariosChanged.connect(self._update_status)
        self.state.projectChanged.connect(self._project_changed)
        self.state.layersChanged.connect(self._refresh_layers)
        self.map.needDroppedOnSite.connect(self._need_dropped)
        self.map.siteMenuRequested.connect(self._site_menu)
        self.map.needMenuRequested.connect(self._need_menu)
        self.table_panel.contextMenuRequested.connect(self._need_menu)
        self.provider_view.highlightRequested.connect(self.map.highlight_provider_options)
        self.map.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 8000))

        self.autosaver = Autosaver(self)
        self._restore_layout()
        self._restore_basemap()
        self._project_changed()
        self._update_title()
        self._update_undo_actions()
        self.statusBar().showMessage(f"Opened {self._project_title()}", 5000)

    # ================================================================= building
    def _dock(self, title: str, name: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState needs stable names
        dock.setWidget(widget)
        dock.setAccessibleName(title)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.scenarios_panel = ScenariosPanel(self.state, self)
        self.scenarios_panel.compareRequested.connect(self.compare_scenarios)
        self.layers_panel = LayersPanel(self)
        self.layers_panel.visibilityChanged.connect(self.map.set_layer_visible)
        self.inspector = Inspector(self.state, self)
        self.inspector.catchmentChanged.connect(self._show_catchment)
        self.kpi_panel = KpiPanel(self.state, self)
        self.kpi_panel.guideRequested.connect(lambda anchor: show_guide(self, anchor))
        self.table_panel = AllocationPanel(self.state, self)
        self.provider_view = ProviderView(self.state, self)
        self.scenarios_dock = self._dock("Scenarios", "scenariosDock", self.scenarios_panel, left)
        self.layers_dock = self._dock("Layers", "layersDock", self.layers_panel, left)
        self.inspector_dock = self._dock("Inspector", "inspectorDock", self.inspector, right)
        self.kpi_dock = self._dock("Key figures", "kpiDock", self.kpi_panel, right)
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        # the right column runs the full height, so the key figures have room
        self.setCorner(Qt.Corner.BottomRightCorner, right)
        self.table_dock = self._dock("Allocation", "allocationDock", self.table_panel, bottom)
        self.provider_dock = self._dock("Provider view", "providerDock", self.provider_view,
                                        bottom)
        self.unplaced_panel = UnplacedPanel(self.state, self)
        self.unplaced_panel.solveRequested.connect(self.solve)
        self.unplaced_dock = self._dock("Unplaced and long journeys", "unplacedDock",
                                        self.unplaced_panel, bottom)
        # the provider view's table is wide: it shares the bottom with the allocation table
        self.tabifyDockWidget(self.table_dock, self.provider_dock)
        self.tabifyDockWidget(self.table_dock, self.unplaced_dock)
        self.table_dock.raise_()
        self._layout_restored = False

    def _default_dock_sizes(self) -> None:
        """First start: a map as large as possible with readable docks around it."""
        line = self.fontMetrics().height()
        self.resizeDocks([self.scenarios_dock, self.inspector_dock],
                         [18 * line, 26 * line], Qt.Orientation.Horizontal)
        # the key figures need about 20 lines to show every headline row without scrolling
        self.resizeDocks([self.inspector_dock, self.kpi_dock],
                         [int(self.height() * 0.27), int(self.height() * 0.63)],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.table_dock], [int(self.height() * 0.32)],
                         Qt.Orientation.Vertical)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            self._layout_restored = True
            QTimer.singleShot(0, self._default_dock_sizes)

    # ================================================================= basemap
    def _restore_basemap(self) -> None:
        url = str(self.settings.value("map/basemap_url", "") or "")
        if url and self.settings.value("map/basemap_on", False) in (True, "true"):
            self.map.set_basemap(url, str(self.settings.value("map/basemap_attribution", "")))

    def choose_basemap(self) -> None:
        """Ask for an XYZ tile address (off when left empty); kept for the next start."""
        current = str(self.settings.value("map/basemap_url", "") or "")
        url, ok = QInputDialog.getText(
            self, "Online basemap",
            "Address of map tiles with {z}, {x} and {y}, for example\n"
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png\n"
            "Leave empty to switch the basemap off. Tiles are fetched only for what you view.",
            text=current)
        if not ok:
            return
        url = url.strip()
        if url and not all(part in url for part in ("{z}", "{x}", "{y}")):
            QMessageBox.warning(self, "Online basemap",
                                f"{url!r} has no {{z}}, {{x}} and {{y}} placeholders; the map "
                                "needs them to ask for tiles.")
            return
        attribution = "© OpenStreetMap contributors" if "openstreetmap" in url else ""
        self.settings.setValue("map/basemap_url", url)
        self.settings.setValue("map/basemap_attribution", attribution)
        self.settings.setValue("map/basemap_on", bool(url))
        self.map.set_basemap(url or None, attribution)

    # ================================================================= window state
    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        if isinstance(state, QByteArray | bytes) and state:
            self._layout_restored = self.restoreState(state)

    def _save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

    def _project_title(self) -> str:
        p = self.workspace.project
        if getattr(p, "path", None):
            return Path(p.path).name
        return getattr(p, "metadata", {}).get("title", "Untitled project")

    def _update_title(self, *_args) -> None:
        self.setWindowTitle(f"{self._project_title()}[*] — {APP_TITLE}")
        self.setWindowModified(self.workspace.modified)

    def _update_undo_actions(self) -> None:
        ws = self.workspace
        self.act_undo.setEnabled(ws.can_undo)
        self.act_redo.setEnabled(ws.can_redo)
        self.act_undo.setText(f"&Undo {ws.undo_label}" if ws.can_undo else "&Undo")
        self.act_redo.setText(f"&Redo {ws.redo_label}" if ws.can_redo else "&Redo")
        self.act_undo.setToolTip(f"Undo {ws.undo_label} (Ctrl+Z)" if ws.can_undo else "Undo")
        self.act_redo.setToolTip(f"Redo {ws.redo_label} (Ctrl+Shift+Z)" if ws.can_redo
                                 else "Redo")

    def _update_status(self, *_args) -> None:
        ws = self.workspace
        note = ws.plan_note(unplaced=True)
        self.status_scenario.setText(f"Scenario: {ws.current_name} ({note})")
        several = len(ws.scenario_names) > 1
        self.act_delete.setEnabled(several)
        self.act_compare.setEnabled(several)

    def _project_changed(self) -> None:
        self._refresh_layers()
        self._update_status()
        self._update_title()
        self.act_solve.setEnabled(bool(self.workspace.dataset.needs))

    def _refresh_layers(self) -> None:
        self.layers_panel.set_layers(self.map.layers())

    def _need_dropped(self, need_ids: list[str], site_id: str) -> None:
        edits.pin(self, self.state, need_ids, site_id)
        self.statusBar().showMessage(f"Pinned {', '.join(need_ids)} to {site_id}", 5000)

    def _site_menu(self, site_id: str, global_pos) -> None:
        self.popup_menu(edits.site_menu(self, self.state, site_id), global_pos)

    def _need_menu(self, need_id: str, global_pos) -> None:
        self.popup_menu(edits.need_menu(self, self.state, need_id), global_pos)

    def popup_menu(self, menu: QMenu, global_pos) -> None:
        """Show a context menu and wait for the choice (tests replace this)."""
        menu.exec(global_pos)
        menu.deleteLater()

    def pin_selected(self) -> None:
        result = self.workspace.result()
        needs = self.state.selected_need_ids
        if result is None or not needs:
            self.statusBar().showMessage("Select solved needs in the table or on the map "
                                         "first", 5000)
            return
        with user_action(self, "Pin needs"):
            for need_id in needs:
                site_id = result.allocation(need_id).site_id
                if site_id is not None:
                    self.workspace.pin(need_id, site_id)

    def unpin_selected(self) -> None:
        edits.unpin(self, self.state, self.state.selected_need_ids)

    def _selected_site(self) -> str | None:
        sites = self.state.selected_site_ids
        if not sites:
            self.statusBar().showMessage("Select a site on the map first", 5000)
            return None
        return sites[0]

    def toggle_selected_site(self) -> None:
        site_id = self._selected_site()
        if site_id is not None:
            closed = site_id in self.workspace.current.closed_sites
            edits.set_site_closed(self, self.state, site_id, not closed)

    def _edit_selected_site(self) -> None:
        site_id = self._selected_site()
        if site_id is not None:
            edits.edit_site(self, self.state, site_id)

    def _delete_selected_site(self) -> None:
        site_id = self._selected_site()
        if site_id is not None:
            edits.delete_site(self, self.state, site_id)

    def _edit_selected_need(self) -> None:
        needs = self.state.selected_need_ids
        if needs:
            edits.edit_need(self, self.state, needs[0])
        else:
            self.statusBar().showMessage("Select a need on the map or in the table first", 5000)

    def _delete_selected_need(self) -> None:
        for need_id in self.state.selected_need_ids:
            edits.delete_need(self, self.state, need_id)

    def edit_selected_capacity(self) -> None:
        site_id = self._selected_site()
        if site_id is not None:
            edits.edit_capacity(self, self.state, site_id)

    def edit_settings(self) -> None:
        ws = self.workspace
        dialog = SettingsDialog(ws.current.settings, ws.current_name, self, ramp=ws.ramp,
                                needs=ws.dataset.needs)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            changes, ramp = dialog.changes(), dialog.ramp_change()
            if changes or ramp is not None:
                with user_action(self, "Scenario settings"):
                    ws.set_settings(f"Change settings of {ws.current_name}", ramp=ramp,
                                    **changes)

    def compare_scenarios(self) -> None:
        if len(self.workspace.scenario_names) < 2:
            self.statusBar().showMessage("Create a second scenario to compare with", 5000)
            return
        if self.compare_dialog is None:
            self.compare_dialog = CompareDialog(self.state, self)
            self.compare_dialog.highlightRequested.connect(self.map.highlight)
            self.compare_dialog.finished.connect(self._compare_closed)
        self.compare_dialog.show()
        self.compare_dialog.raise_()

    def test_robustness(self) -> None:
        """Scenario ▸ Test against late changes… (the study runs in the dialog's worker)."""
        from estates_planner.ui.robustness_dialog import RobustnessDialog

        dialog = RobustnessDialog(self.workspace, self)
        dialog.highlightRequested.connect(self.map.highlight)
        dialog.studyStored.connect(self._study_stored)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def _study_stored(self) -> None:
        """A late-data study was kept: the map can shade stability and lists its layer."""
        getattr(self.map, "refresh", lambda: None)()
        self._refresh_layers()

    def _compare_closed(self) -> None:
        self.map.highlight([], [])
        if self.compare_dialog is not None:
            self.compare_dialog.deleteLater()
        self.compare_dialog = None

    # ================================================================= solving
    def _busy(self) -> bool:
        if self.solve_thread is not None:
            self.statusBar().showMessage("Wait for the solver to finish, or cancel it", 5000)
            return True
        return False

    def solve(self) -> None:
        """Solve the current scenario in a worker thread with a progress dialog."""
        if self._busy():
            return
        scenario = self.workspace.current
        if not scenario.dataset.needs:
            QMessageBox.information(self, "Solve", "There are no needs to place: import a "
                                    "needs file first (File → Import).")
            return
        limit = scenario.settings.time_limit_s
        self.solve_worker = SolveWorker(self.workspace.project, scenario.name, limit,
                                        self.solve_function)
        self.solve_dialog = SolveProgressDialog(scenario.name, limit, self)
        self.solve_dialog.follow(self.solve_worker)
        self.solve_worker.finished.connect(self._solve_finished)
        self.solve_worker.failed.connect(self._solve_failed)
        self.solve_worker.done.connect(self._solve_done)
        self.act_solve.setEnabled(False)
        self.statusBar().showMessage(f"Solving {scenario.name}…")
        self.solve_dialog.show()
        self.solve_thread = start_worker(self.solve_worker, self)

    def _show_catchment(self, geometry) -> None:
        self.map.set_catchment(geometry)
        self.layers_panel.set_layers(self.map.layers())

    def cancel_solve(self) -> None:
        if self.solve_worker is not None:
            self.solve_worker.cancel()

    def _solve_finished(self, result: PlanResult, scenario) -> None:
        self.workspace.set_result(result, scenario)
        self.autosaver.autosave()  # a plan can take long to find: keep it safe at once
        unplaced = len(result.unplaced)
        self.statusBar().showMessage(
            f"Solved {scenario.name}: {result.status}, {len(result.allocations) - unplaced} "
            f"placed, {unplaced} unplaced, in {result.seconds:.1f} s", 10000)
        for message in result.messages[:3]:
            log.info("solver: %s", message)

    def _solve_failed(self, message: str) -> None:
        self.statusBar().showMessage("Solving stopped", 5000)
        if message:  # empty: an unexpected error the exception hook has reported
            QMessageBox.warning(self, "Solve", message)

    def _solve_done(self) -> None:
        end_thread(self.solve_thread, 10_000)
        self.solve_thread = None
        self.solve_worker = None
        if self.solve_dialog is not None:
            self.solve_dialog.finish()
            self.solve_dialog.deleteLater()
            self.solve_dialog = None
        self.act_solve.setEnabled(bool(self.workspace.dataset.needs))

    # ================================================================= closing
    def closeEvent(self, event) -> None:
        if self.solve_thread is not None:
            self.cancel_solve()
            self.solve_thread.wait(15_000)
        # ended by a signal (app.quit_on_signals): the work is in the recovery file, no dialog
        keep_work = getattr(self, "closing_on_signal", False)
        if not keep_work and not self.maybe_save():
            event.ignore()
            return
        self._save_layout()
        if self.compare_dialog is not None:
            self.compare_dialog.close()
        self.autosaver.stop()
        if not keep_work:
            self.autosaver.discard()  # a clean close: saved, or the user chose to discard
        event.accept()

    def offer_recovery(self) -> bool:
        """Offer to restore work left by a crash (called once the window is shown)."""
        return self.autosaver.offer_restore()
