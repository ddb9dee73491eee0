"""Weekdays in cells: the needs' optional ``days`` column and the ``weekdays`` of a plan.

A need row may fix the weekdays it must keep (``Mon,Wed``); the optimiser then keeps them
(issue 17). Only Monday to Friday exist: the sites' desks are counted per weekday. The
column stays among a need's extra columns too (the site plan prints it), so reading it here
adds ``ServiceNeed.fixed_days`` without moving it.
"""

from __future__ import annotations

import re

import numpy as np

from estates_planner.io.fields import RowChecker
from estates_planner.model import WEEKDAYS, format_weekdays  # noqa: F401 - with the reader

DAYS_COLUMN = "days"
_ALIASES = {d.lower(): i for i, d in enumerate(WEEKDAYS)} | {
    name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"))
} | {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
# cells that say "no fixed days": the optimiser chooses them
_FREE_WORDS = frozenset(("", "rota", "any", "flexible", "nan", "none"))
EXPECTED = "weekdays Mon to Fri separated by commas, e.g. 'Mon,Wed', or empty"


class WeekdayError(ValueError):
    """A ``days`` cell that does not name weekdays; the message says what is wrong."""


def parse_weekdays(value: object) -> tuple[int, ...]:
    """Weekday indexes (0 = Monday), sorted, from a cell such as "Mon,Wed" or "tue; thu".

    Empty cells and "any", "rota", "flexible" give ``()`` (no fixed days).

    Raises
    ------
    WeekdayError
        For a word that is not a weekday Monday to Friday, or a day named twice.
    """
    if value is None:
        return ()
    text = str(value).strip().lower()
    if text in _FREE_WORDS:
        return ()
    days: list[int] = []
    for part in re.split(r"[\s,;/+&]+", text):
        if not part:
            continue
        if part not in _ALIASES:
            weekend = part[:3] in ("sat", "sun")
            raise WeekdayError(f"'{part}' is not a weekday Monday to Friday"
                               + (" (sites are planned Monday to Friday)" if weekend else ""))
        if _ALIASES[part] in days:
            raise WeekdayError(f"{WEEKDAYS[_ALIASES[part]]} is named twice")
        days.append(_ALIASES[part])
    return tuple(sorted(days))


def read_fixed_days(check: RowChecker, days_per_week: np.ndarray) -> list[tuple[int, ...]]:
    """The fixed weekdays of every row of a needs table (``()`` where there are none).

    Rows whose ``days`` cell names something other than weekdays, or a number of days other
    than their ``days_per_week``, are errors naming file, row and column, and are marked bad.
    The column is matched by name among the table's extra columns (case and spaces ignored).
    """
    n = len(check)
    out: list[tuple[int, ...]] = [()] * n
    position = next((pos for header, pos in check.extra
                     if header.strip().casefold() == DAYS_COLUMN), None)
    if position is None:
        return out
    header = next(h for h, pos in check.extra if pos == position)
    cells = check.table.frame[position].to_numpy(dtype=object).tolist()
    bad = np.zeros(n, dtype=bool)
    for i, cell in enumerate(cells):
        if check.bad[i]:
            continue
        try:
            days = parse_weekdays(cell)
        except WeekdayError as exc:
            check.report.error(check.file, str(exc), row=int(check.rows[i]), column=header,
                               value=cell, expected=EXPECTED)
            bad[i] = True
            continue
        wanted = days_per_week[i]
        if days and wanted == wanted and len(days) != int(wanted):
            check.report.error(
                check.file, f"{len(days)} fixed weekday{'s' if len(days) != 1 else ''} for a "
                f"need on site {int(wanted)} day{'s' if int(wanted) != 1 else ''} a week "
                "(column 'days_per_week')", row=int(check.rows[i]), column=header, value=cell,
                expected=f"{int(wanted)} weekdays, or an empty cell to let the optimiser "
                "choose")
            bad[i] = True
            continue
        out[i] = days
    check.bad |= bad
    return out
