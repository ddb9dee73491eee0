"""``estates-planner solve``: optimise one scenario and report the plan.

``estates-planner solve PROJECT.gpkg`` solves a scenario of a project and saves the plan in
it; ``estates-planner solve --sites FILE --needs FILE [--demand FILE]`` solves straight from
the input tables. Progress goes to stderr, the summary to stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from estates_planner.errors import EstatesError, InputValidationError, ScenarioError
from estates_planner.model import Scenario

DEFAULT_SCENARIO = "Base"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "solve", help="optimise the allocation of a scenario",
        description="Place every service need at a site under the estates rules at the "
        "lowest annual cost, within a time limit. Give a project file, or the sites and needs "
        "tables. The plan is saved in the project (unless --no-save) and can be written as "
        "an allocation CSV and a JSON summary. Solving a project again (after an edit, or "
        "with a longer --time-limit) starts from the plan saved in it.",
        epilog="examples: estates-planner solve data/sample_project.gpkg --out plan.csv\n"
        "          estates-planner solve --sites data/sites.csv --needs data/needs.csv "
        "--demand data/demand.csv --time-limit 30",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("project", nargs="?", type=Path, help="a project GeoPackage")
    p.add_argument("--sites", type=Path, metavar="FILE", help="sites table (without a project)")
    p.add_argument("--needs", type=Path, metavar="FILE", help="needs table (without a project)")
    p.add_argument("--demand", type=Path, metavar="FILE", help="demand points table (optional)")
    p.add_argument("--scenario", metavar="NAME",
                   help="the project's scenario to solve (default: its first); without a "
                   f"project, the name to give the plan (default {DEFAULT_SCENARIO!r})")
    p.add_argument("--settings", type=Path, metavar="FILE.toml",
                   help="rule switches and weights to use instead of the scenario's")
    p.add_argument("--baseline", type=Path, metavar="allocation.csv",
                   help="a previous plan (need_id, site_id columns): moves from it pay the "
                   "move penalty, and the search starts from it")
    p.add_argument("--network", type=Path, metavar="FILE",
                   help="a road network (line layer with a CRS, or GraphML; a 'speed_kmh' or "
                   "'minutes' column gives times): R6 and the travel cost use road km, or "
                   "minutes with travel_measure = \"minutes\"; replaces a network stored in "
                   "the project (see docs/travel.md)")
    p.add_argument("--time-limit", type=float, metavar="S",
                   help="seconds to search (default: the settings' time_limit_s)")
    p.add_argument("--out", type=Path, metavar="allocation.csv",
                   help="write the plan as an allocation CSV")
    p.add_argument("--rota", type=Path, metavar="rota.csv",
                   help="write the plan's weekly rota (site, weekday, need) as a CSV")
    p.add_argument("--summary", type=Path, metavar="FILE.json",
                   help="write the summary (objective, bound, gap, terms, status, seconds) "
                   "as JSON")
    p.add_argument("--no-save", action="store_true",
                   help="do not save the plan in the project file")
    p.set_defaults(func=run_solve)


def run_solve(args: argparse.Namespace) -> int:
    from estates_planner.optimise import solve_scenario

    _check_args(args)
    project, scenario = _load(args)
    if args.settings is not None:
        from estates_planner.settings_io import read_settings

        scenario = scenario.replace(settings=read_settings(args.settings))
    scenario = _with_network(args.network, scenario)
    warm_start = None
    if args.baseline is not None:
        baseline = read_baseline(args.baseline, scenario)
        scenario = scenario.replace(baseline=baseline)
        warm_start = baseline
    elif project is not None and project.results.get(scenario.name) is not None:
        # the plan saved in the project: a re-solve after an edit starts from it
        warm_start = project.results[scenario.name].assignment
    limit = args.time_limit if args.time_limit is not None else scenario.settings.time_limit_s
    if limit is None or not math.isfinite(limit) or limit <= 0:
        raise ScenarioError(f"--time-limit must be a number of seconds above 0, got {limit}")
    bar = ProgressPrinter(sys.stderr, limit)
    cancel = threading.Event()
    try:
        result = solve_scenario(scenario, time_limit_s=limit, progress=bar,
                                warm_start=warm_start, cancel=cancel)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        cancel.set()
        raise
    finally:
        bar.finish()
    print(format_summary(result))
    for message in result.messages:
        print(f"note: {message}", file=sys.stderr)
    if args.out is not None:
        from estates_planner.report.exports import write_allocation_csv

        write_allocation_csv(scenario, result, args.out)
        print(f"Wrote the allocation to {args.out}", file=sys.stderr)
    if args.rota is not None:
        from estates_planner.io.rota_csv import write_rota_csv

        write_rota_csv(scenario, result, args.rota)
        print(f"Wrote the rota to {args.rota}", file=sys.stderr)
    if args.summary is not None:
        _write_json(args.summary, summary_dict(result))
        print(f"Wrote the summary to {args.summary}", file=sys.stderr)
    if project is not None and not args.no_save:
        from estates_planner.project import save_project

        if scenario != project.scenario(scenario.name):
            project.put_scenario(scenario)
            print(f"Updated scenario '{scenario.name}' in the project with the settings and "
                  "baseline used.", file=sys.stderr)
        project.results[scenario.name] = result
        if args.network is None:
            from estates_planner.travel import NetworkTravelModel, store_cache

            if isinstance(scenario.travel, NetworkTravelModel):
                store_cache(project, scenario.travel)  # the stored network's matrices
        save_project(project)
        print(f"Saved the plan of '{scenario.name}' in {args.project}", file=sys.stderr)
    return 0


def _check_args(args: argparse.Namespace) -> None:
    if args.project is not None and (args.sites or args.needs or args.demand):
        raise ScenarioError("give either a project file or --sites and --needs, not both")
    if args.project is None and not (args.sites and args.needs):
        raise ScenarioError("give a project file, or both --sites FILE and --needs FILE")
    for flag in ("out", "rota", "summary"):
        path = getattr(args, flag)
        if path is not None and not path.expanduser().resolve().parent.is_dir():
            raise ScenarioError(f"--{flag} {path}: the folder {path.parent} does not exist")


def _with_network(path: Path | None, scenario: Scenario) -> Scenario:
    """Measure travel along the network in ``path`` (if given), and say what measures it."""
    from estates_planner.travel import NetworkTravelModel, load_network

    if path is not None:
        network, report = load_network(path, scenario.dataset)
        for problem in report.warnings:
            print(f"warning: {problem}", file=sys.stderr)
        if network is None:
            raise InputValidationError(report)
        scenario = scenario.replace(travel=NetworkTravelModel(network))
    if isinstance(scenario.travel, NetworkTravelModel):
        print(f"Travel is measured along the {scenario.travel.name}.", file=sys.stderr)
    return scenario


def _load(args: argparse.Namespace) -> tuple[object | None, Scenario]:
    if args.project is not None:
        from estates_planner.project import open_project

        project = open_project(args.project)
        if not project.scenarios:
            raise ScenarioError(f"{args.project} has no scenarios to solve")
        scenario = project.scenario(args.scenario) if args.scenario else project.scenarios[0]
        if scenario.travel is None and getattr(project, "network", None) is not None:
            from estates_planner.travel import model_from_project

            scenario = scenario.replace(travel=model_from_project(project))
        return project, scenario
    from estates_planner.io import load_dataset

    dataset, report = load_dataset(args.sites, args.needs, args.demand)
    for problem in report.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    if not report.ok:
        raise InputValidationError(report)
    return None, Scenario(name=args.scenario or DEFAULT_SCENARIO, dataset=dataset)


def read_baseline(path: Path, scenario: Scenario) -> dict[str, str | None]:
    """need_id -> site_id (None when empty) from an allocation CSV, checked against the data.

    Cells escaped against formulas (a leading single quote) are read back unescaped.
    """
    name = path.name
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise ScenarioError(f"cannot read the baseline {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(f"{name}: not a readable CSV file ({exc})") from exc
    if not rows or not {"need_id", "site_id"} <= set(rows[0]):
        raise ScenarioError(f"{name}: a baseline needs the columns 'need_id' and 'site_id' "
                            "(as in an allocation CSV)")
    ds = scenario.dataset
    plan: dict[str, str | None] = {}
    problems = []
    for row_number, row in enumerate(rows, start=2):
        need_id = _unescape(row.get("need_id") or "").strip()
        site_id = _unescape(row.get("site_id") or "").strip() or None
        if not ds.has_need(need_id):
            problems.append(f"{name}, row {row_number}, column 'need_id': no need "
                            f"{need_id!r} in the data")
        elif site_id is not None and not ds.has_site(site_id):
            problems.append(f"{name}, row {row_number}, column 'site_id': no site "
                            f"{site_id!r} in the data")
        else:
            plan[need_id] = site_id
    if problems:
        more = f"\n... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise ScenarioError("the baseline does not match the data:\n"
                            + "\n".join(problems[:10]) + more)
    return plan


def _unescape(text: str) -> str:
    return text[1:] if text[:2] in ("'=", "'+", "'-", "'@") else text


def summary_dict(result) -> dict[str, object]:  # noqa: ANN001 (PlanResult)
    def num(x: float) -> float | None:
        return None if x is None or not math.isfinite(x) else round(float(x), 2)

    return {"objective": num(result.objective), "bound": num(result.bound),
            "gap": None if not math.isfinite(result.gap) else float(result.gap),
            "terms": {k: num(v) for k, v in result.terms.items()},
            "status": result.status, "seconds": round(float(result.seconds), 3),
            "days_over_capacity": int(result.days_over_capacity),
            "needs_sharing_a_day": sum(1 for a in result.allocations if a.same_day)}


def format_summary(result) -> str:  # noqa: ANN001 (PlanResult)
    from estates_planner.optimise.result import TERM_LABELS

    width = max(len(label) for label in TERM_LABELS.values()) + 2
    lines = [f"Plan for scenario '{result.scenario_name}'"]
    for key, value in result.terms.items():
        lines.append(f"  {TERM_LABELS.get(key, key):<{width}}£{value:>16,.2f}")
    lines.append(f"  {'Objective':<{width}}£{result.objective:>16,.2f}")
    bound = f"£{result.bound:>16,.2f}" if math.isfinite(result.bound) else "unknown"
    lines.append(f"  {'Bound':<{width}}{bound}")
    gap = f"{100 * result.gap:.3f} %" if math.isfinite(result.gap) else "unknown"
    lines.append(f"  {'Gap':<{width}}{gap}")
    lines.append(f"  {'Status':<{width}}{result.status}")
    lines.append(f"  {'Seconds':<{width}}{result.seconds:.1f}")
    placed = sum(1 for a in result.allocations if a.site_id is not None)
    lines.append(f"  {'Needs placed':<{width}}{placed} of {len(result.allocations)}")
    # the weekly rota (issue 17): site-weekdays over capacity (0 under the daily rule) and
    # paired wellbeing needs in on a day with their ETE/accommodation pair
    lines.append(f"  {'Days over capacity':<{width}}{result.days_over_capacity}")
    paired = sum(1 for a in result.allocations if a.paired)
    same = sum(1 for a in result.allocations if a.same_day)
    lines.append(f"  {'Sharing a day with pair':<{width}}{same} of {paired} paired needs")
    if result.proof_text:
        lines.append(result.proof_text)
    return "\n".join(lines)


def _write_json(path: Path, data: dict[str, object]) -> None:
    try:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise EstatesError(f"cannot write {path}: {exc.strerror or exc}") from exc


class ProgressPrinter:
    """A progress bar on a terminal, or a line a second when stderr is a file or pipe."""

    WIDTH = 30

    def __init__(self, stream: TextIO, time_limit_s: float) -> None:
        self.stream = stream
        self.limit = time_limit_s
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last = -math.inf
        self.lock = threading.Lock()
        self.drawn = False

    def __call__(self, event) -> None:  # noqa: ANN001 (ProgressEvent)
        with self.lock:
            now = time.perf_counter()
            if event.stage == "solving" and now - self.last < (0.2 if self.tty else 1.0):
                return
            self.last = now
            fraction = min(event.elapsed_s / self.limit, 1.0) if self.limit > 0 else 1.0
            if event.stage == "done":
                fraction = 1.0
            best = "-" if event.objective is None else f"£{event.objective:,.0f}"
            gap = "-" if event.gap is None else f"{100 * event.gap:.2f} %"
            text = f"{event.stage:<8} {event.elapsed_s:6.1f} s  best {best}  gap {gap}"
            if self.tty:
                filled = int(round(fraction * self.WIDTH))
                bar = "#" * filled + "-" * (self.WIDTH - filled)
                self.stream.write(f"\r[{bar}] {text}\x1b[K")
                self.drawn = True
            else:
                self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self) -> None:
        with self.lock:
            if self.tty and self.drawn:
                self.stream.write("\n")
                self.stream.flush()
