"""How much of an input file the readers take on: a row limit and a file-size limit.

Reading costs memory in proportion to the file: 9-11 times the size of a CSV (measured in
issue 18: a 200 MB, 1.7 million-row sites file peaked at 2.3 GB), and an XLSX workbook of a
few kilobytes can declare a million empty rows. So every reader (CSV, XLSX, GeoPackage,
GeoJSON, Shapefile) checks these limits before it loads a file in full, and stops with a
message that names the limit and how to raise it. The defaults cover every real estate of the
probation service many times over (the largest region has a few thousand needs); the figures
for the largest file allowed are in docs/reliability.md.

The limits in force are a context variable, so that a command or the import wizard can raise
them for one read (``with input_limits(max_rows=500_000): ...``) without every reader taking
an argument. Their defaults can be changed for a whole session with the environment variables
``ESTATES_PLANNER_MAX_ROWS`` and ``ESTATES_PLANNER_MAX_FILE_MB``; the command line has
``--max-rows`` on ``validate`` and ``import``, the app the setting ``input/max_rows``.
"""

from __future__ import annotations

import contextvars
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

DEFAULT_MAX_ROWS = 200_000
# 200,000 rows of a wide sites table (40 columns, long names) make about 60 MB of CSV; the
# file limit leaves room for wider rows, and keeps a CSV's peak memory near 1.5 GB
DEFAULT_MAX_FILE_MB = 150.0
ENV_MAX_ROWS = "ESTATES_PLANNER_MAX_ROWS"
ENV_MAX_FILE_MB = "ESTATES_PLANNER_MAX_FILE_MB"
SETTING_MAX_ROWS = "input/max_rows"  # the app's QSettings key
HOW_TO_RAISE = (f"raise it with --max-rows on the command line, the setting '{SETTING_MAX_ROWS}' "
                f"in the app, or the environment variable {ENV_MAX_ROWS}")
HOW_TO_RAISE_SIZE = f"raise it with the environment variable {ENV_MAX_FILE_MB}"


@dataclass(frozen=True)
class InputLimits:
    """``max_rows``: data rows (features) a table may have; ``max_file_mb``: its size on
    disk in megabytes (10^6 bytes)."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_file_mb: float = DEFAULT_MAX_FILE_MB

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000) if math.isfinite(self.max_file_mb) else 1 << 62


def _from_environment() -> InputLimits:
    limits = InputLimits()
    rows = os.environ.get(ENV_MAX_ROWS, "").replace(",", "").replace("_", "").strip()
    if rows.isdigit() and int(rows) > 0:
        limits = replace(limits, max_rows=int(rows))
    try:
        size = float(os.environ.get(ENV_MAX_FILE_MB, ""))
    except ValueError:
        size = math.nan
    if size > 0:
        limits = replace(limits, max_file_mb=size)
    return limits


_LIMITS: contextvars.ContextVar[InputLimits | None] = contextvars.ContextVar(
    "estates_planner_input_limits", default=None)


def current_limits() -> InputLimits:
    """The limits in force here: those set by :func:`input_limits`, else the defaults."""
    return _LIMITS.get() or _from_environment()


@contextmanager
def input_limits(max_rows: int | None = None,
                 max_file_mb: float | None = None) -> Iterator[InputLimits]:
    """Read with other limits inside the ``with`` block (None keeps the current one)."""
    limits = current_limits()
    if max_rows is not None:
        if max_rows < 1:
            raise ValueError(f"max_rows must be at least 1, got {max_rows}")
        limits = replace(limits, max_rows=int(max_rows))
    if max_file_mb is not None:
        limits = replace(limits, max_file_mb=float(max_file_mb))
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


def too_many_rows(limits: InputLimits, what: str = "rows") -> str:
    """The message for a table over the row limit."""
    return (f"the file has more than {limits.max_rows:,} {what}, the most read at once "
            f"(to read it, {HOW_TO_RAISE})")


def too_large(limits: InputLimits, size_bytes: int) -> str:
    """The message for a file over the size limit."""
    return (f"the file is {size_bytes / 1e6:,.0f} MB, more than the {limits.max_file_mb:,.0f} MB "
            f"read at once (to read it, {HOW_TO_RAISE_SIZE})")
