"""Use cases of the contract plan (issue 15), shared by the CLI and, later, the app.

Where the ramp comes from (a file, else the project's ``ramp`` table), how many years are
planned, solving, the summary a CLI or a report shows, and what is kept in the project.
Nothing here prints or knows about widgets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from estates_planner.errors import InputValidationError, ScenarioError
from estates_planner.io.contract_tables import (  # noqa: F401 - the table names, re-exported
    COMPARISON_COLUMNS,
    CONTRACT_COMPARISON_TABLE,
    CONTRACT_PLAN_TABLE,
    PLAN_COLUMNS,
    scenario_rows,
    with_scenario_rows,
)
from estates_planner.io.ramp import RAMP_TABLE, Ramp, ramp_from_frame, ramp_to_frame, read_ramp
from estates_planner.io.settings_toml import MAX_CONTRACT_YEARS
from estates_planner.model import Scenario
from estates_planner.optimise.multiyear.result import COMPARISON_NAMES, MultiYearResult
from estates_planner.optimise.progress import Cancel, ProgressCallback


def contract_ramp(scenario: Scenario, ramp_path: str | Path | None = None,
                  project: object | None = None) -> tuple[Ramp, list[str]]:
    """The ramp to plan with, and warnings as sentences.

    ``ramp_path`` is read and checked against the scenario's needs; without it, the ramp
    stored in ``project.tables["ramp"]`` is used; without either, every share is 1.

    Raises
    ------
    InputValidationError
        when the ramp file (or the stored table) has errors; every problem is listed.
    """
    needs = scenario.dataset.needs
    if ramp_path is not None:
        ramp, report = read_ramp(ramp_path, needs)
    else:
        tables = getattr(project, "tables", None) or {}
        frame = tables.get(RAMP_TABLE)
        if frame is None:
            return Ramp(), []
        ramp, report = ramp_from_frame(frame, needs)
    if not report.ok:
        raise InputValidationError(report)
    return ramp, [str(p) for p in report.warnings]


def contract_year_count(scenario: Scenario, years: int | None) -> int:
    """``years`` if given (checked), else the scenario's ``contract_years`` setting."""
    if years is None:
        return scenario.settings.contract_years
    if isinstance(years, bool) or not isinstance(years, int) \
            or not 1 <= years <= MAX_CONTRACT_YEARS:
        raise ScenarioError(f"--years must be a whole number from 1 to {MAX_CONTRACT_YEARS}, "
                            f"got {years!r}")
    return years


def plan_contract(scenario: Scenario, ramp: Ramp, years: int, *, time_limit_s: float,
                  progress: ProgressCallback | None = None, cancel: Cancel | None = None,
                  warm_start: Mapping[str, str | None] | None = None) -> MultiYearResult:
    """Plan ``years`` contract years together (one year: the single-year plan, unchanged).

    The scenario given back by :func:`scenario_for_contract` carries ``years`` in its
    settings, so a saved project remembers it.
    """
    from estates_planner.optimise.multiyear import solve_contract

    return solve_contract(scenario, ramp, years=years, time_limit_s=time_limit_s,
                          progress=progress, cancel=cancel, warm_start=warm_start)


def scenario_for_contract(scenario: Scenario, years: int) -> Scenario:
    """The scenario with ``contract_years`` set to ``years``."""
    if scenario.settings.contract_years == years:
        return scenario
    return scenario.with_settings(contract_years=years)


def _money(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 2)


def contract_summary(scenario: Scenario, ramp: Ramp,
                     result: MultiYearResult) -> dict[str, object]:
    """The JSON summary of a contract plan: the single-year keys (objective over the
    horizon, bound, gap, terms, status, seconds) plus ``years``, ``horizon_total``,
    ``moves_between_years`` and ``comparison``."""
    from estates_planner.report.multiyear import explain_moves, property_cost_by_year

    property_cost = property_cost_by_year(scenario, result)
    years = []
    for y, cost in zip(result.years, property_cost, strict=True):
        years.append({
            "year": y.year.number,
            "first_day": None if y.year.first_day is None else y.year.first_day.isoformat(),
            "last_day": None if y.year.last_day is None else y.year.last_day.isoformat(),
            "objective": _money(y.objective),
            "terms": {k: _money(v) for k, v in y.result.terms.items()},
            "annual_property_cost": _money(cost),
            "placed": y.placed, "unplaced": y.unplaced})
    moves = [{"need_id": m.need_id, "year": m.year, "from": m.from_site, "to": m.to_site,
              "why": m.why, "reason": m.reason}
             for m in explain_moves(scenario, ramp, result)]
    comparison = {}
    for name in COMPARISON_NAMES:
        other = result.comparison.get(name)
        if other is None:
            continue
        saving = result.saving_against(name)
        assert saving is not None
        comparison[name] = {
            "objective": _money(other.objective),
            "years": [_money(y.objective) for y in other.years],
            "moves_between_years": len(other.moves),
            "saving": _money(saving[0]),
            "saving_percent": None if not math.isfinite(saving[1])
            else round(100 * saving[1], 3),
            # single-year solves of the comparison not proven optimal in their time
            "notes": list(other.messages)}
    return {
        "objective": _money(result.objective), "bound": _money(result.bound),
        "gap": None if not math.isfinite(result.gap) else float(result.gap),
        "terms": {k: _money(v) for k, v in result.terms.items()},
        "status": result.status, "seconds": round(float(result.seconds), 3),
        "years": years,
        "horizon_total": _money(result.objective),
        "moves_between_years": {"count": len(result.moves),
                                "cost": _money(result.moves_between_years_cost),
                                "moves": moves},
        "comparison": comparison,
    }


def contract_plan_frame(result: MultiYearResult) -> pd.DataFrame:
    """The plan as a table (year, need_id, site_id; site_id empty: unplaced that year)."""
    rows = [(y.year.number, a.need_id, a.site_id or "")
            for y in result.years for a in y.result.allocations]
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def store_contract(project: object, ramp: Ramp, result: MultiYearResult,
                   scenario_name: str | None = None) -> None:
    """Keep the ramp and the contract plan of one scenario in the project's tables (saved
    with it), replacing that scenario's earlier contract plan and no other's.

    ``scenario_name`` defaults to the scenario the plan was made for
    (``result.scenario_name``). The single-year ``results`` are left alone: a contract plan
    is not one year's plan. The ramp is the project's (one table for every scenario).
    """
    from estates_planner.report.multiyear import comparison_rows

    name = result.scenario_name if scenario_name is None else scenario_name
    tables = project.tables  # type: ignore[attr-defined]
    if ramp.rows:
        tables[RAMP_TABLE] = ramp_to_frame(ramp)
    tables[CONTRACT_PLAN_TABLE] = with_scenario_rows(
        tables.get(CONTRACT_PLAN_TABLE), name, contract_plan_frame(result))
    comparison = pd.DataFrame(
        [(label, float(objective), float(saving), float(share))
         for label, objective, saving, share in comparison_rows(result)],
        columns=list(COMPARISON_COLUMNS))
    tables[CONTRACT_COMPARISON_TABLE] = with_scenario_rows(
        tables.get(CONTRACT_COMPARISON_TABLE), name, comparison)


@dataclass(frozen=True)
class StoredContract:
    """A contract plan read back from a project: re-priced from its table (status
    "evaluated"), with the comparison rows stored beside it."""

    scenario: Scenario
    ramp: Ramp
    result: MultiYearResult
    comparison: tuple[tuple[str, float, float, float], ...]


def stored_contract(project: object, scenario: Scenario) -> StoredContract | None:
    """The contract plan the project keeps for ``scenario`` (by its name), priced for it; None
    when the project holds none for it, or it was planned for other needs or another number
    of years than the scenario's ``contract_years``."""
    from estates_planner.optimise.multiyear.pricing import price_contract_plan

    tables = getattr(project, "tables", None) or {}
    frame = scenario_rows(tables.get(CONTRACT_PLAN_TABLE), scenario.name)
    years = scenario.settings.contract_years
    if frame is None or frame.empty or years < 2:
        return None
    if sorted({int(y) for y in frame["year"]}) != list(range(1, years + 1)):
        return None
    need_ids = {n.need_id for n in scenario.dataset.needs}
    site_ids = {s.site_id for s in scenario.dataset.sites}
    plans: list[dict[str, str | None]] = [{} for _ in range(years)]
    for year, need_id, site_id in frame[["year", "need_id", "site_id"]].itertuples(
            index=False):
        site = str(site_id) if isinstance(site_id, str) and site_id else None
        if need_id not in need_ids or (site is not None and site not in site_ids):
            return None
        plans[int(year) - 1][str(need_id)] = site
    try:
        ramp, _warnings = contract_ramp(scenario, None, project)
    except InputValidationError:
        return None
    result = price_contract_plan(scenario, ramp, plans)
    comparison = scenario_rows(tables.get(CONTRACT_COMPARISON_TABLE), scenario.name)
    rows = () if comparison is None else tuple(
        (str(r[0]), float(r[1]), float(r[2]), float(r[3]))
        for r in comparison[["plan", "score_points", "saving_points",
                             "saving_fraction"]].itertuples(index=False))
    return StoredContract(scenario, ramp, result, rows)


@dataclass(frozen=True)
class ContractRun:
    """A contract plan solved in a project: the scenario as planned (its settings carry the
    years and the keep-sites switch), the ramp used, the plan and warnings as sentences."""

    scenario: Scenario
    ramp: Ramp
    result: MultiYearResult
    warnings: tuple[str, ...] = ()


def plan_contract_in_project(project: object, scenario_name: str, *, years: int,
                             ramp_path: str | Path | None = None,
                             keep_sites: bool | None = None,
                             time_limit_s: float | None = None,
                             progress: ProgressCallback | None = None,
                             cancel: Cancel | None = None,
                             store: bool = True) -> ContractRun:
    """Plan the contract years of a project's scenario and keep the plan in the project.

    The app's "Plan contract years…" command: the same steps as the CLI's ``solve --years``
    (ramp from ``ramp_path`` or the project, the scenario's settings updated, the project's
    travel model, the plan and ramp stored in ``project.tables``), so both give one plan.
    ``store=False`` leaves the project untouched (the app solves in a worker thread and
    applies the run on its own thread, as an undoable settings change plus the tables).

    Raises
    ------
    ScenarioError
        ``years`` below 2 or above the maximum.
    InputValidationError
        the ramp has errors.
    """
    from estates_planner.travel.resolve import with_travel

    scenario = project.scenario(scenario_name)  # type: ignore[attr-defined]
    years = contract_year_count(scenario, years)
    if years == 1:
        raise ScenarioError("a contract plan needs 2 or more years")
    ramp, warnings = contract_ramp(scenario, ramp_path, project)
    scenario = scenario_for_contract(scenario, years)
    if keep_sites is not None and keep_sites != scenario.settings.keep_sites_across_years:
        scenario = scenario.with_settings(keep_sites_across_years=keep_sites)
    limit = scenario.settings.time_limit_s if time_limit_s is None else time_limit_s
    result = plan_contract(with_travel(project, scenario), ramp, years, time_limit_s=limit,
                           progress=progress, cancel=cancel)
    if not store:
        return ContractRun(scenario, ramp, result, tuple(warnings))
    if scenario != project.scenario(scenario_name):  # type: ignore[attr-defined]
        project.put_scenario(scenario)  # type: ignore[attr-defined]
        scenario = project.scenario(scenario_name)  # type: ignore[attr-defined]
    store_contract(project, ramp, result, scenario.name)
    return ContractRun(scenario, ramp, result, tuple(warnings))
