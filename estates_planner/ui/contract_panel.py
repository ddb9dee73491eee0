"""The "Contract years" dock: terms by year, property cost by year, the comparison and the
moves between years of a contract plan.

The content comes from report.multiyear (Qt-free); this widget only lays it out. Money (the
property cost) is shown in £; the optimiser's terms, score and savings in points (issue 13).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from estates_planner.model import Scenario
from estates_planner.optimise.multiyear.result import MultiYearResult
from estates_planner.ramp import Ramp
from estates_planner.report.contract_overview import OUT_OF_DATE, OUT_OF_DATE_WHY
from estates_planner.report.multiyear import (
    comparison_rows,
    explain_moves,
    property_cost_by_year,
    terms_by_year,
)


def _points(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{x:,.0f} pts"


def _pounds(x: float) -> str:
    return f"£{x:,.0f}"


def _table(headers: list[str], rows: list[list[str]], name: str, *,
           figures_from: int = 1, stretch: int = 0) -> QTableWidget:
    """A read-only table: columns from ``figures_from`` on are figures (right-aligned,
    sized to their contents); column ``stretch`` takes the spare width and wraps."""
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c >= figures_from:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


STALE_NOTE = f"<b>{OUT_OF_DATE}</b>: {OUT_OF_DATE_WHY}."


class ContractPanel(QWidget):
    """Shows one contract plan in four tabs; empty with a hint until one is planned."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.headline = QLabel("No contract plan yet: Scenario ▸ Plan contract years…")
        self.headline.setWordWrap(True)
        self.stale_note = QLabel(STALE_NOTE, self)
        self.stale_note.setObjectName("contractStale")
        self.stale_note.setWordWrap(True)
        self.stale_note.setVisible(False)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.stale_note)
        layout.addWidget(self.tabs, 1)
        self.moves: list = []

    def set_stale(self, stale: bool) -> None:
        """Show or hide the out-of-date note (the rule is the workspace's)."""
        self.stale_note.setVisible(stale)

    def clear(self) -> None:
        self.tabs.clear()
        self.moves = []
        self.headline.setText("No contract plan yet: Scenario ▸ Plan contract years…")

    def show_plan(self, scenario: Scenario, ramp: Ramp, result: MultiYearResult,
                  comparison: Sequence[tuple[str, float, float, float]] | None = None) -> None:
        """Fill the tabs from ``result`` (planned for ``scenario`` with ``ramp``);
        ``comparison`` rows default to the result's own (a plan read back from a project
        is re-priced and brings its stored rows)."""
        self.tabs.clear()
        n = len(result.years)
        years = [f"Year {k}" for k in range(1, n + 1)]
        status = ("re-priced from the saved plan" if result.status == "evaluated"
                  else result.status)
        self.headline.setText(
            f"{scenario.name}: {n} contract years, score {_points(result.objective)} over the "
            f"horizon ({status}), {len(result.moves)} moves between years. Property cost is "
            "money (£); the score and its terms are planning points.")
        rows = [[label, *[_points(v) for v in values] + [""] * (n - len(values)),
                 _points(total)] for label, values, total in terms_by_year(result)]
        self.tabs.addTab(_table(["Term (points)", *years, "Horizon"], rows, "Terms by year"),
                         "Terms")
        cost = property_cost_by_year(scenario, result)
        rows = [["Property cost (desks and fit-out)", *[_pounds(c) for c in cost],
                 _pounds(sum(cost))]]
        self.tabs.addTab(_table(["Money", *years, "Total"], rows, "Property cost by year"),
                         "Property cost")
        rows = [[label, _points(objective), _points(saving),
                 "–" if not math.isfinite(share) else f"{100 * share:.1f} %"]
                for label, objective, saving, share in (
                    comparison_rows(result) if comparison is None else comparison)]
        rows.insert(0, ["This plan (all years together)", _points(result.objective), "", ""])
        self.tabs.addTab(_table(["Plan", "Score", "Saving", "Saving %"], rows, "Comparison",
                                stretch=0),
                         "Comparison")
        self.moves = explain_moves(scenario, ramp, result)
        ds = scenario.dataset
        rows = [[m.need_id, f"Year {m.year}",
                 f"{ds.site(m.from_site).name} → {ds.site(m.to_site).name}", m.why]
                for m in self.moves]
        moves = _table(["Need", "Year", "From → to", "Why"], rows, "Moves", figures_from=4,
                       stretch=3)
        # the sites' names fit a third of the width; why takes the rest and wraps
        moves.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        moves.setColumnWidth(2, 380)
        self.tabs.addTab(moves,
                         f"Moves ({len(self.moves)})")
