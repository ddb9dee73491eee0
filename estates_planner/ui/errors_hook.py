"""The one exception hook: log any unexpected error with its traceback and tell the user
plainly, without closing the window or losing their work.

A module of its own so that the app, the main window, the autosaver, the solve worker and the
import wizard can all reach :func:`report_unexpected` without importing the app module that
builds them (which would be an import cycle).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from estates_planner.errors import EstatesError

log = logging.getLogger("estates_planner")

LOG_NAME = "estates-planner.log"
REPEAT_QUIET_S = 5.0  # the same error again within this time is logged, not shown again


def log_path() -> Path:
    """Where unexpected errors are written (created on first use)."""
    from estates_planner.ui import common

    return common.data_dir() / LOG_NAME


def error_message(message: str, path: str) -> str:
    """The text of the box after an unexpected error: what happened, that the work is safe,
    and where the details are (no traceback: that is in the log for whoever fixes it)."""
    return (f"Estates Planner hit an unexpected problem:\n\n{message}\n\nYour project is "
            f"still open and your changes are kept; save it under a new name to be safe. "
            f"The details are in the log file:\n{path}")


class ErrorReporter(QObject):
    """Logs tracebacks from any thread and shows one box per error on the GUI thread."""

    report = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._showing = False
        self._last: tuple[str, float] = ("", -1e9)

    def excepthook(self, exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error:\n%s", text)
        if issubclass(exc_type, KeyboardInterrupt):
            return
        message = str(exc) if issubclass(exc_type, EstatesError) else \
            f"{exc_type.__name__}: {exc}"
        self.report.emit(message, str(log_path()))

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, message: str, path: str) -> None:
        if self._showing:  # one box at a time; the rest are in the log
            return
        now = time.monotonic()
        if message == self._last[0] and now - self._last[1] < REPEAT_QUIET_S:
            return  # one broken view refreshed by several signals: tell the user once
        self._last = (message, now)
        self._showing = True
        try:
            QMessageBox.warning(QApplication.activeWindow(), "Something went wrong",
                                error_message(message, path))
        finally:
            self._showing = False


def install_exception_hook(app: QApplication, return_handler: bool = False):
    """Route uncaught errors (GUI thread and worker threads) to the log and a message box.

    Returns the :class:`ErrorReporter` (and the log's handler when ``return_handler``, so a
    test can remove it again).
    """
    handler = logging.FileHandler(log_path(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("estates_planner").addHandler(handler)
    logging.getLogger("estates_planner").setLevel(logging.INFO)
    reporter = ErrorReporter(app)
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.thread_hook
    return (reporter, handler) if return_handler else reporter


def report_unexpected(exc: BaseException) -> None:
    """Hand an error caught in a ``try`` to the one hook (log + plain message), from any
    thread. Code that must carry on after an unexpected error (the solver thread, the import
    wizard) uses this instead of showing its own box."""
    sys.excepthook(type(exc), exc, exc.__traceback__)
