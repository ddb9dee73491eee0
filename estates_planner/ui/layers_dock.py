"""The layers list: tick a layer to show it on the map (sites, needs, lines, boundaries)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget


class LayersPanel(QWidget):
    """A checkable list; ``visibilityChanged(name, visible)`` when the user ticks one."""

    visibilityChanged = Signal(str, bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("layerList")
        self.list.setAccessibleName("Map layers")
        self.list.itemChanged.connect(self._changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)

    def set_layers(self, layers: list[tuple]) -> None:
        """``layers`` as (name, label, visible) or (name, label, visible, tooltip), top of
        the map first."""
        self.list.blockSignals(True)
        self.list.clear()
        for name, label, visible, *tip in layers:
            item = QListWidgetItem(label)
            if tip and tip[0]:
                item.setToolTip(tip[0])
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)

    def layers(self) -> list[tuple[str, bool]]:
        return [(self.list.item(i).data(Qt.ItemDataRole.UserRole),
                 self.list.item(i).checkState() == Qt.CheckState.Checked)
                for i in range(self.list.count())]

    def _changed(self, item: QListWidgetItem) -> None:
        self.visibilityChanged.emit(item.data(Qt.ItemDataRole.UserRole),
                                    item.checkState() == Qt.CheckState.Checked)
