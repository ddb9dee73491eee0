"""The weekly rota's cost in solve time: the daily rule against the weekly rule (issue 17).

For the national sample in ``data/`` and a generated 500-site x 1,200-need instance
(``optimise.synthetic``), solves with ``daily_capacity`` off (the weekly desk-day rule, as
before issue 17) and on, and prints for each: wall and CPU seconds, objective, bound, gap,
status, the site-weekdays over capacity of the plan's rota, the paired needs sharing a day,
and the time each rule took to reach the gap the weekly rule ended with (the issue's target:
the daily rule within 2x of the weekly rule's time for the same gap). The machine's load
average is printed beside the figures: on a shared machine they move with it.

Run: ``python benchmarks/bench_rota.py [--time-limit 10] [--skip-national]``
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from estates_planner.model import Scenario  # noqa: E402
from estates_planner.optimise import ProgressEvent, solve_scenario  # noqa: E402
from estates_planner.optimise.solver import wait_for_abandoned  # noqa: E402
from estates_planner.optimise.synthetic import generate_national_instance  # noqa: E402


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def solve(scenario: Scenario, daily: bool, limit: float) -> tuple[object, list, float, float]:
    events: list[tuple[float, float]] = []  # (elapsed s, gap)

    def watch(event: ProgressEvent) -> None:
        if event.gap is not None and math.isfinite(event.gap):
            events.append((event.elapsed_s, event.gap))

    sc = scenario.with_settings(daily_capacity=daily)
    start, cpu = time.perf_counter(), time.process_time()
    result = solve_scenario(sc, time_limit_s=limit, progress=watch)
    wait_for_abandoned(30)
    return result, events, time.perf_counter() - start, time.process_time() - cpu


def time_to(events: list, gap: float) -> float | None:
    return next((t for t, g in events if g <= gap + 1e-12), None)


def run(label: str, scenario: Scenario, limit: float) -> None:
    ds = scenario.dataset
    print(f"\n== {label}: {len(ds.sites)} sites x {len(ds.needs)} needs; {load()} ==")
    out = {}
    for daily in (False, True):
        result, events, wall, cpu = solve(scenario, daily, limit)
        out[daily] = (result, events, wall)
        rule = "daily rule " if daily else "weekly rule"
        same = sum(1 for a in result.allocations if a.same_day)
        paired = sum(1 for a in result.allocations if a.paired)
        gap = f"{100 * result.gap:.2f} %" if math.isfinite(result.gap) else "n/a"
        print(f"{rule}: {result.status:<9} wall {wall:5.1f} s, CPU {cpu:5.1f} s; objective "
              f"£{result.objective:,.0f}, bound £{result.bound:,.0f}, gap {gap}; "
              f"{len(result.unplaced)} unplaced; site-days over capacity "
              f"{result.days_over_capacity}; sharing a day {same} of {paired} paired")
    weekly, daily = out[False], out[True]
    target = weekly[0].gap
    if math.isfinite(target):
        t_week = time_to(weekly[1], target) or weekly[2]
        t_day = time_to(daily[1], target)
        if t_day is None:
            print(f"gap {100 * target:.2f} % (the weekly rule's at the end): weekly "
                  f"{t_week:.1f} s; daily not reached in {limit:g} s")
        else:
            print(f"gap {100 * target:.2f} % (the weekly rule's at the end): weekly "
                  f"{t_week:.1f} s, daily {t_day:.1f} s: {t_day / max(t_week, 1e-9):.1f}x "
                  "(target <= 2x)")
    moved = sum(1 for n in weekly[0].assignment
                if weekly[0].assignment[n] != daily[0].assignment.get(n))
    print(f"the daily rule's plan costs £{daily[0].objective - weekly[0].objective:+,.0f} a "
          f"year against the weekly rule's and moves {moved} needs; {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args()
    from estates_planner.project import open_project

    sample = open_project(REPO / "data" / "sample_project.gpkg").scenarios[0]
    run("national sample", sample, args.time_limit)
    if not args.skip_national:
        run("generated national instance", generate_national_instance(500, 1200),
            args.time_limit)


if __name__ == "__main__":
    main()
