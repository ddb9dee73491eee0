"""The progress dialog of a solve: objective and bound as they improve, elapsed time, Cancel."""

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

from estates_planner.ui.common import money


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
        for label, name in ((self.objective, "Best plan's cost"), (self.bound, "Lower bound"),
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
        form.addRow("Best plan's annual cost:", self.objective)
        form.addRow("Lower bound (no plan can cost less):", self.bound)
        form.addRow("Gap:", self.gap)
        form.addRow("Elapsed:", self.elapsed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stage)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(QLabel("Cancel keeps the best plan found so far.", self))
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.cancelled = False

    def update_progress(self, objective: float, bound: float, elapsed_s: float,
                        stage: str) -> None:
        if stage:
            self.stage.setText(stage[:1].upper() + stage[1:])
        if math.isfinite(objective):
            self.objective.setText(money(objective))
        if math.isfinite(bound):
            self.bound.setText(money(bound))
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
