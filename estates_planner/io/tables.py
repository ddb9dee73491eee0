"""Read any accepted input file into one raw table, numbering rows as a spreadsheet does.

One function, :func:`read_table`, hides the file format from the readers of sites, needs and
demand: CSV (UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252; comma, semicolon,
tab or pipe delimited), XLSX (the sheet named after the table, else the first), and spatial
files through pyogrio (GeoPackage, GeoJSON, Shapefile and anything else GDAL reads). Whatever
goes wrong with the file itself is put in the report as a :class:`~estates_planner.errors.Problem`;
nothing here raises for a bad file.

Row numbers: the header is row 1 and the first data row is row 2, as a spreadsheet shows them.
Blank lines count, so the numbers match what Excel shows when it opens the same CSV. Features
of a spatial file are numbered the same way: feature 1 is "row 2".
"""

from __future__ import annotations

import codecs
import csv
import io
import sqlite3
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from estates_planner.errors import InputValidationError, ValidationReport
from estates_planner.io.limits import current_limits, too_large, too_many_rows

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SPATIAL_SUFFIXES = {".gpkg", ".geojson", ".json", ".shp", ".zip", ".fgb", ".gml", ".kml", ".gdb",
                    ".sqlite"}

_DELIMITERS = (",", ";", "\t", "|")
# an XLSX sheet ends at the first run of this many empty rows: a table has no such gaps, and
# declared dimensions cannot be trusted
EMPTY_STRETCH_ROWS = 1_000
# header and a few blank lines: a file at the row limit is not refused for its blank lines
_CSV_SLACK_LINES = 1_000
_SNIFF_BYTES = 4096
_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"SQLite format 3\x00", "a GeoPackage or SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
)


@dataclass
class RawTable:
    """The cells of one table before any column is interpreted.

    ``frame`` has positional column labels ``0..k-1`` (headers may repeat, which is reported
    later); ``headers`` holds the header text of each column, trimmed. ``rows`` is the
    spreadsheet row number of each frame row. ``bad_rows`` marks rows already reported as
    broken (too many cells). ``geometry`` is a GeoSeries in ``crs`` for spatial files.
    """

    file: str
    headers: list[str]
    frame: pd.DataFrame
    rows: np.ndarray
    bad_rows: np.ndarray
    spatial: bool = False
    geometry: object | None = None  # geopandas.GeoSeries
    crs: object | None = None  # pyproj.CRS
    # every cell is a str without surrounding spaces (CSV): no conversion needed for text
    stripped: bool = False
    # column names cut to 10 characters by the format (Shapefile/dBASE)
    short_names: bool = False

    def __len__(self) -> int:
        return len(self.frame)


def read_table(path: str | Path, report: ValidationReport,
               table_names: tuple[str, ...] = ()) -> RawTable | None:
    """Read ``path`` into a :class:`RawTable`, or return None after reporting why it cannot be.

    Parameters
    ----------
    path
        The file to read; its format is chosen by its suffix, else by its first bytes.
    report
        Receives every problem with the file as a whole (unreadable, empty, wrong encoding).
    table_names
        Sheet or layer names to prefer, e.g. ``("sites",)``: a workbook or GeoPackage that
        holds several tables is read at the one with that name (any case), else the first.
    """
    path = Path(path)
    file = path.name
    if not path.exists():
        report.error(file, f"the file does not exist (looked for {path})")
        return None
    if path.is_dir() and path.suffix.lower() != ".gdb":
        report.error(file, "this is a folder, not a file")
        return None
    limits = current_limits()
    size = _size_on_disk(path)
    if size > limits.max_file_bytes:
        report.error(file, too_large(limits, size))
        return None
    suffix = path.suffix.lower()
    if suffix == ".xls":
        report.error(file, "old Excel .xls workbooks cannot be read: save it as .xlsx or as "
                     "CSV UTF-8 and load that")
        return None
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, report, table_names)
    if suffix in SPATIAL_SUFFIXES:
        return _read_spatial(path, report, table_names)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(file, f"the file cannot be read ({exc.strerror or exc})")
        return None
    if suffix not in TEXT_SUFFIXES:
        # unknown suffix: let the content decide
        if data.startswith(b"PK\x03\x04"):
            return _read_xlsx(path, report, table_names)
        if data.startswith(b"SQLite format 3\x00") or data.lstrip()[:1] == b"{":
            return _read_spatial(path, report, table_names)
    return _read_text(data, file, report)


def table_columns(path: str | Path, table_name: str | None = None) -> list[str]:
    """The column headers of a file, in file order, for the import wizard's column mapping.

    Spatial files list their attribute columns (the geometry is not a column). Raises
    :class:`~estates_planner.errors.InputValidationError` when the file cannot be read, with
    the reason in its report.
    """
    report = ValidationReport()
    table = read_table(path, report, (table_name,) if table_name else ())
    if table is None:
        raise InputValidationError(report)
    return [h for h in table.headers if h]


# --- delimited text -----------------------------------------------------------------------

def _read_text(data: bytes, file: str, report: ValidationReport) -> RawTable | None:
    text = _decode(data, file, report)
    if text is None:
        return None
    if not text.strip():
        report.error(file, "the file is empty: expected a header row and at least one data row")
        return None
    limits = current_limits()
    # lines, counted before parsing (which takes several times the file's memory): the
    # header and blank lines count too, so the check errs on the side of reading
    if text.count("\n") - 1 - text.endswith("\n") >= limits.max_rows + _CSV_SLACK_LINES:
        report.error(file, too_many_rows(limits))
        return None
    delimiter = _sniff_delimiter(text)
    fast = _read_rectangular(text, delimiter)
    if fast is not None:
        return _table_from_frame(fast, file, report)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        report.error(file, f"the file cannot be read as CSV ({exc})")
        return None
    header_at = next((i for i, rec in enumerate(records) if any(c.strip() for c in rec)), None)
    if header_at is None:
        report.error(file, "the file is empty: expected a header row and at least one data row")
        return None
    headers = [h.strip() for h in records[header_at]]
    width = len(headers)
    body: list[list[str]] = []
    rows: list[int] = []
    too_long: list[bool] = []
    limits = current_limits()
    for i in range(header_at + 1, len(records)):
        rec = records[i]
        if not any(c.strip() for c in rec):
            continue  # blank line: skipped, but it still counts for the row numbers
        if len(body) == limits.max_rows:
            report.error(file, too_many_rows(limits))
            return None
        long = len(rec) > width and any(c.strip() for c in rec[width:])
        if long:
            report.error(file, f"the row has {len(rec)} cells but the header has {width} "
                         "columns (is there an unquoted delimiter in a value?)", row=i + 1)
        if len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        body.append([c.strip() for c in rec[:width]])
        rows.append(i + 1)
        too_long.append(long)
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    if frame.empty and not body:
        frame = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
    return RawTable(file, headers, frame, np.asarray(rows, dtype=np.int64),
                    np.asarray(too_long, dtype=bool), stripped=True)


def _read_rectangular(text: str, delimiter: str) -> pd.DataFrame | None:
    """All records as strings with pandas' C parser, or None when rows are ragged.

    This is the fast path; a file with a row longer than its header goes through the csv
    module instead, which can say which row is at fault and keep the others.
    """
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=object,
                           na_filter=False, skip_blank_lines=False, quotechar='"',
                           engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error):
        return None


def _table_from_frame(records: pd.DataFrame, file: str, report: ValidationReport,
                      ) -> RawTable | None:
    strings = records.apply(lambda col: col.str.strip())
    filled = (strings != "").to_numpy()
    nonblank = np.flatnonzero(filled.any(axis=1))
    if len(nonblank) == 0:
        report.error(file, "the file is empty: expected a header row and at least one data row")
        return None
    header_at = int(nonblank[0])
    headers = [str(h) for h in strings.iloc[header_at].tolist()]
    keep = nonblank[1:]
    if len(keep) > current_limits().max_rows:
        report.error(file, too_many_rows(current_limits()))
        return None
    frame = strings.iloc[keep].reset_index(drop=True)
    frame.columns = range(len(headers))
    return RawTable(file, headers, frame, (keep + 1).astype(np.int64),
                    np.zeros(len(keep), dtype=bool), stripped=True)


def _decode(data: bytes, file: str, report: ValidationReport) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            report.error(file, f"the file starts like UTF-16 text but is not ({exc.reason})")
            return None
    head = data[:_SNIFF_BYTES]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            report.error(file, f"this is not a text (CSV) file: it looks like {what}. "
                         "Give the file its proper extension, or save it as CSV")
            return None
    if b"\x00" in head:
        report.error(file, "this is not a text (CSV) file: it contains binary data")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(file, f"the file is in an unknown text encoding: byte "
                     f"0x{data[exc.start]:02x} on line {line} is neither UTF-8 nor "
                     "Windows-1252. Save it as 'CSV UTF-8' and load it again")
        return None


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of , ; tab | outside quotes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier, i.e. comma
    return best if counts[best] else ","


# --- Excel --------------------------------------------------------------------------------

def _read_xlsx(path: Path, report: ValidationReport,
               table_names: tuple[str, ...]) -> RawTable | None:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    file = path.name
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        report.error(file, f"the file cannot be read as an Excel workbook ({_reason(exc)})")
        return None
    except Exception as exc:  # noqa: BLE001
        # a damaged workbook can fail deep inside openpyxl's XML parsing with almost any
        # exception type; it is still the user's file that is at fault, not the program
        report.error(file, f"the workbook is damaged and cannot be read ({_reason(exc)})")
        return None
    try:
        wanted = {n.casefold() for n in table_names}
        sheet = next((ws for ws in book.worksheets if ws.title.strip().casefold() in wanted),
                     book.worksheets[0] if book.worksheets else None)
        if sheet is None:
            report.error(file, "the workbook has no sheets")
            return None
        file = f"{file} [{sheet.title}]" if len(book.sheetnames) > 1 else file
        return _stream_sheet(sheet, file, report)
    except Exception as exc:  # noqa: BLE001 - as above: damaged sheet XML
        report.error(file, f"the workbook is damaged and cannot be read ({_reason(exc)})")
        return None
    finally:
        book.close()


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _stream_sheet(sheet, file: str, report: ValidationReport) -> RawTable | None:
    """The sheet's table, read row by row as the XML streams in, in bounded memory.

    The sheet's declared dimension is ignored: a workbook of 8 KB may declare A1:XFD1048576,
    and openpyxl would then hand over every one of its 17 billion empty cells (issue 18).
    Reading stops at the first stretch of :data:`EMPTY_STRETCH_ROWS` empty rows after the
    header (or before it: such a sheet is empty), and at ``max_input_rows`` data rows; each
    row is cut to the header's width at once, and empty trailing header cells are dropped.
    """
    sheet.reset_dimensions()
    limits = current_limits()
    headers: list[str] | None = None
    width = 0
    body: list[list[object]] = []
    rows: list[int] = []
    blank_run = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if headers is not None:
            values = values[:width]
        if not values or all(map(_blank, values)):
            blank_run += 1
            if blank_run >= EMPTY_STRETCH_ROWS:
                break
            continue
        blank_run = 0
        if headers is None:
            headers = ["" if c is None else str(c).strip() for c in values]
            while headers and not headers[-1]:
                headers.pop()
            width = len(headers)
            continue
        if len(body) == limits.max_rows:
            report.error(file, too_many_rows(limits))
            return None
        body.append(list(values) + [None] * (width - len(values)))
        rows.append(number)
    if headers is None:
        report.error(file, "the sheet is empty: expected a header row and at least one data "
                     "row")
        return None
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    if not body:
        frame = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
    return RawTable(file, headers, frame, np.asarray(rows, dtype=np.int64),
                    np.zeros(len(rows), dtype=bool))


# --- spatial ------------------------------------------------------------------------------

def _read_spatial(path: Path, report: ValidationReport,
                  table_names: tuple[str, ...]) -> RawTable | None:
    import pyogrio
    import pyogrio.errors as ogr_errors

    file = path.name
    ogr_failures = (ogr_errors.DataSourceError, ogr_errors.DataLayerError,
                    ogr_errors.FieldError, ogr_errors.GeometryError, ogr_errors.CRSError,
                    ogr_errors.FeatureError, sqlite3.Error, OSError, ValueError)
    try:
        layers = pyogrio.list_layers(path)
    except ogr_failures as exc:
        report.error(file, f"the file cannot be read as a spatial data file ({_reason(exc)})")
        return None
    if len(layers) == 0:
        report.error(file, "the file holds no layers: expected a layer of points or polygons")
        return None
    names = [str(n) for n in layers[:, 0]]
    wanted = {n.casefold() for n in table_names}
    layer = next((n for n in names if n.casefold() in wanted), names[0])
    limits = current_limits()
    try:
        # counted first (GeoJSON is scanned, GeoPackage and Shapefile know it): features are
        # read into memory all at once
        features = int(pyogrio.read_info(path, layer=layer,
                                         force_feature_count=True)["features"])
        if features > limits.max_rows:
            report.error(file, too_many_rows(limits, "features"))
            return None
        with warnings.catch_warnings():
            # pyogrio parses JSON-typed fields and warns when a cell is not JSON; the cell
            # stays text and RowChecker reports a bad value with its row and column
            warnings.filterwarnings("ignore", message="Could not parse column .* as JSON")
            frame = pyogrio.read_dataframe(path, layer=layer,
                                           max_features=limits.max_rows + 1)
    except ogr_failures as exc:
        report.error(file, f"layer '{layer}' cannot be read ({_reason(exc)})")
        return None
    if len(frame) > limits.max_rows:
        report.error(file, too_many_rows(limits, "features"))
        return None
    if len(names) > 1:
        file = f"{file} [{layer}]"
    if len(frame) == 0:
        report.error(file, "the layer is empty: expected at least one feature")
        return None
    geometry = None
    crs = None
    if "geometry" in frame.columns and hasattr(frame, "crs"):
        geometry = frame.geometry
        crs = frame.crs
        frame = pd.DataFrame(frame.drop(columns="geometry"))
        if bool(geometry.isna().all()):
            geometry = None
    headers = [str(c).strip() for c in frame.columns]
    frame.columns = range(len(headers))
    frame = frame.reset_index(drop=True)
    n = len(frame)
    short = path.suffix.lower() in (".shp", ".dbf", ".zip")
    return RawTable(file, headers, frame, np.arange(2, n + 2, dtype=np.int64),
                    np.zeros(n, dtype=bool), spatial=True, geometry=geometry, crs=crs,
                    short_names=short)


def _size_on_disk(path: Path) -> int:
    """Bytes of a file, or of every file in a folder-format data set (.gdb)."""
    try:
        if path.is_dir():
            return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        return path.stat().st_size
    except OSError:
        return 0  # unreadable: the reader says why


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
