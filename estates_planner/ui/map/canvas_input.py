"""The map's mouse, wheel, keyboard and drag-and-drop handling: pan, zoom, select, open a
cluster, the context menu and dropping needs on a site. A mixin of
:class:`~ui.map.canvas.MapView`, which holds the state these events change."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QToolTip,
)

NEED_MIME = "application/x-estates-need-id"
ZOOM_STEP = 1.25  # one wheel notch or key press


class MapInputMixin:
    # ------------------------------------------------------------------ events
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._press = event.position()
            self._last_pos = event.position()
            self._press_mods = event.modifiers()
            self._drag_mode = "pan" if event.button() == Qt.MouseButton.MiddleButton else None
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._press is None:
            super().mouseMoveEvent(event)
            return
        pos = event.position()
        if self._drag_mode is None:
            moved = (pos - self._press).manhattanLength()
            if moved < QApplication.startDragDistance():
                return
            adding = self._press_mods & (Qt.KeyboardModifier.ShiftModifier
                                         | Qt.KeyboardModifier.ControlModifier)
            self._drag_mode = "band" if adding else "pan"
            if self._drag_mode == "pan":
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        if self._drag_mode == "pan":
            delta = pos - self._last_pos
            self.pan_by(delta.x(), delta.y())
        else:
            self._band.setGeometry(QRect(self._press.toPoint(), pos.toPoint()).normalized())
            self._band.show()
        self._last_pos = pos
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if self._press is None:
            super().mouseReleaseEvent(event)
            return
        pos = event.position()
        mode = self._drag_mode
        self._press, self._drag_mode = None, None
        self.viewport().unsetCursor()
        mods = event.modifiers() | self._press_mods
        adding = bool(mods & (Qt.KeyboardModifier.ShiftModifier
                              | Qt.KeyboardModifier.ControlModifier))
        toggling = bool(mods & Qt.KeyboardModifier.ControlModifier)
        sites = set(self._content.selected_site_ids) if adding else set()
        needs = set(self._content.selected_need_ids) if adding else set()
        if mode == "band":
            self._band.hide()
            s, n = self.items_in_rect(self._band.geometry().toRectF())
            self._set_selection(sites | set(s), needs | set(n), emit=True)
        elif mode is None and event.button() == Qt.MouseButton.LeftButton:
            hit = self.item_at(pos)
            if hit is not None and hit[0] == "cluster":
                self.open_cluster(hit[1])
                event.accept()
                return
            if hit is not None:
                target = sites if hit[0] == "site" else needs
                if toggling and hit[1] in target:
                    target.discard(hit[1])
                else:
                    target.add(hit[1])
            if hit is not None or not adding:
                self._set_selection(sites, needs, emit=True)
        else:
            self._view_changed(interactive=False)
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:
        left = event.button() == Qt.MouseButton.LeftButton
        hit = self.item_at(event.position()) if left else None
        if left and (hit is None or hit[0] == "cluster"):
            self.zoom_by(2.0, event.position())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(ZOOM_STEP ** steps, event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        step_x = self.viewport().width() / 6
        step_y = self.viewport().height() / 6
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out()
        elif key == Qt.Key.Key_Left:
            self.pan_by(step_x, 0)
        elif key == Qt.Key.Key_Right:
            self.pan_by(-step_x, 0)
        elif key == Qt.Key.Key_Up:
            self.pan_by(0, step_y)
        elif key == Qt.Key.Key_Down:
            self.pan_by(0, -step_y)
        elif key == Qt.Key.Key_Home:
            self.zoom_to_all()
        elif key == Qt.Key.Key_Escape and (self._content.selected_site_ids
                                           or self._content.selected_need_ids):
            self._set_selection(set(), set(), emit=True)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def contextMenuEvent(self, event) -> None:
        hit = self.item_at(QPointF(event.pos()))
        if hit is None or hit[0] == "cluster":
            event.ignore()
            return
        kind, item_id = hit
        if kind == "site":
            self.siteContextMenuRequested.emit(item_id, event.globalPos())
        else:
            self.needContextMenuRequested.emit(item_id, event.globalPos())
        event.accept()

    # ------------------------------------------------------------------ drag and drop
    @staticmethod
    def need_ids_from_mime(mime) -> list[str]:
        if mime is None or not mime.hasFormat(NEED_MIME):
            return []
        text = bytes(mime.data(NEED_MIME)).decode("utf-8", errors="replace")
        return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]

    def _site_at(self, pos: QPointF) -> str | None:
        hit = self.item_at(pos)
        return hit[1] if hit is not None and hit[0] == "site" else None

    def dragEnterEvent(self, event) -> None:
        if self.need_ids_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self.need_ids_from_mime(event.mimeData()) and self._site_at(event.position()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        event.accept()

    def dropEvent(self, event) -> None:
        need_ids = self.need_ids_from_mime(event.mimeData())
        site_id = self._site_at(event.position())
        if not need_ids or site_id is None:
            event.ignore()
            return
        event.acceptProposedAction()
        for need_id in need_ids:
            self.needDroppedOnSite.emit(need_id, site_id)
