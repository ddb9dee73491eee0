"""CSV, XLSX and GeoPackage exports of a hand-made plan: columns, values, escaping, safety."""

from __future__ import annotations

import csv

import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest

from estates_planner.errors import ExportError
from estates_planner.report.exports import (
    ALLOCATION_COLUMNS,
    escape_cell,
    output_path,
    safe_filename,
    write_allocation_csv,
    write_allocation_xlsx,
    write_results_gpkg,
)

EVIL = '=HYPERLINK("x")'


@pytest.fixture
def plan():
    sc = pb.scenario()
    return sc, pb.plan(sc)


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("+44 113", "'+44 113"),
    ("-x", "'-x"),
    ("@cmd", "'@cmd"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Leeds", "Leeds"),
    ("a=b", "a=b"),
    ("", ""),
    (-5, -5),
    (-2.5, -2.5),
    (None, None),
    (True, True),
])
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


@pytest.mark.parametrize("name, expected", [
    ("Baseline", "Baseline"),
    ("../../etc/passwd", "___etc_passwd"),
    ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"),
    ("   ", "export"),
    ("..", "export"),
    ("CON", "_CON"),
    ("plan\x00\n1", "plan__1"),
    ("Région Nord – 2026", "Région Nord – 2026"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_output_path_stays_in_folder(tmp_path):
    p = output_path(tmp_path, "../../outside/plan", ".csv")
    assert p.parent == tmp_path.resolve()
    assert p.name == "___outside_plan.csv"


def test_csv_columns_and_values(tmp_path, plan):
    sc, result = plan
    path = write_allocation_csv(sc, result, tmp_path / "plan.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == ALLOCATION_COLUMNS
    body = {r[0]: dict(zip(ALLOCATION_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert list(body) == ["N1", "N2", "N3", "N4", "N5", "N6"]
    n1 = body["N1"]
    # 2 desks x 3/5 days x £3,000 = £3,600; 300 m east and 400 m north = 0.5 km
    assert n1["site_id"] == "S1" and n1["site_name"] == "Leeds Probation Office"
    assert n1["site_kind"] == "authority" and n1["lot"] == "ete"
    assert float(n1["desk_cost"]) == 3600.0
    assert float(n1["travel_km"]) == 0.5
    assert float(n1["travel_cost"]) == 100.0  # 100 people x 0.5 km x £2
    assert n1["paired"] == "false" and n1["unplaced_reason"] == ""
    n6 = body["N6"]
    assert [n6[c] for c in ("site_id", "site_name", "site_kind", "travel_km")] == [""] * 4
    assert n6["unplaced_reason"] == pb.UNPLACED_REASON


def test_csv_and_xlsx_escape_formula_names(tmp_path):
    from openpyxl import load_workbook

    sc = pb.scenario(provider_n3=EVIL)
    result = pb.plan(sc)
    csv_path = write_allocation_csv(sc, result, tmp_path / "plan.csv")
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(\"\"x\"\")" in text  # csv doubles the quotes inside a quoted cell
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        providers = [r["provider"] for r in csv.DictReader(fh)]
    assert providers[2] == "'" + EVIL

    xlsx_path = write_allocation_xlsx(sc, result, tmp_path / "plan.xlsx")
    wb = load_workbook(xlsx_path)
    ws = wb["Allocation"]
    cell = ws.cell(row=4, column=2)
    assert cell.value == "'" + EVIL
    assert cell.data_type == "s"


def test_xlsx_reopens_with_same_rows(tmp_path, plan):
    from openpyxl import load_workbook

    sc, result = plan
    write_allocation_csv(sc, result, tmp_path / "plan.csv")
    path = write_allocation_xlsx(sc, result, tmp_path / "plan.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Allocation", "Sites", "KPIs", "Settings"]
    ws = wb["Allocation"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert tuple(rows[0]) == ALLOCATION_COLUMNS
    with open(tmp_path / "plan.csv", encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.reader(fh))[1:]
    assert len(rows) - 1 == len(csv_rows) == 6
    for xrow, crow in zip(rows[1:], csv_rows, strict=True):
        assert [_norm(v) for v in xrow] == [_norm(c) for c in crow]
    for name in wb.sheetnames:
        sheet = wb[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
    sites = {r[0]: r for r in wb["Sites"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["Sites"][1]]
    s1 = dict(zip(header, sites["S1"], strict=True))
    # N1 2x3 + N2 3x5 = 21 desk-days of 50
    assert (s1["desk_days_used"], s1["desk_days_available"]) == (21, 50)
    assert s1["utilisation_pct"] == 42.0
    assert dict(zip(header, sites["S5"], strict=True))["used"] is False
    kpis = {r[0]: r[1:] for r in wb["KPIs"].iter_rows(min_row=2, values_only=True)}
    assert len(kpis) >= 2
    # money apart from points: desks and fit-out in £, the score in points
    money, unit, section = kpis["Annual property cost"]
    assert money == pytest.approx(result.terms["desk_cost"] + result.terms["fit_out"])
    assert (unit, section) == ("£ a year (money)", "Money (a year)")
    score = kpis["Optimiser score (points)"]
    assert score[0] == pytest.approx(result.objective)
    assert score[1] == "points (not money)"


def _norm(value):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def test_gpkg_layers(tmp_path, plan):
    import pyogrio

    sc, result = plan
    path = write_results_gpkg(sc, result, tmp_path / "plan.gpkg")
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == {"sites", "needs", "allocation_lines"}
    import geopandas as gpd

    sites = gpd.read_file(path, layer="sites")
    assert sites.crs.to_epsg() == 27700
    assert len(sites) == 5
    s1 = sites.set_index("site_id").loc["S1"]
    assert s1["utilisation_pct"] == 42.0 and s1.geometry.x == 430000
    lines = gpd.read_file(path, layer="allocation_lines")
    assert sorted(lines["need_id"]) == ["N1", "N2", "N3", "N4", "N5"]
    n1 = lines.set_index("need_id").loc["N1"].geometry
    assert n1.length == pytest.approx(500.0)
    needs = gpd.read_file(path, layer="needs")
    assert len(needs) == 6


def test_writes_are_atomic(tmp_path, plan, monkeypatch):
    sc, result = plan
    target = tmp_path / "plan.csv"
    target.write_text("old", encoding="utf-8")
    import estates_planner.io.allocation_csv as csv_format

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv_format.csv, "writer", boom)
    with pytest.raises(ExportError, match="plan.csv.*No space left"):
        write_allocation_csv(sc, result, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_missing_folder_is_a_clear_error(tmp_path, plan):
    sc, result = plan
    with pytest.raises(ExportError, match="does not exist"):
        write_allocation_csv(sc, result, tmp_path / "nope" / "plan.csv")


def test_exported_files_get_ordinary_permissions_not_private_temp_ones(tmp_path):
    """The temporary file is private (0600); the finished export reads like any user file."""
    import os
    import stat

    from estates_planner.report.exports import atomic_path

    target = tmp_path / "plan.csv"
    with atomic_path(target) as tmp:
        tmp.write_text("a,b\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    target.chmod(0o640)  # a replaced file keeps the permissions the user gave it
    with atomic_path(target) as tmp:
        tmp.write_text("a,b\n1,2\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
