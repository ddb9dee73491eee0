"""Read and validate the sites table (see docs/data-format.md for every column)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import numpy as np

from estates_planner.errors import ValidationReport
from estates_planner.io import schema
from estates_planner.io.coords import resolve_points
from estates_planner.io.fields import RowChecker, sort_problems
from estates_planner.io.tables import RawTable, read_table
from estates_planner.model import Site, SiteKind

WHOLE = "a whole number ≥ 0"
MONEY = "an amount in GBP ≥ 0"


def read_sites(path: str | Path, column_map: Mapping[str, str | None] | None = None,
               ) -> tuple[list[Site], ValidationReport]:
    """Read the sites of ``path`` and every problem with them.

    Parameters
    ----------
    path
        CSV, XLSX (sheet 'sites' or the first), GeoPackage (layer 'sites' or the first),
        GeoJSON or Shapefile.
    column_map
        The file's column names -> ours (e.g. ``{"Site Ref": "site_id"}``); None ignores a
        column. Matching is case-insensitive.

    Returns
    -------
    sites, report
        The rows without errors, in file order, and all problems found. Nothing is raised for
        a bad file: even an unreadable one gives ``([], report)`` with the reason.
    """
    report = ValidationReport()
    table = read_table(path, report, ("sites",))
    if table is None:
        return [], report
    sites, _ = sites_from_table(table, column_map, report)
    sort_problems(report)
    return sites, report


def sites_from_table(table: RawTable, column_map: Mapping[str, str | None] | None,
                     report: ValidationReport) -> tuple[list[Site], list[int]]:
    """The valid sites of a raw table and their spreadsheet rows."""
    check = RowChecker(table, schema.SITE_COLUMNS, column_map, report)
    if len(check) == 0:
        report.error(check.file, "the file has a header but no data rows: expected at least "
                     "one site")
        return [], []
    ids = check.ids("site_id")
    names = check.text("name", required=False)
    names = np.where(names == "", ids, names)
    regions = check.text("region", required=True)
    pdus = check.text("pdu", required=False)
    kinds = check.choice("kind", SiteKind, required=True)
    women_only = check.boolean("women_only", default=False)
    desks = check.number("desks", required=True, expected=WHOLE, whole=True,
                         maximum=schema.MAX_DESKS)
    rooms = check.number("interview_rooms", required=True, expected=WHOLE, whole=True,
                         maximum=schema.MAX_ROOMS)
    cost = check.number("annual_cost_per_desk", required=True, expected=MONEY,
                        maximum=schema.MAX_COST_PER_DESK_GBP)
    fit_out = check.number("fit_out_cost", required=False, expected=MONEY, default=0.0,
                           maximum=schema.MAX_FIT_OUT_GBP)
    available = check.dates("available_from")
    until = check.dates("available_until")
    ends_first = np.array([a is not None and u is not None and u < a
                           for a, u in zip(available.tolist(), until.tolist(), strict=True)],
                          dtype=bool)
    check.flag(ends_first, "available_until", "a date on or after available_from", until,
               "the lease ends before the site is available")
    step_free = check.boolean("step_free", default=None)
    points = resolve_points(check, required=True)
    if check.missing_required:
        return [], []
    keep = np.flatnonzero(~check.bad & points.found)
    # whole columns to Python lists first: indexing numpy arrays cell by cell is slow
    step_free_kept = [None if v is None else bool(v) for v in step_free[keep].tolist()]
    sites = [
        Site(site_id=i, name=nm, region=r, pdu=pdu, kind=k, women_only=bool(w), desks=d,
             interview_rooms=rm, annual_cost_per_desk=c, easting=e, northing=n,
             fit_out_cost=f, available_from=a, step_free=sf, available_until=au,
             extra=MappingProxyType(x))
        for i, nm, r, pdu, k, w, d, rm, c, e, n, f, a, sf, au, x in zip(
            ids[keep].tolist(), names[keep].tolist(), regions[keep].tolist(),
            pdus[keep].tolist(), kinds[keep].tolist(), women_only[keep].tolist(),
            desks[keep].astype(np.int64).tolist(), rooms[keep].astype(np.int64).tolist(),
            cost[keep].astype(float).tolist(), points.easting[keep].tolist(),
            points.northing[keep].tolist(), fit_out[keep].astype(float).tolist(),
            available[keep].tolist(), step_free_kept, until[keep].tolist(),
            check.extra_dicts(keep), strict=True)
    ]
    return sites, check.rows[keep].tolist()
