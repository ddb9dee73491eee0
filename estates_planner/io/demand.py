"""Read and validate the optional demand table: one service-user point per PDU."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from estates_planner.errors import ValidationReport
from estates_planner.io import schema
from estates_planner.io.coords import resolve_points
from estates_planner.io.fields import RowChecker, sort_problems
from estates_planner.io.tables import RawTable, read_table
from estates_planner.model import DemandPoint


def read_demand(path: str | Path, column_map: Mapping[str, str | None] | None = None,
                ) -> tuple[list[DemandPoint], ValidationReport]:
    """Read the PDU demand points of ``path`` and every problem with them.

    A need without its own coordinates is placed at its PDU's demand point; this table says
    where each PDU's service users come from (e.g. a population-weighted centre).

    Parameters
    ----------
    path
        CSV, XLSX (sheet 'demand' or the first) or a spatial file with points.
    column_map
        The file's column names -> ours; None ignores a column.

    Returns
    -------
    points, report
        The valid rows in file order and all problems; nothing is raised for a bad file.
    """
    report = ValidationReport()
    table = read_table(path, report, ("demand",))
    if table is None:
        return [], report
    points = demand_from_table(table, column_map, report)
    sort_problems(report)
    return points, report


def demand_from_table(table: RawTable, column_map: Mapping[str, str | None] | None,
                      report: ValidationReport) -> list[DemandPoint]:
    check = RowChecker(table, schema.DEMAND_COLUMNS, column_map, report)
    if len(check) == 0:
        report.error(check.file, "the file has a header but no data rows: expected one row "
                     "per PDU")
        return []
    pdus = check.ids("pdu")
    points = resolve_points(check, required=True)
    if check.missing_required:
        return []
    keep = np.flatnonzero(~check.bad & points.found)
    return [DemandPoint(pdus[i], float(points.easting[i]), float(points.northing[i]))
            for i in keep.tolist()]
