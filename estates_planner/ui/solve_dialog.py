"""The progress dialog of a solve: the optimiser score and its bound as they improve, elapsed
time, Cancel. The score is not money (weights and penalties are in it), so it shows in points
with a line saying so; the plan's money shows in the key figures once it is found."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
)

from estates_planner.report.figures import SCORE_EXPLANATION_LONG, format_figure


class SolveProgressDialog(QDialog):
    """Window-modal so edits wait for the plan, but the window still repaints and moves.

    ``cancelRequested`` fires when the user presses Cancel or closes the dialog; the dialog
    stays until the worker has stopped (it then calls :meth:`done`).
    """

    cancelRequested = Signal()

    def __init__(self, scenario_name: str, time_limit_s: float | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Solving {scenario_name}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.time_limit_s = time_limit_s
        self.stage = QLabel("Building the model…", self)
        self.objective = QLabel("—", self)
        self.bound = QLabel("—", self)
        self.gap = QLabel("—", self)
        self.elapsed = QLabel("0 s", self)
        for label, name in ((self.objective, "Best plan's optimiser score"),
                            (self.bound, "Lower bound on the score"),
                            (self.gap, "Gap"), (self.elapsed, "Elapsed time")):
            label.setAccessibleName(name)
            label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("Time used of the limit")
        if time_limit_s:
            self.bar.setRange(0, int(time_limit_s * 10))
        else:
            self.bar.setRange(0, 0)
        form = QFormLayout()
        form.addRow("Best plan's optimiser score:", self.objective)
        form.addRow("Lower bound (no plan can score less):", self.bound)
        form.addRow("Gap:", self.gap)
        form.addRow("Elapsed:", self.elapsed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stage)
        layout.addLayout(form)
        self.note = QLabel(SCORE_EXPLANATION_LONG + " The plan's annual property cost in £ shows "
                           "in Key figures when the solve ends.", self)
        self.note.setWordWrap(True)
        self.note.setObjectName("scoreNote")
        layout.addWidget(self.note)
        layout.addWidget(self.bar)
        layout.addWidget(QLabel("Cancel keeps the best plan found so far.", self))
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.cancelled = False

    def follow(self, worker) -> None:  # noqa: ANN001 (ui.workers.SolverWorker)
        """Show ``worker``'s progress, and let Cancel ask it to stop."""
        worker.progress.connect(self.update_progress)
        # direct: the worker's own thread is busy in the solver and would never deliver it
        self.cancelRequested.connect(worker.cancel, Qt.ConnectionType.DirectConnection)

    def update_progress(self, objective: float, bound: float, elapsed_s: float,
                        stage: str) -> None:
        if stage:
            self.stage.setText(stage[:1].upper() + stage[1:])
        if math.isfinite(objective):
            self.objective.setText(format_figure(objective, "points"))
        if math.isfinite(bound):
            self.bound.setText(format_figure(bound, "points"))
        if math.isfinite(objective) and math.isfinite(bound):
            self.gap.setText(f"{100 * max(objective - bound, 0) / max(abs(objective), 1):.1f}%")
        if math.isfinite(elapsed_s):
            self.elapsed.setText(f"{elapsed_s:.1f} s")
        if self.time_limit_s and math.isfinite(elapsed_s):
            self.bar.setValue(min(int(elapsed_s * 10), self.bar.maximum()))

    def _cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            self.stage.setText("Stopping… keeping the best plan found so far")
            self.buttons.setEnabled(False)
            self.cancelRequested.emit()

    def reject(self) -> None:  # Esc or the close button: cancel, but wait for the worker
        self._cancel()

    def finish(self) -> None:
        super().accept()
