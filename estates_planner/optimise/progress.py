"""Progress reports and the cancel/time-limit watcher shared by the solver's parts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

STAGES = ("checking", "building", "solving", "done")


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One progress report of a solve.

    ``objective`` is the best plan's objective so far (annual GBP) and ``bound`` the proven
    lower bound, both None until known. ``stage`` is one of "checking", "building", "solving",
    "done".
    """

    objective: float | None
    bound: float | None
    elapsed_s: float
    stage: str

    @property
    def gap(self) -> float | None:
        """(objective - bound) / max(|objective|, 1), or None while either is unknown."""
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, (self.objective - self.bound) / max(abs(self.objective), 1.0))


class Cancel(Protocol):
    def is_set(self) -> bool: ...


ProgressCallback = Callable[[ProgressEvent], None]


class StopWatcher:
    """Stops every running CP-SAT search when cancel is set or the deadline passes.

    CP-SAT's own time limit is set too; this thread is what makes a cancel take effect within
    a fraction of a second, and covers searches that start late. Use as a context manager.
    """

    POLL_S = 0.05

    def __init__(self, cancel: Cancel | None, deadline: float) -> None:
        self.cancel = cancel
        self.deadline = deadline
        self._solvers: set[object] = set()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cp-sat-watcher", daemon=True)

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and bool(self.cancel.is_set())

    @property
    def should_stop(self) -> bool:
        return self.cancelled or time.perf_counter() >= self.deadline

    def register(self, solver: object) -> None:
        with self._lock:
            self._solvers.add(solver)

    def unregister(self, solver: object) -> None:
        with self._lock:
            self._solvers.discard(solver)

    def _run(self) -> None:
        while not self._done.wait(self.POLL_S):
            if self.should_stop:
                with self._lock:
                    solvers = list(self._solvers)
                for solver in solvers:
                    solver.stop_search()  # type: ignore[attr-defined]

    def __enter__(self) -> StopWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
