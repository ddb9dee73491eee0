"""``estates-planner robustness``: test a plan against late changes to its data, on Dask.

Progress goes to stderr, the figures to stdout. Ctrl+C (SIGINT) cancels the study: the
outstanding tasks are cancelled, nothing is saved, and the exit status is 130.
"""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
import time
from pathlib import Path

from estates_planner.cli.progress_output import TerminalBar
from estates_planner.errors import CancelledError, ScenarioError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "robustness", help="test a plan against late changes to volumes, needs and sites",
        description="Sample futures in which needs' volumes change, late needs arrive and "
        "sites slip or drop out; adapt the scenario's plan to each (moves cost the move "
        "penalty) and report how often each need keeps its site, what adapting costs, and "
        "whether a plan with capacity headroom would serve better. Runs on a local Dask "
        "cluster, or on an existing one with --scheduler. The study is saved in the project "
        "(unless --no-save). See docs/robustness.md.",
        epilog="examples: estates-planner robustness data/sample_project.gpkg --samples 50 "
        "--out stability.csv\n"
        "          estates-planner robustness plan.gpkg --scheduler tcp://10.0.0.5:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("project", type=Path, help="a project GeoPackage")
    p.add_argument("--scenario", metavar="NAME", help="the scenario to test (default: its first)")
    p.add_argument("--samples", type=int, metavar="N",
                   help="sampled futures (default: the scenario's 'samples' setting)")
    p.add_argument("--seed", type=int, metavar="S",
                   help="the samples' seed (default: the scenario's 'seed' setting); the same "
                   "seed gives the same figures on any machines")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="a running Dask scheduler, e.g. tcp://HOST:8786 (default: a local "
                   "cluster on this machine, closed after the study)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="worker processes of the local cluster (default: one per core)")
    p.add_argument("--fresh", action="store_true",
                   help="also solve each sample afresh, to report the plan's regret")
    p.add_argument("--out", type=Path, metavar="stability.csv",
                   help="write each need's stability as CSV")
    p.add_argument("--summary", type=Path, metavar="FILE.json",
                   help="write the candidates' figures as JSON")
    p.add_argument("--no-save", action="store_true", help="do not save the study in the project")
    p.set_defaults(func=run_robustness)


def run_robustness(args: argparse.Namespace) -> int:
    from estates_planner.cli.project_args import open_scenario
    from estates_planner.project import save_project
    from estates_planner.studies import StudySettings, run_study, store_study, wait_for_cleanup
    from estates_planner.studies.export import write_stability_csv, write_summary_json
    from estates_planner.travel.resolve import with_travel

    _check_args(args)
    project, scenario = open_scenario(args.project, args.scenario, "test")
    # the project's road network measures journeys unless the scenario has its own model
    scenario = with_travel(project, scenario)
    study = StudySettings.from_scenario(scenario, samples=args.samples, seed=args.seed,
                                        fresh=args.fresh or None)
    previous = project.results.get(scenario.name)
    chosen = previous.assignment if previous is not None else None
    print(f"Testing the {'saved plan' if chosen else 'plan (solved first)'} of "
          f"'{scenario.name}' against {study.samples} samples (seed {study.seed}) on "
          f"{args.scheduler or 'a local cluster'}.", file=sys.stderr)
    cancel = threading.Event()
    bar = StudyProgressPrinter(sys.stderr)
    previous_handler = _cancel_on_sigint(cancel)
    try:
        result = run_study(scenario, study, chosen=chosen, scheduler_address=args.scheduler,
                           n_workers=args.workers, progress=bar, cancel=cancel)
    except CancelledError:
        bar.finish()
        print("estates-planner: the study was cancelled; nothing was saved", file=sys.stderr)
        wait_for_cleanup()
        return 130
    except BaseException:
        wait_for_cleanup()
        raise
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, previous_handler)
        bar.finish()
    print(format_study(result))
    if args.out is not None:
        write_stability_csv(result, args.out)
        print(f"Wrote each need's stability to {args.out}", file=sys.stderr)
    if args.summary is not None:
        write_summary_json(result, args.summary)
        print(f"Wrote the summary to {args.summary}", file=sys.stderr)
    if not args.no_save:
        store_study(project, result)
        save_project(project)
        print(f"Saved the study of '{scenario.name}' in {args.project}", file=sys.stderr)
    wait_for_cleanup()
    return 0


def _cancel_on_sigint(cancel: threading.Event):  # noqa: ANN202 (a signal handler)
    """The first Ctrl+C asks the study to stop cleanly; a second one interrupts at once."""
    def handler(signum, frame) -> None:  # noqa: ANN001
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()

    if threading.current_thread() is not threading.main_thread():
        return signal.getsignal(signal.SIGINT)  # only the main thread may set handlers
    return signal.signal(signal.SIGINT, handler)


def _check_args(args: argparse.Namespace) -> None:
    if args.samples is not None and args.samples < 1:
        raise ScenarioError(f"--samples must be a whole number ≥ 1, got {args.samples}")
    if args.seed is not None and args.seed < 0:
        raise ScenarioError(f"--seed must be a whole number ≥ 0, got {args.seed}")
    if args.workers is not None and args.workers < 1:
        raise ScenarioError(f"--workers must be a whole number ≥ 1, got {args.workers}")
    if args.scheduler is not None and "://" not in args.scheduler:
        raise ScenarioError(f"--scheduler must be an address such as tcp://HOST:8786, got "
                            f"{args.scheduler!r}")
    for flag in ("out", "summary"):
        path = getattr(args, flag)
        if path is not None and not path.expanduser().resolve().parent.is_dir():
            raise ScenarioError(f"--{flag} {path}: the folder {path.parent} does not exist")


def _money(x: float) -> str:
    return "-" if not math.isfinite(x) else f"£{x:,.0f}"


def format_study(result) -> str:  # noqa: ANN001 (StudyResult)
    """The candidates side by side, and the least stable placements."""
    st = result.study
    lines = [f"Late-data study of '{result.scenario_name}': {st.samples} samples, seed "
             f"{st.seed} (volumes ±{st.need_change_pct:g} %, late needs {st.late_need_rate:g} "
             f"per need, site delay {st.site_delay_prob:g}, site loss {st.site_loss_prob:g})"]
    lines.append(f"  {'Plan':<22}{'money P10':>12}{'P50':>12}{'P90':>12}{'moves P50':>11}"
                 f"{'P90':>6}{'unplaced P50':>14}{'P90':>6}")
    for c in result.candidates:
        lines.append(f"  {c.name:<22}{_money(c.money[0]):>12}{_money(c.money[1]):>12}"
                     f"{_money(c.money[2]):>12}{c.moves[1]:>11.0f}{c.moves[2]:>6.0f}"
                     f"{c.unplaced[1]:>14.0f}{c.unplaced[2]:>6.0f}")
    lines.append("  (money: annual desk cost and amortised fit-out after adapting)")
    best = result.best_candidate()
    if best.name != result.chosen.name:
        lines.append(f"  Best expected planning objective after adapting: {best.name}.")
    needs = result.needs
    kept = int((needs["stability"] >= 1.0).sum())
    lines.append(f"  Needs that keep their site in every sample: {kept} of {len(needs)}")
    fragile = result.least_stable(10)
    fragile = fragile[fragile["stability"] < 1.0]
    if len(fragile):
        lines.append("  Least stable placements:")
        for row in fragile.itertuples(index=False):
            lines.append(f"    {row.need_id:<16} at {row.site_id:<10} kept in "
                         f"{100 * row.stability:5.1f} %; moves mostly for {row.main_reason}, "
                         f"most often to {row.most_frequent_new_site}")
    sites = result.sites[result.sites["over_capacity_share"] > 0].sort_values(
        ["over_capacity_share", "site_id"], ascending=[False, True]).head(10)
    if len(sites):
        lines.append("  Sites the plan overfills before adapting:")
        for row in sites.itertuples(index=False):
            lines.append(f"    {row.site_name:<30} in {100 * row.over_capacity_share:5.1f} % "
                         f"of samples; used in {100 * row.used_share:5.1f} %, P90 desk-day "
                         f"use {row.p90_desk_use_pct:5.1f} %")
    return "\n".join(lines)


class StudyProgressPrinter(TerminalBar):
    """A bar on a terminal (samples done, ETA), or a line every few seconds otherwise."""

    def __call__(self, event) -> None:  # noqa: ANN001 (StudyProgress)
        now = time.perf_counter()
        if event.done < event.total and now - self.last < (0.2 if self.tty else 2.0):
            return
        self.last = now
        eta = "-" if event.eta_s is None else f"{event.eta_s:.0f} s"
        self.show(f"{event.done}/{event.total} tasks  {event.elapsed_s:.0f} s  ETA {eta}",
                  event.fraction)
