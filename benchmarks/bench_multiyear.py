"""Contract-plan benchmark (issue 15): the sample and a generated national instance over 4 years.

Prints, for each: the machine's load (``uptime``: other work shares the 2 cores), wall and
CPU seconds, the horizon objective, bound and gap, the moves between years, the two
comparison plans (year by year; final year kept) with the saving of planning the years
together in £ and %, and the process's peak memory. The sample runs with ``data/ramp.csv``
and its sites' lease ends and later openings (``available_until``/``available_from`` in
``data/sites.csv``); the generated
instance with the same ramp, a twentieth of its market sites opening in year 2 or 3 and a
twentieth of its provider sites' leases ending after year 2.

Targets: a plan within 1 % of the bound in <= 30 s; peak memory <= 1.5 GB.

Run: ``python benchmarks/bench_multiyear.py [--time-limit 30] [--years 4] [--only sample]``
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from estates_planner.io import load_dataset  # noqa: E402
from estates_planner.io.ramp import read_ramp  # noqa: E402
from estates_planner.model import Dataset, Scenario, Settings, SiteKind  # noqa: E402
from estates_planner.optimise.multiyear import solve_contract  # noqa: E402
from estates_planner.optimise.synthetic import generate_national_instance  # noqa: E402
from estates_planner.sample_data import GO_LIVE  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def national(seed: int) -> Scenario:
    sc = generate_national_instance(seed=seed)
    sites = []
    for k, s in enumerate(sc.dataset.sites):
        if s.kind is SiteKind.MARKET and k % 20 == 0:
            s = dataclasses.replace(s, available_from=date(2028 + k % 2, 4, 1))
        elif s.kind is SiteKind.PROVIDER and not s.women_only and k % 20 == 1:
            s = dataclasses.replace(s, available_until=date(2029, 3, 31))
        sites.append(s)
    return sc.replace(dataset=Dataset(tuple(sites), sc.dataset.needs))


def run(label: str, scenario: Scenario, years: int, limit: float) -> None:
    ramp, report = read_ramp(REPO / "data" / "ramp.csv", scenario.dataset.needs)
    assert report.ok, report.problems
    n_sites, n_needs = len(scenario.dataset.sites), len(scenario.dataset.needs)
    print(f"\n== {label}: {n_sites} sites x {n_needs} needs over {years} years, limit "
          f"{limit:g} s (load average before: {load()}) ==")
    start, cpu = time.perf_counter(), time.process_time()
    result = solve_contract(scenario, ramp, years=years, time_limit_s=limit)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"time:      {wall:.1f} s wall, {cpu:.1f} s CPU; status {result.status}")
    print(f"objective: £{result.objective:,.0f} over the horizon; bound £{result.bound:,.0f}; "
          f"gap {100 * result.gap:.2f} %")
    print("years:     " + "; ".join(f"{y.year.label} £{y.objective:,.0f} ({y.unplaced} "
                                    "unplaced)" for y in result.years))
    print(f"fit-out once £{result.fit_out_once:,.0f}; moves between years "
          f"{len(result.moves)} (£{result.moves_between_years_cost:,.0f})")
    for name, other in result.comparison.items():
        saving, share = result.saving_against(name)  # type: ignore[misc]
        print(f"{name:<16} £{other.objective:,.0f} ({len(other.moves)} moves): planning "
              f"together saves £{saving:,.0f} ({100 * share:.2f} %)")
    print(f"peak memory so far: {peak_rss_mb():.0f} MB; load average after: {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=("sample", "national"))
    args = parser.parse_args()
    if args.only != "national":
        data = REPO / "data"
        ds, _ = load_dataset(data / "sites.csv", data / "needs.csv", data / "demand.csv")
        sample = Scenario("sample", ds, Settings(go_live=GO_LIVE))
        run("sample (data/, ramp.csv)", sample, args.years,
            args.time_limit)
    if args.only != "sample":
        run(f"generated national instance (seed {args.seed})", national(args.seed),
            args.years, args.time_limit)


if __name__ == "__main__":
    main()
