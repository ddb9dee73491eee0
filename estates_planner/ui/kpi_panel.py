"""The KPI panel: the figures of the current plan.

"Figures" holds the headline figures with money, weights and penalties apart
(:func:`report.figures.figure_rows`: the annual property cost in £, service-user travel in
person-km, needs not placed, planning weights and the optimiser score, each section linking
to the user guide); "Details" holds the rest of :func:`report.kpis.kpi_rows`. The PDF
summary and the comparison use the same rows and formats, so they always agree.
A second tab, "Service users", shows the plan as people on probation meet it: per PDU, how
many separate places they go to and the journey to each (:func:`travel.service_user_view`,
along the project's road network when it has one, else in straight lines).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError
from estates_planner.report.contract_overview import OUT_OF_DATE, OUT_OF_DATE_WHY
from estates_planner.report.figures import (
    GUIDE_FIGURES,
    GUIDE_UNPLACED,
    GUIDE_WEIGHTS,
    SCORE_EXPLANATION,
    SCORE_EXPLANATION_LONG,
    FigureRow,
    figure_rows,
    format_figure,
)
from estates_planner.report.kpis import compute_kpis, format_value, kpi_rows
from estates_planner.report.multiyear import ALL_YEARS_LABEL
from estates_planner.travel.resolve import travel_model_for
from estates_planner.ui.state import WorkspaceState

# numbers before the long texts, so they show in a narrow dock
JOURNEY_HEADERS = ("PDU / site", "Locations", "Journey km", "Minutes", "Region / providers")
MINUTES_COLUMN = 3
CONTRACT_STALE = f"<b>{OUT_OF_DATE}</b>: {OUT_OF_DATE_WHY}."
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _shown_rows(table: QTableWidget) -> list[tuple[str, str]]:
    rows = []
    for r in range(table.rowCount()):
        label = table.item(r, 0)
        if label is None or label.data(Qt.ItemDataRole.UserRole) == "section":
            continue
        value = table.item(r, 1)
        rows.append((label.text().strip(), value.text() if value is not None else ""))
    return rows


def _km_text(value: float | None) -> str:
    if value is None:
        return "–"
    return "no road" if not math.isfinite(value) else f"{value:,.1f}"


def _min_text(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:,.0f}"


GUIDE_LINKS = (f'<a href="#{GUIDE_FIGURES}">What the figures mean</a> · '
               f'<a href="#{GUIDE_WEIGHTS}">Planning weights</a> · '
               f'<a href="#{GUIDE_UNPLACED}">Needs not placed</a>')


def _table(parent: QWidget, name: str, accessible: str) -> QTableWidget:
    table = QTableWidget(0, 2, parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(["Figure", "Value"])
    table.horizontalHeader().setVisible(False)
    table.verticalHeader().setVisible(False)
    # compact rows: the headline figures fit without scrolling in the default dock
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 4)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    return table


class KpiPanel(QWidget):
    """The current scenario's plan: its status, then the headline figures (money, travel,
    needs, planning weights, optimiser score) and a "Details" tab with the other figures.

    ``guideRequested(anchor)`` asks for the user guide at a section ("figures", "weights",
    "unplaced"): from the links under the figures, or a double-click on a figure.
    """

    guideRequested = Signal(str)

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setObjectName("kpiStatus")
        self.table = _table(self, "kpiTable", "Key figures of the plan")
        self.table.cellDoubleClicked.connect(self._row_double_clicked)
        self._anchors: list[str] = []
        self._contract: tuple[str, list[FigureRow], str] | None = None
        self.score_note = QLabel(SCORE_EXPLANATION, self)
        self.score_note.setToolTip(SCORE_EXPLANATION_LONG)
        self.score_note.setObjectName("scoreNote")
        self.score_note.setWordWrap(True)
        self.guide_links = QLabel(GUIDE_LINKS, self)
        self.guide_links.setObjectName("kpiGuideLinks")
        self.guide_links.setWordWrap(True)
        self.guide_links.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                 | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.guide_links.linkActivated.connect(
            lambda link: self.guideRequested.emit(link.lstrip("#")))
        figures = QWidget(self)
        inner = QVBoxLayout(figures)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(2)
        inner.addWidget(self.status)
        inner.addWidget(self.table, 1)
        inner.addWidget(self.score_note)
        inner.addWidget(self.guide_links)

        self.details = _table(self, "kpiDetails", "Other figures of the plan")
        details = QWidget(self)
        inner = QVBoxLayout(details)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.details)

        users = QWidget(self)
        self.journey_status = QLabel(users)
        self.journey_status.setWordWrap(True)
        self.journey_status.setObjectName("journeyStatus")
        self.journeys = QTreeWidget(users)
        self.journeys.setObjectName("serviceUserJourneys")
        self.journeys.setAccessibleName("Separate locations and journeys per PDU")
        self.journeys.setHeaderLabels(list(JOURNEY_HEADERS))
        self.journeys.setAlternatingRowColors(True)
        self.journeys.setUniformRowHeights(True)
        self.journeys.setSortingEnabled(False)
        inner = QVBoxLayout(users)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.journey_status)
        inner.addWidget(self.journeys, 1)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("kpiTabs")
        self.tabs.addTab(figures, "&Figures")
        self.tabs.addTab(users, "Service &users")
        self.tabs.addTab(details, "&Details")
        self.tabs.setTabToolTip(2, "Needs placed by lot and site kind, shares, locations per "
                                   "PDU, sites used and desk utilisation")
        self.tabs.setTabToolTip(1, "Per PDU: how many separate places its people attend, and "
                                   "the journey to each")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._journeys_dirty = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        for signal in (state.projectChanged, state.scenarioChanged, state.resultChanged):
            signal.connect(self.refresh)
        self.refresh()

    def rows(self) -> list[tuple[str, str]]:
        """(label, shown value) pairs of the headline figures as displayed (section headings
        left out), for tests and copying."""
        return _shown_rows(self.table)

    def detail_rows(self) -> list[tuple[str, str]]:
        """(label, shown value) pairs of the "Details" tab."""
        return _shown_rows(self.details)

    def _row_double_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._anchors) and self._anchors[row]:
            self.guideRequested.emit(self._anchors[row])

    def refresh(self, *_args) -> None:
        # the journeys are worked out only when their tab is shown
        self._journeys_dirty = True
        if self.tabs.currentIndex() == 1:
            self.refresh_journeys()
        self._refresh_figures()

    def _refresh_figures(self) -> None:
        ws = self.state.workspace
        result = ws.result()
        self.table.setRowCount(0)
        self.details.setRowCount(0)
        self._anchors = []
        # which part of a contract plan is shown ("Year 2 (2027-28)", "All years"), if any
        shown = ws.shown_label()
        name = f"<b>{ws.current_name}</b>" + (f" · <b>{shown}</b>" if shown else "")
        contract = self._contract
        if shown == ALL_YEARS_LABEL and contract is not None \
                and contract[0] == ws.current_name:
            stale = f"<br>{CONTRACT_STALE}" if ws.shown_plan_is_stale() else ""
            self.status.setText(f"{name}: the contract plan ({contract[2]}). Choose a year on "
                                "the toolbar for that year's figures; the Contract years dock "
                                f"has the terms, the comparison and the moves.{stale}")
            self.status.setToolTip("")
            self._fill(contract[1])
            return
        if result is None:
            self.status.setText(f"{name}: not solved yet. Press F5 to solve.")
            self.status.setToolTip("")
            return
        if shown:  # a year of a contract plan: planned again, not solved again
            stale = f"<br>{CONTRACT_STALE}" if ws.shown_plan_is_stale() else ""
        else:
            stale = " <i>(out of date: the scenario was edited since; press F5)</i>" \
                if ws.result_is_stale() else ""
        gap = f", gap {100 * result.gap:.1f}%" if result.status == "feasible" else ""
        most = result.most_above_best
        room = "" if most is None else (
            f"<br>Score at most {most:,.0f} points above the best plan.")
        year_note = "" if not shown or shown == ALL_YEARS_LABEL else (
            "<br><i>A year of the contract plan: fit-out is charged once over the contract "
            "(Contract years dock ▸ Property cost), not in the year.</i>")
        self.status.setText(f"{name}: {result.status}{gap}, "
                            f"{result.seconds:.1f} s{stale}{room}{year_note}")
        self.status.setToolTip(result.proof_text)
        try:
            # a contract year is costed with that year's volumes (the ramp's)
            kpis = compute_kpis(ws.scenario_for_figures(), result)
        except EstatesError as exc:
            self.status.setText(f"{name}: {exc}")
            return
        self._fill(figure_rows(kpis.figures))
        details = [row for row in kpi_rows(kpis) if row.section == "Plan"]
        self.details.setRowCount(len(details))
        for r, row in enumerate(details):
            value = QTableWidgetItem(format_value(row.value, row.unit))
            value.setTextAlignment(_RIGHT)
            self.details.setItem(r, 0, QTableWidgetItem(row.label))
            self.details.setItem(r, 1, value)

    def _fill(self, rows: list[FigureRow]) -> None:
        """The figures in sections (a bold heading row each), the headline rows in bold."""
        section = None
        bold = QFont(self.font())
        bold.setBold(True)
        for row in rows:
            if row.section != section:
                section = row.section
                r = self.table.rowCount()
                self.table.insertRow(r)
                head = QTableWidgetItem(section)
                head.setFont(bold)
                head.setFlags(Qt.ItemFlag.ItemIsEnabled)
                head.setData(Qt.ItemDataRole.UserRole, "section")
                self.table.setItem(r, 0, head)
                self.table.setSpan(r, 0, 1, 2)
                self._anchors.append(row.anchor)
            r = self.table.rowCount()
            self.table.insertRow(r)
            label = QTableWidgetItem("  " + row.label)
            label.setToolTip(f"{row.label}: double-click for what it means")
            value = QTableWidgetItem(format_figure(row.value, row.unit))
            value.setTextAlignment(_RIGHT)
            if row.label in ("Annual property cost", "Optimiser score", "Property cost",
                             "Total score"):
                label.setFont(bold)
                value.setFont(bold)
            self.table.setItem(r, 0, label)
            self.table.setItem(r, 1, value)
            self._anchors.append(row.anchor)

    def set_contract_figures(self, scenario_name: str, rows: list[FigureRow] | None,
                             status: str = "") -> None:
        """The figures of a contract plan of ``scenario_name``
        (:func:`report.multiyear.contract_figure_rows`), shown while "All years" is chosen;
        None forgets them. Call before showing the plan: the panel refreshes on that."""
        self._contract = None if rows is None else (scenario_name, list(rows), status)

    def rows_fit(self) -> bool:
        """Whether every headline row shows without scrolling (for the layout test)."""
        table = self.table
        needed = sum(table.rowHeight(r) for r in range(table.rowCount()))
        return needed <= table.viewport().height()

    # ---------------------------------------------------------------- service users
    def _tab_changed(self, index: int) -> None:
        if index == 1 and self._journeys_dirty:
            self.refresh_journeys()

    def journey_rows(self) -> list[tuple[str, ...]]:
        """The PDU rows as shown: (PDU, locations, mean km, mean minutes, region)."""
        return [tuple(self.journeys.topLevelItem(i).text(c) for c in range(len(JOURNEY_HEADERS)))
                for i in range(self.journeys.topLevelItemCount())]

    def site_rows(self, pdu: str) -> list[tuple[str, ...]]:
        """The journeys shown under ``pdu``: (site, "", km, minutes, providers), nearest first."""
        for i in range(self.journeys.topLevelItemCount()):
            top = self.journeys.topLevelItem(i)
            if top.text(0) == pdu:
                return [tuple(top.child(j).text(c) for c in range(len(JOURNEY_HEADERS)))
                        for j in range(top.childCount())]
        return []

    def refresh_journeys(self) -> None:
        """Fill the service-user tab from the current plan (along the roads when known)."""
        self._journeys_dirty = False
        self.journeys.clear()
        ws = self.state.workspace
        result = ws.result()
        if result is None:
            self.journey_status.setText(f"<b>{ws.current_name}</b>: not solved yet. Press F5 "
                                        "to see where each PDU's people would go.")
            return
        try:
            from estates_planner.travel import service_user_view

            model = travel_model_for(ws.project, ws.current)
            view = service_user_view(ws.current, result, model)
        except (EstatesError, ValueError) as exc:
            self.journey_status.setText(f"The journeys cannot be worked out: {exc}")
            return
        stale = " <i>(out of date: press F5)</i>" if ws.result_is_stale() else ""
        no_road = view.unreachable_journeys
        self.journey_status.setText(
            f"Each PDU's people attend <b>{view.mean_locations:.1f}</b> separate locations on "
            f"average (at most {view.max_locations}); mean journey "
            f"<b>{view.mean_journey_km:,.1f} km</b>, measured along: {view.travel_name}."
            + (f" {no_road} journey{'s' if no_road != 1 else ''} cannot be made by road."
               if no_road else "") + stale)
        minutes_known = any(j.minutes is not None for p in view.pdus for j in p.journeys)
        self.journeys.setColumnHidden(MINUTES_COLUMN, not minutes_known)
        for p in sorted(view.pdus, key=lambda p: (p.region, p.pdu)):
            reachable = [j for j in p.journeys if math.isfinite(j.distance_km)]
            mean_km = (sum(j.distance_km for j in reachable) / len(reachable)
                       if reachable else None)
            minutes = [j.minutes for j in reachable if j.minutes is not None]
            mean_min = sum(minutes) / len(minutes) if minutes else None
            top = QTreeWidgetItem([p.pdu, str(p.location_count), _km_text(mean_km),
                                   _min_text(mean_min), p.region])
            top.setToolTip(0, f"{p.pdu}: journeys from its service-user point "
                              f"({p.point_source}); the figures are means over its sites")
            if p.unplaced_need_ids:
                top.setToolTip(1, "Unplaced: " + ", ".join(p.unplaced_need_ids))
            for c in (1, 2, 3):
                top.setTextAlignment(c, _RIGHT)
            self.journeys.addTopLevelItem(top)
            for j in p.journeys:
                child = QTreeWidgetItem([f"{j.site_name} ({j.site_id})", "",
                                         _km_text(j.distance_km), _min_text(j.minutes),
                                         ", ".join(j.providers)])
                child.setToolTip(0, f"{j.site_name} ({j.site_id}): {len(j.need_ids)} need(s), "
                                    + ", ".join(j.need_ids))
                child.setToolTip(4, ", ".join(j.providers))
                for c in (2, 3):
                    child.setTextAlignment(c, _RIGHT)
                top.addChild(child)
        cap = self.fontMetrics().averageCharWidth() * 30  # long site names elide
        for c in range(len(JOURNEY_HEADERS)):
            self.journeys.resizeColumnToContents(c)
            self.journeys.setColumnWidth(c, min(self.journeys.columnWidth(c), cap))
