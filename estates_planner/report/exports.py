"""Plan exports for spreadsheets and GIS: allocation CSV, a multi-sheet XLSX, a GeoPackage.

Every text cell passes through :func:`escape_cell`, because provider and site names come from
files other people typed and a spreadsheet would run ``=HYPERLINK(...)`` as a formula. Every
file is written to a temporary file in the target folder and then renamed over the target, so
an export that fails half-way never leaves a truncated file where a good one was.
"""

from __future__ import annotations

import csv
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from estates_planner.errors import ExportError
from estates_planner.io.weekdays import format_weekdays
from estates_planner.model import BNG_EPSG, Scenario, Settings
from estates_planner.optimise.result import PlanResult

ALLOCATION_COLUMNS: tuple[str, ...] = (
    "need_id", "provider", "lot", "region", "pdu", "site_id", "site_name", "site_kind",
    "desks", "interview_rooms", "days_per_week", "desk_cost", "travel_km", "travel_cost",
    "paired", "unplaced_reason", "weekdays",
)

SITE_COLUMNS: tuple[str, ...] = (
    "site_id", "name", "region", "pdu", "kind", "women_only", "desks", "interview_rooms",
    "annual_cost_per_desk", "fit_out_cost", "used", "needs", "desk_days_used",
    "desk_days_available", "room_days_used", "room_days_available", "utilisation_pct",
)

# characters that make a spreadsheet treat a cell as a formula (or a DDE payload)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def escape_cell(value: object) -> object:
    """Make a value safe to put in a spreadsheet cell.

    Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    single quote, so Excel, LibreOffice and Sheets show it as text instead of running it as a
    formula. Numbers (negative ones too) and other non-text values are returned unchanged, so
    sums still work.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_filename(name: str, default: str = "export") -> str:
    """A file name (no folder part) made from ``name`` that is safe on Windows, macOS and Linux.

    Path separators, ``..``, control and reserved characters are replaced by ``_``, so a
    scenario called ``../../etc/passwd`` or ``a:b?`` cannot send an export outside the folder
    the user chose. Empty results fall back to ``default``.
    """
    text = unicodedata.normalize("NFC", str(name))
    text = "".join("_" if unicodedata.category(c).startswith("C") else c for c in text)
    text = re.sub(r'[<>:"/\\|?*]', "_", text)
    text = re.sub(r"\s+", " ", text).strip().strip(".")
    text = re.sub(r"\.{2,}", "_", text)
    text = text[:120].rstrip(" .")
    if not text or text.strip("_ ") == "":
        text = default
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text


def output_path(folder: str | os.PathLike[str], name: str, suffix: str) -> Path:
    """``folder / safe_filename(name) + suffix``, guaranteed to lie inside ``folder``."""
    base = Path(folder).resolve()
    path = (base / (safe_filename(name) + suffix)).resolve()
    if path.parent != base:  # pragma: no cover - safe_filename already prevents this
        raise ExportError(f"refusing to write {path}: it is outside {base}")
    return path


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    The temporary file is in the same folder so that :func:`os.replace` is a rename, atomic on
    every platform. On failure the temporary file is removed and the old target is untouched.
    Low-level errors become :class:`ExportError` naming the file.
    """
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder; choose a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: the folder {folder} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem[:40]}-", suffix=target.suffix,
                                    dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes the file private (0600); an export is an ordinary user file, so give
        # it the permissions of the file it replaces, or those a new file gets here
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except ExportError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """The permission bits a file written at ``target`` should have."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


# --- table rows, shared by CSV, XLSX and the PDF appendix ----------------------------------

def allocation_rows(scenario: Scenario, result: PlanResult) -> list[dict[str, object]]:
    """One dict per need (in the dataset's order) with the :data:`ALLOCATION_COLUMNS`.

    Site columns are empty strings for an unplaced need; money is rounded to pence and
    distances to metres so that files diff cleanly.
    """
    ds = scenario.dataset
    rows: list[dict[str, object]] = []
    for need in ds.needs:
        try:
            a = result.allocation(need.need_id)
        except KeyError:
            a = None
        site = ds.site(a.site_id) if a is not None and a.site_id is not None \
            and ds.has_site(a.site_id) else None
        rows.append({
            "need_id": need.need_id,
            "provider": need.provider,
            "lot": need.lot.value,
            "region": need.region,
            "pdu": need.pdu,
            "site_id": site.site_id if site else "",
            "site_name": site.name if site else "",
            "site_kind": site.kind.value if site else "",
            "desks": need.desks,
            "interview_rooms": need.interview_rooms,
            "days_per_week": need.days_per_week,
            "desk_cost": round(a.desk_cost, 2) if a else 0.0,
            "travel_km": (round(a.travel_km, 3) if a and a.travel_km is not None and site
                          else ""),
            "travel_cost": round(a.travel_cost, 2) if a else 0.0,
            "paired": bool(a.paired) if a else False,
            "unplaced_reason": ("" if site else
                                (a.unplaced_reason if a and a.unplaced_reason
                                 else "not in this plan")),
            # the plan's rota (issue 17), e.g. "Mon,Tue,Thu"
            "weekdays": format_weekdays(a.weekdays) if a and site else "",
        })
    return rows


def site_rows(scenario: Scenario, result: PlanResult) -> list[dict[str, object]]:
    """One dict per site with its capacity, what the plan uses of it and its utilisation."""
    rows: list[dict[str, object]] = []
    for site in scenario.dataset.sites:
        desks, rooms = scenario.site_capacity(site)
        usage = result.site_usage.get(site.site_id)
        needs = [a for a in result.allocations if a.site_id == site.site_id]
        rows.append({
            "site_id": site.site_id,
            "name": site.name,
            "region": site.region,
            "pdu": site.pdu,
            "kind": site.kind.value,
            "women_only": site.women_only,
            "desks": desks,
            "interview_rooms": rooms,
            "annual_cost_per_desk": site.annual_cost_per_desk,
            "fit_out_cost": site.fit_out_cost,
            "used": bool(needs),
            "needs": len(needs),
            "desk_days_used": usage.desk_days_used if usage else 0,
            "desk_days_available": usage.desk_days_available if usage else 5 * desks,
            "room_days_used": usage.room_days_used if usage else 0,
            "room_days_available": usage.room_days_available if usage else 5 * rooms,
            "utilisation_pct": round(100.0 * usage.utilisation, 1) if usage else 0.0,
        })
    return rows


def settings_rows(scenario: Scenario, result: PlanResult) -> list[tuple[str, object]]:
    """(name, value) pairs: the scenario's edits, every weight and switch, and solve status."""
    s: Settings = scenario.settings
    rows: list[tuple[str, object]] = [
        ("scenario", scenario.name),
        ("description", scenario.description),
        ("status", result.status),
        ("objective_gbp", round(result.objective, 2)),
        ("bound_gbp", round(result.bound, 2)),
        ("gap", result.gap),
        ("solve_seconds", round(result.seconds, 2)),
    ]
    for name in Settings.WEIGHT_NAMES + Settings.SWITCH_NAMES + ("travel_measure",
                                                                  "time_limit_s"):
        rows.append((name, getattr(s, name)))
    rows.append(("go_live", s.go_live.isoformat() if s.go_live else ""))
    rows.append(("closed_sites", ", ".join(sorted(scenario.closed_sites))))
    rows.append(("pins", ", ".join(f"{n}->{t}" for n, t in sorted(scenario.pins.items()))))
    rows.append(("capacity_overrides", ", ".join(
        f"{k}: desks={v.desks}, rooms={v.interview_rooms}"
        for k, v in sorted(scenario.capacity_overrides.items()))))
    return rows


def kpi_table_rows(scenario: Scenario, result: PlanResult) -> list[tuple[str, object]]:
    """(label, value) rows of the KPI sheet, from ``report.kpis`` so they match the app."""
    from estates_planner.report.content import kpi_lines  # content imports this module

    return [(line.label, line.value if line.value is not None else line.text)
            for line in kpi_lines(scenario, result)]


# --- writers ----------------------------------------------------------------------------------

def write_allocation_csv(scenario: Scenario, result: PlanResult,
                         path: str | os.PathLike[str]) -> Path:
    """Write the plan as a CSV with exactly :data:`ALLOCATION_COLUMNS`, one row per need.

    UTF-8 with a byte-order mark so Excel shows names with accents correctly; booleans as
    ``true``/``false``. Returns the path written.
    """
    rows = allocation_rows(scenario, result)
    target = Path(path)
    with atomic_path(target) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(ALLOCATION_COLUMNS)
            for row in rows:
                writer.writerow([_csv_value(row[c]) for c in ALLOCATION_COLUMNS])
    return target


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_cell(value)


def write_allocation_xlsx(scenario: Scenario, result: PlanResult,
                          path: str | os.PathLike[str]) -> Path:
    """Write an XLSX workbook with sheets Allocation, Sites, KPIs and Settings.

    Each sheet has a bold, frozen header row and an auto-filter over its table, so a planner
    can sort and filter at once. Text is formula-escaped; numbers stay numbers.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets: list[tuple[str, Sequence[str], list[Sequence[object]]]] = [
        ("Allocation", ALLOCATION_COLUMNS,
         [[r[c] for c in ALLOCATION_COLUMNS] for r in allocation_rows(scenario, result)]),
        ("Sites", SITE_COLUMNS,
         [[r[c] for c in SITE_COLUMNS] for r in site_rows(scenario, result)]),
        ("KPIs", ("measure", "value"), [list(r) for r in kpi_table_rows(scenario, result)]),
        ("Settings", ("setting", "value"), [list(r) for r in settings_rows(scenario, result)]),
    ]
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
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def _xlsx_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    # control characters (other than tab, newline, carriage return) cannot be stored in an
    # XLSX cell at all: openpyxl refuses the whole workbook, so they are dropped
    return escape_cell(_XLSX_ILLEGAL.sub("", str(value)))


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_results_gpkg(scenario: Scenario, result: PlanResult,
                       path: str | os.PathLike[str]) -> Path:
    """Write the plan as a GeoPackage that QGIS opens, in British National Grid (EPSG:27700).

    Layers: ``sites`` (points, every site with its utilisation), ``needs`` (service-user
    points with their site), ``allocation_lines`` (a line from each placed need to its site).
    """
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    ds = scenario.dataset
    srows = site_rows(scenario, result)
    sites = gpd.GeoDataFrame(
        srows, geometry=[Point(s.easting, s.northing) for s in ds.sites], crs=BNG_EPSG)
    arows = allocation_rows(scenario, result)
    for row in arows:
        if row["travel_km"] == "":
            row["travel_km"] = None
    needs = gpd.GeoDataFrame(
        arows, geometry=[Point(n.easting, n.northing) for n in ds.needs], crs=BNG_EPSG)
    line_rows, line_geoms = [], []
    for need, row in zip(ds.needs, arows, strict=True):
        if row["site_id"]:
            site = ds.site(str(row["site_id"]))
            line_rows.append({k: row[k] for k in ("need_id", "provider", "lot", "site_id",
                                                  "site_name", "travel_km")})
            line_geoms.append(LineString([need.xy, site.xy]))
    lines = gpd.GeoDataFrame(line_rows or None, geometry=line_geoms, crs=BNG_EPSG)
    if not line_rows:
        for col in ("need_id", "provider", "lot", "site_id", "site_name"):
            lines[col] = []
    with atomic_path(path) as tmp:
        tmp.unlink()  # the GPKG driver wants to create the file itself
        try:
            sites.to_file(tmp, layer="sites", driver="GPKG")
            needs.to_file(tmp, layer="needs", driver="GPKG")
            lines.to_file(tmp, layer="allocation_lines", driver="GPKG")
        except Exception as exc:  # pyogrio raises its own DataSourceError/FieldError
            raise ExportError(f"cannot write GeoPackage {path}: {exc}") from exc
    return Path(path)


WRITERS: dict[str, Callable[[Scenario, PlanResult, str | os.PathLike[str]], Path]] = {
    "csv": write_allocation_csv,
    "xlsx": write_allocation_xlsx,
    "gpkg": write_results_gpkg,
}
