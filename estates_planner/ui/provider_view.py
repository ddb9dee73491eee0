"""The provider view: a provider's current partners, and each need's shared-office options.

Partners are the providers it shares sites with in the current plan, from the co-location
graph (:func:`estates_planner.travel.colocation_graph` / ``partners``). The ranking, costs,
co-location partners and blocking rules of the options all come from the core
(:func:`estates_planner.optimise.explain.provider_options`); this is only a tree over them.
Under "All years" of a contract plan it lists each need's site per year instead, with the
provider's summary and partners per year (:mod:`estates_planner.report.contract_overview`).
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from estates_planner.errors import EstatesError
from estates_planner.report.contract_overview import (
    OUT_OF_DATE,
    contract_overview,
    provider_need_rows,
    provider_partners_by_year,
    provider_years_text,
)
from estates_planner.report.figures import POINTS
from estates_planner.report.kpis import format_delta
from estates_planner.report.rota import need_days_text as rota_days_text
from estates_planner.ui.common import km, money
from estates_planner.ui.state import WorkspaceState

# "Score change" is the change in the optimiser score (points, not money) if the need alone
# moved there; a blocked site has none, as the move cannot be made
HEADERS = ("Need / site", "Allowed", "Score change", "Desk cost", "Travel", "Co-located with")
PARTNER_HEADERS = ("Partner", "Shared sites", "Where")
ALLOWED = 1
# All years: the first year's column (after need, lot and moves)
_FIRST_YEAR = 3
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def need_days_text(need, allocation) -> str:  # noqa: ANN001 (ServiceNeed, Allocation)
    """" on Mon, Wed (fixed)" -- the need's days in the plan's rota (issue 17), worded by
    :func:`estates_planner.report.rota.need_days_text` as in the provider pack."""
    days = rota_days_text(need, allocation)
    return f" on {days}" if days else ""


def partners_text(partners) -> str:
    """"Acme (ETE) ×2, Bloom (Personal wellbeing)" from (provider, lot) pairs; a provider
    whose name already says its lot ("North East Works (ETE)") is not told it twice."""
    counts = Counter((p, lot.label if hasattr(lot, "label") else str(lot)) for p, lot in partners)
    return ", ".join((p if p.endswith(f"({lot})") else f"{p} ({lot})")
                     + (f" ×{n}" if n > 1 else "")
                     for (p, lot), n in sorted(counts.items())) or "nobody yet"


def _is_unplaced(result, need_id: str) -> bool:  # noqa: ANN001 (PlanResult)
    alloc = result.allocation_or_none(need_id)
    return alloc is not None and alloc.site_id is None


class ProviderView(QWidget):
    """Pick a provider; see, per need, every candidate site with cost, travel and rules.

    Signals
    -------
    highlightRequested(site_ids, need_ids)
        The sites of the chosen need's options (or all the provider's needs), for the map.
    """

    highlightRequested = Signal(list, list)

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.provider = QComboBox(self)
        self.provider.setAccessibleName("Provider")
        caption = QLabel("&Provider:", self)
        caption.setBuddy(self.provider)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("providerOptions")
        self.tree.setAccessibleName("Shared-office options of the provider's needs")
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        # partners can be a long list: the last column takes what is left, and elides
        self._set_headers(HEADERS)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.partner_note = QLabel(self)
        self.partner_note.setObjectName("partnerNote")
        self.partner_note.setWordWrap(True)
        self.partners = QTreeWidget(self)
        self.partners.setObjectName("providerPartners")
        self.partners.setAccessibleName("Providers sharing sites with this provider")
        self.partners.setHeaderLabels(list(PARTNER_HEADERS))
        self.partners.setRootIsDecorated(False)
        self.partners.setAlternatingRowColors(True)
        self.partners.setUniformRowHeights(True)
        self.partners.header().setStretchLastSection(True)
        self.partners.currentItemChanged.connect(self._partner_changed)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.provider, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.partner_note)
        layout.addWidget(self.partners)
        layout.addWidget(self.message)
        layout.addWidget(self.tree, 1)
        self.options: dict[str, list] = {}
        # All years: need_id -> the sites it has in some year
        self.contract_sites: dict[str, list[str]] = {}
        self.provider.currentTextChanged.connect(self.refresh)
        state.projectChanged.connect(self._fill_providers)
        state.resultChanged.connect(self.refresh)
        state.scenarioChanged.connect(self.refresh)
        self._fill_providers()

    def _fill_providers(self) -> None:
        keep = self.provider.currentText()
        providers = self.state.workspace.dataset.providers
        self.provider.blockSignals(True)
        self.provider.clear()
        self.provider.addItems(providers)
        if keep in providers:
            self.provider.setCurrentText(keep)
        self.provider.blockSignals(False)
        self.refresh()

    def set_provider(self, provider: str) -> None:
        self.provider.setCurrentText(provider)

    def refresh(self, *_args) -> None:
        self.tree.clear()
        self.options = {}
        self.contract_sites = {}
        ws = self.state.workspace
        provider = self.provider.currentText()
        contract = ws.shown_contract()
        self._set_headers(HEADERS)
        self.tree.setRootIsDecorated(contract is None)
        if contract is not None and provider:
            self._refresh_contract(provider, contract)
            return
        result = ws.result()
        self._refresh_partners(provider, result)
        if not provider:
            self.message.setText("This project has no needs.")
            return
        if ws.shown_label() and ws.shown_plan_is_stale():  # a contract year, out of date
            self.message.setText(f"<b>{OUT_OF_DATE}</b> to see each need's options in it.")
            return
        if result is None or (not ws.shown_label() and ws.result_is_stale()):
            self.message.setText("Solve the scenario (F5) to see each need's options as the "
                                 "plan stands.")
            return
        try:
            from estates_planner.optimise.explain import provider_options

            self.options = provider_options(ws.scenario_for_costs(), result, provider)
        except (ImportError, EstatesError) as exc:
            self.message.setText(f"Options are not available: {exc}")
            return
        self.message.setText(f"{len(self.options)} needs of {provider}, unplaced first. "
                             "Allowed sites first, smallest change in the optimiser score "
                             "first; blocked sites say which rule stops them.")
        unplaced_first = sorted(self.options.items(), key=lambda kv: not _is_unplaced(
            result, kv[0]))
        for need_id, options in unplaced_first:
            need = ws.dataset.need(need_id)
            current = next((o for o in options if o.is_current), None)
            where = current.site_name if current else "unplaced"
            top = QTreeWidgetItem([f"{need_id} · {need.lot.label} · now at {where}"
                                   + need_days_text(need, result.allocation(need_id))])
            top.setData(0, ID_ROLE, ("need", need_id))
            top.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(top)
            for option in options:
                allowed = "yes (current)" if option.is_current else (
                    "yes" if option.allowed else option.reasons)
                partners = partners_text(option.partners)
                change = "—" if option.is_current or not option.allowed else \
                    format_delta(option.cost_change, POINTS)
                item = QTreeWidgetItem([
                    f"{option.site_name} ({option.site_id})", allowed, change,
                    money(option.desk_cost), km(option.travel_km), partners])
                item.setData(0, ID_ROLE, ("site", option.site_id))
                item.setToolTip(ALLOWED, allowed)
                item.setToolTip(len(HEADERS) - 1, partners)
                if not option.allowed:
                    for c in range(len(HEADERS)):
                        item.setForeground(c, self.palette().placeholderText())
                top.addChild(item)
        if self.tree.topLevelItemCount():
            self.tree.expandItem(self.tree.topLevelItem(0))
        cap = self.fontMetrics().averageCharWidth() * 48
        for column in range(len(HEADERS) - 1):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(self.tree.columnWidth(column), cap))
        self.highlightRequested.emit(self._option_sites(None), list(self.options))

    def _refresh_contract(self, provider: str, contract) -> None:  # noqa: ANN001
        """All years of a contract plan: a row per need with its site each year, the
        provider's summary per year and its partners per year. A need's options (score
        changes, blocking rules) are one plan's, so they wait for a year to be chosen."""
        ws = self.state.workspace
        ds = ws.dataset
        ids = [n.need_id for n in ds.needs if n.provider == provider]
        overview = contract_overview(contract, ids)
        stale = f"<br><b>{OUT_OF_DATE}.</b>" if ws.shown_plan_is_stale() else ""
        self.partner_note.setText(
            "Partners by year: " + "; ".join(provider_partners_by_year(contract, ds, provider))
            + ".")
        self.partners.setVisible(False)
        summary = provider_years_text(overview, ds, provider)
        self.message.setText(
            f"<b>{provider}</b>, {len(ids)} need{'' if len(ids) == 1 else 's'} over the "
            f"contract: {'; '.join(summary)}.<br>Each need's site per year below; its "
            "options and score changes are for one plan: choose a year on the toolbar."
            + stale)
        self._set_headers(("Need", "Lot", "Moves", *overview.year_titles))

        def name(site_id: str) -> str:
            return ds.site(site_id).name if ds.has_site(site_id) else site_id
        for row in provider_need_rows(overview, ds, provider, name):
            item = QTreeWidgetItem(list(row))
            item.setData(0, ID_ROLE, ("need", row[0]))
            for k, site_id in enumerate(overview.needs[row[0]].site_ids):
                if site_id is not None:  # the id is a tooltip away, as in the table
                    item.setToolTip(_FIRST_YEAR + k, f"{name(site_id)} ({site_id})")
            self.tree.addTopLevelItem(item)
        self.contract_sites = {i: sorted({s for s in overview.needs[i].site_ids if s})
                               for i in ids}
        # every year in view: a long site name is elided (its tooltip has it whole)
        cap = self.fontMetrics().averageCharWidth() * 26
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(self.tree.columnWidth(column), cap))
        self.highlightRequested.emit(sorted({s for sites in self.contract_sites.values()
                                             for s in sites}), ids)

    def _set_headers(self, labels: tuple[str, ...]) -> None:
        """The options' columns (partners stretched), or All years' (need, lot, moves,
        years)."""
        self.tree.setColumnCount(len(labels))
        self.tree.setHeaderLabels(list(labels))
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if labels == HEADERS:
            header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)

    def contract_rows(self) -> list[tuple[str, ...]]:
        """The rows shown under All years: (need, lot, moves, site each year)."""
        return [tuple(self.tree.topLevelItem(i).text(c) for c in range(self.tree.columnCount()))
                for i in range(self.tree.topLevelItemCount())]

    # ---------------------------------------------------------------- partners
    def _refresh_partners(self, provider: str, result) -> None:
        """The providers sharing a site with ``provider`` in the plan, most shared first."""
        self.partners.clear()
        ws = self.state.workspace
        if not provider or result is None:
            self.partner_note.setText("Partners: solve the scenario (F5) to see which "
                                      "providers share sites with this one."
                                      if provider else "")
            self.partners.setVisible(False)
            return
        from estates_planner.travel import colocation_graph, partners

        graph = colocation_graph(ws.dataset, result)
        found = partners(graph, provider)
        own = graph.nodes[provider]["site_ids"] if provider in graph else []
        if ws.shown_label():  # a year of a contract plan
            stale = f" ({OUT_OF_DATE[:1].lower() + OUT_OF_DATE[1:]})" \
                if ws.shown_plan_is_stale() else ""
        else:
            stale = " (plan out of date: press F5)" if ws.result_is_stale() else ""
        if not found:
            self.partner_note.setText(
                f"Partners: {provider} shares none of its {len(own)} site"
                f"{'' if len(own) == 1 else 's'} with another provider{stale}."
                if own else f"Partners: none, {provider} has nothing placed{stale}.")
            self.partners.setVisible(False)
            return
        self.partner_note.setText(
            f"Partners: {len(found)} provider{'' if len(found) == 1 else 's'} share sites "
            f"with {provider} ({len(own)} site{'' if len(own) == 1 else 's'} in use){stale}.")
        self.partners.setVisible(True)
        for partner in found:
            names = [ws.dataset.site(s).name if ws.dataset.has_site(s) else s
                     for s in partner.site_ids]
            item = QTreeWidgetItem([partner.provider, str(len(partner.site_ids)),
                                    ", ".join(names)])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(2, "\n".join(f"{n} ({s})" for n, s in
                                         zip(names, partner.site_ids, strict=True)))
            item.setData(0, ID_ROLE, list(partner.site_ids))
            self.partners.addTopLevelItem(item)
        self.partners.resizeColumnToContents(0)
        self.partners.resizeColumnToContents(1)
        # as tall as its rows (up to three: it scrolls), leaving the rest to the options
        row = self.partners.sizeHintForRow(0)
        self.partners.setFixedHeight(self.partners.header().sizeHint().height()
                                     + row * min(len(found), 3)
                                     + 2 * self.partners.frameWidth() + 2)

    def need_order(self) -> list[str]:
        """The needs as listed (unplaced first)."""
        return [self.tree.topLevelItem(i).data(0, ID_ROLE)[1]
                for i in range(self.tree.topLevelItemCount())]

    def partner_rows(self) -> list[tuple[str, str, str]]:
        """The partners as shown: (provider, shared sites, site names)."""
        return [tuple(self.partners.topLevelItem(i).text(c) for c in range(3))
                for i in range(self.partners.topLevelItemCount())]

    def _partner_changed(self, item: QTreeWidgetItem | None, _previous) -> None:
        if item is not None:  # show the shared sites on the map
            self.highlightRequested.emit(list(item.data(0, ID_ROLE)), [])

    def _option_sites(self, need_id: str | None) -> list[str]:
        lists = [self.options[need_id]] if need_id else list(self.options.values())
        return sorted({o.site_id for options in lists for o in options if o.allowed})

    def _current_changed(self, item: QTreeWidgetItem | None, _previous) -> None:
        if item is None:
            return
        kind, ident = item.data(0, ID_ROLE)
        if kind == "need" and ident in self.contract_sites:  # All years: its every site
            self.highlightRequested.emit(self.contract_sites[ident], [ident])
        elif kind == "need":
            self.highlightRequested.emit(self._option_sites(ident), [ident])
        else:
            need_kind, need_id = item.parent().data(0, ID_ROLE)
            self.highlightRequested.emit([ident], [need_id])

    def rows(self, need_id: str) -> list[tuple[str, ...]]:
        """The shown rows under ``need_id`` (for tests and copying)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.data(0, ID_ROLE) == ("need", need_id):
                return [tuple(top.child(j).text(c) for c in range(len(HEADERS)))
                        for j in range(top.childCount())]
        return []
