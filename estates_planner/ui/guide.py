"""Help ▸ User guide: the offline guide shipped in ``resources/guide/user_guide.html``, shown
in a text browser so it needs no web browser and no network.

The key figures link to its sections ("figures", "weights", "unplaced"): :func:`show_guide`
opens (or raises) the one guide window at that anchor.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from estates_planner.ui.common import RESOURCES

GUIDE_PATH = RESOURCES / "guide" / "user_guide.html"


class GuideDialog(QDialog):
    """A non-modal window with the user guide; links inside it move within the guide."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle("Estates Planner — User guide")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideBrowser")
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        if GUIDE_PATH.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(GUIDE_PATH)))
        else:  # a broken install: say where the guide should be
            self.browser.setHtml(f"<p>The user guide is missing: {GUIDE_PATH} was not "
                                 "found. Reinstall Estates Planner to restore it.</p>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.resize(48 * line, 40 * line)

    def show_anchor(self, anchor: str = "") -> None:
        if anchor:
            self.browser.scrollToAnchor(anchor)
        else:
            self.browser.verticalScrollBar().setValue(0)


def show_guide(parent: QWidget, anchor: str = "") -> GuideDialog:
    """Open the user guide at ``anchor`` (one window per parent, raised when open)."""
    dialog = parent.findChild(GuideDialog, "guideDialog")
    if dialog is None:
        dialog = GuideDialog(parent)
    dialog.show()
    dialog.raise_()
    dialog.show_anchor(anchor)
    return dialog
