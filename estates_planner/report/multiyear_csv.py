"""The allocation CSV and ``rota.csv`` of a contract plan: the single-year columns after a
first column ``year``; the allocation has one row per need per year it is active (with that
year's desks and rooms, and its weekdays in that year's rota), the rota one row per site,
weekday and need of each year (issue 17: each contract year has its own rota).

Written like the single-year file (UTF-8 with a byte-order mark, text formula-escaped,
written to a temporary file and renamed over the target).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from estates_planner.io.allocation_csv import escape_cell
from estates_planner.io.rota_csv import ROTA_COLUMNS, rota_rows
from estates_planner.model import Scenario
from estates_planner.optimise.multiyear.result import MultiYearResult
from estates_planner.optimise.multiyear.years import year_scenario
from estates_planner.ramp import Ramp

# the single-year writer's helpers: one escaping rule and one atomic write for all files
from estates_planner.report.exports import ALLOCATION_COLUMNS, allocation_rows, atomic_path


def write_contract_allocation_csv(scenario: Scenario, ramp: Ramp, result: MultiYearResult,
                                  path: str | os.PathLike[str]) -> Path:
    """Write every year's plan; returns the path written."""
    return _write_by_year(
        scenario, ramp, result, path, ALLOCATION_COLUMNS,
        lambda year_sc, y: ([_cell(row[c], escape_cell) for c in ALLOCATION_COLUMNS]
                            for row in allocation_rows(year_sc, y.result)))


def _write_by_year(scenario: Scenario, ramp: Ramp, result: MultiYearResult,
                   path: str | os.PathLike[str], columns: tuple[str, ...],
                   rows_of) -> Path:  # noqa: ANN001 - (year scenario, YearPlan) -> cell rows
    """A CSV with a first column ``year`` and each year's rows after it, written atomically."""
    target = Path(path)
    with atomic_path(target) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(("year", *columns))
            for y in result.years:
                for cells in rows_of(year_scenario(scenario, ramp, y.year), y):
                    writer.writerow([y.year.number, *cells])
    return target


def _cell(value: object, escape) -> object:  # noqa: ANN001 (the exports' escape_cell)
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(value)


def write_contract_rota_csv(scenario: Scenario, ramp: Ramp, result: MultiYearResult,
                            path: str | os.PathLike[str]) -> Path:
    """Write every year's rota (first column ``year``, then the single-year ``rota.csv``
    columns with that year's desks and rooms); returns the path written."""
    return _write_by_year(
        scenario, ramp, result, path, ROTA_COLUMNS,
        lambda year_sc, y: ([escape_cell(row[c]) for c in ROTA_COLUMNS]
                            for row in rota_rows(year_sc, y.result)))
