"""Fixtures for the desktop app's tests: a small hand-made project, a main-window factory with
its own QSettings file, and message boxes and file dialogs that never block."""

from __future__ import annotations

import threading
import time

import pytest

from estates_planner.model import Dataset, Lot, ServiceNeed, Site, SiteKind

NORTH = (400_000.0, 500_000.0)
SOUTH = (420_000.0, 300_000.0)


def _site(site_id, name, region, kind, x, y, desks=10, rooms=2, cost=1000.0, women=False,
          **extra):
    return Site(site_id, name, region, f"{region} PDU", kind, women, desks, rooms, cost,
                x, y, extra=extra)


def _need(need_id, provider, lot, region, x, y, desks=2, rooms=1, days=5):
    return ServiceNeed(need_id, provider, lot, region, f"{region} PDU", desks, rooms, days,
                       20.0, x, y)


def small_dataset() -> Dataset:
    """Two regions, five sites, six needs; every need has an allowed site with room."""
    nx, ny = NORTH
    sx, sy = SOUTH
    sites = (
        _site("A1", "Northgate Office", "North", SiteKind.AUTHORITY, nx, ny, floor="2nd"),
        _site("P1", "Riverside Hub", "North", SiteKind.PROVIDER, nx + 3000, ny, cost=1500.0),
        _site("W1", "Rose House", "North", SiteKind.MARKET, nx - 2000, ny + 1000, desks=4,
              women=True),
        _site("A2", "Southbridge Office", "South", SiteKind.AUTHORITY, sx, sy),
        _site("M2", "Quay Chambers", "South", SiteKind.MARKET, sx + 4000, sy, cost=2500.0),
    )
    needs = (
        _need("N-ETE-1", "Acme", Lot.ETE, "North", nx + 500, ny),
        _need("N-WB-1", "Bloom", Lot.WELLBEING, "North", nx + 2500, ny),
        _need("N-W-1", "Hope", Lot.WOMENS, "North", nx - 1500, ny + 800),
        _need("N-ACC-1", "Roof", Lot.ACCOMMODATION, "North", nx, ny + 400),
        _need("S-ETE-1", "Acme", Lot.ETE, "South", sx + 200, sy),
        _need("S-WB-1", "Bloom", Lot.WELLBEING, "South", sx + 3500, sy),
    )
    return Dataset(sites, needs)


@pytest.fixture
def dataset() -> Dataset:
    return small_dataset()


@pytest.fixture
def project(dataset):
    from estates_planner.project import new_project

    return new_project(dataset, title="Test project")


def core_solver():
    """The core's solver, which the app uses."""
    from estates_planner.optimise import solve_scenario

    return solve_scenario


def slow_solver(started: threading.Event):
    """A solver that reports progress until cancelled, then returns the greedy plan."""
    from estates_planner.errors import CancelledError
    from estates_planner.optimise.greedy import greedy_plan
    from estates_planner.optimise.result import PlanResult

    def solve(scenario, *, time_limit_s=None, progress=None, cancel=None, warm_start=None):
        t0 = time.perf_counter()
        started.set()
        while not cancel.is_set():
            if time.perf_counter() - t0 > 20:
                raise CancelledError("test solver was never cancelled")
            if progress is not None:
                from types import SimpleNamespace

                progress(SimpleNamespace(objective=123456.0, bound=100000.0,
                                         elapsed_s=time.perf_counter() - t0, stage="search"))
            time.sleep(0.02)
        plan = greedy_plan(scenario)
        return PlanResult(**{**{f: getattr(plan, f) for f in (
            "scenario_name", "allocations", "terms", "objective", "bound", "gap", "seconds",
            "site_usage", "messages")}, "status": "cancelled"})

    return solve


@pytest.fixture
def core_solve():
    return core_solver()


@pytest.fixture
def slow_solve():
    """(solver, started event): the solver runs until cancelled."""
    started = threading.Event()
    return slow_solver(started), started


@pytest.fixture(autouse=True)
def user_data_dir(tmp_path_factory, monkeypatch):
    """The app's data folder (log file, recovery files) is a temporary one in every test
    (outside ``tmp_path``, which some tests expect to hold only what they wrote)."""
    from estates_planner.ui import common

    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setattr(common, "data_dir", lambda: folder)
    return folder


@pytest.fixture
def error_hook(user_data_dir, monkeypatch):
    """The app's one exception hook, installed as in ``run_app`` with its log in the test's
    data folder. Yields the reporter; ``reporter.log_file`` is the log."""
    import logging
    import sys
    import threading

    from PySide6.QtWidgets import QApplication

    from estates_planner.ui import errors_hook

    # remember the hooks as they are, so that they come back after the test
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    reporter, handler = errors_hook.install_exception_hook(QApplication.instance(),
                                                           return_handler=True)
    reporter.log_file = errors_hook.log_path()
    # pytest-qt's own hook is active while the test runs: put the app's hook in its place
    monkeypatch.setattr(sys, "excepthook", reporter.excepthook)
    monkeypatch.setattr(threading, "excepthook", reporter.thread_hook)
    yield reporter
    logging.getLogger("estates_planner").removeHandler(handler)
    handler.close()
    reporter.deleteLater()


@pytest.fixture
def settings_file(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def no_dialogs(monkeypatch):
    """Message boxes answer from ``answers`` (default: the safe choice) and record text."""
    from PySide6.QtWidgets import QMessageBox

    seen: list[tuple[str, str]] = []
    answers: dict[str, QMessageBox.StandardButton] = {}

    def fake(kind, default):
        def box(parent, title, text, *args, **kwargs):
            seen.append((title, text))
            return answers.get(title, default)

        return box

    monkeypatch.setattr(QMessageBox, "warning", fake("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information",
                        fake("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", fake("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", fake("question",
                                                      QMessageBox.StandardButton.Cancel))
    monkeypatch.setattr(QMessageBox, "about", fake("about", QMessageBox.StandardButton.Ok))
    return type("Dialogs", (), {"seen": seen, "answers": answers})


@pytest.fixture
def make_window(qtbot, settings_file, no_dialogs):
    """Factory: ``make_window(project, solve=...)`` builds a shown main window for the test."""
    from PySide6.QtWidgets import QApplication

    from estates_planner.ui.app import configure_application
    from estates_planner.ui.main_window import MainWindow

    configure_application(QApplication.instance())
    windows = []

    def make(project, solve=None):
        window = MainWindow(project, settings_file, solve=solve or core_solver())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.solve_worker is not None:
            window.solve_worker.cancel()
        if window.solve_thread is not None:
            window.solve_thread.wait(10_000)
        window.autosaver.wait()  # no recovery file written after the test
        window.workspace._set_modified(False)  # no prompt while tearing down


@pytest.fixture(autouse=True)
def no_keys_held_after():
    """Qt takes the keyboard modifiers from the last key event: a test ending on Ctrl+Shift+Z
    left Shift "held" for the next test, whose selectRow then extended a selection. Each
    test ends with a plain key release, as a user's hands leave the keyboard."""
    yield
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    if QApplication.instance() is None \
            or QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    widget = QWidget()
    for key in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt):
        QTest.keyRelease(widget, key, Qt.KeyboardModifier.NoModifier)
    widget.deleteLater()
