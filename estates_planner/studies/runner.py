"""Run a study on Dask distributed: an embedded local cluster, or a cluster somewhere else.

By default a :class:`distributed.LocalCluster` of worker processes (one thread each, as many
as the machine has cores) is started for the study, listening on 127.0.0.1 only, and closed
after it. With ``scheduler_address`` (``tcp://HOST:8786``) the study runs on an existing
cluster instead: ``dask scheduler`` and ``dask worker`` on other machines, or one from
dask-jobqueue or dask-kubernetes (docs/robustness.md). Either way the scenario is scattered
to the workers once, and each task is one candidate plan or one sample of one candidate.

A worker lost mid-study costs nothing but time: the scheduler re-runs its tasks elsewhere
(and ``retries`` covers a task that fails outright on a sick worker). Cancel stops waiting
within a fraction of a second and cancels the outstanding tasks; a sample already running on
a remote worker finishes there and is thrown away.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from estates_planner.errors import CancelledError, EstatesError
from estates_planner.model import Scenario
from estates_planner.studies.aggregate import StudyResult, aggregate
from estates_planner.studies.samples import StudySettings
from estates_planner.studies.tasks import (
    CandidatePlan,
    SampleOutcome,
    StudyInput,
    candidate_from_plan,
    prepare_input,
    run_sample,
    solve_candidate,
)

log = logging.getLogger(__name__)

_POLL_S = 0.1  # how often the client looks for finished tasks and for a cancel
_RETRIES = 3  # re-runs of a task that raised on a worker (a lost worker is re-run anyway)
_CONNECT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class StudyProgress:
    """Tasks done of the total, seconds so far and the estimated seconds left (None until a
    sample has finished)."""

    done: int
    total: int
    elapsed_s: float
    eta_s: float | None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


ProgressCallback = Callable[[StudyProgress], None]


def run_study(scenario: Scenario, study: StudySettings, *,
              chosen: Mapping[str, str | None] | None = None,
              scheduler_address: str | None = None, n_workers: int | None = None,
              inline: bool = False, progress: ProgressCallback | None = None,
              cancel: object | None = None) -> StudyResult:
    """Test ``chosen`` (or, without it, the scenario's own plan) against ``study.samples``
    sampled futures, and the headroom candidates against the same samples.

    Parameters
    ----------
    scenario
        The scenario, with its travel model if it has one (journeys are worked out once here).
    chosen
        The planner's plan (need_id -> site_id); None solves the scenario first.
    scheduler_address
        ``tcp://HOST:8786`` of a running Dask scheduler; None starts a local cluster.
    n_workers
        Worker processes of the local cluster (default: the machine's cores).
    inline
        Run every task in this process one after another, without Dask (for comparison and
        for tiny studies); the figures are the same.
    progress, cancel
        As everywhere in the core: a callback, and any object with ``is_set()``.

    Raises
    ------
    CancelledError
        When ``cancel`` was set; no figures are kept.
    EstatesError
        When the cluster cannot be reached or a task keeps failing.
    """
    inp = prepare_input(scenario, study)
    chosen_plan = candidate_from_plan(inp, dict(chosen)) if chosen is not None else None
    headrooms = [h for h in study.headroom_pct if h > 0]
    if inline:
        plans, outcomes = _run_inline(inp, chosen_plan, headrooms, progress, cancel)
    else:
        plans, outcomes = _run_on_dask(inp, chosen_plan, headrooms, scheduler_address,
                                       n_workers, progress, cancel)
    return aggregate(scenario, study, plans, outcomes)


def task_count(study: StudySettings, solve_chosen: bool) -> int:
    headrooms = [h for h in study.headroom_pct if h > 0]
    return len(headrooms) + int(solve_chosen) + study.samples * (1 + len(headrooms))


class _Clock:
    def __init__(self, total: int, progress: ProgressCallback | None) -> None:
        self.total, self.progress, self.done = total, progress, 0
        self.start = time.perf_counter()

    def tick(self, count: int = 1) -> None:
        self.done += count
        if self.progress is None:
            return
        elapsed = time.perf_counter() - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else None
        self.progress(StudyProgress(self.done, self.total, elapsed, eta))


def _is_set(cancel: object | None) -> bool:
    return cancel is not None and bool(cancel.is_set())  # type: ignore[attr-defined]


def _run_inline(inp: StudyInput, chosen: CandidatePlan | None, headrooms: list[float],
                progress: ProgressCallback | None, cancel: object | None,
                ) -> tuple[list[CandidatePlan], list[SampleOutcome]]:
    clock = _Clock(task_count(inp.study, chosen is None), progress)
    plans = [chosen] if chosen is not None else []
    for h in ([0.0] if chosen is None else []) + headrooms:
        if _is_set(cancel):
            raise CancelledError("the study was cancelled")
        plans.append(solve_candidate(inp, h))
        clock.tick()
    outcomes = []
    for plan in plans:
        for k in range(inp.study.samples):
            if _is_set(cancel):
                raise CancelledError("the study was cancelled")
            outcomes.append(run_sample(inp, plan, k))
            clock.tick()
    return plans, outcomes


def local_worker_count() -> int:
    """One single-threaded worker process per core (a CP-SAT solve uses one core)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _run_on_dask(inp: StudyInput, chosen: CandidatePlan | None, headrooms: list[float],
                 scheduler_address: str | None, n_workers: int | None,
                 progress: ProgressCallback | None, cancel: object | None,
                 ) -> tuple[list[CandidatePlan], list[SampleOutcome]]:
    from distributed import Client

    cluster = None
    try:
        if scheduler_address is None:
            cluster = _local_cluster(n_workers or local_worker_count())
            client = Client(cluster, set_as_default=False)
        else:
            client = Client(scheduler_address, timeout=_CONNECT_TIMEOUT_S,
                            set_as_default=False)
    except (OSError, TimeoutError, RuntimeError) as exc:
        # RuntimeError: a local worker process failed to start
        _close_later(None, cluster)
        where = scheduler_address or "a local cluster"
        raise EstatesError(f"cannot start the study on {where}: {exc}") from exc
    try:
        return _submit_and_wait(client, inp, chosen, headrooms, progress, cancel)
    finally:
        _close_later(client, cluster)


def _local_cluster(n_workers: int):  # noqa: ANN202 (distributed.LocalCluster)
    import dask
    import psutil
    from distributed import LocalCluster

    # - the workers' statistical profiler samples every task's stack every 10 ms: CPU taken
    #   from the solves for a dashboard nobody looks at here (the nannies pass this on);
    # - no dashboard; the scheduler's small HTTP service (health, metrics) on any free port
    #   of the loopback (by default it takes 8787, which another cluster may hold)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None,
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                               silence_logs=logging.ERROR)
    # the cluster's nannies and workers: what wait_for_cleanup ends if closing hangs
    # (not multiprocessing's resource tracker, which this process shares with others)
    _PROCESSES[id(cluster)] = [p for p in psutil.Process().children(recursive=True)
                               if p.pid not in before and not _is_resource_tracker(p)]
    return cluster


def _submit_and_wait(client, inp: StudyInput, chosen: CandidatePlan | None,  # noqa: ANN001
                     headrooms: list[float], progress: ProgressCallback | None,
                     cancel: object | None) -> tuple[list[CandidatePlan], list[SampleOutcome]]:
    # broadcast: every worker gets the scenario once, up front, instead of fetching it from
    # a peer when its first task starts
    [data] = client.scatter([inp], broadcast=True, hash=False)
    token = f"{os.getpid()}-{time.time_ns()}"
    plan_futures = []
    if chosen is None:
        plan_futures.append(client.submit(solve_candidate, data, 0.0, retries=_RETRIES,
                                          key=f"robustness-plan-0-{token}"))
    for h in headrooms:
        plan_futures.append(client.submit(solve_candidate, data, h, retries=_RETRIES,
                                          key=f"robustness-plan-{h:g}-{token}"))
    plan_inputs: list[object] = ([chosen] if chosen is not None else []) + plan_futures
    sample_futures = [client.submit(run_sample, data, plan, k, retries=_RETRIES,
                                    key=f"robustness-sample-{p}-{k}-{token}")
                      for p, plan in enumerate(plan_inputs) for k in range(inp.study.samples)]
    pending = set(plan_futures) | set(sample_futures)
    clock = _Clock(len(pending), progress)
    try:
        while pending:
            if _is_set(cancel):
                raise CancelledError("the study was cancelled")
            finished = {f for f in pending if f.done()}
            for f in finished:
                if f.status == "error":
                    exc = f.exception()
                    raise EstatesError(f"a task of the study failed: {exc}") from exc
                if f.status == "cancelled":
                    raise EstatesError("the cluster dropped a task of the study (was it "
                                       "restarted?)")
            pending -= finished
            if finished:
                clock.tick(len(finished))
            else:
                time.sleep(_POLL_S)
        plans = ([chosen] if chosen is not None else []) + [f.result() for f in plan_futures]
        outcomes = [f.result() for f in sample_futures]
    except BaseException:
        client.cancel(list(pending) + plan_futures + sample_futures, force=True)
        raise
    return plans, outcomes


def _close_later(client, cluster) -> None:  # noqa: ANN001
    """Close the client and the local cluster in the background: workers busy in CP-SAT are
    killed after the close's timeout, which must not hold up a cancel."""
    def close() -> None:
        # closing a cluster that still holds the scattered scenario or unfinished tasks makes
        # the scheduler log errors about them: expected here, so not shown
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL + 1)
        try:
            close_in_order()
        finally:
            quiet.setLevel(level)

    def close_in_order() -> None:
        # a local cluster goes first: its scheduler stops its workers at once, whereas a
        # client closed first leaves the scheduler reporting finished tasks to nobody
        for thing in (cluster, client):
            if thing is None:
                continue
            try:
                thing.close(timeout=5) if thing is cluster else thing.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                log.debug("closing %r failed", thing, exc_info=True)

    # a daemon thread: a close that hangs must not keep the process from exiting (the CLI
    # waits for it with wait_for_cleanup, which ends the cluster's processes past its timeout)
    thread = threading.Thread(target=close, name="close-study-cluster", daemon=True)
    thread.start()
    _CLOSING.append((thread, _PROCESSES.pop(id(cluster), [])))


# each closing cluster's thread, with the psutil.Process of its nannies and workers
_CLOSING: list[tuple[threading.Thread, list]] = []
_PROCESSES: dict[int, list] = {}  # id(local cluster) -> its processes, until it is closed


def _is_resource_tracker(proc) -> bool:  # noqa: ANN001 (psutil.Process)
    import psutil

    try:
        return any("resource_tracker" in part for part in proc.cmdline())
    except psutil.Error:
        return False


def wait_for_cleanup(timeout_s: float = 10.0) -> bool:
    """Wait for the clusters of finished studies to close (the CLI calls this before it
    exits). Past ``timeout_s`` the processes of a local cluster still closing are killed, so
    that a Ctrl+C always ends the command. True when every close finished in time."""
    import psutil

    deadline = time.perf_counter() + timeout_s
    clean = True
    while _CLOSING:
        thread, processes = _CLOSING.pop()
        thread.join(max(0.0, deadline - time.perf_counter()))
        if not thread.is_alive():
            continue
        clean = False
        log.warning("a local study cluster did not close within %g s; ending its processes",
                    timeout_s)
        for proc in processes:
            try:
                if proc.is_running():  # psutil: the same process, not a reused pid
                    proc.kill()
            except psutil.Error:
                pass
    return clean
