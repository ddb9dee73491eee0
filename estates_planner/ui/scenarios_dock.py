"""The scenarios list: switch, create, duplicate, rename, delete and compare scenarios."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from estates_planner.ui.common import user_action
from estates_planner.ui.state import WorkspaceState


class ScenariosPanel(QWidget):
    """One row per scenario; the current one is selected. Buttons act on the current one."""

    compareRequested = Signal()

    def __init__(self, state: WorkspaceState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.list = QListWidget(self)
        self.list.setObjectName("scenarioList")
        self.list.setAccessibleName("Scenarios")
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self.rename())
        grid = QGridLayout()
        self.buttons = {}
        for i, (key, text, slot) in enumerate((
                ("new", "&New", self.create), ("duplicate", "D&uplicate", self.duplicate),
                ("rename", "Rena&me…", self.rename), ("delete", "De&lete", self.delete),
                ("compare", "Com&pare…", self.compareRequested.emit))):
            button = QPushButton(text, self)
            button.setObjectName(f"scenario_{key}")
            button.clicked.connect(slot)
            grid.addWidget(button, i // 3, i % 3)
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(grid)
        for signal in (state.scenariosChanged, state.scenarioChanged, state.resultChanged,
                       state.projectChanged):
            signal.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        ws = self.state.workspace
        self.list.blockSignals(True)
        self.list.clear()
        for name in ws.scenario_names:
            note = ws.plan_note(name)
            item = QListWidgetItem(f"{name}  —  {note}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(ws.scenario(name).description or name)
            self.list.addItem(item)
            if name == ws.current_name:
                self.list.setCurrentItem(item)
                font = item.font()
                font.setBold(True)
                item.setFont(font)
        self.list.blockSignals(False)
        self.buttons["delete"].setEnabled(len(ws.scenario_names) > 1)
        self.buttons["compare"].setEnabled(len(ws.scenario_names) > 1)

    def _current_changed(self, item: QListWidgetItem | None, _previous) -> None:
        if item is not None:
            with user_action(self, "Switch scenario"):
                self.state.workspace.set_current(item.data(Qt.ItemDataRole.UserRole))

    def create(self) -> None:
        ws = self.state.workspace
        name, ok = QInputDialog.getText(self, "New scenario", "Name of the new scenario:",
                                        text=ws.unique_name("Scenario"))
        if ok:
            with user_action(self, "New scenario"):
                ws.create_scenario(name)

    def duplicate(self) -> None:
        ws = self.state.workspace
        current = ws.current_name
        name, ok = QInputDialog.getText(self, "Duplicate scenario",
                                        f"Name of the copy of {current}:",
                                        text=ws.unique_name(f"{current} copy"))
        if ok:
            with user_action(self, "Duplicate scenario"):
                ws.duplicate_scenario(current, name)

    def rename(self) -> None:
        ws = self.state.workspace
        current = ws.current_name
        name, ok = QInputDialog.getText(self, "Rename scenario", f"New name for {current}:",
                                        text=current)
        if ok:
            with user_action(self, "Rename scenario"):
                ws.rename_scenario(current, name)

    def delete(self) -> None:
        ws = self.state.workspace
        current = ws.current_name
        answer = QMessageBox.question(
            self, "Delete scenario",
            f"Delete scenario {current!r} and its plan? You can undo this with Ctrl+Z.")
        if answer == QMessageBox.StandardButton.Yes:
            with user_action(self, "Delete scenario"):
                ws.delete_scenario(current)
