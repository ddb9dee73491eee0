"""The XLSX workbook format of the plan export: one sheet per table, made easy to sort."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

from estates_planner.io.allocation_csv import escape_cell


def write_workbook(path: Path, sheets: Sequence[tuple[str, Sequence[str],
                                                       Sequence[Sequence[object]]]]) -> None:
    """Write ``sheets`` ((title, header, rows), in order) as an XLSX workbook at ``path``.

    Each sheet has a bold, frozen header row and an auto-filter over its table. Text is
    formula-escaped (:func:`escape_cell`); numbers stay numbers. ``path`` is written directly:
    callers that replace a file write to a temporary one first.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)
    first = True
    for title, header, body in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = bold
        for row in body:
            ws.append([_xlsx_value(v) for v in row])
        # openpyxl turns any string starting with "=" into a formula; force text
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for i, name in enumerate(header, start=1):
            width = max([len(str(name))] + [len(str(r[i - 1])) for r in body[:500]])
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = \
                min(max(width + 2, 8), 60)
    # saved to memory first: openpyxl's zip writer, failing on a full disk, is left open and
    # fails again when collected ("Exception ignored ... Errno 28"); the bytes are written here
    buffer = io.BytesIO()
    wb.save(buffer)
    Path(path).write_bytes(buffer.getvalue())


def _xlsx_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    # control characters (other than tab, newline, carriage return) cannot be stored in an
    # XLSX cell at all: openpyxl refuses the whole workbook, so they are dropped
    return escape_cell(_XLSX_ILLEGAL.sub("", str(value)))


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
