"""The KPI panel: the figures of the current plan, from :func:`report.kpis.kpi_rows`.

The PDF summary and the comparison use the same rows and formats, so the three always agree.
A second tab, "Service users", shows the plan as people on probation meet it: per PDU, how
many separate places they go to and the journey to each (:func:`travel.service_user_view`,
along the project's road network when it has one, else in straight lines).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
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
from estates_planner.report.kpis import compute_kpis, format_value, kpi_rows
from estates_planner.travel.resolve import travel_model_for
from estates_planner.ui.state import WorkspaceState

# numbers before the long texts, so they show in a narrow dock
JOURNEY_HEADERS = ("PDU / site", "Locations", "Journey km", "Minutes", "Region / providers")
MINUTES_COLUMN = 3
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _km_text(value: float | None) -> str:
    if value is None:
        return "–"
    return "no road" if not math.isfinite(value) else f"{value:,.1f}"


def _min_text(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:,.0f}"


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
        figures = QWidget(self)
        inner = QVBoxLayout(figures)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.status)
        inner.addWidget(self.table)

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
        """(label, shown value) pairs as displayed, for tests and copying."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text())
                for r in range(self.table.rowCount())]

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
        if result is None:
            self.status.setText(f"<b>{ws.current_name}</b>: not solved yet. Press F5 to solve.")
            return
        stale = " <i>(out of date: the scenario was edited since; press F5)</i>" \
            if ws.result_is_stale() else ""
        gap = f", gap {100 * result.gap:.1f}%" if result.status == "feasible" else ""
        most = result.most_above_best
        room = "" if most is None else (
            f"<br>At most £{most:,.0f} a year above the best possible plan; solving again or "
            "a longer time limit may find a cheaper one.")
        self.status.setText(f"<b>{ws.current_name}</b>: {result.status}{gap}, "
                            f"{result.seconds:.1f} s{stale}{room}")
        self.status.setToolTip(result.proof_text)
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
