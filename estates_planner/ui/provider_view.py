"""The provider view: for each need of one provider, its shared-office options ranked.

The ranking, costs, co-location partners and blocking rules all come from the core
(:func:`estates_planner.optimise.explain.provider_options`); this is only a tree over them.
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
from estates_planner.ui.common import km, money
from estates_planner.ui.state import WorkspaceState

HEADERS = ("Need / site", "Allowed", "Cost change", "Desk cost", "Travel", "Co-located with")
ALLOWED = 1
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def partners_text(partners) -> str:
    """"Acme (ETE) ×2, Bloom (Personal wellbeing)" from (provider, lot) pairs."""
    counts = Counter((p, lot.label if hasattr(lot, "label") else str(lot)) for p, lot in partners)
    return ", ".join(f"{p} ({lot})" + (f" ×{n}" if n > 1 else "")
                     for (p, lot), n in sorted(counts.items())) or "nobody yet"


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
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # partners can be a long list: the last column takes what is left, and elides
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(True)
        self.tree.currentItemChanged.connect(self._current_changed)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.provider, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.tree, 1)
        self.options: dict[str, list] = {}
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
        ws = self.state.workspace
        provider = self.provider.currentText()
        result = ws.result()
        if not provider:
            self.message.setText("This project has no needs.")
            return
        if result is None or ws.result_is_stale():
            self.message.setText("Solve the scenario (F5) to see each need's options as the "
                                 "plan stands.")
            return
        try:
            from estates_planner.optimise.explain import provider_options

            self.options = provider_options(ws.current, result, provider)
        except (ImportError, EstatesError) as exc:
            self.message.setText(f"Options are not available: {exc}")
            return
        self.message.setText(f"{len(self.options)} needs of {provider}. Allowed sites first, "
                             "cheapest change to the plan first; blocked sites say which rule "
                             "stops them.")
        for need_id, options in self.options.items():
            need = ws.dataset.need(need_id)
            current = next((o for o in options if o.is_current), None)
            where = current.site_name if current else "unplaced"
            top = QTreeWidgetItem([f"{need_id} · {need.lot.label} · now at {where}"])
            top.setData(0, ID_ROLE, ("need", need_id))
            top.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(top)
            for option in options:
                allowed = "yes (current)" if option.is_current else (
                    "yes" if option.allowed else option.reasons)
                partners = partners_text(option.partners)
                item = QTreeWidgetItem([
                    f"{option.site_name} ({option.site_id})", allowed,
                    money(option.cost_change) if not option.is_current else "—",
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

    def _option_sites(self, need_id: str | None) -> list[str]:
        lists = [self.options[need_id]] if need_id else list(self.options.values())
        return sorted({o.site_id for options in lists for o in options if o.allowed})

    def _current_changed(self, item: QTreeWidgetItem | None, _previous) -> None:
        if item is None:
            return
        kind, ident = item.data(0, ID_ROLE)
        if kind == "need":
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
