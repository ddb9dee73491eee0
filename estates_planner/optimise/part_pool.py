"""HiGHS part solves in worker processes, beside the CP-SAT search in this one.

The whole-PDU search (:mod:`estates_planner.optimise.lns`) is Python and holds the GIL; a
HiGHS solve in a thread of the same process competes with it for the interpreter whenever
its callbacks run. In a worker process the two solvers of a part really run at once, one on
each core. What a worker receives is the part's MILP (:class:`MilpArrays`: numpy arrays, a
few hundred kB), sent once per part; the worker needs no scenario, so nothing else is
pickled and a worker never rebuilds distances or costs.

Processes are started with ``forkserver`` (``spawn`` where that is missing), never ``fork``:
the app calls the solver from a worker thread of a Qt application, and forking a process
with threads running copies locks held by other threads. The pool is made once, on first
use, and kept for the life of the process (a worker takes about half a second to start);
the forkserver preloads HiGHS so that each worker starts from a process that has it.

Stop and progress go through shared memory set up by the pool's initializer: one stop flag
and one (objective, bound) pair per job slot. The caller never waits on a stopped job: a
cancel returns at once and the worker ends its solve within HiGHS's next callback.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, TimeoutError

from estates_planner.optimise.highs_part import MilpArrays, MilpOutcome, solve_milp

_SLOTS = 64  # jobs at once, at most (parts waiting for a worker hold a slot too)

# set in each worker by _init_worker
_worker_stop = None
_worker_figures = None


def _init_worker(stop_flags: object, figures: object) -> None:
    global _worker_stop, _worker_figures
    _worker_stop = stop_flags
    _worker_figures = figures


def _solve_in_worker(milp: MilpArrays, time_limit_s: float, relative_gap: float,
                     slot: int) -> MilpOutcome:
    stop, figures = _worker_stop, _worker_figures
    assert stop is not None and figures is not None

    def on_update(objective: float | None, bound: float) -> None:
        figures[2 * slot] = math.nan if objective is None else objective
        figures[2 * slot + 1] = bound

    return solve_milp(milp, time_limit_s=time_limit_s, relative_gap=relative_gap,
                      should_stop=lambda: bool(stop[slot]), on_update=on_update)


class MilpJob:
    """One part's HiGHS solve in a worker: its stop switch, live figures and result."""

    def __init__(self, pool: MilpPool, slot: int, future: Future) -> None:
        self._pool = pool
        self.slot = slot
        self.future = future

    def stop(self) -> None:
        self._pool.stop_flags[self.slot] = 1

    def figures(self) -> tuple[float | None, float]:
        """The solve's best objective (None before a plan) and bound so far, in pence."""
        objective = self._pool.figures[2 * self.slot]
        bound = self._pool.figures[2 * self.slot + 1]
        return (None if math.isnan(objective) else objective), bound


class MilpPool:
    """A process pool sized to the cores, for :func:`solve_milp` jobs."""

    def __init__(self, workers: int) -> None:
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        if ctx.get_start_method() == "forkserver":
            ctx.set_forkserver_preload(["estates_planner.optimise.highs_part", "highspy"])
        self.stop_flags = ctx.RawArray("b", _SLOTS)
        self.figures = ctx.RawArray("d", 2 * _SLOTS)
        self._free = list(range(_SLOTS))
        self.warm_futures: list[Future] = []
        self._lock = threading.Lock()
        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                            initializer=_init_worker,
                                            initargs=(self.stop_flags, self.figures))

    def submit(self, milp: MilpArrays, *, time_limit_s: float,
               relative_gap: float) -> MilpJob | None:
        """Start a job; None when every slot is taken (the caller then solves in-process)."""
        with self._lock:
            if not self._free:
                return None
            slot = self._free.pop()
        self.stop_flags[slot] = 0
        self.figures[2 * slot] = math.nan
        self.figures[2 * slot + 1] = -math.inf
        try:
            future = self.executor.submit(_solve_in_worker, milp, time_limit_s, relative_gap,
                                          slot)
        except RuntimeError:
            self._release(slot)
            raise
        future.add_done_callback(lambda _f: self._release(slot))
        return MilpJob(self, slot, future)

    def _release(self, slot: int) -> None:
        with self._lock:
            self._free.append(slot)

    def warm_up(self) -> None:
        """Start the workers now (each takes about half a second), without waiting."""
        self.warm_futures = [self.executor.submit(os.getpid)
                             for _ in range(self.executor._max_workers)]  # noqa: SLF001

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


_pool: MilpPool | None = None
_pool_ready = threading.Event()
_pool_lock = threading.Lock()


def start_pool() -> None:
    """Start the process's pool of HiGHS workers (one per core) in the background, once.

    The first worker's start also starts the forkserver, which imports HiGHS: a second or
    two on a busy machine, which must not hold up a solve. Until the pool is ready,
    :func:`ready_pool` says so and parts solve HiGHS in a thread instead.
    """
    global _pool
    with _pool_lock:
        if _pool is not None:
            return
        _pool = MilpPool(max(1, os.cpu_count() or 1))
        atexit.register(_pool.shutdown)
    pool = _pool

    def warm() -> None:
        try:
            pool.warm_up()
            for future in pool.warm_futures:
                future.result()
            _pool_ready.set()
        except Exception:  # noqa: BLE001 - no workers: parts keep solving HiGHS in threads
            return

    threading.Thread(target=warm, name="highs-pool-start", daemon=True).start()


def ready_pool() -> MilpPool | None:
    """The pool once its workers have started, else None."""
    return _pool if _pool_ready.is_set() else None


class HighsPartRun:
    """HiGHS on one part, in a worker process (:func:`start_pool`) or in a thread here.

    ``should_stop`` (the cancel flag, the deadline, or the part proven by CP-SAT) is
    watched every 0.05 s and passed to the worker; ``on_update(objective, bound)`` (pence)
    gets HiGHS's figures as they improve; ``on_done(outcome)`` is called once at the end,
    from this run's own thread, with the result (None if the solve failed).
    """

    POLL_S = 0.05

    def __init__(self, milp: MilpArrays, *, time_limit_s: float, relative_gap: float,
                 in_process: bool, should_stop: Callable[[], bool],
                 on_update: Callable[[float | None, float], None],
                 on_done: Callable[[MilpOutcome | None], None]) -> None:
        self._stop = threading.Event()
        self._should_stop = should_stop
        self._on_update = on_update
        self._on_done = on_done
        self.outcome: MilpOutcome | None = None
        self._finished = threading.Event()
        pool = None if in_process else ready_pool()
        job = None
        if pool is not None:
            try:
                job = pool.submit(milp, time_limit_s=time_limit_s, relative_gap=relative_gap)
            except RuntimeError:  # a broken or shut-down pool: solve in a thread instead
                job = None
        self.in_process = job is None
        if job is None:
            target: Callable[[], None] = lambda: self._finish(solve_milp(  # noqa: E731
                milp, time_limit_s=time_limit_s, relative_gap=relative_gap,
                should_stop=lambda: self._stop.is_set() or should_stop(),
                on_update=on_update))
        else:
            target = lambda: self._watch(job)  # noqa: E731
        self._thread = threading.Thread(target=self._guarded(target), name="highs-part",
                                        daemon=True)
        self._thread.start()

    def _guarded(self, target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            finally:
                self._finished.set()
                self._on_done(self.outcome)
        return run

    def _finish(self, outcome: MilpOutcome) -> None:
        self.outcome = outcome

    def _watch(self, job: MilpJob) -> None:
        last: tuple[float | None, float] | None = None
        while True:
            try:
                outcome = job.future.result(timeout=self.POLL_S)
            except TimeoutError:
                if self._stop.is_set() or self._should_stop():
                    job.stop()
                figures = job.figures()
                if figures != last and math.isfinite(figures[1]):
                    last = figures
                    self._on_update(*figures)
                continue
            except Exception:  # noqa: BLE001 - a broken worker leaves the part to CP-SAT
                return
            self._finish(outcome)
            return

    def stop(self) -> None:
        self._stop.set()

    @property
    def thread(self) -> threading.Thread:
        """The thread that runs (or watches) the solve; alive until HiGHS has stopped."""
        return self._thread

    def wait(self, until: float, should_stop: Callable[[], bool],
             grace_s: float = 0.1) -> MilpOutcome | None:
        """The result, waiting at most until ``until`` (perf_counter), or ``grace_s`` once
        ``should_stop`` says so; None when it is not ready by then."""
        while not self._finished.wait(0.02):
            now = time.perf_counter()
            if should_stop() or now >= until:
                self.stop()
                self._finished.wait(grace_s)
                break
        return self.outcome
