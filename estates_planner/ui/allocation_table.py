"""The allocation table: one row per need with its site and costs, sortable and filterable.

Under "All years" of a contract plan a row is a need with its site in every contract year
and its moves between years (:mod:`estates_planner.report.contract_overview` works them
out); the filters, sorting and search work the same way.

Rows can be dragged out (mime ``application/x-estates-need-id``) onto a site on the map to pin
them there. Selection is shared with the map through :class:`~ui.state.WorkspaceState`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from estates_planner.model import Allocation, ServiceNeed
from estates_planner.report.contract_overview import ContractOverview, contract_overview
from estates_planner.ui.common import NEED_MIME, km, money
from estates_planner.ui.state import WorkspaceState

_ROOT = QModelIndex()  # the invisible root, as Qt's default "parent" argument
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NEED_ID_ROLE = Qt.ItemDataRole.UserRole + 2
UNPLACED = "(unplaced)"
ALL = "All"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    numeric: bool = False


COLUMNS = (
    Column("need_id", "Need"),
    Column("provider", "Provider"),
    Column("lot", "Lot"),
    Column("region", "Region"),
    Column("pdu", "PDU"),
    Column("desks", "Desks", True),
    Column("rooms", "Rooms", True),
    Column("days", "Days/wk", True),
    Column("site_id", "Site"),
    Column("site_name", "Site name"),
    Column("kind", "Site kind"),
    Column("travel_km", "Travel", True),
    Column("desk_cost", "Desk cost", True),
    Column("travel_cost", "Travel weight (points)", True),
    Column("paired", "Paired"),
    Column("pinned", "Pinned"),
    Column("status", "Status"),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
# a whole contract plan: who the need is, its moves between years and its site in each year
# (year columns are added per plan, keyed "year1", "year2", …) first, as they are what "All
# years" is for; then the rest of the need's fields and its pin
CONTRACT_HEAD_COLUMNS = (*COLUMNS[:COLUMN_INDEX["lot"] + 1], Column("moves", "Moves", True))
CONTRACT_TAIL_COLUMNS = (*COLUMNS[COLUMN_INDEX["region"]:COLUMN_INDEX["days"] + 1],
                         Column("pinned", "Pinned"))
FULL_VOLUME_TIP = ("The need's full volume; the ramp scales desks and rooms in each "
                   "contract year")


class AllocationTableModel(QAbstractTableModel):
    """Needs of the current scenario joined with the current result (if any), or with every
    year of the contract plan shown under "All years"."""

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.columns: tuple[Column, ...] = COLUMNS
        self._column_index = COLUMN_INDEX
        self.overview: ContractOverview | None = None
        self._rows: list[tuple[ServiceNeed, Allocation | None]] = []
        self._cells: list[tuple[str, ...]] = []
        self._sort_keys: list[tuple] = []
        self._row_of: dict[str, int] = {}
        self.reload()
        state.projectChanged.connect(self.reload)
        state.scenarioChanged.connect(self.reload)
        state.resultChanged.connect(self.reload)

    def reload(self, *_args) -> None:
        ws = self.state.workspace
        result = ws.result()
        contract = ws.shown_contract()
        self.beginResetModel()
        if contract is None:
            self.overview = None
            self.columns = COLUMNS
        else:
            self.overview = contract_overview(contract, (n.need_id for n in ws.dataset.needs))
            years = tuple(Column(f"year{k}", title)
                          for k, title in enumerate(self.overview.year_titles, start=1))
            self.columns = CONTRACT_HEAD_COLUMNS + years + CONTRACT_TAIL_COLUMNS
        self._column_index = {c.key: i for i, c in enumerate(self.columns)}
        self._rows = []
        for need in ws.dataset.needs:
            alloc = None if result is None else result.allocation_or_none(need.need_id)
            self._rows.append((need, alloc))
        self._row_of = {n.need_id: i for i, (n, _) in enumerate(self._rows)}
        # every cell worked out once here: views ask for the same cells many times over
        # while painting, sorting and filtering
        self._cells = []
        self._sort_keys = []
        for need, alloc in self._rows:
            pairs = [(c, self._value(need, alloc, c.key)) for c in self.columns]
            self._cells.append(tuple(self._display(c, v) for c, v in pairs))
            self._sort_keys.append(tuple(
                (float("inf") if v is None else float(v)) if c.numeric else str(v).lower()
                for c, v in pairs))
        # the stored plan's staleness says nothing of a contract plan shown instead
        self._stale = contract is None and ws.result_is_stale()
        self._solved = result is not None or contract is not None
        self.endResetModel()

    def column_index(self, key: str) -> int:
        """The column of ``key`` in the columns shown now (-1 when not shown)."""
        return self._column_index.get(key, -1)

    def matches(self, row: int, key: str, wanted: str) -> bool:
        """Does ``row`` pass the filter ``key`` = ``wanted`` ("region", "lot", "provider",
        "site_id"; ``UNPLACED`` for needs with no site)? Under "All years" a site filter
        keeps needs at that site in any year, and ``UNPLACED`` the needs unplaced in any
        year they are active."""
        if key == "site_id" and self.overview is not None:
            years = self.overview.needs[self.need_id(row)]
            if wanted == UNPLACED:
                return bool(years.unplaced_years)
            return wanted in years.site_ids
        value = self._cells[row][self._column_index[key]]
        if key == "site_id" and wanted == UNPLACED:
            return not value
        return value == wanted

    def sample_cells(self, n: int) -> list[tuple[str, ...]]:
        """The shown text of the first ``n`` rows (for sizing columns)."""
        return self._cells[:n]

    def row_text(self, row: int) -> str:
        """All cells of a row in lower case, for the search box (under "All years" with
        the ids of its sites too, as the one-year table has its site's id)."""
        text = " ".join(self._cells[row])
        if self.overview is not None:
            text += " " + " ".join(s for s in self.overview.needs[self.need_id(row)].site_ids
                                   if s)
        return text.lower()

    def row_of(self, need_id: str) -> int:
        return self._row_of.get(need_id, -1)

    def need_id(self, row: int) -> str:
        return self._rows[row][0].need_id

    # Qt model API
    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or section >= len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole and self.overview is not None:
            key = self.columns[section].key
            if key in ("desks", "rooms"):
                return FULL_VOLUME_TIP
            if key.startswith("year"):
                return "The need's site that year; — not active (ramp share 0)"
            if key == "moves":
                return "Moves between consecutive years (an unplaced year between is none)"
        return None

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def _value(self, need: ServiceNeed, alloc: Allocation | None, key: str) -> object:
        ws = self.state.workspace
        if self.overview is not None and key.startswith(("year", "moves")):
            years = self.overview.needs[need.need_id]
            if key == "moves":
                return years.moves
            return years.cell(int(key[4:]), self._site_name)
        site = None
        if alloc is not None and alloc.site_id and ws.dataset.has_site(alloc.site_id):
            site = ws.dataset.site(alloc.site_id)
        match key:
            case "need_id":
                return need.need_id
            case "provider":
                return need.provider
            case "lot":
                return need.lot.label
            case "region":
                return need.region
            case "pdu":
                return need.pdu
            case "desks":
                return need.desks
            case "rooms":
                return need.interview_rooms
            case "days":
                return need.days_per_week
            case "site_id":
                return alloc.site_id if alloc and alloc.site_id else ""
            case "site_name":
                return site.name if site else ""
            case "kind":
                return site.kind.label if site else ""
            case "travel_km":
                return alloc.travel_km if alloc else None
            case "desk_cost":
                return alloc.desk_cost if alloc and alloc.placed else None
            case "travel_cost":
                return alloc.travel_cost if alloc and alloc.placed else None
            case "paired":
                return "yes" if alloc and alloc.paired else ""
            case "pinned":
                return ws.current.pins.get(need.need_id, "")
            case "status":
                if alloc is None:
                    return "not solved"
                if not alloc.placed:
                    return f"unplaced: {alloc.unplaced_reason}" if alloc.unplaced_reason \
                        else "unplaced"
                return "moved" if alloc.moved else "placed"
        return None

    def _site_name(self, site_id: str) -> str:
        dataset = self.state.workspace.dataset
        return dataset.site(site_id).name if dataset.has_site(site_id) else site_id

    @staticmethod
    def _display(col: Column, value: object) -> str:
        if col.key == "travel_km":
            return km(value)  # type: ignore[arg-type]
        if col.key == "desk_cost":
            return money(value)  # type: ignore[arg-type]
        if col.key == "travel_cost":
            # person-km times the travel weight: a planning weight, not money
            return "" if value is None else f"{value:,.0f} points"
        return "" if value is None else str(value)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][column]
        if role == SORT_ROLE:
            return self._sort_keys[row][column]
        if role == NEED_ID_ROLE:
            return self._rows[row][0].need_id
        col = self.columns[column]
        if self.overview is not None and col.key.startswith("year"):
            return self._year_data(row, int(col.key[4:]), role)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._stale:
            from PySide6.QtGui import QColor

            return QColor("#777777")
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "status" and self._stale:
            return "The scenario was edited after this plan was solved; press F5 to re-solve."
        return None

    def _year_data(self, row: int, year: int, role):
        """A year cell's tooltip (the site's id; where the need moved from) and font (bold
        in the year the need arrives at a new site)."""
        years = self.overview.needs[self._rows[row][0].need_id]
        if role == Qt.ItemDataRole.FontRole and year in years.moved_in:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            site_id = years.site_ids[year - 1]
            if not site_id:
                return None
            text = f"{self._site_name(site_id)} ({site_id})"
            if year in years.moved_in:
                before = years.site_ids[year - 2]  # a move joins two placed years
                if before:
                    text += f"\nMoved here from {self._site_name(before)} ({before})"
            return text
        return None

    def mimeTypes(self) -> list[str]:
        return [NEED_MIME]

    def mimeData(self, indexes) -> QMimeData:
        ids = []
        for index in indexes:
            nid = self.need_id(index.row())
            if nid not in ids:
                ids.append(nid)
        mime = QMimeData()
        mime.setData(NEED_MIME, "\n".join(ids).encode("utf-8"))
        mime.setText("\n".join(ids))
        return mime

    def supportedDragActions(self):
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction


class AllocationFilter(QSortFilterProxyModel):
    """Keeps rows matching the chosen region, lot, provider and site, and a search text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._wanted: dict[str, str] = {}
        self._text = ""

    def set_filter(self, key: str, value: str | None) -> None:
        """``key`` is "region", "lot", "provider" or "site_id"; None or "All" clears it."""
        self.beginFilterChange()
        if value in (None, "", ALL):
            self._wanted.pop(key, None)
        else:
            self._wanted[key] = value
        self.endFilterChange()

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model = self.sourceModel()
        for key, wanted in self._wanted.items():
            if not model.matches(source_row, key, wanted):
                return False
        if self._text:
            return self._text in model.row_text(source_row)
        return True


class AllocationPanel(QWidget):
    """The table with its filter bar; selection follows and drives the shared selection."""

    contextMenuRequested = Signal(str, object)  # need id, global QPoint

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = AllocationTableModel(state, self)
        self.proxy = AllocationFilter(self)
        self.proxy.setSourceModel(self.model)
        self._syncing = False

        self.filters: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        for key, label in (("region", "&Region"), ("lot", "&Lot"), ("provider", "&Provider"),
                           ("site_id", "S&ite")):
            combo = QComboBox(self)
            combo.setAccessibleName(f"Filter by {label.replace('&', '').lower()}")
            # a short box (the bar must fit a narrow window); the list opens as wide as its
            # longest entry ("S0001 · Leeds Probation Office")
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
            caption = QLabel(label, self)
            caption.setBuddy(combo)
            bar.addWidget(caption)
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _i, k=key: self._filter_changed(k))
            self.filters[key] = combo
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search needs…")
        self.search.setAccessibleName("Search the allocation table")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        bar.addWidget(self.search, 1)
        self.count_label = QLabel(self)
        bar.addWidget(self.count_label)

        self.view = QTableView(self)
        self.view.setObjectName("allocationTable")
        self.view.setAccessibleName("Allocation table")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(self._table_selection_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view)

        self._fill_filters()
        self.model.modelReset.connect(self._after_reset)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        state.projectChanged.connect(self._fill_filters)
        state.selectionChanged.connect(self._apply_shared_selection)
        self._update_count()
        self._sized_for: tuple | None = None
        self._after_reset()

    def fit_columns(self) -> None:
        """Columns as wide as their contents, within reason (long names are elided)."""
        # measured with font metrics on the first rows: asking the view to size columns
        # goes through the style sheet for every cell and delays the window by half a second
        metrics = self.view.fontMetrics()
        header_metrics = self.view.horizontalHeader().fontMetrics()
        cap = metrics.averageCharWidth() * 28
        rows = self.model.sample_cells(200)
        padding = metrics.averageCharWidth() * 2 + 8
        for column, col in enumerate(self.model.columns):
            width = header_metrics.horizontalAdvance(col.title) + padding + 16  # sort arrow
            for cells in rows:
                width = max(width, metrics.horizontalAdvance(cells[column]) + padding)
            self.view.setColumnWidth(column, min(width, cap))

    # ---------------------------------------------------------------- filters
    def _fill_filters(self) -> None:
        ws = self.state.workspace
        values = {
            "region": ws.dataset.regions,
            "lot": sorted({n.lot.label for n in ws.dataset.needs}),
            "provider": ws.dataset.providers,
            "site_id": [UNPLACED, *sorted(s.site_id for s in ws.dataset.sites)],
        }
        # sites read "S0001 · Leeds Probation Office": the id to filter on, the name to find
        names = {s.site_id: s.name for s in ws.dataset.sites}
        for key, combo in self.filters.items():
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL, ALL)
            for value in values[key]:
                text = f"{value} · {names[value]}" if key == "site_id" and value in names \
                    and names[value] != value else value
                combo.addItem(text, value)
            index = combo.findData(keep) if keep in values[key] else 0
            combo.setCurrentIndex(max(index, 0))
            combo.setToolTip(combo.currentText())
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
            combo.blockSignals(False)
            self.proxy.set_filter(key, combo.currentData())

    def _filter_changed(self, key: str) -> None:
        combo = self.filters[key]
        combo.setToolTip(combo.currentText())
        self.proxy.set_filter(key, combo.currentData())

    def set_filter(self, key: str, value: str) -> None:
        """Choose a filter value (a site id for "site_id") as the combo box would."""
        combo = self.filters[key]
        combo.setCurrentIndex(max(combo.findData(value), 0))

    def _update_count(self, *_args) -> None:
        self.count_label.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} needs")

    def _after_reset(self) -> None:
        # fit the columns when the data or "solved or not" changes, not on every edit, so
        # widths the user set survive undo and redo
        key = (id(self.state.workspace.dataset), self.model._solved, self.model.columns)
        if key != self._sized_for:
            self._sized_for = key
            self.fit_columns()
        self._apply_shared_selection(self.state.selected_site_ids, self.state.selected_need_ids)

    # ---------------------------------------------------------------- selection
    def selected_need_ids(self) -> list[str]:
        rows = self.view.selectionModel().selectedRows()
        return [self.proxy.data(r, NEED_ID_ROLE) for r in rows]

    def _table_selection_changed(self, *_args) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.state.set_selection([], self.selected_need_ids())
        finally:
            self._syncing = False

    def _apply_shared_selection(self, site_ids: list[str], need_ids: list[str]) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            selection = QItemSelection()
            for nid in need_ids:
                row = self.model.row_of(nid)
                if row < 0:
                    continue
                proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
                if proxy_index.isValid():
                    selection.select(proxy_index, proxy_index)
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.view.selectionModel().select(selection, flags)
            if not selection.isEmpty():
                self.view.scrollTo(selection.indexes()[0])
        finally:
            self._syncing = False

    def _context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        need_id = self.proxy.data(index, NEED_ID_ROLE)
        self.contextMenuRequested.emit(need_id, self.view.viewport().mapToGlobal(pos))

