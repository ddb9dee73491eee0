"""Long work off the GUI thread: the core runs in a QThread and reports through signals.

The core takes a ``progress`` callback and a ``cancel`` flag (a :class:`threading.Event`); this
module turns them into Qt signals, which Qt delivers queued to the GUI thread, so the window
keeps repainting while CP-SAT searches. :class:`Worker` is the one home of that wiring and of
how a failure reaches the user; each long job (a solve, a contract plan, a late-data study)
is a small subclass that says what to run.
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


class Worker(QObject):
    """One piece of long work in its own QThread (see :func:`start_worker`).

    A subclass defines :meth:`work`, which runs in the worker's thread, passes
    ``self.cancel_event`` to the core as its cancel flag and returns what it made.
    ``cancel`` may be called from any thread.

    Signals
    -------
    finished(result)
        What :meth:`work` returned.
    failed(message)
        A message the user can read; empty after an unexpected error, which goes to the
        application's exception hook (logged with its traceback and shown there).
    done()
        After ``finished`` or ``failed``: the thread may stop.
    """

    finished = Signal(object)
    failed = Signal(str)
    done = Signal()

    #: shown when the user cancels before the core has anything to give back
    cancelled_message = "The work was cancelled."
    #: what the work was doing, for the log: "unexpected error while <activity>"
    activity = "running long work"
    #: shown when the core lacks an optional package (an ImportError); None: unexpected error
    unavailable_message: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        """Ask the core to stop; it returns its best so far, or raises CancelledError."""
        self.cancel_event.set()

    def work(self) -> object:
        """The long work itself, run in the worker's thread."""
        raise NotImplementedError

    def _finish(self, result: object) -> None:
        self.finished.emit(result)

    @Slot()
    def run(self) -> None:
        try:
            result = self.work()
        except CancelledError:
            self.failed.emit(self.cancelled_message)
        except EstatesError as exc:
            self.failed.emit(str(exc))
        except ImportError as exc:
            if self.unavailable_message is None:
                self._unexpected(exc)
            else:
                log.exception("a package is not available while %s", self.activity)
                self.failed.emit(f"{self.unavailable_message} ({exc}).")
        except Exception as exc:  # noqa: BLE001 - to the app's one hook: logged and shown
            self._unexpected(exc)
        else:
            self._finish(result)
        finally:
            self.done.emit()

    def _unexpected(self, exc: BaseException) -> None:
        log.error("unexpected error while %s", self.activity)
        report_unexpected(exc)
        self.failed.emit("")  # the hook has told the user; the window just stops waiting


class SolverWorker(Worker):
    """A worker whose core reports solver events (objective, bound, time, stage).

    Signals
    -------
    progress(objective, bound, elapsed_s, stage)
        Each improving solution or stage change; NaN where the event has no number.
    """

    progress = Signal(float, float, float, str)

    def _report(self, event: object) -> None:
        def number(name: str) -> float:
            value = getattr(event, name, None)
            return float("nan") if value is None else float(value)

        # runs in the solver's thread; Qt queues the signal to the GUI thread
        self.progress.emit(number("objective"), number("bound"), number("elapsed_s"),
                           str(getattr(event, "stage", "") or ""))


class SolveWorker(SolverWorker):
    """Solves one scenario.

    Signals
    -------
    finished(result, scenario)
        The plan (its status says "cancelled" if the user stopped early with a plan) and the
        workspace's scenario it is for.
    """

    finished = Signal(object, object)
    cancelled_message = "Solving was cancelled before any plan was found."
    unavailable_message = "The optimiser is not available in this installation"

    def __init__(self, project: Project, scenario_name: str,
                 time_limit_s: float | None = None,
                 solve: Callable[..., PlanResult] | None = None) -> None:
        super().__init__()
        self.project = project
        # the workspace knows its scenarios by identity: the plan is reported for this very
        # object, not for the copy with the travel model that the use case solves
        self.scenario = project.scenario(scenario_name)
        self.activity = f"solving {scenario_name}"
        self.time_limit_s = time_limit_s
        self._solve = solve

    def work(self) -> PlanResult:
        # the project's travel model, warm start from the last plan: the use case's rules
        return solve_in_project(self.project, self.scenario.name,
                                scenario=self.scenario, time_limit_s=self.time_limit_s,
                                progress=self._report, cancel=self.cancel_event,
                                solver=self._solve).result

    def _finish(self, result: object) -> None:
        self.finished.emit(result, self.scenario)


def start_worker(worker: Worker, parent: QObject | None = None) -> QThread:
    """Run ``worker`` in a new thread that quits and cleans up when it is done.

    Connect the worker's signals before calling this: the work starts at once.
    """
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    # direct: QThread.quit is thread-safe, and a queued call would wait for the GUI thread
    worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    return thread


def end_thread(thread: QThread | None, wait_ms: int) -> None:
    """After a worker's ``done``: let its thread stop (up to ``wait_ms``) and be deleted.

    Call it before disconnecting anything connected to the worker: the worker is deleted in
    its own thread as the thread ends, and a disconnect in the GUI thread meanwhile waits on
    Qt's lock while holding the GIL that the deletion needs (a deadlock, seen in the study
    dialog). Waiting here releases the GIL, so the deletion finishes first.
    """
    if thread is None:
        return
    thread.quit()
    thread.wait(wait_ms)
    thread.deleteLater()
