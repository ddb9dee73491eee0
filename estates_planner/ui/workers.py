"""Long work off the GUI thread: the solver runs in a QThread and reports through signals.

The core takes a ``progress`` callback and a ``cancel`` flag (a :class:`threading.Event`); this
module turns them into Qt signals, which Qt delivers queued to the GUI thread, so the window
keeps repainting while CP-SAT searches.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from estates_planner.errors import CancelledError, EstatesError
from estates_planner.optimise.result import PlanResult
from estates_planner.project import Project
from estates_planner.ui.errors_hook import report_unexpected
from estates_planner.usecases import solve_in_project

log = logging.getLogger(__name__)


class SolveWorker(QObject):
    """Solves one scenario; lives in its own QThread (see :func:`start_solve`).

    Signals
    -------
    progress(objective, bound, elapsed_s, stage)
        Each improving solution or stage change.
    finished(result, scenario)
        The plan (its status says "cancelled" if the user stopped early with a plan).
    failed(message)
        A message the user can read; empty after an unexpected error, which goes to the
        application's exception hook (logged with its traceback and shown there).
    """

    progress = Signal(float, float, float, str)
    finished = Signal(object, object)
    failed = Signal(str)
    done = Signal()

    def __init__(self, project: Project, scenario_name: str,
                 time_limit_s: float | None = None,
                 solve: Callable[..., PlanResult] | None = None) -> None:
        super().__init__()
        self.project = project
        # the workspace knows its scenarios by identity: the plan is reported for this very
        # object, not for the copy with the travel model that the use case solves
        self.scenario = project.scenario(scenario_name)
        self.time_limit_s = time_limit_s
        self.cancel_event = threading.Event()
        self._solve = solve

    def cancel(self) -> None:
        """Ask the solver to stop; it returns its best plan so far (or nothing)."""
        self.cancel_event.set()

    def _report(self, event: object) -> None:
        def number(name: str) -> float:
            value = getattr(event, name, None)
            return float("nan") if value is None else float(value)

        # runs in the solver's thread; Qt queues the signal to the GUI thread
        self.progress.emit(number("objective"), number("bound"), number("elapsed_s"),
                           str(getattr(event, "stage", "") or ""))

    @Slot()
    def run(self) -> None:
        try:
            # the project's travel model, warm start from the last plan: the use case's rules
            result = solve_in_project(self.project, self.scenario.name,
                                      scenario=self.scenario, time_limit_s=self.time_limit_s,
                                      progress=self._report, cancel=self.cancel_event,
                                      solver=self._solve).result
        except CancelledError:
            self.failed.emit("Solving was cancelled before any plan was found.")
        except EstatesError as exc:
            self.failed.emit(str(exc))
        except ImportError as exc:
            log.exception("solver not available")
            self.failed.emit(f"The optimiser is not available in this installation ({exc}).")
        except Exception as exc:  # noqa: BLE001 - to the app's one hook: logged and shown
            log.error("unexpected error while solving %s", self.scenario.name)
            report_unexpected(exc)
            self.failed.emit("")  # the hook has told the user; the window just stops waiting
        else:
            self.finished.emit(result, self.scenario)
        finally:
            self.done.emit()


def start_solve(worker: SolveWorker, parent: QObject | None = None) -> QThread:
    """Run ``worker`` in a new thread that quits and cleans up when it is done."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    # direct: QThread.quit is thread-safe, and a queued call would wait for the GUI thread
    worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    return thread
