"""``estates-planner solve ... --years N [--ramp ramp.csv]``: the contract plan on the CLI.

Only the printing and file writing live here; the work is in
:mod:`estates_planner.usecases.multiyear`.
"""

from __future__ import annotations

import argparse
import math
import sys
import threading

from estates_planner.errors import ScenarioError
from estates_planner.model import Scenario
from estates_planner.optimise.multiyear.result import COMPARISON_NAMES, MultiYearResult


def run_contract_solve(args: argparse.Namespace, project: object | None, scenario: Scenario,
                       warm_start: dict | None, limit: float, years: int) -> int:
    """Plan ``years`` contract years, print the summary, write the files, save the project."""
    from estates_planner.cli.progress_output import ProgressPrinter, write_json
    from estates_planner.usecases.multiyear import (
        contract_ramp,
        contract_summary,
        contract_year_count,
        plan_contract,
        scenario_for_contract,
        store_contract,
    )

    years = contract_year_count(scenario, years)
    if years == 1:
        raise ScenarioError("--ramp needs --years 2 or more (or contract_years in the "
                            "settings): a one-year plan uses the needs as they are")
    ramp, warnings = contract_ramp(scenario, args.ramp, project)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    scenario = scenario_for_contract(scenario, years)
    bar = ProgressPrinter(sys.stderr, limit)
    cancel = threading.Event()
    try:
        result = plan_contract(scenario, ramp, years, time_limit_s=limit, progress=bar,
                               cancel=cancel, warm_start=warm_start)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        cancel.set()
        raise
    finally:
        bar.finish()
    print(format_contract_summary(result, scenario))
    for message in result.messages:
        print(f"note: {message}", file=sys.stderr)
    if args.out is not None:
        from estates_planner.report.multiyear_csv import write_contract_allocation_csv

        write_contract_allocation_csv(scenario, ramp, result, args.out)
        print(f"Wrote the allocation of every year to {args.out}", file=sys.stderr)
    if getattr(args, "rota", None) is not None:
        from estates_planner.report.multiyear_csv import write_contract_rota_csv

        write_contract_rota_csv(scenario, ramp, result, args.rota)
        print(f"Wrote the rota of every year to {args.rota}", file=sys.stderr)
    if args.summary is not None:
        write_json(args.summary, contract_summary(scenario, ramp, result))
        print(f"Wrote the summary to {args.summary}", file=sys.stderr)
    if args.project is not None and not args.no_save:
        from estates_planner.project import save_project

        if scenario != project.scenario(scenario.name):  # type: ignore[attr-defined]
            project.put_scenario(scenario)  # type: ignore[attr-defined]
        store_contract(project, ramp, result, scenario.name)
        save_project(project)
        print(f"Saved the contract plan of '{scenario.name}' (table 'contract_plan') and its "
              f"ramp in {args.project}", file=sys.stderr)
    return 0


def format_contract_summary(result: MultiYearResult, scenario: Scenario | None = None) -> str:
    """Money (property cost by year, when the scenario is given) apart from the optimiser
    score by year and by term (points, not money), the comparison and what is proven."""
    from estates_planner.optimise.result import TERM_LABELS
    from estates_planner.report.multiyear import property_cost_by_year

    labels = dict(TERM_LABELS)
    labels["fit_out"] = "Fit-out (inside years)"
    labels["fit_out_once"] = "Fit-out (once per site)"
    labels["moves_between_years"] = "Moves between years"
    width = max(len(v) for v in labels.values()) + 2
    lines = [f"Contract plan for scenario '{result.scenario_name}' over "
             f"{len(result.years)} years"]
    if scenario is not None:
        lines.append("  Money: property cost (desks, and each site's fit-out in its first "
                     "year of use)")
        costs = property_cost_by_year(scenario, result)
        for y, cost in zip(result.years, costs, strict=True):
            lines.append(f"  {y.year.label:<{width}}£{cost:>16,.0f}")
        lines.append(f"  {'Over the contract':<{width}}£{sum(costs):>16,.0f}")
    lines.append("  Optimiser score by year (points, not money: it ranks plans)")
    for y in result.years:
        when = f" from {y.year.first_day.isoformat()}" if y.year.first_day else ""
        lines.append(f"  {y.year.label + when:<{width}}{y.objective:>17,.0f}   "
                     f"{y.placed} placed, {y.unplaced} not placed")
    lines.append("  Optimiser score by term over the horizon (points)")
    for key, value in result.terms.items():
        if key == "fit_out" and not value:
            continue
        lines.append(f"  {labels.get(key, key):<{width}}{value:>17,.0f}")
    lines.append(f"  {'Optimiser score':<{width}}{result.objective:>17,.0f}")
    bound = f"{result.bound:>17,.0f}" if math.isfinite(result.bound) else "unknown"
    lines.append(f"  {'Bound (points)':<{width}}{bound}")
    gap = f"{100 * result.gap:.3f} %" if math.isfinite(result.gap) else "unknown"
    lines.append(f"  {'Gap':<{width}}{gap}")
    lines.append(f"  {'Status':<{width}}{result.status}")
    lines.append(f"  {'Seconds':<{width}}{result.seconds:.1f}")
    lines.append(f"  {'Needs moved between years':<{width}}{len(result.moves)}")
    for name, label in COMPARISON_NAMES.items():
        saving = result.saving_against(name)
        if saving is None:
            continue
        other = result.comparison[name]
        lines.append(f"  {label}: score {other.objective:,.0f} points; planning the years "
                     f"together scores {saving[0]:,.0f} points ({100 * saving[1]:.2f} %) "
                     "lower")
        if other.messages:
            lines.append("    (not proven in its time: " + "; ".join(other.messages) + ")")
    if result.proof_text:
        lines.append(result.proof_text)
    return "\n".join(lines)
