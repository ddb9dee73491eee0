"""Start the desktop application: ``run_app(argv)``.

Sets the names QSettings uses, the bundled font and the style sheet, and installs the one
exception hook of :mod:`estates_planner.ui.errors_hook`.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

# The core (with pandas and geopandas) is imported before Qt on purpose: once PySide6 is
# loaded, its import hook inspects the source of every module imported afterwards, which adds
# about 0.3 s to the start for these large libraries.
import estates_planner.project  # noqa: F401, I001
from estates_planner import __version__
from estates_planner.errors import EstatesError
from estates_planner.ui.common import RESOURCES, SAMPLE_PROJECT
from estates_planner.ui.errors_hook import install_exception_hook

log = logging.getLogger("estates_planner")

ORGANISATION = "Estates Planner"
APP_NAME = "Estates Planner"


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
        from estates_planner.render.fonts import register_app_fonts

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
    from estates_planner.ui.main_files import empty_project

    return empty_project(), "\n".join(problems)


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
