"""The study on Dask: the same seed gives the same figures however many workers, on a local
cluster or through a real scheduler and workers, and losing a worker loses no sample."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from studies.hand_case import hand_scenario

from estates_planner.studies import StudySettings, run_study

ROOT = Path(__file__).resolve().parents[2]


def same_figures(a, b) -> None:
    assert a.candidates == b.candidates
    assert a.needs.equals(b.needs)
    assert a.sites.equals(b.sites)
    assert a.plans == b.plans


@pytest.fixture(scope="module")
def hand():
    sc = hand_scenario()
    settings = StudySettings.from_scenario(sc)
    return sc, settings, run_study(sc, settings, inline=True)


def test_one_and_two_local_workers_give_the_inline_figures(hand):
    sc, settings, inline = hand
    seen = []
    one = run_study(sc, settings, n_workers=1, progress=seen.append)
    two = run_study(sc, settings, n_workers=2)
    same_figures(one, inline)
    same_figures(two, inline)
    # 1 headroom plan to solve, the chosen plan solved too, and 20 samples of each
    assert seen[-1].done == seen[-1].total == 2 + 2 * 20
    assert seen[-1].eta_s == 0.0


@pytest.fixture(scope="module")
def external_cluster(tmp_path_factory):
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1 (no nanny, so that
    killing a worker process kills the worker)."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = []

    def start(*args: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", *args], cwd=folder, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(proc)
        return proc

    start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
          "--no-dashboard", "--scheduler-file", str(scheduler_file))
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    address = json.loads(scheduler_file.read_text())["address"]
    workers = [start("distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny",
                     "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{k}")
               for k in range(2)]
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=60)
    yield address, workers
    for proc in reversed(started):
        proc.kill()
        proc.wait(10)


@pytest.mark.slow
def test_a_real_scheduler_and_two_workers_give_the_same_figures(hand, external_cluster):
    sc, settings, inline = hand
    address, _ = external_cluster
    same_figures(run_study(sc, settings, scheduler_address=address), inline)


@pytest.mark.slow
def test_a_worker_killed_mid_study_loses_no_sample(hand, external_cluster):
    sc, _, _ = hand
    settings = StudySettings.from_scenario(sc, samples=150)
    inline = run_study(sc, settings, inline=True)
    address, workers = external_cluster
    killed = []

    def kill_one(progress) -> None:
        if not killed and progress.done >= progress.total // 4:
            workers[1].kill()
            killed.append(progress.done)

    result = run_study(sc, settings, scheduler_address=address, progress=kill_one)
    assert killed and killed[0] < 2 + 2 * 150
    assert workers[1].wait(10) is not None
    assert [c.samples for c in result.candidates] == [150, 150]
    same_figures(result, inline)


def test_an_unreachable_scheduler_is_named(hand, monkeypatch):
    from estates_planner.errors import EstatesError
    from estates_planner.studies import runner

    monkeypatch.setattr(runner, "_CONNECT_TIMEOUT_S", 1.0)
    sc, settings, _ = hand
    with pytest.raises(EstatesError, match="cannot start the study on tcp://127.0.0.1:9"):
        run_study(sc, settings, scheduler_address="tcp://127.0.0.1:9")


def test_a_cluster_whose_close_hangs_is_ended_by_wait_for_cleanup(monkeypatch):
    """A Ctrl+C must always end the command: past its timeout, wait_for_cleanup kills the
    local cluster's processes that a hung close left running (here the close never starts)."""
    import threading

    import psutil

    from estates_planner.studies import runner

    cluster = runner._local_cluster(1)
    started = list(runner._PROCESSES[id(cluster)])
    assert started and all(p.is_running() for p in started)
    hung = threading.Event()
    real_close = cluster.close

    def close_when_released(timeout=None):  # noqa: ANN001, ANN202
        hung.wait(30)
        return real_close(timeout=timeout)

    monkeypatch.setattr(cluster, "close", close_when_released)
    runner._close_later(None, cluster)
    t0 = time.perf_counter()
    assert runner.wait_for_cleanup(timeout_s=0.5) is False
    assert time.perf_counter() - t0 < 2.0
    gone, alive = psutil.wait_procs(started, timeout=10)
    assert not alive, alive
    assert not runner._PROCESSES and not runner._CLOSING
    hung.set()  # the scheduler (in this process) closes now: no socket left behind
    for t in threading.enumerate():
        if t.name == "close-study-cluster":
            t.join(30)
    assert cluster.status.name == "closed"
    # an ordinary close is waited for and reported clean
    runner._close_later(None, runner._local_cluster(1))
    assert runner.wait_for_cleanup(timeout_s=30) is True
