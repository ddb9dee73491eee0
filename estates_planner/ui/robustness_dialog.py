"""Scenario ▸ Test against late changes…: the late-data robustness study in the app.

The study itself is the core's (:mod:`estates_planner.studies`); this dialog edits its
settings (stored with the scenario, undoable like any setting), runs it in a worker thread
behind a progress dialog with Cancel, and shows the least stable placements, why they move,
and the headroom candidates side by side, one of which can be adopted as a new scenario.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError
from estates_planner.ui.common import money
from estates_planner.ui.workers import Worker, end_thread, start_worker

log = logging.getLogger(__name__)

_LEAST_STABLE_ROWS = 50


class StudyWorker(Worker):
    """Runs one late-data study in its own QThread; ``finished(result)`` carries the study.

    Signals
    -------
    progress(done, total, eta_s)
        Solves done of the total, and seconds left (NaN: not known yet).
    """

    progress = Signal(int, int, float)
    cancelled_message = "The study was cancelled; nothing was kept."
    activity = "running the robustness study"

    def __init__(self, scenario, study, chosen, scheduler_address: str | None,
                 run: Callable[..., object] | None = None) -> None:
        super().__init__()
        self.scenario, self.study, self.chosen = scenario, study, chosen
        self.scheduler_address = scheduler_address
        self._run = run

    def _report(self, event) -> None:
        eta = float("nan") if event.eta_s is None else float(event.eta_s)
        self.progress.emit(event.done, event.total, eta)

    def work(self) -> object:
        from estates_planner.studies import run_study

        run = self._run or run_study
        return run(self.scenario, self.study, chosen=self.chosen,
                   scheduler_address=self.scheduler_address, progress=self._report,
                   cancel=self.cancel_event)


def _table(parent: QWidget, headers: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c and text[:1] in "£0123456789-":
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class RobustnessDialog(QDialog):
    """The study's settings, its run, and its figures for the current scenario.

    Signals
    -------
    highlightRequested(site_ids, need_ids)
        The placements picked in the table, to highlight on the map.
    """

    highlightRequested = Signal(list, list)
    studyStored = Signal()  # the study is in the project's tables: the map can shade it

    def __init__(self, workspace, parent=None, run: Callable[..., object] | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._run = run
        self.result = None
        self.thread: QThread | None = None
        self.worker: StudyWorker | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.setWindowTitle(f"Test {workspace.current_name} against late changes")
        st = workspace.current.settings
        self.samples = QSpinBox(self)
        self.samples.setRange(1, 100_000)
        self.samples.setValue(st.samples)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2_000_000_000)
        self.seed.setValue(st.seed)
        self.need_change = self._number(st.need_change_pct, 0, 99, " %")
        self.late_rate = self._number(st.late_need_rate, 0, 1, "", 3)
        self.delay_prob = self._number(st.site_delay_prob, 0, 1, "", 3)
        self.loss_prob = self._number(st.site_loss_prob, 0, 1, "", 3)
        self.work_limit = self._number(st.sample_work_limit, 0.01, 1000, "", 2)
        self.headroom = QLineEdit(", ".join(f"{h:g}" for h in st.headroom_pct), self)
        self.scheduler = QLineEdit(self)
        self.scheduler.setPlaceholderText("empty: a local cluster on this computer")
        form = QFormLayout()
        form.addRow("Samples:", self.samples)
        form.addRow("Seed:", self.seed)
        form.addRow("Volumes change by up to ±", self.need_change)
        form.addRow("Late needs per need:", self.late_rate)
        form.addRow("Chance a site not yet open slips 6 months:", self.delay_prob)
        form.addRow("Chance a site drops out:", self.loss_prob)
        form.addRow("Work per sample (CP-SAT deterministic time):", self.work_limit)
        form.addRow("Capacity headroom of the candidates (%):", self.headroom)
        form.addRow("Dask scheduler (tcp://HOST:8786):", self.scheduler)
        settings_box = QGroupBox("Study", self)
        settings_box.setLayout(form)
        self.run_button = QPushButton("&Run study", self)
        self.run_button.clicked.connect(self.start)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.fragile = _table(self, ("Need", "Provider", "Lot", "Site", "Kept in", "Moves for",
                                     "Most often to"), "Least stable placements")
        self.fragile.itemSelectionChanged.connect(self._fragile_selected)
        self.candidates = _table(self, ("Plan", "Money before changes", "Money after (P50)",
                                        "Money after (P90)", "Moves (mean)",
                                        "Unplaced (mean)"), "Candidate plans")
        # one plan is adopted: one row at a time, whatever keys are held while clicking
        self.candidates.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.candidates.itemSelectionChanged.connect(self._update_adopt)
        self.adopt_button = QPushButton("&Adopt as scenario", self)
        self.adopt_button.setEnabled(False)
        self.adopt_button.clicked.connect(self.adopt)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.status, 1)
        adopt_row = QHBoxLayout()
        adopt_row.addStretch(1)
        adopt_row.addWidget(self.adopt_button)
        layout = QVBoxLayout(self)
        layout.addWidget(settings_box)
        layout.addLayout(run_row)
        layout.addWidget(QLabel("Least stable placements (share of samples in which a need "
                                "keeps its site):", self))
        layout.addWidget(self.fragile, 2)
        layout.addWidget(QLabel("Candidate plans on the same samples (money: annual desk cost "
                                "and amortised fit-out after adapting):", self))
        layout.addWidget(self.candidates, 1)
        layout.addLayout(adopt_row)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 110,
                    self.fontMetrics().height() * 40)

    def _number(self, value: float, low: float, high: float, suffix: str,
                decimals: int = 1) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setDecimals(decimals)
        box.setRange(low, high)
        box.setSuffix(suffix)
        box.setValue(value)
        return box

    # ------------------------------------------------------------------ running
    def setting_changes(self) -> dict[str, object]:
        """The study settings as the form has them (checked by the core's rules)."""
        from estates_planner.io.settings_toml import settings_from_dict

        try:
            headroom = [float(t) for t in self.headroom.text().replace(";", ",").split(",")
                        if t.strip()]
        except ValueError:
            headroom = [self.headroom.text()]  # type: ignore[list-item] - rejected below
        values = {"samples": self.samples.value(), "seed": self.seed.value(),
                  "need_change_pct": self.need_change.value(),
                  "late_need_rate": self.late_rate.value(),
                  "site_delay_prob": self.delay_prob.value(),
                  "site_loss_prob": self.loss_prob.value(),
                  "sample_work_limit": self.work_limit.value(), "headroom_pct": headroom}
        checked = settings_from_dict(values, source="the study settings")
        return {k: getattr(checked, k) for k in values}

    def start(self) -> None:
        from estates_planner.studies import StudySettings

        if self.thread is not None:
            return
        ws = self.workspace
        try:
            changes = self.setting_changes()
        except EstatesError as exc:
            QMessageBox.warning(self, "Study settings", str(exc))
            return
        # the saved plan is the one to test, unless the scenario was edited since it was
        # solved (asked before the study settings change: they do not change the plan)
        previous = ws.result()
        chosen = previous.assignment if previous is not None and not ws.result_is_stale() \
            else None
        ws.set_settings("Change late-data study settings", **changes)
        scenario = ws.scenario_for_costs()
        study = StudySettings.from_scenario(scenario)
        address = self.scheduler.text().strip() or None
        self.worker = StudyWorker(scenario, study, chosen, address, self._run)
        self.progress_dialog = QProgressDialog("Starting the study…", "Cancel", 0, 0, self)
        self.progress_dialog.setWindowTitle("Late-data study")
        self.progress_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress_dialog.setMinimumDuration(0)
        self.progress_dialog.setAutoClose(False)
        self.progress_dialog.setAutoReset(False)
        # direct: the worker's thread is busy running the study and would never deliver it
        self.progress_dialog.canceled.connect(self.worker.cancel,
                                              Qt.ConnectionType.DirectConnection)
        self.progress_dialog.canceled.connect(self._cancelling)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.worker.done.connect(self._stopped)
        self.run_button.setEnabled(False)
        self.status.setText(f"Running {study.samples} samples…")
        self.progress_dialog.show()
        self.thread = start_worker(self.worker, self)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _cancelling(self) -> None:
        self.status.setText("Cancelling…")

    def _progress(self, done: int, total: int, eta_s: float) -> None:
        dialog = self.progress_dialog
        if dialog is None:
            return
        dialog.setMaximum(total)
        dialog.setValue(done)
        left = "" if math.isnan(eta_s) else f", about {eta_s:.0f} s left"
        dialog.setLabelText(f"{done} of {total} solves done{left}")

    def _finished(self, result) -> None:
        from estates_planner.studies import store_study

        self.result = result
        store_study(self.workspace.project, result)
        self.workspace.mark_unsaved()  # the study is saved with the project
        self.studyStored.emit()
        self.show_result(result)

    def _failed(self, message: str) -> None:
        self.status.setText(message or "The study stopped after an unexpected error.")

    def _stopped(self) -> None:
        # the thread first: its worker is deleted as it ends (see end_thread)
        end_thread(self.thread, 5_000)
        self.thread = None
        if self.progress_dialog is not None:
            # a progress dialog that closes says "canceled": not news any more
            self.progress_dialog.canceled.disconnect()
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.worker = None
        self.run_button.setEnabled(True)

    # ------------------------------------------------------------------ showing
    def show_result(self, result) -> None:
        st = result.study
        kept = int((result.needs["stability"] >= 1.0).sum())
        self.status.setText(f"{st.samples} samples (seed {st.seed}): {kept} of "
                            f"{len(result.needs)} needs keep their site in every sample.")
        fragile = result.least_stable(_LEAST_STABLE_ROWS)
        fragile = fragile[fragile["stability"] < 1.0]
        _fill(self.fragile, [[r.need_id, r.provider, r.lot, r.site_id,
                              f"{100 * r.stability:.0f} %", r.main_reason,
                              r.most_frequent_new_site]
                             for r in fragile.itertuples(index=False)])
        best = result.best_candidate().name
        _fill(self.candidates, [[c.name + (" (best expected)" if c.name == best else ""),
                                 money(c.plan_money), money(c.money[1]), money(c.money[2]),
                                 f"{c.moves_mean:.1f}", f"{c.unplaced_mean:.1f}"]
                                for c in result.candidates])
        self._update_adopt()

    def _selected_candidate(self) -> str | None:
        rows = {i.row() for i in self.candidates.selectedIndexes()}
        if self.result is None or len(rows) != 1:
            return None
        figures = self.result.candidates[rows.pop()]
        return None if figures.headroom_pct == 0 else figures.name

    def _update_adopt(self) -> None:
        self.adopt_button.setEnabled(self._selected_candidate() is not None)

    def adopt(self) -> None:
        """A new scenario (a copy of the current one) whose plan is the chosen candidate's."""
        from estates_planner.studies import adopt_candidate

        name = self._selected_candidate()
        if name is None:
            return
        ws = self.workspace
        source = ws.current_name
        new_name = ws.unique_name(f"{source} ({name})")
        try:
            copy = ws.duplicate_scenario(source, new_name)
            _, plan = adopt_candidate(ws.scenario_for_costs(new_name), self.result, name,
                                      new_name)
        except EstatesError as exc:
            QMessageBox.warning(self, "Adopt as scenario", str(exc))
            return
        ws.set_result(plan, copy)
        self.status.setText(f"Adopted the {name} plan as scenario '{new_name}'.")

    def _fragile_selected(self) -> None:
        rows = sorted({i.row() for i in self.fragile.selectedIndexes()})
        needs = [self.fragile.item(r, 0).text() for r in rows]
        sites = sorted({self.fragile.item(r, 3).text() for r in rows} - {""})
        self.highlightRequested.emit(sites, needs)

    def reject(self) -> None:  # closing while running cancels first
        if self.thread is not None:
            self.cancel()
            self.thread.wait(10_000)
        self.highlightRequested.emit([], [])
        super().reject()
