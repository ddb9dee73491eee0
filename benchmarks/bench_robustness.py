"""Robustness study benchmark: the sample project's plan against 100 sampled futures.

Prints the time of the same study (the same plan, the same samples, no headroom candidates so
that every task is one sample) run three ways: a plain loop in this process, a local Dask
cluster of 1 worker and one of 2 workers. From them: the speed-up of 2 workers over 1, and
Dask's overhead per sample (1 worker against the plain loop; target <= 10 %), in wall time
and in CPU time (this process and its worker processes): on a machine shared with other work
the wall times follow the load, the CPU times much less. It also checks that the three give
the same figures, and prints `uptime` beside them.

Run: ``python benchmarks/bench_robustness.py [--samples 100] [--work-limit 2] [--runs loop,1,2]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from estates_planner.project import open_project  # noqa: E402
from estates_planner.studies import (  # noqa: E402
    StudySettings,
    run_study,
    solve_fixed_work,
    wait_for_cleanup,
)


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "uptime not available"


def children_cpu_s() -> float:
    """CPU seconds used so far by this process's child processes (the local workers)."""
    import psutil  # a dependency of distributed

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--work-limit", type=float, default=None,
                        help="sample_work_limit (default: the scenario's setting)")
    parser.add_argument("--runs", default="loop,1,2",
                        help="which runs: loop (plain loop), 1 and 2 (local workers)")
    args = parser.parse_args()
    runs = {"loop": ("plain loop", {"inline": True}), "1": ("Dask, 1 worker", {"n_workers": 1}),
            "2": ("Dask, 2 workers", {"n_workers": 2})}
    chosen_runs = [runs[r.strip()] for r in args.runs.split(",")]
    project = open_project(REPO / "data" / "sample_project.gpkg")
    scenario = project.scenarios[0]
    overrides = {"samples": args.samples, "headroom_pct": ()}
    if args.work_limit is not None:
        overrides["sample_work_limit"] = args.work_limit
    study = StudySettings.from_scenario(scenario, **overrides)
    print(f"Sample project: {len(scenario.dataset.needs)} needs, "
          f"{len(scenario.dataset.sites)} sites; {study.samples} samples, seed {study.seed}, "
          f"work limit {study.sample_work_limit:g} per sample")
    plan, _ = solve_fixed_work(scenario, study.sample_work_limit * 4)
    chosen = plan.assignment
    print(f"  before: {uptime()}")
    timings, cpu, results = {}, {}, {}
    for label, options in chosen_runs:
        workers_cpu = [0.0]

        def last_tick(progress, workers_cpu=workers_cpu) -> None:  # noqa: ANN001
            if progress.done == progress.total:  # the workers are still alive: read them
                workers_cpu[0] = children_cpu_s()

        start, start_cpu = time.perf_counter(), time.process_time()
        results[label] = run_study(scenario, study, chosen=chosen, progress=last_tick,
                                   **options)
        timings[label] = time.perf_counter() - start
        cpu[label] = time.process_time() - start_cpu + workers_cpu[0]
        wait_for_cleanup()
        print(f"  {label:<16} {timings[label]:7.1f} s wall ({timings[label] / study.samples:.2f}"
              f" s a sample), {cpu[label]:7.1f} s CPU ({cpu[label] / study.samples:.2f} s a "
              f"sample)   {uptime()}")
    base = next(iter(results.values()))
    same = all(r.candidates == base.candidates and r.needs.equals(base.needs)
               and r.sites.equals(base.sites) for r in results.values())
    if {"Dask, 1 worker", "Dask, 2 workers"} <= set(timings):
        print(f"  speed-up, 2 workers over 1 (wall): "
              f"{timings['Dask, 1 worker'] / timings['Dask, 2 workers']:.2f}x")
    for what, figures in (("wall", timings), ("CPU", cpu)):
        if not {"plain loop", "Dask, 1 worker"} <= set(figures):
            continue
        overhead = (figures["Dask, 1 worker"] - figures["plain loop"]) / study.samples
        share = overhead / (figures["plain loop"] / study.samples)
        print(f"  Dask's overhead per sample ({what}, 1 worker against the plain loop, cluster "
              f"start included): {overhead * 1000:+.0f} ms = {100 * share:+.1f} % of a sample "
              "(target <= 10 %)")
    print(f"  same figures from every run: {same}")
    chosen_figures = base.chosen
    print(f"  the plan: money P10/P50/P90 £{chosen_figures.money[0]:,.0f} / "
          f"£{chosen_figures.money[1]:,.0f} / £{chosen_figures.money[2]:,.0f}; moves P50 "
          f"{chosen_figures.moves[1]:.0f}, P90 {chosen_figures.moves[2]:.0f}; unplaced P90 "
          f"{chosen_figures.unplaced[2]:.0f}; needs always kept "
          f"{int((base.needs['stability'] >= 1).sum())} of {len(base.needs)}")


if __name__ == "__main__":
    main()
