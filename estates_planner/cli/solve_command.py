"""``estates-planner solve``: optimise one scenario and report the plan.

``estates-planner solve PROJECT.gpkg`` solves a scenario of a project and saves the plan in
it; ``estates-planner solve --sites FILE --needs FILE [--demand FILE]`` solves straight from
the input tables. Progress goes to stderr, the summary to stdout.
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
from pathlib import Path

from estates_planner.cli.interrupts import cancel_on_signals
from estates_planner.cli.progress_output import ProgressPrinter, write_json
from estates_planner.cli.project_args import open_scenario
from estates_planner.errors import InputValidationError, ScenarioError
from estates_planner.io import load_dataset
from estates_planner.io.allocation_csv import read_baseline
from estates_planner.io.rota_csv import write_rota_csv
from estates_planner.io.settings_toml import read_settings
from estates_planner.model import Scenario
from estates_planner.optimise.result import TERM_LABELS
from estates_planner.project import Project, new_project, save_project
from estates_planner.report.content import travel_measure_text
from estates_planner.report.exports import write_allocation_csv
from estates_planner.report.figures import (
    SCORE_EXPLANATION_LONG,
    compute_figures,
    figure_rows,
    format_figure,
    summary_fields,
)
from estates_planner.travel import NetworkTravelModel, load_network
from estates_planner.travel.resolve import travel_model_for, with_travel
from estates_planner.usecases import keep_plan, solve_in_project

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
                   help="write the plan's weekly rota (site, weekday, need) as a CSV; with "
                        "--years, each contract year's rota after a first column 'year'")
    p.add_argument("--summary", type=Path, metavar="FILE.json",
                   help="write the summary (objective, bound, gap, terms, status, seconds) "
                   "as JSON")
    p.add_argument("--no-save", action="store_true",
                   help="do not save the plan in the project file")
    p.add_argument("--years", type=int, metavar="N",
                   help="plan N contract years together (default: the settings' "
                   "contract_years, 1): needs ramp up, leases start and end, moves between "
                   "years cost the move penalty (see docs/optimiser.md)")
    p.add_argument("--ramp", type=Path, metavar="ramp.csv",
                   help="year shares of the needs for --years (default: the project's ramp "
                   "table, else every share 1; see docs/data-format.md)")
    p.set_defaults(func=run_solve)


def run_solve(args: argparse.Namespace) -> int:
    _check_args(args)
    project, scenario = _load(args)
    if args.settings is not None:
        scenario = scenario.replace(settings=read_settings(args.settings))
    scenario = _with_network(args.network, scenario)
    warm_start = None
    if args.baseline is not None:
        # moves from the baseline pay the move penalty, and the search starts from it
        warm_start = read_baseline(args.baseline, scenario.dataset)
        scenario = scenario.replace(baseline=warm_start)
    limit = args.time_limit if args.time_limit is not None else scenario.settings.time_limit_s
    if limit is None or not math.isfinite(limit) or limit <= 0:
        raise ScenarioError(f"--time-limit must be a number of seconds above 0, got {limit}")
    travel = travel_model_for(project, scenario)
    # the one wording of how journeys are measured, as on every page of the PDF
    print(f"{travel_measure_text(getattr(travel, 'name', None))}.", file=sys.stderr)
    years = args.years if args.years is not None else scenario.settings.contract_years
    if years != 1 or args.ramp is not None:
        from estates_planner.cli.solve_contract import run_contract_solve

        return run_contract_solve(args, project, with_travel(project, scenario),
                                  warm_start, limit, years)
    bar = ProgressPrinter(sys.stderr, limit)
    cancel = threading.Event()
    kept: list[str] = []  # where the plan went, for the line after an interrupt
    try:
        # Ctrl-C / SIGTERM stop the search like Cancel; its best plan is written below
        with cancel_on_signals(cancel) as interruption:
            solved = solve_in_project(project, scenario.name, scenario=scenario,
                                      time_limit_s=limit, progress=bar, cancel=cancel,
                                      warm_start=warm_start)
    finally:
        bar.finish()
    result = solved.result
    print(format_summary(result, solved.scenario))
    for message in result.messages:
        print(f"note: {message}", file=sys.stderr)
    if args.out is not None:
        write_allocation_csv(solved.scenario, result, args.out)
        print(f"Wrote the allocation to {args.out}", file=sys.stderr)
        kept.append(str(args.out))
    if args.rota is not None:
        write_rota_csv(solved.scenario, result, args.rota)
        print(f"Wrote the rota to {args.rota}", file=sys.stderr)
        kept.append(str(args.rota))
    if args.summary is not None:
        write_json(args.summary, summary_dict(result, solved.scenario))
        print(f"Wrote the summary to {args.summary}", file=sys.stderr)
    if args.project is not None and not args.no_save:
        if keep_plan(project, solved):
            print(f"Updated scenario '{scenario.name}' in the project with the settings and "
                  "baseline used.", file=sys.stderr)
        save_project(project)
        print(f"Saved the plan of '{scenario.name}' in {args.project}", file=sys.stderr)
        kept.append(str(args.project))
    if interruption.happened:
        print(interruption.line(result.status, kept), file=sys.stderr)
        return interruption.exit_status
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
    """The scenario measured along the network in ``path``, if given (for this solve only)."""
    if path is None:
        return scenario
    network, report = load_network(path, scenario.dataset)
    for problem in report.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    if network is None:
        raise InputValidationError(report)
    return scenario.replace(travel=NetworkTravelModel(network))


def _load(args: argparse.Namespace) -> tuple[Project, Scenario]:
    """The project and the scenario to solve; tables without a project make a new project."""
    if args.project is not None:
        return open_scenario(args.project, args.scenario, "solve")
    dataset, report = load_dataset(args.sites, args.needs, args.demand)
    for problem in report.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    if not report.ok:
        raise InputValidationError(report)
    project = new_project(dataset, scenario_name=args.scenario or DEFAULT_SCENARIO)
    return project, project.scenarios[0]


def summary_dict(result, scenario: Scenario | None = None) -> dict[str, object]:  # noqa: ANN001
    """The JSON summary: the optimiser's own figures (``objective`` is the optimiser score,
    not money) and, with the scenario, the money and counts apart (``annual_cost`` in £,
    ``travel_person_km``, ``unplaced_count``...: :func:`report.figures.summary_fields`)."""
    def num(x: float) -> float | None:
        return None if x is None or not math.isfinite(x) else round(float(x), 2)

    data: dict[str, object] = {
        "objective": num(result.objective), "bound": num(result.bound),
        "gap": None if not math.isfinite(result.gap) else float(result.gap),
        "terms": {k: num(v) for k, v in result.terms.items()},
        "status": result.status, "seconds": round(float(result.seconds), 3),
        "days_over_capacity": int(result.days_over_capacity),
        "needs_sharing_a_day": sum(1 for a in result.allocations if a.same_day)}
    if scenario is not None:
        data.update(summary_fields(compute_figures(scenario, result)))
    return data


def format_summary(result, scenario: Scenario | None = None) -> str:  # noqa: ANN001
    """The plan as the terminal shows it: with the scenario, money, travel, needs and weights
    apart (:func:`report.figures.figure_rows`), then the optimiser score's breakdown; the
    unplaced penalty shows only in that breakdown."""
    lines = [f"Plan for scenario '{result.scenario_name}'"]
    width = max(len(label) for label in TERM_LABELS.values()) + 2
    if scenario is not None:
        rows = figure_rows(compute_figures(scenario, result))
        width = max(width, *(len(r.label) for r in rows)) + 2
        section = None
        for row in rows:
            if row.section != section:
                section = row.section
                lines.append(f"  {section}")
            lines.append(f"    {row.label:<{width}}{format_figure(row.value, row.unit):>22}")
        lines.append(f"  {SCORE_EXPLANATION_LONG}")
    lines.append("  Optimiser score breakdown (points, not money)")
    for key, value in result.terms.items():
        lines.append(f"    {TERM_LABELS.get(key, key):<{width}}{value:>22,.2f}")
    lines.append(f"    {'Optimiser score':<{width}}{result.objective:>22,.2f}")
    bound = f"{result.bound:>22,.2f}" if math.isfinite(result.bound) else f"{'unknown':>22}"
    lines.append(f"    {'Bound':<{width}}{bound}")
    gap = f"{100 * result.gap:.3f} %" if math.isfinite(result.gap) else "unknown"
    lines.append(f"  {'Gap':<{width + 2}}{gap}")
    lines.append(f"  {'Status':<{width + 2}}{result.status}")
    lines.append(f"  {'Seconds':<{width + 2}}{result.seconds:.1f}")
    placed = sum(1 for a in result.allocations if a.site_id is not None)
    lines.append(f"  {'Needs placed':<{width + 2}}{placed} of {len(result.allocations)}")
    # the weekly rota (issue 17): site-weekdays over capacity (0 under the daily rule) and
    # paired wellbeing needs in on a day with their ETE/accommodation pair
    lines.append(f"  {'Days over capacity':<{width + 2}}{result.days_over_capacity}")
    paired = sum(1 for a in result.allocations if a.paired)
    same = sum(1 for a in result.allocations if a.same_day)
    lines.append(f"  {'Sharing a day with pair':<{width + 2}}{same} of {paired} paired needs")
    if result.proof_text:
        lines.append(result.proof_text)
    return "\n".join(lines)
