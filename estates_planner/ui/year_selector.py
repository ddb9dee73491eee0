"""The contract year selector (Year 1 … Year N, All) that drives the views of a contract plan."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

ALL_YEARS = 0  # the selector's value for "All": the single-year views show the plain plan


class YearSelector(QComboBox):
    """Choose a contract year; ``yearChosen(k)`` with k = 1..N, or ``ALL_YEARS``.

    Disabled until a contract plan exists (``set_years(0)``)."""

    yearChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Contract year")
        self.setToolTip("The contract year the map, table and key figures show")
        self.currentIndexChanged.connect(self._changed)
        self.set_years(0)

    def set_years(self, count: int) -> None:
        """Offer ``count`` years and All (All chosen); none disables the selector."""
        self.blockSignals(True)
        self.clear()
        self.addItem("All years", ALL_YEARS)
        for k in range(1, count + 1):
            self.addItem(f"Year {k}", k)
        self.setCurrentIndex(0)
        self.blockSignals(False)
        self.setEnabled(count > 0)

    def year(self) -> int:
        return int(self.currentData() or ALL_YEARS)

    def choose(self, year: int) -> None:
        index = self.findData(year)
        if index >= 0:
            self.setCurrentIndex(index)

    def _changed(self, _index: int) -> None:
        self.yearChosen.emit(self.year())
