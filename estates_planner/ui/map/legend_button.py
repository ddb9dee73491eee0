"""The legend's button in the map's top-right corner: click to fold the legend away.

A folded legend is only this button, so it never hides data; the View menu hides both.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QWidget

MARGIN_PX = 6


class LegendButton(QToolButton):
    """A checkable "Legend" button: checked shows the legend under it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("legendButton")
        self.setCheckable(True)
        self.setChecked(True)
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAccessibleName("Legend")
        self.setStyleSheet(
            "QToolButton#legendButton { background: rgba(255,255,255,230); color: #202020; "
            "border: 1px solid rgba(0,0,0,70); border-radius: 4px; padding: 2px 8px; }")
        self.toggled.connect(self._update_text)
        self._update_text(True)

    def _update_text(self, expanded: bool) -> None:
        self.setText("Legend ▴" if expanded else "Legend ▾")
        self.setToolTip("Fold the legend away" if expanded else "Show the legend")

    def place(self) -> None:
        """Top right of the parent (the map's viewport)."""
        self.adjustSize()
        parent = self.parentWidget()
        self.move(parent.width() - self.width() - MARGIN_PX, MARGIN_PX)
