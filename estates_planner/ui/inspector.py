"""The inspector: every attribute of the selected site or need, where it sits, and why.

For a site: its data (including extra columns of the input), capacity bars of the current plan,
the needs placed there, buttons to close/reopen it and edit its capacity, and a catchment
control: the area reachable within N km or minutes along the project's road network (a
straight-line circle when there is none), emitted as ``catchmentChanged`` for the map. For a
need: its data, its placement and cost, and the core's explanation of why it sits there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError
from estates_planner.io.weekdays import DAYS_COLUMN, format_weekdays
from estates_planner.model import ServiceNeed, Site
from estates_planner.report.contract_overview import ContractOverview, contract_overview
from estates_planner.report.rota import site_week
from estates_planner.travel.resolve import travel_model_for
from estates_planner.ui import edits
from estates_planner.ui.common import km, money
from estates_planner.ui.state import WorkspaceState
from estates_planner.ui.week_grid import WeekGrid


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


class Inspector(QWidget):
    """Shows the first selected site, else the first selected need.

    Signals
    -------
    catchmentChanged(geometry)
        The catchment to draw on the map: a shapely polygon in British National Grid metres,
        or None to clear it (another item selected, another project, or "Clear").
        The main window connects it to ``MapBinding.set_catchment``.
    """

    catchmentChanged = Signal(object)

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        # the catchment drawn for a site, and the last limit asked for (kept across refreshes)
        self.catchment = None
        self.catchment_site: str | None = None
        self.catchment_text = ""
        self.catchment_limit = {"km": 10.0, "minutes": 20.0}
        self.catchment_measure = "km"
        self.setAccessibleName("Inspector")
        self.title = QLabel(self)
        self.title.setObjectName("inspectorTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body = QWidget(self)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        self.shown: tuple[str, str] | None = None  # ("site"|"need", id)
        state.selectionChanged.connect(self.refresh)
        state.projectChanged.connect(self._drop_catchment)  # before the refresh below
        for signal in (state.scenarioChanged, state.resultChanged, state.projectChanged):
            signal.connect(self.refresh)
        self.refresh()

    def _clear(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()  # first: a focused child must not take the window's focus
                widget.setParent(None)  # gone from findChild at once, deleted later
                widget.deleteLater()

    def refresh(self, *_args) -> None:
        before = self.shown
        self._clear()
        ws = self.state.workspace
        sites = [s for s in self.state.selected_site_ids if ws.dataset.has_site(s)]
        needs = [n for n in self.state.selected_need_ids if ws.dataset.has_need(n)]
        if self.catchment_site is not None and (not sites or sites[0] != self.catchment_site):
            self._drop_catchment()  # the catchment belongs to the site no longer shown
        if sites:
            self.shown = ("site", sites[0])
            self._show_site(ws.dataset.site(sites[0]))
        elif needs:
            self.shown = ("need", needs[0])
            self._show_need(ws.dataset.need(needs[0]))
        else:
            self.shown = None
            self.title.setText("<b>Nothing selected</b>")
            hint = QLabel("Click a site or a need on the map, or a row of the allocation "
                          "table, to see its details here.", self.body)
            hint.setWordWrap(True)
            self.body_layout.addWidget(hint)
        extra = len(sites) + len(needs) - 1
        if extra > 0:
            self.title.setText(self.title.text() + f"<br><small>and {extra} more selected"
                               "</small>")
        self.body_layout.addStretch(1)
        if self.shown != before:  # another item: start at its top; same item: stay put
            self.scroll.verticalScrollBar().setValue(0)

    def _form(self, title: str, rows: list[tuple[str, object]]) -> QGroupBox:
        box = QGroupBox(title, self.body)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, value in rows:
            field = QLabel(_text(value), box)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setAccessibleName(label)
            form.addRow(f"{label}:", field)
        self.body_layout.addWidget(box)
        return box

    # ---------------------------------------------------------------- site
    def _show_site(self, site: Site) -> None:
        ws = self.state.workspace
        scenario = ws.current
        closed = site.site_id in scenario.closed_sites
        women = " · women-only" if site.women_only else ""
        self.title.setText(f"<b>{site.name}</b><br>{site.kind.label}{women}"
                           + (" · <b>closed in this scenario</b>" if closed else ""))
        desks, rooms = scenario.site_capacity(site)
        rows: list[tuple[str, object]] = [
            ("Site id", site.site_id), ("Region", site.region), ("PDU", site.pdu),
            ("Desks", desks if desks == site.desks else f"{desks} (data: {site.desks})"),
            ("Interview rooms", rooms if rooms == site.interview_rooms
             else f"{rooms} (data: {site.interview_rooms})"),
            ("Cost per desk a year", money(site.annual_cost_per_desk)),
            ("Fit-out cost", money(site.fit_out_cost)),
            ("Available from", site.available_from), ("Step-free access", site.step_free),
            ("Easting, northing", f"{site.easting:,.0f}, {site.northing:,.0f}"),
        ]
        # what the planner acts on first; the reference data below it
        self._site_usage(site)
        buttons = QHBoxLayout()
        toggle = QPushButton("&Reopen site" if closed else "&Close site", self.body)
        toggle.setObjectName("toggleSiteButton")
        toggle.clicked.connect(
            lambda: edits.set_site_closed(self, self.state, site.site_id, not closed))
        capacity = QPushButton("Edit ca&pacity…", self.body)
        capacity.clicked.connect(lambda: edits.edit_capacity(self, self.state, site.site_id))
        buttons.addWidget(toggle)
        buttons.addWidget(capacity)
        buttons.addStretch(1)
        holder = QWidget(self.body)
        holder.setLayout(buttons)
        self.body_layout.addWidget(holder)
        self._catchment_box(site)
        self._form("Site", rows)
        if site.extra:
            self._form("Other columns", [(str(k), v) for k, v in site.extra.items()])

    # ---------------------------------------------------------------- catchment
    def _network(self):
        """The project's road network (a ``TravelNetwork``), or None for straight lines."""
        from estates_planner.travel import TravelNetwork

        ws = self.state.workspace
        try:
            model = travel_model_for(ws.project, ws.current)
        except EstatesError:
            return None
        network = getattr(model, "network", None)
        return network if isinstance(network, TravelNetwork) else None

    def _catchment_box(self, site: Site) -> None:
        network = self._network()
        box = QGroupBox("Catchment", self.body)
        box.setObjectName("catchmentBox")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        caption = QLabel("&Within", box)
        limit = QDoubleSpinBox(box)
        limit.setObjectName("catchmentLimit")
        limit.setAccessibleName("Catchment limit")
        limit.setDecimals(0)
        limit.setRange(1, 500)
        caption.setBuddy(limit)
        unit = QComboBox(box)
        unit.setObjectName("catchmentMeasure")
        unit.setAccessibleName("Catchment measured in")
        unit.addItem("km", "km")
        if network is not None and network.has_minutes:
            unit.addItem("minutes", "minutes")
        measure = self.catchment_measure if unit.findData(self.catchment_measure) >= 0 else "km"
        unit.setCurrentIndex(unit.findData(measure))
        limit.setValue(self.catchment_limit[measure])
        unit.currentIndexChanged.connect(
            lambda _i: limit.setValue(self.catchment_limit[unit.currentData()]))
        show = QPushButton("Show ca&tchment", box)
        show.setObjectName("showCatchmentButton")
        show.clicked.connect(lambda: self.show_catchment(site.site_id, limit.value(),
                                                         unit.currentData()))
        clear = QPushButton("Clear", box)
        clear.setObjectName("clearCatchmentButton")
        clear.setEnabled(self.catchment_site == site.site_id)
        clear.clicked.connect(self.clear_catchment)
        for widget in (caption, limit, unit, show, clear):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        how = ("Along the road network: the roads reachable from the site, widened by 250 m."
               if network is not None else
               "Straight-line circle: the project has no road network, so the catchment is a "
               "buffer around the site, not a journey.")
        note = QLabel(self.catchment_text if self.catchment_site == site.site_id else how, box)
        note.setObjectName("catchmentNote")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.body_layout.addWidget(box)

    def show_catchment(self, site_id: str, limit: float, measure: str = "km") -> None:
        """Work out the catchment of ``site_id`` and send it to the map.

        Along the project's road network when it has one (``travel.catchment``), else a
        straight-line buffer of ``limit`` km, said so in the inspector.
        """
        ws = self.state.workspace
        site = ws.dataset.site(site_id)
        self.catchment_limit[measure] = float(limit)
        self.catchment_measure = measure
        network = self._network()
        unit = "km" if measure == "km" else "minutes"
        try:
            if network is None:
                if measure != "km":
                    raise EstatesError("a catchment in minutes needs a road network with "
                                       "speeds; this project has none, so use km")
                from shapely.geometry import Point

                geometry = Point(site.xy).buffer(limit * 1000.0, quad_segs=32)
                text = (f"Straight-line buffer of {limit:g} km around the site (the project "
                        f"has no road network): {geometry.area / 1e6:,.0f} km².")
            else:
                from estates_planner.travel import catchment

                geometry = catchment(network, site.xy, limit, measure=measure)
                if geometry.is_empty:
                    text = (f"Within {limit:g} {unit} the site does not reach the road "
                            "network: nothing to show.")
                else:
                    text = (f"Reachable within {limit:g} {unit} along the road network "
                            f"({network.source}), widened by 250 m: "
                            f"{geometry.area / 1e6:,.0f} km².")
        except (EstatesError, ValueError) as exc:
            self.catchment, self.catchment_site = None, site_id
            self.catchment_text = f"No catchment: {exc}"
            self.catchmentChanged.emit(None)
            self.refresh()
            return
        self.catchment = None if geometry.is_empty else geometry
        self.catchment_site = site_id
        self.catchment_text = text
        self.catchmentChanged.emit(self.catchment)
        self.refresh()

    def clear_catchment(self, *_args) -> None:
        """Take the catchment off the map."""
        if self._drop_catchment() and self.shown is not None and self.shown[0] == "site":
            self.refresh()

    def _drop_catchment(self, *_args) -> bool:
        had = self.catchment_site is not None
        self.catchment, self.catchment_site, self.catchment_text = None, None, ""
        if had:
            self.catchmentChanged.emit(None)
        return had

    def _contract_overview(self, need_ids) -> ContractOverview | None:  # noqa: ANN001
        """The whole contract plan shown ("All years") for ``need_ids``, or None."""
        contract = self.state.workspace.shown_contract()
        return None if contract is None else contract_overview(contract, need_ids)

    def _site_usage(self, site: Site) -> None:
        ws = self.state.workspace
        overview = self._contract_overview(())
        if overview is not None:
            # every year at once: the years it is used here, each year's desk-days in the
            # contract's chart below; one year's week only with that year chosen
            box = QGroupBox("Use over the contract years", self.body)
            label = QLabel(f"{overview.site_use_text(site.site_id)}. Choose a year on the "
                           "toolbar for its needs and week.", box)
            label.setWordWrap(True)
            QVBoxLayout(box).addWidget(label)
            self.body_layout.addWidget(box)
            return
        result = ws.result()
        box = QGroupBox("Use in the current plan", self.body)
        layout = QVBoxLayout(box)
        usage = result.site_usage.get(site.site_id) if result is not None else None
        if site.site_id in ws.current.closed_sites:
            placed = f" ({len(usage.need_ids)} needs placed in the plan shown)" \
                if usage is not None and usage.need_ids else ""
            layout.addWidget(QLabel(f"Closed in this scenario{placed}.", box))
            self.body_layout.addWidget(box)
            return
        if usage is None:
            layout.addWidget(QLabel("Not solved yet." if result is None
                                    else "No needs placed here.", box))
            self.body_layout.addWidget(box)
            return
        for label, used, available in (
                ("Desk-days a week", usage.desk_days_used, usage.desk_days_available),
                ("Room-days a week", usage.room_days_used, usage.room_days_available)):
            bar = QProgressBar(box)
            bar.setAccessibleName(label)
            bar.setRange(0, max(available, 1))
            bar.setValue(min(used, max(available, 1)))
            bar.setFormat(f"{label}: {used} of {available}")
            bar.setTextVisible(True)
            layout.addWidget(bar)
        if usage.need_ids:
            ds = ws.dataset
            names = ", ".join(f"{n} ({ds.need(n).provider})" if ds.has_need(n) else n
                              for n in usage.need_ids[:30])
            more = f" and {len(usage.need_ids) - 30} more" if len(usage.need_ids) > 30 else ""
            placed = QLabel(f"Needs here: {names}{more}", box)
            placed.setWordWrap(True)
            layout.addWidget(placed)
            # the week (issue 17): providers by day, desks and rooms used of the site's
            layout.addWidget(WeekGrid(site_week(ws.current, result, site.site_id), box))
        self.body_layout.addWidget(box)

    # ---------------------------------------------------------------- need
    def _show_need(self, need: ServiceNeed) -> None:
        ws = self.state.workspace
        pinned = ws.current.pins.get(need.need_id)
        self.title.setText(f"<b>{need.need_id}</b><br>{need.provider} · {need.lot.label}"
                           + (f" · pinned to {pinned}" if pinned else ""))
        result = ws.result()
        overview = self._contract_overview((need.need_id,))
        if overview is not None:
            years = overview.needs[need.need_id]
            self._form("Over the contract years", [
                *((title, years.cell(k, lambda s: ws.dataset.site(s).name
                                     if ws.dataset.has_site(s) else s))
                  for k, title in enumerate(overview.year_titles, start=1)),
                ("Moves between years", years.moves)])
        elif result is None:
            self.body_layout.addWidget(QLabel("Not solved yet: press F5.", self.body))
        else:
            alloc = result.allocation_or_none(need.need_id)
            if alloc is not None:
                site = ws.dataset.site(alloc.site_id) if alloc.site_id and \
                    ws.dataset.has_site(alloc.site_id) else None
                self._form("Placement", [
                    ("Site", f"{site.name} ({site.site_id})" if site else
                     f"unplaced: {alloc.unplaced_reason or 'no allowed site with room'}"),
                    ("Travel", km(alloc.travel_km)), ("Desk cost", money(alloc.desk_cost)),
                    ("Travel weight", f"{alloc.travel_cost:,.0f} points"), ("Paired", alloc.paired),
                    ("Days", format_weekdays(alloc.weekdays) or "—"),
                    ("Shares a day with its pair", alloc.same_day),
                ])
                self._explanation(need.need_id)
        buttons = QHBoxLayout()
        pin_button = QPushButton("&Pin to site…", self.body)
        pin_button.clicked.connect(
            lambda: edits.choose_site_and_pin(self, self.state, need.need_id))
        unpin_button = QPushButton("&Unpin", self.body)
        unpin_button.setEnabled(pinned is not None)
        unpin_button.clicked.connect(lambda: edits.unpin(self, self.state, [need.need_id]))
        buttons.addWidget(pin_button)
        buttons.addWidget(unpin_button)
        buttons.addStretch(1)
        holder = QWidget(self.body)
        holder.setLayout(buttons)
        self.body_layout.addWidget(holder)
        self._form("Need", [
            ("Provider", need.provider), ("Lot", need.lot), ("Region", need.region),
            ("PDU", need.pdu), ("Desks", need.desks), ("Interview rooms", need.interview_rooms),
            ("Days a week", need.days_per_week),
            ("Fixed days", format_weekdays(need.fixed_days) or "none (the optimiser chooses)"),
            ("Caseload", need.caseload),
            ("Maximum travel", km(need.max_travel_km) or "no limit"),
            ("Service users from", need.location_source),
        ])
        # the days column is shown above as "Fixed days", read and checked
        other = [(str(k), v) for k, v in need.extra.items()
                 if str(k).strip().casefold() != DAYS_COLUMN]
        if other:
            self._form("Other columns", other)

    def _explanation(self, need_id: str) -> None:
        ws = self.state.workspace
        result = ws.result()
        if result is None or ws.result_is_stale():
            return
        try:
            from estates_planner.optimise.explain import explain_need

            text = explain_need(ws.scenario_for_costs(), result, need_id).text()
        except (ImportError, EstatesError) as exc:
            text = f"No explanation available: {exc}"
        alloc = result.allocation_or_none(need_id)
        title = "Why not placed" if alloc is not None and alloc.site_id is None else "Why here"
        box = QGroupBox(title, self.body)
        label = QLabel(text, box)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(box).addWidget(label)
        self.body_layout.addWidget(box)
