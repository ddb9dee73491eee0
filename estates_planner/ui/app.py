"""Start the desktop application: ``run_app(argv)``.

Sets the names QSettings uses, the bundled font, the style sheet, and one exception hook that
logs any unexpected error with its traceback to ``estates-planner.log`` in the user's data
folder and tells the user plainly, without closing the window or losing their work.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

# The core (with pandas and geopandas) is imported before Qt on purpose: once PySide6 is
# loaded, its import hook inspects the source of every module imported afterwards, which adds
# about 0.3 s to the start for these large libraries.
import estates_planner.project  # noqa: F401, I001
from estates_planner import __version__
from estates_planner.errors import EstatesError
from estates_planner.ui.common import RESOURCES, SAMPLE_PROJECT

log = logging.getLogger("estates_planner")

ORGANISATION = "Estates Planner"
APP_NAME = "Estates Planner"
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


def style_sheet() -> str:
    path = RESOURCES / "style.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def configure_application(app: QApplication) -> None:
    """Names for QSettings, font and style; also used by tests and the benchmark."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(APP_NAME)
    try:
        from estates_planner.ui.fonts import register_app_fonts

        register_app_fonts()  # for the PDF; the UI keeps the system font so it scales with it
    except (ImportError, RuntimeError) as exc:
        log.warning("report font not registered: %s", exc)
    app.setStyleSheet(style_sheet())
    from estates_planner.ui.common import icon

    app.setWindowIcon(icon("app"))


def initial_project(argv: list[str], settings: QSettings):
    """The project to open: the one named in ``argv``, else the last one, else the sample.

    Returns (project, message): message is set when a file could not be opened and the app
    fell back to another.
    """
    from estates_planner.project import open_project

    candidates = []
    if argv:
        candidates.append(Path(argv[0]))
    last = settings.value("recent/last")
    if last:
        candidates.append(Path(str(last)))
    candidates.append(SAMPLE_PROJECT)
    problems = []
    for path in candidates:
        try:
            return open_project(path), "\n".join(problems)
        except EstatesError as exc:
            problems.append(str(exc))
    from estates_planner.ui.main_window import _empty_project

    return _empty_project(), "\n".join(problems)


def create_main_window(argv: list[str], settings: QSettings | None = None,
                       offer_recovery: bool = True):
    """The main window on the start-up project, and a message if that had to change.

    With ``offer_recovery``, the window offers to restore work left by a crash as soon as the
    event loop runs (after the window is shown).
    """
    from estates_planner.ui.main_window import MainWindow

    settings = settings or QSettings()
    project, problem = initial_project(argv, settings)
    window = MainWindow(project, settings)
    if getattr(project, "path", None):
        window._remember(Path(project.path))
    if offer_recovery:
        QTimer.singleShot(0, window.offer_recovery)
    return window, problem


def run_app(argv: list[str]) -> int:
    """Run the desktop app; ``argv`` may hold one project file to open. Returns the exit code."""
    app = QApplication.instance()
    if app is None:
        # crisp at fractional scales (125 %, 150 %): no rounding of the device pixel ratio
        QApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
    configure_application(app)
    reporter = install_exception_hook(app)  # noqa: F841 - kept alive by the app (its parent)
    window, problem = create_main_window(list(argv))
    quit_on_signals(app, window)
    window.show()
    if problem:
        QTimer.singleShot(0, lambda: QMessageBox.warning(window, "Open project", problem))
    return app.exec()


def quit_on_signals(app: QApplication, window) -> QTimer:
    """End the app cleanly on SIGINT (Ctrl-C in its terminal) or SIGTERM (logout, ``kill``).

    Unsaved work is written to the recovery file first, so that the next start offers it; no
    dialog asks anything; the window closes as usual (layout kept) and the app exits with
    128 + the signal's number. A signal inherited as ignored stays ignored. Python runs signal
    handlers only between bytecodes and Qt's event loop is C++, so a timer wakes the
    interpreter five times a second; the returned timer is that.
    """
    received: list[int] = []

    def finish() -> None:
        window.closing_on_signal = True
        if getattr(window, "solve_thread", None) is not None:
            window.cancel_solve()
            window.solve_thread.wait(15_000)
        window.autosaver.keep_for_next_start()
        window.close()
        app.exit(128 + received[0])

    def handler(signum: int, frame: object) -> None:  # noqa: ARG001 - signal API
        if not received:
            received.append(signum)
            QTimer.singleShot(0, finish)

    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) != signal.SIG_IGN:
            signal.signal(sig, handler)
    tick = QTimer(app)
    tick.setObjectName("signalTick")
    tick.timeout.connect(lambda: None)
    tick.start(200)
    return tick
