"""A site's week as a Mon-Fri grid: who is in on each day, desks and rooms used of the site's.

The content comes from the core (:func:`estates_planner.report.rota.site_week`); this is only
a table over it, shown by the inspector for the selected site (issue 17).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from estates_planner.report.rota import SiteWeek

# short row labels: a long one ("Interview rooms") takes the room of the five day columns in
# the narrow inspector, and "2 of 10" then wraps; the tooltips say them in full
ROWS = ("Desks", "Rooms", "In")
ROW_TIPS = ("Desks in use that day, of the site's", "Interview rooms in use that day, of the "
            "site's", "Providers in that day (hover a cell for their needs)")


class WeekGrid(QTableWidget):
    """Five columns (Mon-Fri); rows: desks used of the site's, rooms used, providers in.

    A day over capacity (a plan made without the daily rule, or read from a file) is marked
    with "over" so it stands out without relying on colour.
    """

    def __init__(self, week: SiteWeek, parent=None) -> None:
        super().__init__(len(ROWS), len(week.days), parent)
        self.setObjectName("weekGrid")
        self.setAccessibleName(f"Week of {week.site_name}")
        self.setHorizontalHeaderLabels([d.weekday for d in week.days])
        self.setVerticalHeaderLabels(list(ROWS))
        for row, tip in enumerate(ROW_TIPS):
            self.verticalHeaderItem(row).setToolTip(tip)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # no wrapping: rows are measured before the grid has its width, and "2 of 10" measured
        # in a narrow column would keep a wrapped row's height; providers are one a line
        self.setWordWrap(False)
        for col, day in enumerate(week.days):
            over_desks = " over" if day.desks_used > day.desks else ""
            over_rooms = " over" if day.rooms_used > day.rooms else ""
            self._cell(0, col, f"{day.desks_used} of {day.desks}{over_desks}")
            self._cell(1, col, f"{day.rooms_used} of {day.rooms}{over_rooms}")
            who = "\n".join(day.providers) or "—"
            item = self._cell(2, col, who)
            item.setToolTip("\n".join(f"{need_id}: {provider} ({lot}), {desks} desks, "
                                      f"{rooms} rooms"
                                      for need_id, provider, lot, desks, rooms in day.needs))
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + sum(self.rowHeight(r)
                                                        for r in range(self.rowCount()))
        # as tall as its rows, no taller: in the inspector's layout a table otherwise takes
        # what space is left and shows it empty under the week
        self.setFixedHeight(height + 2 * self.frameWidth() + 2)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _cell(self, row: int, col: int, text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        self.setItem(row, col, item)
        return item

    def cell_text(self, row: int, col: int) -> str:
        item = self.item(row, col)
        return item.text() if item is not None else ""
