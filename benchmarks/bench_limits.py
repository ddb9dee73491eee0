"""Solver limits: a huge generated scenario under a time limit, peak memory, and cancel latency.

Prints, for one generated national instance (default 100,000 needs x 2,000 sites):

* an uncancelled solve under ``--time-limit``: when each stage ("checking", "building",
  "solving", "done") was first reported (a scenario planned region by region, as R5 allows,
  goes through them once per region), whether it stayed within its limit (+ ``--margin``),
  its status, its messages and the needs placed / unplaced (every unplaced need must carry a
  reason);
* for each stage, how long the solver took to return after cancel was set at that stage
  (target: < 0.5 s), and that the cancelled plan is usable;
* the process's peak resident memory (``resource.getrusage`` maxrss).

Run: ``python benchmarks/bench_limits.py [--needs 100000] [--sites 2000] [--time-limit 30]``.
The figures are recorded in ``docs/reliability.md``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from estates_planner.errors import CancelledError  # noqa: E402
from estates_planner.model import Scenario  # noqa: E402
from estates_planner.optimise import ProgressEvent, solve_scenario  # noqa: E402
from estates_planner.optimise.result import PlanResult  # noqa: E402
from estates_planner.optimise.solver import wait_for_abandoned  # noqa: E402
from estates_planner.optimise.synthetic import generate_national_instance  # noqa: E402

CANCEL_TARGET_S = 0.5


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def usable(scenario: Scenario, result: PlanResult) -> tuple[int, int, bool]:
    """(placed, unplaced, every need present and every unplaced one has a reason)."""
    ids = {n.need_id for n in scenario.dataset.needs}
    got = {a.need_id for a in result.allocations}
    placed = sum(a.site_id is not None for a in result.allocations)
    unplaced = [a for a in result.allocations if a.site_id is None]
    ok = got == ids and all(a.unplaced_reason for a in unplaced)
    return placed, len(unplaced), ok


def timed_solve(scenario: Scenario, time_limit: float) -> tuple[PlanResult, dict[str, float],
                                                                 float]:
    first_seen: dict[str, float] = {}
    start = time.perf_counter()

    def progress(event: ProgressEvent) -> None:
        first_seen.setdefault(event.stage, time.perf_counter() - start)

    result = solve_scenario(scenario, time_limit_s=time_limit, progress=progress)
    return result, first_seen, time.perf_counter() - start


def cancel_at(scenario: Scenario, stage: str | None, delay_s: float,
              time_limit: float) -> tuple[float | None, PlanResult | None, str]:
    """Set cancel ``delay_s`` after ``stage`` is first reported (None: after the call starts,
    i.e. while the model is being built); return (seconds from cancel to return, result,
    note)."""
    cancel = threading.Event()
    set_at: list[float] = []

    def fire() -> None:
        set_at.append(time.perf_counter())
        cancel.set()

    timers: list[threading.Timer] = []

    def progress(event: ProgressEvent) -> None:
        if stage is not None and event.stage == stage and not timers:
            t = threading.Timer(delay_s, fire)
            timers.append(t)
            t.start()

    if stage is None:
        t = threading.Timer(delay_s, fire)
        timers.append(t)
        t.start()
    try:
        result = solve_scenario(scenario, time_limit_s=time_limit, progress=progress,
                                cancel=cancel)
        note = result.status
    except CancelledError as exc:
        result, note = None, f"CancelledError: {exc}"
    returned = time.perf_counter()
    for t in timers:
        t.cancel()
    if not set_at:
        return None, result, note + " (finished before the cancel was set)"
    return returned - set_at[0], result, note


def settle() -> None:
    """Wait for work the solver abandoned (a build past its cancel) to stop, and say how long
    it ran on; the next run then starts with that memory freed."""
    t = time.perf_counter()
    wait_for_abandoned()
    waited = time.perf_counter() - t
    if waited > 0.05:
        print(f"  (abandoned background work stopped {waited:.1f} s later)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--needs", type=int, default=100_000)
    ap.add_argument("--sites", type=int, default=2_000)
    ap.add_argument("--regions", type=int, default=12)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--margin", type=float, default=None,
                    help="seconds allowed over the time limit before it counts as missed "
                         "(default 0.5 s, what the optimiser issue promises)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-cancel", action="store_true")
    ap.add_argument("--no-memory-guard", action="store_true",
                    help="plan even when the scenario needs more than 60 %% of the free "
                         "memory (100,000 x 2,000 peaks at about 19.5 GB)")
    args = ap.parse_args(argv)
    if args.no_memory_guard:
        from estates_planner.optimise import solver

        solver._MEMORY_FRACTION = None

    if args.margin is None:
        args.margin = 0.5
    t0 = time.perf_counter()
    scenario = generate_national_instance(args.sites, args.needs, seed=args.seed,
                                          n_regions=args.regions)
    gen_s = time.perf_counter() - t0
    print(f"instance: {args.needs:,} needs x {args.sites:,} sites, {args.regions} regions "
          f"(generated in {gen_s:.1f} s)")

    result, stages, total = timed_solve(scenario, args.time_limit)
    placed, unplaced, ok = usable(scenario, result)
    print(f"solve with a {args.time_limit:g} s limit: {total:.1f} s, status {result.status}, "
          f"{placed:,} placed, {unplaced:,} unplaced; usable: {ok}; "
          f"within limit + {args.margin:g} s: {total <= args.time_limit + args.margin}")
    if any("region by region" in m for m in result.messages):
        # the stages repeat region after region: say when each was first reported
        for name in ("checking", "building", "solving", "done"):
            when = f"{stages[name]:7.2f} s" if name in stages else "    never"
            print(f"  first {name!r:<28} {when}")
    else:
        order = [s for s in ("checking", "building", "solving", "done") if s in stages]
        marks = [("model built (before 'checking')" if stages else "stopped before building",
                  stages.get("checking", total))]
        for a, b in zip(order, [*order[1:], None], strict=False):
            end = stages[b] if b else total
            marks.append((a, end - stages[a]))
        for name, secs in marks:
            print(f"  {name:<34} {secs:7.2f} s")
    for message in result.messages:
        print(f"  message: {message}")
    print(f"peak memory after the solve: {peak_rss_mb():,.0f} MB")
    settle()

    if not args.skip_cancel:
        cancel_limit = max(10 * args.time_limit, 300.0)  # so that every stage is reached
        print(f"cancel latency (target < {CANCEL_TARGET_S} s; time limit {cancel_limit:g} s "
              "so that every stage is reached):")
        for label, stage, delay in (
            ("while building the model", None, min(1.0, 0.3 * stages.get("checking", 1.0))),
            ("at 'checking'", "checking", 0.0),
            ("at 'building'", "building", 0.0),
            ("during 'solving'", "solving", 1.0),
        ):
            latency, res, note = cancel_at(scenario, stage, delay, cancel_limit)
            if res is not None:
                p, u, ok = usable(scenario, res)
                what = f"{p:,} placed, {u:,} unplaced, usable: {ok}"
            else:
                what = "no plan"
            shown = "n/a" if latency is None else f"{latency:.2f} s"
            print(f"  {label:<26} returned {shown} after cancel ({note}); {what}")
            settle()
    print(f"peak memory: {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
