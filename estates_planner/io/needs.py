"""Read and validate the service needs table, locating needs that give no point of their own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

import numpy as np

from estates_planner.errors import ValidationReport
from estates_planner.io import schema
from estates_planner.io.coords import resolve_points
from estates_planner.io.fields import RowChecker, sort_problems
from estates_planner.io.tables import RawTable, read_table
from estates_planner.io.weekdays import read_fixed_days
from estates_planner.model import DemandPoint, Lot, ServiceNeed, Site, SiteKind

WHOLE = "a whole number ≥ 0"


def read_needs(path: str | Path, sites: Iterable[Site] = (), demand: Iterable[DemandPoint] = (),
               column_map: Mapping[str, str | None] | None = None,
               ) -> tuple[list[ServiceNeed], ValidationReport]:
    """Read the service needs of ``path`` and every problem with them.

    A need row without coordinates is placed where its PDU's service users come from: the
    PDU's point in ``demand`` (``location_source`` "demand"), else the mean position of the
    PDU's authority sites in ``sites`` ("authority mean"); if neither exists the row is an
    error. PDU names are matched ignoring case and surrounding spaces.

    Parameters
    ----------
    path
        CSV, XLSX (sheet 'needs' or the first), or a spatial file (layer 'needs' or the first).
    sites, demand
        Already read sites and demand points, used only to locate needs without coordinates.
    column_map
        The file's column names -> ours; None ignores a column.

    Returns
    -------
    needs, report
        The valid rows in file order and all problems; nothing is raised for a bad file.
    """
    report = ValidationReport()
    table = read_table(path, report, ("needs",))
    if table is None:
        return [], report
    needs, _ = needs_from_table(table, sites, demand, column_map, report)
    sort_problems(report)
    return needs, report


def _key(text: str) -> str:
    return text.strip().casefold()


def pdu_points(sites: Iterable[Site], demand: Iterable[DemandPoint],
               ) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """(demand point by PDU key, mean of authority sites by PDU key)."""
    by_demand = {_key(d.pdu): (d.easting, d.northing) for d in demand}
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for s in sites:
        if s.kind is SiteKind.AUTHORITY and s.pdu:
            acc = sums[_key(s.pdu)]
            acc[0] += s.easting
            acc[1] += s.northing
            acc[2] += 1
    by_authority = {k: (e / c, n / c) for k, (e, n, c) in sums.items()}
    return by_demand, by_authority


def needs_from_table(table: RawTable, sites: Iterable[Site], demand: Iterable[DemandPoint],
                     column_map: Mapping[str, str | None] | None, report: ValidationReport,
                     ) -> tuple[list[ServiceNeed], list[int]]:
    """The valid needs of a raw table and their spreadsheet rows."""
    check = RowChecker(table, schema.NEED_COLUMNS, column_map, report)
    if len(check) == 0:
        report.error(check.file, "the file has a header but no data rows: expected at least "
                     "one need")
        return [], []
    ids = check.ids("need_id")
    providers = check.text("provider", required=True)
    lots = check.choice("lot", Lot, required=True)
    regions = check.text("region", required=True)
    pdus = check.text("pdu", required=True)
    desks = check.number("desks", required=True, expected=WHOLE, whole=True,
                         maximum=schema.MAX_DESKS)
    rooms = check.number("interview_rooms", required=True, expected=WHOLE, whole=True,
                         maximum=schema.MAX_ROOMS)
    days = check.number("days_per_week", required=True, expected="a whole number from 1 to 5",
                        minimum=1, whole=True, maximum=5, absurd=False)
    caseload = check.number("caseload", required=True, expected="a number of people ≥ 0",
                            maximum=schema.MAX_CASELOAD)
    max_km = check.number("max_travel_km", required=False, expected="a distance in km > 0",
                          above_minimum=True, maximum=schema.MAX_TRAVEL_KM)
    points = resolve_points(check, required=False)
    if check.missing_required:
        return [], []
    easting, northing = points.easting, points.northing
    source = np.where(points.found, "own", "").astype(object)
    by_demand, by_authority = pdu_points(sites, demand)
    unlocated = np.flatnonzero(~points.found & ~points.reported & (pdus != ""))
    lost = np.zeros(len(check), dtype=bool)
    for i in unlocated.tolist():
        key = _key(pdus[i])
        if key in by_demand:
            easting[i], northing[i] = by_demand[key]
            source[i] = "demand"
        elif key in by_authority:
            easting[i], northing[i] = by_authority[key]
            source[i] = "authority mean"
        else:
            lost[i] = True
    for i in np.flatnonzero(lost).tolist():
        report.error(check.file, "the need has no location", row=int(check.rows[i]),
                     column=check.label("pdu"), value=None,
                     expected=f"coordinates in the row ('lon'/'lat' or 'easting'/'northing'), "
                     f"a point for PDU '{pdus[i]}' in the demand table, or an authority site "
                     f"in PDU '{pdus[i]}'")
    check.bad |= lost
    fixed_days = read_fixed_days(check, days)
    keep = np.flatnonzero(~check.bad & (source != ""))
    # whole columns to Python lists first: indexing numpy arrays cell by cell is slow
    max_km_kept = [None if v != v else v for v in max_km[keep].tolist()]
    extras = check.extra_dicts(keep)
    needs = [
        ServiceNeed(need_id=i, provider=p, lot=lot, region=r, pdu=pdu, desks=d,
                    interview_rooms=rm, days_per_week=dw, caseload=c, easting=e, northing=n,
                    max_travel_km=km, location_source=src, fixed_days=fd,
                    extra=MappingProxyType(x))
        for i, p, lot, r, pdu, d, rm, dw, c, e, n, km, src, fd, x in zip(
            ids[keep].tolist(), providers[keep].tolist(), lots[keep].tolist(),
            regions[keep].tolist(), pdus[keep].tolist(),
            desks[keep].astype(np.int64).tolist(), rooms[keep].astype(np.int64).tolist(),
            days[keep].astype(np.int64).tolist(), caseload[keep].astype(float).tolist(),
            easting[keep].tolist(), northing[keep].tolist(), max_km_kept,
            source[keep].tolist(), [fixed_days[k] for k in keep.tolist()], extras, strict=True)
    ]
    return needs, check.rows[keep].tolist()
