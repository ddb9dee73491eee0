"""The "Unplaced and long journeys" dock: every need the plan leaves unplaced, with the nearest
site it could use but for one obstacle and the smallest change that would place it
(:func:`optimise.suggest.advise_unplaced`), and every placed need whose journey is longer than
the scenario's ``journey_warning_km``. Under "All years" of a contract plan it lists each
need-year not placed and each need-year with a long journey instead
(:func:`report.contract_overview.contract_issues`).

"Try this change" makes the change through the workspace (undoable) and solves: a what-if
scenario for a change of the scenario (capacity, reopen, a rule switch), or an edit of the
need for a new travel limit (a need's data is shared by every scenario).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError
from estates_planner.optimise.suggest import Change, advise_unplaced, long_journeys
from estates_planner.report.contract_overview import (
    OUT_OF_DATE,
    contract_issues,
    issue_row,
    issues_text,
)
from estates_planner.report.multiyear import year_title
from estates_planner.ui.common import user_action
from estates_planner.ui.state import WorkspaceState

HEADERS = ("Need", "Provider", "Issue", "Smallest change that would place it / journey",
           "Nearest site but for one obstacle")
# "All years" of a contract plan: a row per need-year (issue 15)
CONTRACT_HEADERS = ("Need", "Provider", "Year", "Issue", "Why not placed / journey")
_CHANGE_ROLE = Qt.ItemDataRole.UserRole + 1


class UnplacedPanel(QWidget):
    """Bound to the workspace state; worked out again whenever the plan changes and the
    dock is shown.

    ``solveRequested`` asks the window to solve the (new) current scenario after a change.
    """

    solveRequested = Signal()

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setObjectName("unplacedStatus")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("unplacedTree")
        self.tree.setAccessibleName("Unplaced needs and long journeys")
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.try_button = QPushButton("&Try this change", self)
        self.try_button.setObjectName("tryChange")
        self.try_button.setToolTip("Make the suggested change (a what-if scenario, or an edit "
                                   "of the need's travel limit) and solve; Undo takes it back")
        self.try_button.setEnabled(False)
        self.try_button.clicked.connect(self.try_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.try_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._dirty = True
        for signal in (state.projectChanged, state.scenarioChanged, state.resultChanged):
            signal.connect(self._changed)
        self.refresh()

    def _changed(self, *_args) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # ------------------------------------------------------------------ contents
    def refresh(self) -> None:
        self._dirty = False
        self.tree.clear()
        self.try_button.setEnabled(False)
        ws = self.state.workspace
        contract = ws.shown_contract()
        self.tree.setHeaderLabels(list(HEADERS if contract is None else CONTRACT_HEADERS))
        if contract is not None:
            self._refresh_contract(contract)
            return
        result = ws.result()
        if result is None:
            self.status.setText(f"<b>{ws.current_name}</b>: not solved yet.")
            return
        scenario = ws.scenario_for_costs()
        warning_km = scenario.settings.journey_warning_km
        try:
            advice = advise_unplaced(scenario, result)
            journeys = long_journeys(scenario, result, warning_km)
        except (EstatesError, KeyError, IndexError) as exc:
            self.status.setText(f"Cannot work out the unplaced needs: {exc}")
            return
        ds = scenario.dataset
        if ws.shown_label():  # a year of a contract plan
            stale = f" <b>{OUT_OF_DATE}.</b>" if ws.shown_plan_is_stale() else ""
        else:
            stale = " <i>(the plan is out of date: press F5)</i>" if ws.result_is_stale() else ""
        self.status.setText(
            f"<b>{len(advice)}</b> need{'s' if len(advice) != 1 else ''} not placed; "
            f"<b>{len(journeys)}</b> placed need{'s' if len(journeys) != 1 else ''} with a "
            f"journey over {warning_km:g} km.{stale}")
        for need_id, item_advice in advice.items():
            need = ds.need(need_id)
            best = item_advice.best
            what = best.text[:1].upper() + best.text[1:] if best else \
                "No single change places it"
            nearest = item_advice.nearest_text.removeprefix(
                "Nearest site it could use but for one obstacle: ")
            item = QTreeWidgetItem([need_id, need.provider, "Not placed", what,
                                    nearest[:1].upper() + nearest[1:]])
            item.setData(0, Qt.ItemDataRole.UserRole, need_id)
            item.setData(0, _CHANGE_ROLE, best)
            alloc = result.allocation_or_none(need_id)
            reason = alloc.unplaced_reason if alloc is not None else ""
            item.setToolTip(4, item_advice.nearest_text)
            item.setToolTip(3, "\n".join(
                [item_advice.nearest_text, "Other single changes: "
                 + ("; ".join(c.text for c in item_advice.changes[1:]) or "none"),
                 f"Why not placed: {reason}"]))
            self.tree.addTopLevelItem(item)
        for j in journeys:
            need = ds.need(j.need_id)
            site = ds.site(j.site_id)
            item = QTreeWidgetItem([j.need_id, need.provider,
                                    f"Journey {j.distance_km:,.1f} km",
                                    f"From {need.pdu} to {site.name}",
                                    f"{site.region}, {need.lot.label}"])
            item.setData(0, Qt.ItemDataRole.UserRole, j.need_id)
            self.tree.addTopLevelItem(item)
        self._fit_columns(3)

    def _refresh_contract(self, contract) -> None:  # noqa: ANN001 (MultiYearResult)
        """All years: a row per need-year not placed (with the year's reason) and per
        need-year whose journey is over the warning; the advice is a single year's."""
        ws = self.state.workspace
        scenario = ws.scenario_for_costs()
        warning_km = scenario.settings.journey_warning_km
        unplaced, journeys = contract_issues(contract, warning_km)
        titles = tuple(year_title(y.year) for y in contract.years)
        stale = f" <b>{OUT_OF_DATE}.</b>" if ws.shown_plan_is_stale() else ""
        self.status.setText(issues_text(unplaced, journeys, warning_km, len(titles)) + stale)
        for issue in (*unplaced, *journeys):
            row = issue_row(issue, scenario.dataset, titles)
            item = QTreeWidgetItem(list(row))
            item.setData(0, Qt.ItemDataRole.UserRole, issue.need_id)
            item.setToolTip(4, row[4])
            self.tree.addTopLevelItem(item)
        self._fit_columns(4)

    def _fit_columns(self, wide: int) -> None:
        """The provider's column and the ``wide`` text column as wide as their text, up to
        a cap; the last column takes the rest."""
        chars = self.fontMetrics().averageCharWidth()
        header = self.tree.header()
        self.tree.setColumnWidth(1, min(max(self.tree.sizeHintForColumn(1) + 12,
                                            header.sectionSizeHint(1)), 24 * chars))
        if wide < len(HEADERS) - 1:
            self.tree.setColumnWidth(wide, min(self.tree.sizeHintForColumn(wide) + 12,
                                               70 * chars))
        else:  # the Year and Issue columns as wide as they are
            for column in (2, 3):
                self.tree.resizeColumnToContents(column)

    def row_texts(self) -> list[tuple[str, ...]]:
        """Every row as shown, for tests."""
        return [tuple(self.tree.topLevelItem(i).text(c) for c in range(len(HEADERS)))
                for i in range(self.tree.topLevelItemCount())]

    def select_need(self, need_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == need_id:
                self.tree.setCurrentItem(item)
                return

    def selected_change(self) -> Change | None:
        items = self.tree.selectedItems()
        return items[0].data(0, _CHANGE_ROLE) if items else None

    def _selection_changed(self) -> None:
        items = self.tree.selectedItems()
        self.try_button.setEnabled(self.selected_change() is not None)
        if items:
            need_id = items[0].data(0, Qt.ItemDataRole.UserRole)
            self.state.set_selection([], [need_id])

    # ------------------------------------------------------------------ the change
    def try_selected(self) -> None:
        change = self.selected_change()
        if change is None:
            return
        ws = self.state.workspace
        with user_action(self, "Try this change"):
            if change.is_data_edit:
                ws.edit_need(change.need_id, max_travel_km=change.max_travel_km)
            else:
                changed = change.apply(ws.current).replace(
                    name=f"What if {change.need_id}: {_short(change)}")
                ws.add_what_if(changed, f"What if: {change.text}")
            self.solveRequested.emit()


def _short(change: Change) -> str:
    """A few words for the what-if scenario's name."""
    if change.kind == "travel_limit":
        return f"limit {change.max_travel_km:g} km"
    return {"capacity": f"more room at {change.site_id}", "reopen": f"reopen {change.site_id}",
            "unpin": "unpinned", "unbar": f"unbar {change.site_id}", "region": "other regions",
            "women_only": "R3 off", "wellbeing_authority": "R4 off",
            "go_live": "later go-live"}[change.kind]
