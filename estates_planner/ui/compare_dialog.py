"""Two scenarios side by side: the KPI table with changes, and the needs that moved; and,
when they have contract plans, the contract years compared year by year and over the
contract.

Everything shown comes from :func:`estates_planner.usecases.compare` and
:func:`estates_planner.usecases.comparing.compare_contracts`; selecting moved needs
highlights them on the map (through ``highlightRequested``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError
from estates_planner.report.figures import POINTS
from estates_planner.report.kpis import format_delta
from estates_planner.scenarios import MONEY_TERMS
from estates_planner.ui.common import money
from estates_planner.ui.state import WorkspaceState
from estates_planner.usecases import compare
from estates_planner.usecases.comparing import ContractComparison, compare_contracts

# a need's own change in the optimiser score (desk £ + weighted travel + weights and
# penalties): not money, so it reads in points
MOVE_HEADERS = ("Need", "Provider", "Lot", "From", "To", "Score change")
CHANGE_HEADERS = ("Figure", "A", "B", "Change (B − A)")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _table(parent: QWidget, headers: tuple[str, ...], name: str,
           stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class CompareDialog(QDialog):
    """Non-modal: the user can keep looking at the map while it is open.

    Signals
    -------
    highlightRequested(site_ids, need_ids)
        The moved needs (all of them, or the selected rows) and their old and new sites.
    """

    highlightRequested = Signal(list, list)

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Compare scenarios")
        self.comparison = None
        self.combo_a = QComboBox(self)
        self.combo_b = QComboBox(self)
        self.combo_a.setAccessibleName("First scenario")
        self.combo_b.setAccessibleName("Second scenario")
        names = state.workspace.scenario_names
        for combo in (self.combo_a, self.combo_b):
            combo.addItems(names)
        current = state.workspace.current_name
        other = next((n for n in names if n != current), current)
        self.combo_a.setCurrentText(other)
        self.combo_b.setCurrentText(current)
        top = QHBoxLayout()
        for text, combo in (("Scenario &A:", self.combo_a), ("Scenario &B:", self.combo_b)):
            label = QLabel(text, self)
            label.setBuddy(combo)
            top.addWidget(label)
            top.addWidget(combo, 1)
        self.contract_comparison: ContractComparison | None = None
        one_year = QWidget(self)
        self.summary = QLabel(one_year)
        self.summary.setWordWrap(True)
        self.kpis = _table(one_year, CHANGE_HEADERS, "KPI comparison", 0)
        self.moves = _table(one_year, MOVE_HEADERS, "Needs that moved", 1)
        self.moves.itemSelectionChanged.connect(self._moves_selected)
        split = QSplitter(Qt.Orientation.Vertical, one_year)
        split.addWidget(self.kpis)
        split.addWidget(self.moves)
        inner = QVBoxLayout(one_year)
        inner.setContentsMargins(0, 4, 0, 0)
        inner.addWidget(self.summary)
        inner.addWidget(split, 1)
        contract = QWidget(self)
        self.contract_summary = QLabel(contract)
        self.contract_summary.setWordWrap(True)
        self.contract_table = _table(contract, CHANGE_HEADERS, "Contract years compared", 0)
        self.contract_table.setWordWrap(False)
        # compact rows: a four-year plan's 30 rows show with little scrolling
        self.contract_table.verticalHeader().setDefaultSectionSize(
            self.contract_table.fontMetrics().height() + 6)
        inner = QVBoxLayout(contract)
        inner.setContentsMargins(0, 4, 0, 0)
        inner.addWidget(self.contract_summary)
        inner.addWidget(self.contract_table, 1)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(one_year, "&One-year plans")
        self.tabs.addTab(contract, "Contract &years")
        self.tabs.setTabToolTip(1, "The scenarios' contract plans (Scenario ▸ Plan contract "
                                   "years…), year by year and over the contract")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.combo_a.currentTextChanged.connect(self.refresh)
        self.combo_b.currentTextChanged.connect(self.refresh)
        # a plan made, a scenario renamed or removed while the window is open: shown at once
        # when it is visible, on its next showing when not
        self._stale = False
        state.resultChanged.connect(self._data_changed)
        state.contractChanged.connect(self._data_changed)
        state.scenariosChanged.connect(self._scenarios_changed)
        state.projectChanged.connect(self._scenarios_changed)
        self.resize(760, 700)
        self.refresh()

    def _data_changed(self, name: str = "") -> None:
        if name and name not in (self.combo_a.currentText(), self.combo_b.currentText()):
            return  # neither scenario shown changed
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _scenarios_changed(self) -> None:
        """The scenario lists follow the project's; a scenario shown that is gone is
        replaced by the current one."""
        names = self.state.workspace.scenario_names
        current = self.state.workspace.current_name
        for combo in (self.combo_a, self.combo_b):
            shown = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentText(shown if shown in names else current)
            combo.blockSignals(False)
        self._data_changed()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        if self._stale:
            self._stale = False
            self.refresh()
        super().showEvent(event)

    def set_pair(self, name_a: str, name_b: str) -> None:
        # one refresh, not one per combo: pricing two contract plans takes a moment
        for combo, name in ((self.combo_a, name_a), (self.combo_b, name_b)):
            combo.blockSignals(True)
            combo.setCurrentText(name)
            combo.blockSignals(False)
        self.refresh()

    def refresh(self, *_args) -> None:
        self._stale = False
        self._refresh_one_year()
        self._refresh_contract()
        if self.comparison is None and self.contract_comparison is not None:
            self.tabs.setCurrentIndex(1)
        self._fit_width()

    def _refresh_contract(self) -> None:
        """The contract years of both scenarios; the tab is disabled when neither has a
        contract plan."""
        ws = self.state.workspace
        a, b = self.combo_a.currentText(), self.combo_b.currentText()
        self.contract_table.setRowCount(0)
        self.contract_comparison = None
        try:
            cmp = compare_contracts(ws.project, a, b) if a and b else None
        except (ImportError, EstatesError) as exc:
            self.contract_summary.setText(f"The contract plans cannot be compared: {exc}")
            self.tabs.setTabEnabled(1, True)
            return
        self.tabs.setTabEnabled(1, cmp is not None)
        if cmp is None:
            self.contract_summary.setText("Neither scenario has a contract plan.")
            return
        self.contract_comparison = cmp
        self.contract_summary.setText(
            cmp.summary() + " Property cost is money (desks, and a site's whole fit-out in "
            "the year it is first used); scores are points.")
        bold = QFont(self.font())
        bold.setBold(True)
        table = self.contract_table
        for section in cmp.sections:
            r = table.rowCount()
            table.insertRow(r)
            head = QTableWidgetItem(section.title)
            head.setFont(bold)
            head.setData(Qt.ItemDataRole.UserRole, "section")
            table.setItem(r, 0, head)
            table.setSpan(r, 0, 1, len(CHANGE_HEADERS))
            for row in section.rows:
                r = table.rowCount()
                table.insertRow(r)
                for c, text in enumerate(row.formatted()):
                    item = QTableWidgetItem(("    " + text) if c == 0 else text)
                    if c:
                        item.setTextAlignment(_RIGHT)
                    if c == 3 and row.delta not in (None, 0):
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                    table.setItem(r, c, item)

    def contract_rows(self) -> list[tuple[str, ...]]:
        """The contract table as shown: (section, figure, A, B, change) per figure row."""
        out, section = [], ""
        t = self.contract_table
        for r in range(t.rowCount()):
            first = t.item(r, 0)
            if first.data(Qt.ItemDataRole.UserRole) == "section":
                section = first.text()
                continue
            out.append((section, first.text().strip(),
                        *(t.item(r, c).text() for c in (1, 2, 3))))
        return out

    def _refresh_one_year(self) -> None:
        ws = self.state.workspace
        a, b = self.combo_a.currentText(), self.combo_b.currentText()
        self.kpis.setRowCount(0)
        self.moves.setRowCount(0)
        self.comparison = None
        missing = [n for n in (a, b) if ws.result(n) is None]
        if missing:
            self.summary.setText("Solve " + " and ".join(sorted(set(missing)))
                                 + " first: only solved scenarios can be compared.")
            return
        try:
            cmp = compare(ws.project, a, b)
        except (ImportError, EstatesError) as exc:
            self.summary.setText(f"These scenarios cannot be compared: {exc}")
            return
        self.comparison = cmp
        stale = [n for n in (a, b) if ws.result_is_stale(n)]
        note = f" (plan of {', '.join(stale)} is out of date)" if stale else ""
        moved = cmp.moved + cmp.newly_placed + cmp.newly_unplaced
        change = sum(cmp.term_changes[t] for t in MONEY_TERMS)
        cost = ("B costs the same a year as A" if round(change) == 0 else
                f"B costs {money(abs(change))} a year {'more' if change > 0 else 'less'} "
                "than A")
        score = cmp.objective_change
        score_text = ("the same optimiser score" if round(score) == 0 else
                      f"optimiser score {format_delta(score, POINTS)} points (not money)")
        text = (f"{cost} (annual property cost); {score_text}; {len(cmp.moved)} needs moved, "
                f"{len(cmp.newly_placed)} newly placed, {len(cmp.newly_unplaced)} newly "
                f"unplaced{note}.")
        if cmp.moved and round(cmp.term_changes.get("moves", 0.0)) == 0:
            text += ("<br><i>Moves from baseline</i> is 0 although needs moved: it counts only "
                     "in a minimal-disruption re-plan, whose scenario has a baseline plan.")
        self.summary.setText(text)
        self.kpis.setRowCount(len(cmp.rows))
        for r, row in enumerate(cmp.rows):
            for c, text in enumerate(row.formatted()):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if c == 3 and row.delta not in (None, 0):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.kpis.setItem(r, c, item)
        self.moves.setRowCount(len(moved))
        for r, move in enumerate(moved):
            values = (move.need_id, move.provider, move.lot.label,
                      move.from_site_name or "unplaced", move.to_site_name or "unplaced",
                      format_delta(move.cost_change, POINTS))
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, move)
                if c == len(values) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.moves.setItem(r, c, item)
        self._emit_highlight(moved)

    def _fit_width(self) -> None:
        """Widen the dialog (up to the screen) so no column is clipped at its default size."""
        needed = max(sum(t.horizontalHeader().sectionSizeHint(c) if t.rowCount() == 0
                         else t.sizeHintForColumn(c) + 12 for c in range(t.columnCount()))
                     for t in (self.kpis, self.moves, self.contract_table)) + 48
        screen = self.screen().availableGeometry().width() if self.screen() else needed
        if needed > self.width():
            self.resize(min(needed, int(screen * 0.95)), self.height())

    def kpi_table(self) -> list[tuple[str, ...]]:
        return [tuple(self.kpis.item(r, c).text() for c in range(4))
                for r in range(self.kpis.rowCount())]

    def moved_need_ids(self) -> list[str]:
        return [self.moves.item(r, 0).text() for r in range(self.moves.rowCount())]

    def _moves_selected(self) -> None:
        rows = sorted({i.row() for i in self.moves.selectedItems()})
        moves = [self.moves.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]
        if not moves and self.comparison is not None:
            c = self.comparison
            moves = list(c.moved + c.newly_placed + c.newly_unplaced)
        self._emit_highlight(moves)

    def _emit_highlight(self, moves) -> None:
        sites = sorted({s for m in moves for s in (m.from_site_id, m.to_site_id) if s})
        self.highlightRequested.emit(sites, [m.need_id for m in moves])
