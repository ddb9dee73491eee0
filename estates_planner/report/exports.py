"""Plan exports for spreadsheets and GIS: allocation CSV, a multi-sheet XLSX, a GeoPackage.

Every text cell passes through :func:`escape_cell`, because provider and site names come from
files other people typed and a spreadsheet would run ``=HYPERLINK(...)`` as a formula. Every
file is written to a temporary file in the target folder and then renamed over the target, so
an export that fails half-way never leaves a truncated file where a good one was.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from estates_planner.errors import ExportError
from estates_planner.io.allocation_csv import escape_cell, write_rows_csv  # noqa: F401 - escape_cell: the export API names it
from estates_planner.io.atomic import atomic_write
from estates_planner.io.results_gpkg import write_results_layers
from estates_planner.io.rota_csv import write_rota_csv
from estates_planner.io.weekdays import format_weekdays
from estates_planner.io.xlsx import write_workbook
from estates_planner.model import Scenario, Settings
from estates_planner.optimise.result import PlanResult
from estates_planner.report.kpis import compute_kpis, format_value, kpi_rows

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

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


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
    """Yield a temporary path beside ``path``; on success, checked, rename it over ``path``.

    See :func:`estates_planner.io.atomic.atomic_write`: a symlink's target is replaced (the
    link kept), the file is verified (non-empty, re-opened by its kind) before it replaces
    anything, it keeps the mode and group of the file it replaces, and any failure is one
    :class:`ExportError` sentence naming the file, with the old file untouched.
    """
    with atomic_write(path, error=ExportError, action="write") as tmp:
        yield tmp


# --- table rows, shared by CSV, XLSX and the PDF appendix ----------------------------------

def allocation_rows(scenario: Scenario, result: PlanResult) -> list[dict[str, object]]:
    """One dict per need (in the dataset's order) with the :data:`ALLOCATION_COLUMNS`.

    Site columns are empty strings for an unplaced need; money is rounded to pence and
    distances to metres so that files diff cleanly.
    """
    ds = scenario.dataset
    rows: list[dict[str, object]] = []
    for need in ds.needs:
        a = result.allocation_or_none(need.need_id)
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


KPI_UNIT_WORDS = {"£": "£ a year (money)", "points": "points (not money)"}


def kpi_table_rows(scenario: Scenario, result: PlanResult) -> list[tuple[str, object, str,
                                                                         str]]:
    """(measure, value, unit, section) rows of the KPI sheet, from ``report.kpis`` so they
    match the app: numbers as numbers, other values as the app shows them; the unit column
    says which figures are money and which are planning weights or score points."""
    return [(row.label, float(row.value) if isinstance(row.value, int | float)
             else format_value(row.value, row.unit), KPI_UNIT_WORDS.get(row.unit, row.unit),
             row.section)
            for row in kpi_rows(compute_kpis(scenario, result))]


# --- writers ----------------------------------------------------------------------------------

def write_allocation_csv(scenario: Scenario, result: PlanResult,
                         path: str | os.PathLike[str]) -> Path:
    """Write the plan as a CSV with exactly :data:`ALLOCATION_COLUMNS`, one row per need.

    UTF-8 with a byte-order mark so Excel shows names with accents correctly; booleans as
    ``true``/``false`` (the format: :func:`estates_planner.io.allocation_csv.write_rows_csv`).
    Returns the path written.
    """
    rows = allocation_rows(scenario, result)
    target = Path(path)
    with atomic_path(target) as tmp:
        write_rows_csv(tmp, ALLOCATION_COLUMNS, rows)
    return target


def write_allocation_xlsx(scenario: Scenario, result: PlanResult,
                          path: str | os.PathLike[str]) -> Path:
    """Write an XLSX workbook with sheets Allocation, Sites, KPIs and Settings.

    Each sheet has a bold, frozen header row and an auto-filter over its table, so a planner
    can sort and filter at once. Text is formula-escaped; numbers stay numbers (the format:
    :func:`estates_planner.io.xlsx.write_workbook`).
    """
    sheets: list[tuple[str, Sequence[str], list[Sequence[object]]]] = [
        ("Allocation", ALLOCATION_COLUMNS,
         [[r[c] for c in ALLOCATION_COLUMNS] for r in allocation_rows(scenario, result)]),
        ("Sites", SITE_COLUMNS,
         [[r[c] for c in SITE_COLUMNS] for r in site_rows(scenario, result)]),
        ("KPIs", ("measure", "value", "unit", "section"),
         [list(r) for r in kpi_table_rows(scenario, result)]),
        ("Settings", ("setting", "value"), [list(r) for r in settings_rows(scenario, result)]),
    ]
    with atomic_path(path) as tmp:
        write_workbook(tmp, sheets)
    return Path(path)


def write_results_gpkg(scenario: Scenario, result: PlanResult,
                       path: str | os.PathLike[str]) -> Path:
    """Write the plan as a GeoPackage that QGIS opens, in British National Grid (EPSG:27700).

    Layers: ``sites`` (points, every site with its utilisation), ``needs`` (service-user
    points with their site), ``allocation_lines`` (a line from each placed need to its site);
    the format: :func:`estates_planner.io.results_gpkg.write_results_layers`.
    """
    srows = site_rows(scenario, result)
    arows = allocation_rows(scenario, result)
    with atomic_path(path) as tmp:
        tmp.unlink()  # the GPKG driver wants to create the file itself
        write_results_layers(tmp, scenario.dataset, srows, arows, shown_as=path)
    return Path(path)


WRITERS: dict[str, Callable[[Scenario, PlanResult, str | os.PathLike[str]], Path]] = {
    "csv": write_allocation_csv,
    "rota": write_rota_csv,  # the weekly rota, site by weekday by need (issue 17)
    "xlsx": write_allocation_xlsx,
    "gpkg": write_results_gpkg,
}
