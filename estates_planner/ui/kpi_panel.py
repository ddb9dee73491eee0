"""The KPI panel: the figures of the current plan, from :func:`report.kpis.kpi_rows`.

The PDF summary and the comparison use the same rows and formats, so the three always agree.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError
from estates_planner.report.kpis import compute_kpis, format_value, kpi_rows
from estates_planner.ui.state import WorkspaceState


class KpiPanel(QWidget):
    """Label/value table of the current scenario's plan, with its status above it."""

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setObjectName("kpiStatus")
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("kpiTable")
        self.table.setAccessibleName("Key figures of the plan")
        self.table.setHorizontalHeaderLabels(["Figure", "Value"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        for signal in (state.projectChanged, state.scenarioChanged, state.resultChanged):
            signal.connect(self.refresh)
        self.refresh()

    def rows(self) -> list[tuple[str, str]]:
        """(label, shown value) pairs as displayed, for tests and copying."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text())
                for r in range(self.table.rowCount())]

    def refresh(self, *_args) -> None:
        ws = self.state.workspace
        result = ws.result()
        self.table.setRowCount(0)
        if result is None:
            self.status.setText(f"<b>{ws.current_name}</b>: not solved yet. Press F5 to solve.")
            return
        stale = " <i>(out of date: the scenario was edited since; press F5)</i>" \
            if ws.result_is_stale() else ""
        gap = f", gap {100 * result.gap:.1f}%" if result.status == "feasible" else ""
        self.status.setText(f"<b>{ws.current_name}</b>: {result.status}{gap}, "
                            f"{result.seconds:.1f} s{stale}")
        try:
            rows = kpi_rows(compute_kpis(ws.current, result))
        except EstatesError as exc:
            self.status.setText(f"<b>{ws.current_name}</b>: {exc}")
            return
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            label = QTableWidgetItem(row.label)
            value = QTableWidgetItem(format_value(row.value, row.unit))
            value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 0, label)
            self.table.setItem(r, 1, value)
        self.table.resizeRowsToContents()
