"""The allocation CSV: its writer, its reader (a plan read back as a baseline), and the
formula escape/unescape pair its cells go through.

:func:`write_rows_csv` writes the table (``report.exports.write_allocation_csv`` gives it the
rows) through :func:`escape_cell`; :func:`read_baseline` reads a plan back (``solve
--baseline``) through :func:`unescape_cell`, so a value survives the round trip.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

from estates_planner.errors import ScenarioError
from estates_planner.model import Dataset

# characters that make a spreadsheet treat a cell as a formula (or a DDE payload)
# characters that make a spreadsheet treat a cell as a formula (or a DDE payload): the ASCII
# ones, line breaks and NUL (which some importers drop, exposing what follows), zero-width
# characters (invisible, and dropped by some), and the full-width forms that East Asian
# input methods type and that LibreOffice and Excel with some locales treat as "=", "+" ...
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00",
                   "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
                   "\uff1d", "\uff0b", "\uff0d", "\uff20")


def escape_cell(value: object) -> object:
    """Make a value safe to put in a spreadsheet cell.

    Text that begins with ``=``, ``+``, ``-``, ``@``, a tab, a line break, NUL, a zero-width
    character or a full-width ``＝ ＋ － ＠`` gets a leading single quote, so Excel,
    LibreOffice and Sheets show it as text instead of running it as a formula. Text that
    already begins with quotes before such a character gets one more, so that
    :func:`unescape_cell` gives back exactly what was written. Numbers (negative ones too)
    and other non-text values are returned unchanged, so sums still work.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """The text :func:`escape_cell` was given (reading an exported CSV back, e.g. a baseline).

    Only the quote that escaping adds is removed: a quote before any other text was the
    user's own.
    """
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_STARTS):
        return text[1:]
    return text


def write_rows_csv(path: Path, columns: Sequence[str],
                   rows: Sequence[Mapping[str, object]]) -> None:
    """Write ``rows`` (dicts by column) under a header of ``columns`` as a CSV at ``path``.

    UTF-8 with a byte-order mark so Excel shows names with accents correctly; booleans as
    ``true``/``false``; text formula-escaped. ``path`` is written directly: callers that
    replace a file write to a temporary one first.
    """
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row[c]) for c in columns])


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_cell(value)


def read_baseline(path: Path, dataset: Dataset) -> dict[str, str | None]:
    """need_id -> site_id (None when empty) from an allocation CSV, checked against the data.

    Cells escaped against formulas (a leading single quote) are read back unescaped.
    """
    name = path.name
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise ScenarioError(f"cannot read the baseline {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError(f"{name}: not a readable CSV file ({exc})") from exc
    if not rows or not {"need_id", "site_id"} <= set(rows[0]):
        raise ScenarioError(f"{name}: a baseline needs the columns 'need_id' and 'site_id' "
                            "(as in an allocation CSV)")
    plan: dict[str, str | None] = {}
    problems = []
    for row_number, row in enumerate(rows, start=2):
        need_id = unescape_cell(row.get("need_id") or "").strip()
        site_id = unescape_cell(row.get("site_id") or "").strip() or None
        if not dataset.has_need(need_id):
            problems.append(f"{name}, row {row_number}, column 'need_id': no need "
                            f"{need_id!r} in the data")
        elif site_id is not None and not dataset.has_site(site_id):
            problems.append(f"{name}, row {row_number}, column 'site_id': no site "
                            f"{site_id!r} in the data")
        else:
            plan[need_id] = site_id
    if problems:
        more = f"\n... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise ScenarioError("the baseline does not match the data:\n"
                            + "\n".join(problems[:10]) + more)
    return plan
