"""Column-wise interpretation of raw cells: which column is which, and typed, checked values.

The checks run on whole columns with pandas/numpy so that 20,000 rows validate in a fraction of
a second; only the cells that fail are visited one by one, to write their problem. A row with
any error is marked in :attr:`RowChecker.bad` and left out of the result.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum

import numpy as np
import pandas as pd

from estates_planner.errors import ValidationReport
from estates_planner.io.schema import ColumnSpec
from estates_planner.io.tables import RawTable

BOOL_WORDS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False,
              "1": True, "0": False, "t": True, "f": False}
BOOL_EXPECTED = "true/false, yes/no, y/n or 1/0"
DATE_EXPECTED = "a date as YYYY-MM-DD (ISO 8601)"


def _key(name: str) -> str:
    return name.strip().casefold()


def _loose(name: str) -> str:
    """A header as it would be if typed with underscores: 'Women Only' -> 'women_only'."""
    return re.sub(r"[\s\-]+", "_", _key(name))


class RowChecker:
    """The columns of one raw table matched to our names, and the rows found bad so far.

    Parameters
    ----------
    table
        The raw cells.
    specs
        Our column definitions; their names are matched to headers case-insensitively after
        trimming, and ``column_map`` (file header -> our name, or None to ignore a column)
        renames first.
    report
        Receives every problem.
    """

    def __init__(self, table: RawTable, specs: tuple[ColumnSpec, ...],
                 column_map: Mapping[str, str | None] | None, report: ValidationReport):
        self.table = table
        self.file = table.file
        self.report = report
        self.bad = table.bad_rows.copy()
        self.positions: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self.extra: list[tuple[str, int]] = []
        self.missing_required: list[str] = []
        self._match(specs, column_map or {})

    def __len__(self) -> int:
        return len(self.table)

    @property
    def rows(self) -> np.ndarray:
        return self.table.rows

    # --- columns ---------------------------------------------------------------------------

    def _match(self, specs: tuple[ColumnSpec, ...], column_map: Mapping[str, str | None]) -> None:
        known = {c.name for c in specs}
        renames: dict[str, str | None] = {}
        for source, target in column_map.items():
            if target not in (None, "") and target not in known:
                self.report.error(self.file, f"the column mapping sends '{source}' to "
                                  f"'{target}', which is not a column of this table",
                                  column=str(source), value=target,
                                  expected="one of " + ", ".join(sorted(known)))
                continue
            renames[_key(str(source))] = target or None
        headers = self.table.headers
        if self.table.short_names:
            # Shapefiles keep 10 characters of a column name: 'interview_' is interview_rooms
            for name in known:
                if len(name) > 10:
                    known_short = name[:10]
                    if sum(k[:10] == known_short for k in known) == 1:
                        renames.setdefault(known_short, name)
        found = {_key(h) for h in headers}
        for source in column_map:
            if _key(str(source)) not in found:
                self.report.warning(self.file, "the column mapping names a column that is not "
                                    "in the file; the mapping is ignored", column=str(source))
        for pos, header in enumerate(headers):
            key = _key(header)
            if not key:
                if self._has_values(pos):
                    self.report.warning(self.file, f"column {pos + 1} has values but no header; "
                                        "it is ignored")
                continue
            if key in renames:
                target = renames[key]
                if target is None:
                    continue
            elif key in known:
                target = key
            else:
                self.extra.append((header, pos))
                continue
            if target in self.positions:
                self.report.error(self.file, f"two columns give '{target}': "
                                  f"'{self.labels[target]}' (used) and '{header}'; "
                                  "rename or remove one", column=header)
                continue
            self.positions[target] = pos
            self.labels[target] = header
        for spec in specs:
            if spec.required and spec.name not in self.positions:
                self.missing_required.append(spec.name)
                self.report.error(self.file, "required column is missing"
                                  + self._did_you_mean(spec.name), column=spec.name)
        self._warn_near_misses(specs)

    def _warn_near_misses(self, specs: tuple[ColumnSpec, ...]) -> None:
        """An optional column spelt slightly differently would silently take its default
        (e.g. 'Women Only' leaving every site open to everyone), so say so."""
        unmatched = [c.name for c in specs if not c.required and c.name not in self.positions]
        for header, _ in self.extra:
            near = difflib.get_close_matches(_loose(header), unmatched, n=1, cutoff=0.85)
            if near:
                self.report.warning(self.file, f"this column is kept as extra information, not "
                                    f"read as '{near[0]}'; rename it to '{near[0]}' if that is "
                                    "what it holds", column=header)

    def _has_values(self, pos: int) -> bool:
        return bool((_as_text(self.table.frame[pos]) != "").any())

    def _did_you_mean(self, name: str) -> str:
        unused = {_loose(h): h for h, _ in self.extra}
        close = difflib.get_close_matches(name, list(unused), n=1, cutoff=0.75)
        if close:
            return (f" (the file has '{unused[close[0]]}': rename it to '{name}', or map it "
                    "in the import wizard)")
        return ""

    def has(self, name: str) -> bool:
        return name in self.positions

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def raw(self, name: str) -> pd.Series:
        return self.table.frame[self.positions[name]]

    def cells(self, name: str) -> pd.Series:
        """The column as trimmed strings, '' for empty cells."""
        raw = self.raw(name)
        return raw if self.table.stripped else _as_text(raw)

    def extra_dicts(self, keep: np.ndarray) -> list[dict[str, object]]:
        """For the rows ``keep``, the columns we do not interpret, under their original
        names (empty cells are None)."""
        if not self.extra:
            return [{} for _ in range(len(keep))]
        names = [h for h, _ in self.extra]
        columns = []
        for _, pos in self.extra:
            values = self.table.frame[pos].to_numpy(dtype=object)[keep].tolist()
            if self.table.stripped:
                columns.append([v or None for v in values])
            else:
                columns.append([_plain(v) for v in values])
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]

    # --- problems --------------------------------------------------------------------------

    def flag(self, mask: np.ndarray, name: str | None, expected: str | None,
             values: object, message: str = "") -> None:
        """Report an error on every row of ``mask`` and mark those rows bad."""
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return
        column = self.label(name) if name else None
        vals = values.tolist() if isinstance(values, (pd.Series, np.ndarray)) else values
        for i in idx:
            value = vals[i] if isinstance(vals, list) else vals
            self.report.error(self.file, message, row=int(self.rows[i]), column=column,
                              value=_plain(value), expected=expected)
        self.bad |= mask

    # --- typed columns ---------------------------------------------------------------------

    def text(self, name: str, required: bool, default: str = "") -> np.ndarray:
        """Trimmed text; blank cells of a required column are errors."""
        if not self.has(name):
            return np.full(len(self), default, dtype=object)
        text = self.cells(name)
        blank = (text == "").to_numpy()
        if required:
            self.flag(blank, name, "a value (this column is required)", None)
        elif default:
            text = text.where(~blank, default)
        return text.to_numpy(dtype=object)

    def ids(self, name: str) -> np.ndarray:
        """Required, unique text; later duplicates are errors naming the first row."""
        ids = self.text(name, required=True)
        series = pd.Series(ids)
        dup = (series.duplicated(keep="first") & (series != "")).to_numpy()
        if dup.any():
            first_row: dict[str, int] = {}
            for i, value in enumerate(ids):
                first_row.setdefault(value, int(self.rows[i]))
            for i in np.flatnonzero(dup):
                self.report.error(self.file, f"duplicate {name} '{ids[i]}' (first used in row "
                                  f"{first_row[ids[i]]}); every {name} must be unique",
                                  row=int(self.rows[i]), column=self.label(name),
                                  value=ids[i])
            self.bad |= dup
        return ids

    def number(self, name: str, *, required: bool, expected: str, minimum: float = 0.0,
               above_minimum: bool = False, maximum: float | None = None,
               whole: bool = False, default: float = math.nan,
               absurd: bool = True) -> np.ndarray:
        """Finite numbers within bounds; blank cells are ``default`` unless required.

        ``maximum`` with ``absurd`` is a plausibility limit (reported as a likely typing
        slip); without, it is part of the rule stated in ``expected``.
        """
        if not self.has(name):
            return np.full(len(self), default, dtype=float)
        raw = self.raw(name)
        values, blank, not_number = parse_numbers(raw)
        finite = np.isfinite(values)
        self.flag(not_number, name, expected, raw)
        self.flag(~blank & ~not_number & ~finite, name, expected, raw,
                  "not a finite number")
        ok = finite.copy()
        if whole:
            fraction = ok & (values != np.floor(np.where(ok, values, 0)))
            self.flag(fraction, name, expected, raw)
            ok &= ~fraction
        low = ok & ((values <= minimum) if above_minimum else (values < minimum))
        self.flag(low, name, expected, raw)
        ok &= ~low
        if maximum is not None:
            high = ok & (values > maximum)
            if absurd:
                self.flag(high, name, f"at most {maximum:,.0f}", raw,
                          "too large to be right (a typing slip?)")
            else:
                self.flag(high, name, expected, raw)
        if required:
            self.flag(blank, name, expected, None)
        elif not math.isnan(default):
            values = np.where(blank, default, values)
        return values

    def boolean(self, name: str, default: bool | None) -> np.ndarray:
        """True/False (or ``default`` for blank cells) as an object array."""
        if not self.has(name):
            return np.full(len(self), default, dtype=object)
        raw = self.raw(name)
        if pd.api.types.is_bool_dtype(raw.dtype):
            return raw.to_numpy(dtype=object)
        text = self.cells(name).str.casefold()
        mapped = text.map(BOOL_WORDS)
        blank = (text == "").to_numpy()
        bad = mapped.isna().to_numpy() & ~blank
        self.flag(bad, name, BOOL_EXPECTED, raw)
        out = mapped.to_numpy(dtype=object, copy=True)
        out[blank | bad] = default
        return out

    def dates(self, name: str) -> np.ndarray:
        """ISO 8601 dates (or None for blank cells) as an object array."""
        out = np.full(len(self), None, dtype=object)
        if not self.has(name):
            return out
        raw = self.raw(name).tolist()
        bad = np.zeros(len(self), dtype=bool)
        for i, value in enumerate(raw):
            parsed = _to_date(value)
            if parsed is False:
                bad[i] = True
            else:
                out[i] = parsed
        self.flag(bad, name, DATE_EXPECTED, raw)
        return out

    def choice(self, name: str, enum: type[Enum], required: bool) -> np.ndarray:
        """Members of ``enum`` matched case-insensitively by value, as an object array."""
        out = np.full(len(self), None, dtype=object)
        if not self.has(name):
            return out
        raw = self.raw(name)
        text = self.cells(name).str.casefold()
        members = {m.value: m for m in enum}
        mapped = text.map(members)
        blank = (text == "").to_numpy()
        unknown = mapped.isna().to_numpy() & ~blank
        expected = "one of " + ", ".join(members)
        self.flag(unknown, name, expected, raw)
        if required:
            self.flag(blank, name, expected, None)
        known = ~unknown & ~blank
        out[known] = mapped.to_numpy(dtype=object)[known]
        return out


def sort_problems(report: ValidationReport) -> None:
    """Put problems in reading order: whole-file ones first, then by row (stable, so the
    problems of one row stay in column order)."""
    report.problems.sort(key=lambda p: (p.row is not None, p.row or 0))


# --- cell helpers ------------------------------------------------------------------------

def _as_text(raw: pd.Series) -> pd.Series:
    """Cells as trimmed strings, blank for missing ones; whole floats without '.0'."""
    values = raw.to_numpy(dtype=object)
    try:  # the usual case, all strings: a plain loop beats pandas' string methods here
        text = [v.strip() for v in values]
    except AttributeError:
        text = [_cell_text(v) for v in values]
    return pd.Series(text, index=raw.index, dtype=object)


def _cell_text(value: object) -> str:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, np.floating):
        return _cell_text(float(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_numbers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, blank, not_number) of a column; '£' and thousands separators are allowed.

    Most cells are plain numbers, so pandas parses the column in one go and only the cells it
    could not read are looked at again as text.
    """
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.to_numpy(dtype=float, na_value=np.nan, copy=True)
        blank = np.isnan(values)
        return values, blank, np.zeros(len(values), dtype=bool)
    if pd.api.types.is_bool_dtype(raw.dtype):
        raw = raw.astype(object)
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan,
                                                          copy=True)
    blank = np.zeros(len(values), dtype=bool)
    not_number = np.zeros(len(values), dtype=bool)
    retry = np.flatnonzero(np.isnan(values))
    if len(retry):
        for i, cell in zip(retry.tolist(), raw.iloc[retry].tolist(), strict=True):
            if isinstance(cell, bool):  # True is not a number of desks
                not_number[i] = True
                continue
            text = cell.strip() if isinstance(cell, str) else _cell_text(cell)
            if not text:
                blank[i] = True
                continue
            value = _lenient_number(text)
            if value is None:
                not_number[i] = True
            else:
                values[i] = value
    return values, blank, not_number


_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def _lenient_number(text: str) -> float | None:
    """'£1,200.50' -> 1200.5; None for anything that is not a number (including 'nan')."""
    text = text.removeprefix("£").strip()
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _to_date(value: object) -> date | None | bool:
    """A date, None for a blank cell, or False when the cell is not an ISO 8601 date."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime):  # includes pandas Timestamp
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            return False
    return False


def _plain(value: object) -> object:
    """Python scalars for extra columns and problems: no numpy types, no NaN, '' is None."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value
