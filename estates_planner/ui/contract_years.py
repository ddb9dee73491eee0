"""Scenario ▸ Plan contract years…: the options dialog, the worker that solves off the GUI
thread, and the glue that keeps the "Contract years" dock, the year selector and the
inspector's occupancy table in step with the plan.

Installed on the main window by :func:`install_contract_years` (one call), so the window's
own modules change little. The business steps are the use case's
(:func:`usecases.multiyear.plan_contract_in_project`), shared with the CLI.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolBar,
    QWidget,
)

from estates_planner.io.ramp import RAMP_TABLE
from estates_planner.io.settings_toml import MAX_CONTRACT_YEARS
from estates_planner.optimise.multiyear.years import year_scenario
from estates_planner.report.multiyear import ALL_YEARS_LABEL, contract_figure_rows, year_title
from estates_planner.ui.contract_panel import ContractPanel
from estates_planner.ui.occupancy_view import OccupancyView
from estates_planner.ui.solve_dialog import SolveProgressDialog
from estates_planner.ui.workers import SolverWorker, end_thread, start_worker
from estates_planner.ui.year_selector import ALL_YEARS, YearSelector
from estates_planner.usecases.multiyear import (
    ContractRun,
    plan_contract_in_project,
    store_contract,
    stored_contract,
)

log = logging.getLogger(__name__)


class ContractOptionsDialog(QDialog):
    """Years, where the ramp comes from (the project or a file) and the keep-sites switch."""

    def __init__(self, years: int, keep_sites: bool, project_has_ramp: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan contract years")
        form = QFormLayout(self)
        self.years = QSpinBox(self)
        self.years.setRange(2, MAX_CONTRACT_YEARS)
        self.years.setValue(max(2, years))
        self.years.setAccessibleName("Contract years")
        form.addRow("Contract &years:", self.years)
        self.ramp_source = QComboBox(self)
        self.ramp_source.addItem("The project's ramp" if project_has_ramp
                                 else "No ramp (every need at full volume)", "project")
        self.ramp_source.addItem("A ramp file…", "file")
        self.ramp_source.setAccessibleName("Ramp source")
        form.addRow("&Ramp:", self.ramp_source)
        row = QHBoxLayout()
        self.ramp_path = QLineEdit(self)
        self.ramp_path.setPlaceholderText("ramp.csv")
        self.ramp_path.setAccessibleName("Ramp file")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        row.addWidget(self.ramp_path, 1)
        row.addWidget(browse)
        form.addRow("Ramp &file:", row)
        self.keep_sites = QCheckBox("Keep each need at one site in every year", self)
        self.keep_sites.setChecked(keep_sites)
        form.addRow("", self.keep_sites)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.ramp_path.textEdited.connect(lambda _t: self.ramp_source.setCurrentIndex(1))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Ramp file", "", "CSV files (*.csv)")
        if path:
            self.ramp_path.setText(path)
            self.ramp_source.setCurrentIndex(1)

    def chosen_ramp_path(self) -> Path | None:
        if self.ramp_source.currentData() == "file" and self.ramp_path.text().strip():
            return Path(self.ramp_path.text().strip())
        return None


class ContractWorker(SolverWorker):
    """Plans the contract years of one scenario in its own QThread (as SolveWorker does).

    ``finished(run)`` carries the :class:`ContractRun`, not yet stored: the project is the
    GUI thread's, and :meth:`ContractYears.apply` stores the run there.
    """

    cancelled_message = "Planning was cancelled before any plan was found."
    activity = "planning contract years"

    def __init__(self, project, scenario_name: str, years: int, ramp_path: Path | None,
                 keep_sites: bool, time_limit_s: float | None) -> None:
        super().__init__()
        self.project = project
        self.scenario_name = scenario_name
        self.options = dict(years=years, ramp_path=ramp_path, keep_sites=keep_sites,
                            time_limit_s=time_limit_s)

    def work(self) -> ContractRun:
        return plan_contract_in_project(self.project, self.scenario_name,
                                        progress=self._report, cancel=self.cancel_event,
                                        store=False, **self.options)


class ContractYears(QObject):
    """The contract plan in the app: command, dock, year selector and occupancy table.

    ``run`` is the last plan made in this session (the project file keeps the plan table,
    not the terms and comparison, so a reopened project shows the dock empty until planned
    again). Choosing Year k shows that year's plan in the map, the allocation table and the
    key figures; All shows the whole contract there (see :meth:`show_year`).
    """

    def __init__(self, window) -> None:  # noqa: ANN001 (MainWindow)
        super().__init__(window)
        self.window = window
        self.run: ContractRun | None = None
        self.selected_sites: list[str] = []
        self.worker: ContractWorker | None = None
        self.thread = None
        self.dialog: SolveProgressDialog | None = None
        self.panel = ContractPanel(window)
        self.dock = window._dock("Contract years", "contractDock", self.panel,
                                 Qt.DockWidgetArea.BottomDockWidgetArea)
        window.tabifyDockWidget(window.table_dock, self.dock)
        window.table_dock.raise_()
        self.selector = YearSelector(window)
        self.selector.yearChosen.connect(self.show_year)
        self.occupancy = OccupancyView(window.inspector)
        window.inspector.layout().addWidget(self.occupancy)
        window.state.selectionChanged.connect(self._selection)
        window.state.projectChanged.connect(self.load_stored)
        for signal in (window.state.scenarioChanged, window.state.resultChanged):
            signal.connect(self._update_stale)
        self.action = QAction("Plan contract &years…", window)
        self.action.setStatusTip("Plan several contract years together, with a ramp")
        self.action.triggered.connect(self.plan)

    def add_to(self, scenario_menu, toolbar) -> None:  # noqa: ANN001
        scenario_menu.addAction(self.action)
        toolbar.addSeparator()
        toolbar.addWidget(self.selector)

    # ------------------------------------------------------------------ planning
    def plan(self) -> None:
        window = self.window
        if window._busy() or self.thread is not None:
            return
        scenario = window.workspace.current
        if not scenario.dataset.needs:
            QMessageBox.information(window, "Plan contract years",
                                    "There are no needs to place: import a needs file first.")
            return
        has_ramp = RAMP_TABLE in window.workspace.project.tables
        options = ContractOptionsDialog(max(scenario.settings.contract_years, 4),
                                        scenario.settings.keep_sites_across_years,
                                        has_ramp, window)
        if options.exec() != QDialog.DialogCode.Accepted:
            return
        self.start(options.years.value(), options.chosen_ramp_path(),
                   options.keep_sites.isChecked())

    def start(self, years: int, ramp_path: Path | None, keep_sites: bool,
              time_limit_s: float | None = None) -> None:
        """Plan in a worker thread with the solve progress dialog (tests call this)."""
        scenario = self.window.workspace.current
        limit = scenario.settings.time_limit_s if time_limit_s is None else time_limit_s
        self.worker = ContractWorker(self.window.workspace.project, scenario.name, years,
                                     ramp_path, keep_sites, limit)
        self.dialog = SolveProgressDialog(f"{scenario.name}, {years} contract years", limit,
                                          self.window)
        self.dialog.follow(self.worker)
        self.worker.finished.connect(self.apply)
        self.worker.failed.connect(self._failed)
        self.worker.done.connect(self._done)
        self.action.setEnabled(False)
        self.dialog.show()
        self.thread = start_worker(self.worker, self.window)

    def apply(self, run: ContractRun) -> None:
        """Keep a plan solved in the worker: the scenario's contract years and keep-sites
        setting, and the ramp, as one undoable settings change; the plan in the project's
        tables."""
        ws = self.window.workspace
        name = run.scenario.name
        if name not in ws.scenario_names:
            return  # renamed or deleted while planning
        wanted = run.scenario.settings
        current = ws.scenario(name).settings
        changes = {key: getattr(wanted, key)
                   for key in ("contract_years", "keep_sites_across_years")
                   if getattr(wanted, key) != getattr(current, key)}
        if name == ws.current_name:
            # a ramp read from a file becomes the project's in the same undoable step
            ws.set_settings(f"Plan contract years of {name}",
                            ramp=run.ramp if run.ramp.rows else None, **changes)
        store_contract(ws.project, run.ramp, run.result)
        ws.contract_stored(name)
        self.finished(ContractRun(ws.scenario(name), run.ramp, run.result, run.warnings))

    def finished(self, run: ContractRun,
                 comparison: tuple[tuple[str, float, float, float], ...] | None = None) -> None:
        """Show a finished plan (also for a plan made without the worker)."""
        self.run = run
        self.panel.show_plan(run.scenario, run.ramp, run.result, comparison)
        self._update_stale()
        self.selector.set_years(len(run.result.years))
        self.show_year(ALL_YEARS)  # the key figures say a contract plan is shown
        self.dock.raise_()
        self.window.statusBar().showMessage(
            f"Planned {len(run.result.years)} contract years of {run.scenario.name}: "
            f"{run.result.status}, {len(run.result.moves)} moves", 10000)
        for warning in run.warnings:
            log.info("ramp: %s", warning)
        self._selection(self.selected_sites, [])

    def _failed(self, message: str) -> None:
        self.window.statusBar().showMessage("Planning stopped", 5000)
        if message:
            QMessageBox.warning(self.window, "Plan contract years", message)

    def _done(self) -> None:
        end_thread(self.thread, 10_000)
        self.thread = None
        self.worker = None
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog.deleteLater()
            self.dialog = None
        self.action.setEnabled(True)

    # ------------------------------------------------------------------ showing
    def show_year(self, year: int) -> None:
        """Year k: that year's plan in the map, table and key figures; All: every year at
        once (the table's site per year, the map's sites used in any year) with the
        contract's key figures. Shown only: the project keeps its own plan (saves are
        unchanged)."""
        run = self.run
        if run is None:
            return
        ws = self.window.workspace
        name = run.scenario.name
        if name not in ws.scenario_names:
            return
        if year == ALL_YEARS:
            self.window.kpi_panel.set_contract_figures(
                name, contract_figure_rows(run.scenario, run.ramp, run.result),
                f"{run.result.status}, {len(run.result.years)} years")
            ws.show_plan(name, None, ALL_YEARS_LABEL, contract=run.result,
                         planned_for=(run.scenario, run.ramp))
        else:
            plan = run.result.years[year - 1]
            ws.show_plan(name, plan.result, year_title(plan.year),
                         year_scenario(run.scenario, run.ramp, plan.year),
                         planned_for=(run.scenario, run.ramp))

    def _update_stale(self, *_args) -> None:
        """The dock says when the scenario or ramp changed after the plan was made; the
        layer list what the map's lines show (the selection's, under All years)."""
        self.window._refresh_layers()
        run = self.run
        ws = self.window.workspace
        self.panel.set_stale(run is not None and ws.contract_is_stale(
            run.scenario.name, run.scenario, run.ramp))

    def _selection(self, site_ids: list, _need_ids: list) -> None:
        self.selected_sites = list(site_ids)
        run = self.run
        if run is None or len(site_ids) != 1:
            self.occupancy.show_site(None)
            return
        self.occupancy.show_site(site_ids[0], run.scenario, run.ramp, run.result)

    def load_stored(self) -> None:
        """Another project: show the contract plan it keeps for the current scenario (re-
        priced from its table, with its stored comparison), else an empty dock."""
        self.run = None
        self.window.kpi_panel.set_contract_figures("", None)
        self.panel.clear()
        self.panel.set_stale(False)
        self.selector.set_years(0)
        self.occupancy.show_site(None)
        ws = self.window.workspace
        stored = stored_contract(ws.project, ws.scenario_for_costs())
        if stored is not None:
            self.finished(ContractRun(ws.current, stored.ramp, stored.result),
                          stored.comparison)


def install_contract_years(window) -> ContractYears:  # noqa: ANN001 (MainWindow)
    """Add the contract-years command, dock, year selector and occupancy table to
    ``window`` (after its docks, menus and toolbar are built)."""
    contract = ContractYears(window)
    bar = window.menuBar()
    scenario_menu = next(a.menu() for a in bar.actions() if a.text() == "&Scenario")
    toolbar = window.findChild(QToolBar, "mainToolbar")
    contract.add_to(scenario_menu, toolbar)
    contract.load_stored()
    return contract
