"""Find (Ctrl+F): a search box over sites, needs, providers, PDUs and regions, with completion.

Choosing an entry selects what it names in the shared selection; the map then moves to it
(as it does for any selection made outside the map), the table and inspector follow.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from estates_planner.ui.state import WorkspaceState

MOST_SHOWN = 12  # completions listed at once


def find_entries(dataset) -> dict[str, tuple[list[str], list[str]]]:
    """Entry text -> (site ids, need ids) it selects, for every site, need, provider, PDU
    and region of ``dataset``."""
    entries: dict[str, tuple[list[str], list[str]]] = {}
    if dataset is None:
        return entries
    for site in dataset.sites:
        entries[f"Site: {site.name} ({site.site_id})"] = ([site.site_id], [])
    for need in dataset.needs:
        entries[f"Need: {need.need_id} · {need.provider} · {need.lot.label} · {need.pdu}"] = \
            ([], [need.need_id])
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for need in dataset.needs:
        groups.setdefault(f"Provider: {need.provider}", ([], []))[1].append(need.need_id)
    for level, label in (("pdu", "PDU"), ("region", "Region")):
        for site in dataset.sites:
            name = getattr(site, level, "")
            if name:
                groups.setdefault(f"{label}: {name}", ([], []))[0].append(site.site_id)
        for need in dataset.needs:
            name = getattr(need, level, "")
            if name:
                groups.setdefault(f"{label}: {name}", ([], []))[1].append(need.need_id)
    for text, (sites, needs) in sorted(groups.items()):
        counts = [f"{len(sites)} site{'s' if len(sites) != 1 else ''}"] if sites else []
        counts += [f"{len(needs)} need{'s' if len(needs) != 1 else ''}"] if needs else []
        entries[f"{text} ({', '.join(counts)})"] = (sites, needs)
    return entries


class FindBox(QLineEdit):
    """The search box; ``found(text)`` after an entry is chosen and selected."""

    found = Signal(str)

    def __init__(self, state: WorkspaceState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("findBox")
        self.setAccessibleName("Find a site, need, provider or PDU")
        self.setPlaceholderText("Find site, need, provider, PDU (Ctrl+F)")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(260)
        self._entries: dict[str, tuple[list[str], list[str]]] = {}
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(MOST_SHOWN)
        completer.activated.connect(self.choose)
        self.setCompleter(completer)
        self.returnPressed.connect(lambda: self.choose(self.text()))
        state.projectChanged.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        """Entries for the data now loaded (after opening or importing)."""
        self._entries = find_entries(self.state.workspace.dataset)
        self._model.setStringList(list(self._entries))

    def entries(self) -> list[str]:
        return list(self._entries)

    def choose(self, text: str) -> bool:
        """Select what ``text`` names (an entry, or the first entry containing it)."""
        text = text.strip()
        if not text:
            return False
        ids = self._entries.get(text)
        if ids is None:
            lowered = text.lower()
            match = next((e for e in self._entries if lowered in e.lower()), None)
            if match is None:
                return False
            text, ids = match, self._entries[match]
        self.state.set_selection(list(ids[0]), list(ids[1]))
        self.found.emit(text)
        return True
