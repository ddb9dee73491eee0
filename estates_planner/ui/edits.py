"""Editing actions shared by the map, the table and the inspector (menus and small dialogs).

Each action calls the workspace, which records it for undo; errors the user caused show in a
message box.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QSpinBox,
    QWidget,
)

from estates_planner.report.content import plural
from estates_planner.ui.common import user_action
from estates_planner.ui.state import WorkspaceState


def pin(parent: QWidget | None, state: WorkspaceState, need_ids: list[str], site_id: str) -> None:
    """Pin every need in ``need_ids`` to ``site_id`` (each is its own undo step)."""
    with user_action(parent, "Pin need"):
        for need_id in need_ids:
            state.workspace.pin(need_id, site_id)


def unpin(parent: QWidget | None, state: WorkspaceState, need_ids: list[str]) -> None:
    with user_action(parent, "Unpin need"):
        for need_id in need_ids:
            state.workspace.unpin(need_id)


def set_site_closed(parent: QWidget | None, state: WorkspaceState, site_id: str,
                    closed: bool) -> None:
    with user_action(parent, "Close site" if closed else "Reopen site"):
        state.workspace.set_site_closed(site_id, closed)


def choose_site_and_pin(parent: QWidget | None, state: WorkspaceState, need_id: str) -> None:
    """Ask which site to pin a need to; sites of the need's region are listed first."""
    ws = state.workspace
    need = ws.dataset.need(need_id)
    sites = sorted(ws.dataset.sites, key=lambda s: (s.region != need.region, s.name))
    labels = [f"{s.name} ({s.site_id}, {s.region})" for s in sites]
    current = ws.current.pins.get(need_id)
    start = next((i for i, s in enumerate(sites) if s.site_id == current), 0)
    label, ok = QInputDialog.getItem(parent, "Pin need", f"Pin {need_id} to:", labels, start,
                                     False)
    if ok and label:
        pin(parent, state, [need_id], sites[labels.index(label)].site_id)


class CapacityDialog(QDialog):
    """Desks and interview rooms of one site in the current scenario."""

    def __init__(self, state: WorkspaceState, site_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        ws = state.workspace
        site = ws.dataset.site(site_id)
        self.setWindowTitle(f"Capacity of {site.name}")
        desks, rooms = ws.current.site_capacity(site)
        self.desks = QSpinBox(self)
        self.rooms = QSpinBox(self)
        for box, value, name in ((self.desks, desks, "Desks"), (self.rooms, rooms, "Rooms")):
            box.setRange(0, 100_000)
            box.setValue(value)
            box.setAccessibleName(name)
        form = QFormLayout(self)
        form.addRow(QLabel(f"In the data: {plural(site.desks, 'desk')}, "
                           f"{plural(site.interview_rooms, 'interview room')}. Changes apply "
                           "to this scenario only.", self))
        form.addRow("&Desks:", self.desks)
        form.addRow("Interview &rooms:", self.rooms)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def edit_capacity(parent: QWidget | None, state: WorkspaceState, site_id: str) -> None:
    dialog = CapacityDialog(state, site_id, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        with user_action(parent, "Set capacity"):
            state.workspace.set_capacity(site_id, dialog.desks.value(), dialog.rooms.value())


def need_menu(parent: QWidget, state: WorkspaceState, need_id: str) -> QMenu:
    """Context menu for a need (map and table): pin where it is, pin elsewhere, unpin."""
    ws = state.workspace
    menu = QMenu(parent)
    selected = state.selected_need_ids
    targets = selected if need_id in selected else [need_id]
    result = ws.result()
    placed = None
    if result is not None:
        alloc = result.allocation_or_none(need_id)
        placed = None if alloc is None else alloc.site_id
    if placed is not None:
        name = ws.dataset.site(placed).name if ws.dataset.has_site(placed) else placed
        act = menu.addAction(f"&Pin to {name}")
        act.triggered.connect(lambda: pin(parent, state, [need_id], placed))
    menu.addAction("Pin to &site…").triggered.connect(
        lambda: choose_site_and_pin(parent, state, need_id))
    unpin_act = menu.addAction("&Unpin" if len(targets) == 1 else f"&Unpin {len(targets)} needs")
    unpin_act.setEnabled(any(n in ws.current.pins for n in targets))
    unpin_act.triggered.connect(lambda: unpin(parent, state, targets))
    menu.addSeparator()
    menu.addAction("&Edit need…").triggered.connect(
        lambda: edit_need(parent, state, need_id))
    menu.addAction("&Delete need").triggered.connect(
        lambda: delete_need(parent, state, need_id))
    return menu


def site_menu(parent: QWidget, state: WorkspaceState, site_id: str) -> QMenu:
    """Context menu for a site: close or reopen, capacity, pin the selected needs here."""
    ws = state.workspace
    site = ws.dataset.site(site_id)
    menu = QMenu(parent)
    closed = site_id in ws.current.closed_sites
    act = menu.addAction(f"&Reopen {site.name}" if closed else f"&Close {site.name}")
    act.triggered.connect(lambda: set_site_closed(parent, state, site_id, not closed))
    menu.addAction("Edit &capacity…").triggered.connect(
        lambda: edit_capacity(parent, state, site_id))
    needs = state.selected_need_ids
    if needs:
        label = f"&Pin {needs[0]} here" if len(needs) == 1 else f"&Pin {len(needs)} needs here"
        menu.addAction(label).triggered.connect(lambda: pin(parent, state, needs, site_id))
    menu.addSeparator()
    menu.addAction("&Edit site…").triggered.connect(lambda: edit_site(parent, state, site_id))
    menu.addAction("&Delete site").triggered.connect(
        lambda: delete_site(parent, state, site_id))
    return menu


def edit_site(parent: QWidget | None, state: WorkspaceState, site_id: str | None,
              point: tuple[float, float] | None = None) -> bool:
    """The site editor for ``site_id`` (or a new site, at ``point`` when given)."""
    from estates_planner.ui.site_editor import SiteEditor

    dialog = SiteEditor(state.workspace, site_id, parent, point=point)
    return dialog.exec() == QDialog.DialogCode.Accepted


def delete_site(parent: QWidget | None, state: WorkspaceState, site_id: str) -> None:
    with user_action(parent, "Delete site"):
        state.workspace.delete_site(site_id)


def edit_need(parent: QWidget | None, state: WorkspaceState, need_id: str | None) -> bool:
    from estates_planner.ui.site_editor import NeedEditor

    dialog = NeedEditor(state.workspace, need_id, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def delete_need(parent: QWidget | None, state: WorkspaceState, need_id: str) -> None:
    with user_action(parent, "Delete need"):
        state.workspace.delete_need(need_id)
