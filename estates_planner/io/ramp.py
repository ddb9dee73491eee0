"""The ramp of a contract plan: what share of each need is active in each contract year.

``ramp.csv`` has one row per lot (optionally narrowed to one provider or one need) and year::

    lot,provider,need_id,year,share
    ete,,,1,0.6
    ete,,,2,0.8
    wellbeing,Thrive,,1,0.5

The most specific row applies to a need (its ``need_id``, then its provider, then its lot
alone); a need with no row for a year has share 1 that year. Shares are kept as exact
fractions (read from the cell's decimal text, never through a float), because the year's
desks are rounded up: 5 desks x 0.6 is 3 desks, where 5 x float(0.6) would give 3.0000000000000004
and round up to 4. See docs/data-format.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from estates_planner.errors import ValidationReport
from estates_planner.io.fields import RowChecker, sort_problems
from estates_planner.io.schema import ColumnSpec
from estates_planner.io.tables import RawTable, read_table
from estates_planner.model import Lot, ServiceNeed
from estates_planner.ramp import Ramp, RampRow, format_share  # noqa: F401 - re-exported

RAMP_TABLE = "ramp"  # the name of the ramp in project.tables
RAMP_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("lot", True, "ete, accommodation, wellbeing or womens: the lot the row applies "
               "to."),
    ColumnSpec("provider", False, "Only this provider's needs of the lot (exact name); all "
               "providers if empty."),
    ColumnSpec("need_id", False, "Only this need (of the lot); every need of the lot (or "
               "provider) if empty."),
    ColumnSpec("year", True, "Contract year, a whole number from 1."),
    ColumnSpec("share", True, "Share of the need's desks, interview rooms and caseload "
               "active that year (a number ≥ 0, e.g. 0.6 or 60 %; 0 means not active)."),
)
MAX_YEAR = 10
MAX_SHARE = Fraction(10)  # more than ten times the stated need is a typing slip
SHARE_EXPECTED = "a number ≥ 0 such as 0.6 or 60 %"


def ramp_to_frame(ramp: Ramp) -> pd.DataFrame:
    """The rows as text columns, shares as exact decimals, for ``project.tables``."""
    return pd.DataFrame({
        "lot": [r.lot.value for r in ramp.rows],
        "provider": [r.provider for r in ramp.rows],
        "need_id": [r.need_id for r in ramp.rows],
        "year": [str(r.year) for r in ramp.rows],
        "share": [format_share(r.share) for r in ramp.rows],
    }, columns=[c.name for c in RAMP_COLUMNS])


def read_ramp(path: str | Path, needs: Sequence[ServiceNeed] = ()) -> tuple[Ramp, ValidationReport]:
    """Read and check a ramp file (CSV, XLSX sheet 'ramp', or any table the sites take).

    Parameters
    ----------
    path
        The ramp file.
    needs
        The project's needs, to check the ``provider`` and ``need_id`` cells against (a need
        of another lot is an error; a name that matches no need is a warning: the row
        changes nothing).

    Returns
    -------
    ramp, report
        The valid rows, and every problem (file, row, column, what was expected). A file
        with any error gives an empty ramp, so that half a ramp is never planned with.
    """
    report = ValidationReport()
    table = read_table(path, report, (RAMP_TABLE,))
    if table is None:
        return Ramp(), report
    ramp = ramp_from_table(table, report, needs)
    sort_problems(report)
    return ramp, report


def ramp_from_frame(frame: pd.DataFrame, needs: Sequence[ServiceNeed] = (),
                    source: str = "the project's ramp table") -> tuple[Ramp, ValidationReport]:
    """The ramp stored in a project (``project.tables["ramp"]``), checked as a file is."""
    report = ValidationReport()
    cells = frame.astype(object).where(frame.notna(), "")
    text = pd.DataFrame({k: [str(v).strip() for v in cells[c].tolist()]
                         for k, c in enumerate(frame.columns)})
    n = len(frame)
    table = RawTable(file=source, headers=[str(c) for c in frame.columns], frame=text,
                     rows=np.arange(2, n + 2), bad_rows=np.zeros(n, dtype=bool), stripped=True)
    ramp = ramp_from_table(table, report, needs)
    sort_problems(report)
    return ramp, report


def ramp_from_table(table: RawTable, report: ValidationReport,
                    needs: Sequence[ServiceNeed] = ()) -> Ramp:
    """The rows of a raw ramp table; every problem goes to ``report``."""
    check = RowChecker(table, RAMP_COLUMNS, None, report)
    if check.missing_required:
        return Ramp()
    lots = check.choice("lot", Lot, required=True)
    providers = check.text("provider", required=False)
    need_ids = check.text("need_id", required=False)
    years = check.number("year", required=True, expected=f"a whole number from 1 to {MAX_YEAR}",
                         minimum=1, whole=True, maximum=MAX_YEAR, absurd=False)
    shares = _shares(check)
    _check_against_needs(check, lots, providers, need_ids, needs)
    seen: dict[tuple, int] = {}
    rows: list[RampRow] = []
    for i in range(len(check)):
        if check.bad[i]:
            continue
        row = RampRow(lots[i], providers[i], need_ids[i], int(years[i]), shares[i])
        key = (row.lot, row.provider, row.need_id, row.year)
        line = int(check.rows[i])
        if key in seen:
            report.error(check.file, f"a second share for the same lot, provider, need and "
                         f"year (first in row {seen[key]}); give each once",
                         row=line, column=check.label("year"), value=row.year)
            check.bad[i] = True
            continue
        seen[key] = line
        rows.append(row)
    if check.bad.any() or not report.ok:
        return Ramp()
    return Ramp(tuple(rows))


def _shares(check: RowChecker) -> list[Fraction | None]:
    """Exact shares from the cells' text ('0.6', '60%', '60 %'), None where bad."""
    out: list[Fraction | None] = [None] * len(check)
    if not check.has("share"):
        return out
    raw = check.raw("share").tolist()
    for i, value in enumerate(raw):
        share = parse_share(value)
        if share is None:
            expected = SHARE_EXPECTED
            message = "a share is required" if _blank(value) else ""
            check.flag(_one(len(check), i), "share", expected, raw, message)
        elif share > MAX_SHARE:
            check.flag(_one(len(check), i), "share", f"at most {MAX_SHARE}", raw,
                       "too large to be right (a typing slip?)")
        else:
            out[i] = share
    return out


def parse_share(value: object) -> Fraction | None:
    """An exact share ≥ 0 from a cell: a decimal, or a percentage with '%'; None if not."""
    if isinstance(value, bool) or _blank(value):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = repr(value)  # the shortest text that gives this float: 0.6, not 0.59999...
    text = str(value).strip().replace(",", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    try:
        if "/" in text:  # an exact fraction, as format_share writes one without a decimal
            share = Fraction(text)
        else:
            number = Decimal(text)
            if not number.is_finite():
                return None
            share = Fraction(number)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return None
    if share < 0:
        return None
    return share / 100 if percent else share


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) \
        or (isinstance(value, str) and not value.strip())


def _one(n: int, i: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask


def _check_against_needs(check: RowChecker, lots: np.ndarray, providers: np.ndarray,
                         need_ids: np.ndarray, needs: Iterable[ServiceNeed]) -> None:
    needs = list(needs)
    if not needs:
        return
    by_id = {n.need_id: n for n in needs}
    provider_lots = {(n.provider, n.lot) for n in needs}
    for i in range(len(check)):
        lot, provider, need_id = lots[i], providers[i], need_ids[i]
        if lot is None:
            continue
        line = int(check.rows[i])
        if need_id:
            need = by_id.get(need_id)
            if need is None:
                check.report.warning(check.file, "no need has this need_id; the row changes "
                                     "nothing", row=line, column=check.label("need_id"),
                                     value=need_id)
            elif need.lot is not lot:
                check.flag(_one(len(check), i), "need_id", f"a need of lot '{lot.value}'",
                           [need_id] * len(check),
                           f"need {need_id} is of lot '{need.lot.value}'")
            elif provider and need.provider != provider:
                check.flag(_one(len(check), i), "provider", f"'{need.provider}' (the need's "
                           "provider) or empty", [provider] * len(check),
                           f"need {need_id} belongs to another provider")
        elif provider and (provider, lot) not in provider_lots:
            check.report.warning(check.file, f"no need of lot '{lot.value}' has this provider "
                                 "(names must match exactly); the row changes nothing",
                                 row=line, column=check.label("provider"), value=provider)
