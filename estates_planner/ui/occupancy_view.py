"""The inspector's contract-years table: a selected site's desk-days used per year against
its capacity, with a bar of text so the years compare at a glance."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from estates_planner.report.multiyear import occupancy_by_year

_BAR_CELLS = 10


def _bar(used: int, available: int) -> str:
    if available <= 0:
        return ""
    full = round(_BAR_CELLS * min(used, available) / available)
    return "█" * full + "░" * (_BAR_CELLS - full)


class OccupancyView(QWidget):
    """Hidden unless a contract plan exists and one site is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractOccupancy")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.caption = QLabel("Contract years: desk-days a week used of available", self)
        self.caption.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setAccessibleName("Desk-days by contract year")
        self.table.setHorizontalHeaderLabels(["Year", "Desk-days", "Use"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.caption)
        layout.addWidget(self.table)
        self.rows: list[tuple[str, str]] = []
        self.hide()

    def show_site(self, site_id: str | None, scenario=None, ramp=None,  # noqa: ANN001
                  result=None) -> None:  # noqa: ANN001
        if site_id is None or result is None:
            self.rows = []
            self.hide()
            return
        years = occupancy_by_year(scenario, ramp, result).get(site_id, [])
        self.rows = []
        for y in years:
            used = (f"{y.desk_days_used} of {y.desk_days_available}" if y.available
                    else "not available")
            self.rows.append((f"Year {y.year}", used,
                              _bar(y.desk_days_used, y.desk_days_available)))
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setFixedHeight(self.table.horizontalHeader().height()
                                  + sum(self.table.rowHeight(r) for r in range(len(self.rows)))
                                  + 4)
        self.show()
