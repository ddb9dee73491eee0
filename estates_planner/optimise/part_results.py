"""What the solver keeps per part while it searches: the merged outcome of CP-SAT and HiGHS,
the running totals for progress, the stop switch of a part, and where each bound came from."""

from __future__ import annotations

import math
import threading
import time

from estates_planner.optimise.cpsat_part import PartOutcome
from estates_planner.optimise.decompose import Component
from estates_planner.optimise.progress import ProgressCallback, ProgressEvent, StopWatcher

_PROGRESS_EVERY_S = 0.1


def merge_outcomes(old: PartOutcome | None, new: PartOutcome) -> PartOutcome:
    """Merge two searches of one part (CP-SAT's, HiGHS's, or two rounds): the better plan,
    the higher bound, and proven optimal when either proved it (the better plan is then
    optimal too)."""
    if old is None:
        return new
    bound, bound_by = (old.bound, old.bound_by) if old.bound >= new.bound \
        else (new.bound, new.bound_by)
    proven_by = old.proven_by or new.proven_by
    if new.objective is not None and (old.objective is None or new.objective <= old.objective):
        keep = new
    else:
        keep = old
    status = "optimal" if proven_by and keep.objective is not None else keep.status
    return PartOutcome(keep.site_of, keep.objective, bound, status, bound_by, proven_by)


class ProgressTotals:
    """Adds up the parts' objectives and bounds for progress events (thread-safe)."""

    def __init__(self, start: float, progress: ProgressCallback | None, fixed: float,
                 objectives: list[float | None], bounds: list[float]) -> None:
        self.start = start
        self.progress = progress
        self.fixed = fixed
        self.objectives = objectives
        self.bounds = bounds
        self.lock = threading.Lock()
        self.last_emit = -math.inf

    def totals(self) -> tuple[float | None, float]:
        obj = None if any(o is None for o in self.objectives) else \
            float(self.fixed + sum(self.objectives))  # type: ignore[arg-type]
        return obj, float(self.fixed + sum(self.bounds))

    def update(self, k: int, objective: float | None, bound: float, force: bool = False) -> None:
        with self.lock:
            if objective is not None:
                self.objectives[k] = objective
            self.bounds[k] = max(self.bounds[k], bound)
            now = time.perf_counter()
            if self.progress is None or (not force and now - self.last_emit < _PROGRESS_EVERY_S):
                return
            self.last_emit = now
            obj, bnd = self.totals()
        self.progress(ProgressEvent(obj, bnd, now - self.start, "solving"))

    def emit(self, stage: str) -> None:
        if self.progress is not None:
            obj, bnd = self.totals()
            self.progress(ProgressEvent(obj, bnd, time.perf_counter() - self.start, stage))


def bound_sources(parts: list[Component], outcomes: list[PartOutcome | None],
                   trivial: list[float]) -> str:
    """One sentence: which solver gave each part's bound and proved its optimum.

    Parts are numbered as the solver lists them (largest first). A proven part is named
    under the solver that proved it; an open part (where the bound decides the gap) with its
    size and the source of its bound: "CP-SAT", "HiGHS", or "searchless" when neither beat
    the bound that needs no search.
    """
    counts: dict[str, int] = {}
    proven_parts: dict[str, list[str]] = {}
    open_parts = []
    for k, (part, outcome) in enumerate(zip(parts, outcomes, strict=True)):
        if outcome is None or outcome.objective is None or trivial[k] >= outcome.bound:
            source = "searchless"
        else:
            source = outcome.bound_by
        counts[source] = counts.get(source, 0) + 1
        proven = outcome.proven_by if outcome is not None else ""
        if proven:
            proven_parts.setdefault(proven, []).append(str(k + 1))
        else:
            open_parts.append(f"{k + 1} ({len(part.needs)} needs) {source}")
    line = "Bounds by part: " + ", ".join(f"{n} from {s}" for s, n in sorted(counts.items()))
    for solver, numbers in sorted(proven_parts.items()):
        line += f"; proven optimal by {solver}: part{'s' if len(numbers) > 1 else ''} " \
            + ", ".join(numbers)
    if open_parts:
        line += "; open: " + "; ".join(open_parts)
    return line + "."


class PartStop:
    """Stops one part's searches (the plan search, CP-SAT, HiGHS) once the other solver
    has proven the part, as well as on cancel or at the deadline (``watcher``)."""

    def __init__(self, watcher: StopWatcher) -> None:
        self.watcher = watcher
        self.proven = threading.Event()
        self._solvers: set[object] = set()
        self._lock = threading.Lock()

    def should_stop(self) -> bool:
        return self.proven.is_set() or self.watcher.should_stop

    def register(self, solver: object) -> None:
        self.watcher.register(solver)
        with self._lock:
            self._solvers.add(solver)
        if self.proven.is_set():
            solver.stop_search()  # type: ignore[attr-defined]

    def unregister(self, solver: object) -> None:
        self.watcher.unregister(solver)
        with self._lock:
            self._solvers.discard(solver)

    def stop(self) -> None:
        self.proven.set()
        with self._lock:
            solvers = list(self._solvers)
        for solver in solvers:
            solver.stop_search()  # type: ignore[attr-defined]
