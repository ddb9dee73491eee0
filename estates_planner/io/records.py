"""One site or one need typed into the app, checked exactly as an imported row is.

The site and need editors hand their fields over as text (or values) under the column names of
``docs/data-format.md``; they are put into a one-row table and read by the same readers as a
file (:func:`io.sites.sites_from_table`, :func:`io.needs.needs_from_table`), so a value the
import would refuse is refused here with the same words, e.g. ``Site S9, column 'desks':
expected a whole number ≥ 0, got 'twelve'``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType

import numpy as np
import pandas as pd

from estates_planner.errors import InputValidationError, ValidationReport
from estates_planner.io.needs import needs_from_table
from estates_planner.io.sites import sites_from_table
from estates_planner.io.tables import RawTable
from estates_planner.io.weekdays import DAYS_COLUMN, format_weekdays
from estates_planner.model import DemandPoint, ServiceNeed, Site

SITE_FIELDS = ("site_id", "name", "region", "pdu", "kind", "women_only", "desks",
               "interview_rooms", "annual_cost_per_desk", "fit_out_cost", "available_from",
               "step_free", "easting", "northing")
NEED_FIELDS = ("need_id", "provider", "lot", "region", "pdu", "desks", "interview_rooms",
               "days_per_week", "caseload", "max_travel_km", "easting", "northing")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value)  # SiteKind, Lot
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _one_row(fields: Mapping[str, object], source: str) -> RawTable:
    headers = [k for k in fields]
    frame = pd.DataFrame([[_text(fields[k]) for k in headers]], columns=range(len(headers)),
                         dtype=object)
    return RawTable(source, headers, frame, np.array([1]), np.zeros(1, dtype=bool),
                    stripped=True)


def _raise_without_row(report: ValidationReport) -> None:
    """A form has one row: its problems name the form and the column, not "row 1"."""
    if report.ok:
        return
    clean = ValidationReport()
    for problem in report.problems:
        clean.problems.append(dataclasses.replace(problem, row=None))
    raise InputValidationError(clean)


def site_from_fields(fields: Mapping[str, object], source: str | None = None) -> Site:
    """A :class:`Site` from form fields named as the sites table's columns.

    Raises
    ------
    InputValidationError
        With every problem, worded as the import words it.
    """
    source = source or f"Site {_text(fields.get('site_id')) or '(new)'}"
    report = ValidationReport()
    sites, _ = sites_from_table(_one_row(fields, source), None, report)
    _raise_without_row(report)
    return sites[0]


def need_from_fields(fields: Mapping[str, object], sites: Iterable[Site] = (),
                     demand: Iterable[DemandPoint] = (), source: str | None = None,
                     ) -> ServiceNeed:
    """A :class:`ServiceNeed` from form fields named as the needs table's columns; without
    a point it is placed as the import places it (the PDU's demand point or authority
    sites)."""
    source = source or f"Need {_text(fields.get('need_id')) or '(new)'}"
    report = ValidationReport()
    needs, _ = needs_from_table(_one_row(fields, source), list(sites), list(demand), None,
                                report)
    _raise_without_row(report)
    return needs[0]


def site_fields(site: Site) -> dict[str, object]:
    """A site's fields under the table's column names (for an editor to start from)."""
    return {name: getattr(site, name) for name in SITE_FIELDS}


def need_fields(need: ServiceNeed) -> dict[str, object]:
    """A need's fields under the table's column names, with its fixed weekdays as the
    ``days`` column writes them ("Mon,Wed"; "" when the optimiser chooses)."""
    fields: dict[str, object] = {name: getattr(need, name) for name in NEED_FIELDS}
    fields[DAYS_COLUMN] = format_weekdays(need.fixed_days)
    return fields


def extra_with_days(extra: Mapping[str, object], days: Sequence[int]) -> Mapping[str, object]:
    """A need's extra columns with its ``days`` cell set to ``days`` ("Mon,Wed").

    The reader takes a need's fixed days from that extra column (and a project file keeps
    them there), so an edit of the days must write it too: into the column the need came
    with (matched as the reader matches it), or a new ``days`` column when there are days
    to keep. Other extra columns are kept as they were.
    """
    key = next((k for k in extra if k.strip().casefold() == DAYS_COLUMN), None)
    text = format_weekdays(days)
    if key is None and not text:
        return extra
    return MappingProxyType({**extra, (key or DAYS_COLUMN): text})
