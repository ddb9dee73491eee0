"""Solver limits: cancel works at every stage (building the model too) and a scenario too big
for its time limit stops with a clear message and a usable plan.

A smaller twin of ``benchmarks/bench_limits.py`` (100,000 needs): 20,000 needs x 1,000 sites
take several seconds just to build, long enough to cancel in the middle of the build.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time

import pytest

from estates_planner.geo import StraightLine
from estates_planner.model import Scenario
from estates_planner.optimise import ProgressEvent, solve_scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.optimise.solver import wait_for_abandoned
from estates_planner.optimise.synthetic import generate_national_instance

CANCEL_WITHIN_S = 0.5


def cancel_within_s() -> float:
    """The promise is 0.5 s. Numpy steps of the build hold the GIL for a few hundred ms at
    this size, so on a machine already running more than 1.5 jobs per core the watcher can
    be late by that much: allow 1 s then, rather than fail at random in a busy CI."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1) if hasattr(os, "getloadavg") else 0.0
    return CANCEL_WITHIN_S if load < 1.5 else 2 * CANCEL_WITHIN_S


def assert_usable(scenario: Scenario, result: PlanResult) -> None:
    """Every need is in the plan, placed or unplaced with a reason; the usage adds up."""
    assert [a.need_id for a in result.allocations] == [n.need_id for n in
                                                       scenario.dataset.needs]
    for a in result.allocations:
        assert a.site_id is not None or a.unplaced_reason, a
    sites = {s.site_id: s for s in scenario.dataset.sites}
    assert all(a.site_id in sites for a in result.allocations if a.site_id is not None)
    assert result.messages  # the status is explained


def cancel_after(delay_s: float) -> tuple[threading.Event, list[float], threading.Timer]:
    cancel = threading.Event()
    set_at: list[float] = []

    def fire() -> None:
        set_at.append(time.perf_counter())
        cancel.set()

    timer = threading.Timer(delay_s, fire)
    return cancel, set_at, timer


@pytest.fixture(scope="module")
def huge() -> Scenario:
    """20,000 needs x 1,000 sites planned as one (R5 off: no region split), so that the
    build of one dense model is what is cancelled or refused."""
    return generate_national_instance(1_000, 20_000, seed=3).with_settings(same_region=False)


@pytest.mark.slow
def test_cancel_while_the_model_is_being_built(huge):
    latencies = []
    for _ in range(2):  # one late wake-up of a shared machine is the OS's doing, not ours
        cancel, set_at, timer = cancel_after(0.5)
        timer.start()
        stages: list[str] = []
        result = solve_scenario(huge, time_limit_s=60, cancel=cancel,
                                progress=lambda e, stages=stages: stages.append(e.stage))
        returned = time.perf_counter()
        timer.cancel()
        assert set_at, "the solve finished before it could be cancelled"
        assert "solving" not in stages  # it really was cancelled before the search
        latencies.append(returned - set_at[0])
        assert result.status == "cancelled"
        assert_usable(huge, result)
        assert "Cancelled" in result.messages[0]
        # the abandoned build stops at its next checkpoint and frees its memory
        assert wait_for_abandoned(60)
        if latencies[-1] < cancel_within_s():
            break
    print(f"\ncancel while building 20,000 x 1,000: returned {latencies} s after cancel")
    assert min(latencies) < cancel_within_s(), latencies


class SlowTravel:
    """A travel model that takes ``seconds`` to compute its matrix, as a large road network
    does; it sleeps rather than computes, so the test measures the solver's watch and not how
    busy the CI machine happens to be."""

    name = "slow network"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def distance_km(self, needs, sites):
        time.sleep(self.seconds)
        return StraightLine().distance_km(needs, sites)

    def time_minutes(self, needs, sites):
        return None


def test_time_limit_shorter_than_the_build_gives_a_clear_message():
    small = generate_national_instance(40, 120, seed=5, n_regions=3)
    slow = dataclasses.replace(small, travel=SlowTravel(6.0))
    limit = 1.0
    overshoots = []
    for _ in range(2):  # one late wake-up of a shared machine is the OS's doing, not ours
        start = time.perf_counter()
        result = solve_scenario(slow, time_limit_s=limit)
        overshoots.append(time.perf_counter() - start - limit)
        assert result.status == "cancelled"
        assert "time limit of 1 s" in result.messages[0]
        assert_usable(slow, result)
        assert all(a.site_id is None for a in result.allocations)
        assert all("time limit of 1 s" in a.unplaced_reason for a in result.allocations)
        if overshoots[-1] < CANCEL_WITHIN_S:
            break
    assert min(overshoots) < CANCEL_WITHIN_S, overshoots  # the issue: honoured within 0.5 s
    assert wait_for_abandoned(60)


def test_a_solve_that_fits_its_limit_keeps_its_plan():
    """The watch must not throw away a plan the solver is about to hand back."""
    small = generate_national_instance(40, 120, seed=5, n_regions=3)
    slow = dataclasses.replace(small, travel=SlowTravel(0.3))
    start = time.perf_counter()
    result = solve_scenario(slow, time_limit_s=2.0)
    assert time.perf_counter() - start < 2.0 + CANCEL_WITHIN_S + 1.0
    assert result.status in ("optimal", "feasible")
    assert any(a.site_id is not None for a in result.allocations)


@pytest.fixture(scope="module")
def medium() -> Scenario:
    return generate_national_instance(300, 3_000, seed=4, n_regions=6)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["checking", "building", "solving"])
def test_cancel_at_every_stage_returns_quickly_with_a_plan(medium, stage):
    # two tries: one late wake-up of this thread on a shared 2-core machine is the OS's
    # doing; a cancel that is slow every time is ours, and still fails
    latencies = []
    for _ in range(2):
        cancel = threading.Event()
        set_at: list[float] = []

        def progress(event: ProgressEvent, set_at=set_at, cancel=cancel) -> None:
            if event.stage == stage and not set_at:
                set_at.append(time.perf_counter())
                cancel.set()

        result = solve_scenario(medium, time_limit_s=30, cancel=cancel, progress=progress)
        returned = time.perf_counter()
        assert set_at, f"stage {stage!r} was never reported"
        assert result.status == "cancelled"
        assert_usable(medium, result)
        assert wait_for_abandoned(60)
        latencies.append(returned - set_at[0])
        if latencies[-1] < cancel_within_s():
            break
    assert min(latencies) < cancel_within_s(), latencies


def test_small_solve_is_unchanged_by_the_watcher():
    """An ordinary solve still returns the solver's own plan (not the fallback)."""
    sc = generate_national_instance(40, 100, seed=2, n_regions=2)
    result = solve_scenario(sc, time_limit_s=5)
    assert result.status in ("optimal", "feasible")
    assert any(a.site_id is not None for a in result.allocations)
    assert_usable(sc, result)


def test_scenario_too_big_for_memory_stops_with_a_clear_message(huge, monkeypatch):
    """Instead of swapping or being killed, a scenario whose dense model would not fit in
    the free memory is not started; the plan says why and every need is in it."""
    from estates_planner.optimise import solver

    monkeypatch.setattr(solver, "_available_memory_bytes", lambda: 4 * 1024**3)
    monkeypatch.setattr(solver, "_BYTES_PER_PAIR", 1000)  # 20 million pairs -> ~19 GB
    start = time.perf_counter()
    result = solve_scenario(huge, time_limit_s=30)
    assert time.perf_counter() - start < 2.0
    assert result.status == "cancelled"
    assert "too large to plan at once" in result.messages[0]
    assert "GB" in result.messages[0] and "region at a time" in result.messages[0]
    assert_usable(huge, result)
    # with enough memory free the same scenario is planned as usual (guard off here)
    monkeypatch.setattr(solver, "_available_memory_bytes", lambda: 10**15)
    assert solver._memory_shortfall(huge) == ""


@pytest.mark.slow
def test_huge_scenario_with_regions_is_planned_within_its_limit():
    """20,000 needs x 1,000 sites in 12 regions: planned region by region (each region's
    tables are a twelfth of the whole), so a usable plan with needs placed comes back within
    the limit instead of a refusal."""
    sc = generate_national_instance(1_000, 20_000, seed=3)
    limit = 8.0
    start = time.perf_counter()
    result = solve_scenario(sc, time_limit_s=limit)
    elapsed = time.perf_counter() - start
    assert elapsed < limit + 1.0, elapsed  # a busy CI machine may add a little
    assert_usable(sc, result)
    assert "region by region (12 regions" in result.messages[0]
    placed = [a for a in result.allocations if a.site_id is not None]
    assert len(placed) > 1_000
    # the capacity used adds up to what the placed needs ask for, site by site
    by_site: dict[str, int] = {}
    for a in placed:
        nd = sc.dataset.need(a.need_id)
        by_site[a.site_id] = by_site.get(a.site_id, 0) + nd.desks * nd.days_per_week
    for site_id, used in by_site.items():
        usage = result.site_usage[site_id]
        assert usage.desk_days_used == used <= usage.desk_days_available
    assert wait_for_abandoned(60)
