"""Bounded readers (issue 18, items 1 and 5): a tiny workbook declaring a million rows, and
files over the row or size limit, are refused or read in bounded memory and time.

The memory test runs the CLI in a child process and watches its resident memory from
``/proc`` every 20 ms, killing it at once above the limit, so that the reader before this fix
(which filled every declared cell: 8 GB in 40 s for this file) fails in seconds instead of
taking the machine down.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from estates_planner.errors import ValidationReport
from estates_planner.io.limits import InputLimits, current_limits, input_limits
from estates_planner.io.tables import read_table

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SITES_HEADER = ("site_id,name,region,pdu,kind,women_only,desks,interview_rooms,"
                "annual_cost_per_desk,fit_out_cost,lon,lat").split(",")
SITES = [["S1", "Leeds Probation Office", "Yorkshire", "Leeds", "authority", "no", 20, 4,
          2400, 0, -1.5491, 53.8008],
         ["S2", "York Probation Office", "Yorkshire", "York", "authority", "no", 10, 2, 2300,
          0, -1.0815, 53.9590]]


def declared_huge_workbook(path: Path, corner_cell: bool = True) -> Path:
    """A two-site workbook whose sheet XML declares A1:XFD1048576, as in the probe.

    Its last row holds one empty cell at XFD1048576: without it openpyxl pads only the rows
    present, with it every one of the 1,048,576 rows to 16,384 cells (the probe's 8 GB).
    """
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "sites"
    sheet.append(SITES_HEADER)
    for row in SITES:
        sheet.append(row)
    plain = path.with_name("plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*" ?/>',
                                  b'<dimension ref="A1:XFD1048576"/>', data)
                assert n == 1
                # and the empty formatted cell in the far corner that such a dimension
                # comes from (a whole row or column formatted in Excel)
                if corner_cell:
                    data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                                        b's="0"/></row></sheetData>')
            dst.writestr(item, data)
    plain.unlink()
    assert path.stat().st_size < 10_000
    return path


def run_watched(args: list[str], max_rss_mb: float, max_s: float) -> tuple[int, float, float,
                                                                          str, str]:
    """Run the CLI; kill it above ``max_rss_mb`` or ``max_s``. (status, peak MB, s, out, err)"""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "estates_planner", *args], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak_mb = 0.0
    while child.poll() is None:
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
            rss_kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            peak_mb = max(peak_mb, rss_kb / 1024)
        except (OSError, AttributeError):
            pass
        if peak_mb > max_rss_mb or time.perf_counter() - started > max_s:
            child.kill()
            break
        time.sleep(0.02)
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    return child.returncode, peak_mb, seconds, out, err


def test_workbook_declaring_a_million_rows_is_read_in_bounded_memory(tmp_path):
    sites = declared_huge_workbook(tmp_path / "sites.xlsx")
    status, peak_mb, seconds, out, err = run_watched(
        ["validate", str(sites), str(DATA / "needs.csv")], max_rss_mb=300, max_s=10)
    print(f"\ndeclared A1:XFD1048576, {sites.stat().st_size:,} bytes: peak {peak_mb:.0f} MB, "
          f"{seconds:.1f} s")
    assert peak_mb <= 300 and seconds <= 10, (peak_mb, seconds)
    assert status in (0, 1), err  # the sample's needs do not match two sites: errors, fine
    assert "2 sites" in out.splitlines()[-1], out


def test_the_declared_dimension_is_ignored_in_process(tmp_path):
    # without the corner cell: on a reader without the fix this would fill all memory here
    report = ValidationReport()
    table = read_table(declared_huge_workbook(tmp_path / "sites.xlsx", corner_cell=False),
                       report, ("sites",))
    assert report.ok
    assert table.headers == SITES_HEADER
    assert table.frame.shape == (2, 12)
    assert table.rows.tolist() == [2, 3]


def test_an_empty_stretch_ends_the_sheet_and_trailing_columns_are_trimmed(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*SITES_HEADER, None, None, ""])
    sheet.append(SITES[0])
    sheet.append([None] * 5)
    sheet.append(SITES[1])  # row 4: a gap of one row is part of the table
    sheet.cell(row=1004, column=1, value="S3")  # after 999 empty rows (5-1003): still in it
    sheet.cell(row=2005, column=1, value="beyond")  # after 1,000 (1005-2004): not read
    path = tmp_path / "gaps.xlsx"
    book.save(path)
    report = ValidationReport()
    table = read_table(path, report)
    assert table.headers == SITES_HEADER
    assert table.rows.tolist() == [2, 4, 1004]
    assert table.frame.iloc[2, 0] == "S3"


def write_sites_csv(path: Path, rows: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(",".join(SITES_HEADER) + "\n")
        for i in range(rows):
            fh.write(f"S{i},Site {i},Yorkshire,Leeds,authority,no,5,1,2000,0,-1.5,53.8\n")
    return path


def test_a_csv_over_the_row_limit_is_refused_with_how_to_raise_it(tmp_path):
    path = write_sites_csv(tmp_path / "sites.csv", 1_200)
    with open(path, "a") as fh:
        fh.write("\n" * 500)  # blank lines do not count as rows
    with input_limits(max_rows=1_200):
        assert len(read_table(path, ValidationReport())) == 1_200
    with input_limits(max_rows=1_199):  # counted exactly after parsing
        assert read_table(path, ValidationReport()) is None
    report = ValidationReport()
    with input_limits(max_rows=400):  # refused from its line count, before parsing
        assert read_table(path, report) is None
    assert [str(p) for p in report.errors] == [
        "sites.csv: the file has more than 400 rows, the most read at once (to read it, raise "
        "it with --max-rows on the command line, the setting 'input/max_rows' in the app, or "
        "the environment variable ESTATES_PLANNER_MAX_ROWS)"]


def test_every_format_checks_the_row_limit(tmp_path):
    import geopandas as gpd
    import openpyxl
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame({"site_id": [f"S{i}" for i in range(30)]},
                             geometry=[Point(400000 + i, 400000) for i in range(30)],
                             crs=27700)
    files = {"sites.gpkg": lambda p: frame.to_file(p, layer="sites"),
             "sites.geojson": lambda p: frame.to_file(p, driver="GeoJSON"),
             "sites.shp": lambda p: frame.to_file(p)}
    for name, write in files.items():
        write(tmp_path / name)
    book = openpyxl.Workbook()
    book.active.append(["site_id"])
    for i in range(30):
        book.active.append([f"S{i}"])
    book.save(tmp_path / "sites.xlsx")
    (tmp_path / "rows.csv").write_text("site_id\n" + "".join(f"S{i}\n" for i in range(30)))
    for name in [*files, "sites.xlsx", "rows.csv"]:
        report = ValidationReport()
        with input_limits(max_rows=29):
            assert read_table(tmp_path / name, report) is None or name == "rows.csv", name
        with input_limits(max_rows=30):
            assert len(read_table(tmp_path / name, ValidationReport())) == 30, name
    # the CSV's line pre-check leaves slack; its rows are then counted exactly
    report = ValidationReport()
    with input_limits(max_rows=29):
        assert read_table(tmp_path / "rows.csv", report) is None
    assert "more than 29 rows" in str(report.errors[0])


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = write_sites_csv(tmp_path / "sites.csv", 20_000)  # 1.2 MB
    report = ValidationReport()
    with input_limits(max_file_mb=1.0):
        assert read_table(path, report) is None
    assert str(report.errors[0]).startswith("sites.csv: the file is 1 MB, more than the 1 MB")
    assert "ESTATES_PLANNER_MAX_FILE_MB" in str(report.errors[0])
    monkeypatch.setenv("ESTATES_PLANNER_MAX_ROWS", "300,000")
    monkeypatch.setenv("ESTATES_PLANNER_MAX_FILE_MB", "2.5")
    assert current_limits() == InputLimits(max_rows=300_000, max_file_mb=2.5)


def test_cli_max_rows_raises_the_limit(tmp_path):
    sites = write_sites_csv(tmp_path / "sites.csv", 1_300)
    needs = shutil.copyfile(DATA / "needs.csv", tmp_path / "needs.csv")
    env = dict(os.environ, PYTHONPATH=str(REPO), ESTATES_PLANNER_MAX_ROWS="200")
    base = [sys.executable, "-m", "estates_planner"]
    refused = subprocess.run([*base, "validate", str(sites), str(needs)], capture_output=True,
                             text=True, env=env, cwd=REPO)
    assert refused.returncode == 1
    assert "sites.csv: the file has more than 200 rows" in refused.stderr
    allowed = subprocess.run([*base, "validate", str(sites), str(needs), "--max-rows", "2000"],
                             capture_output=True, text=True, env=env, cwd=REPO)
    assert "more than" not in allowed.stderr
    assert "1300 sites" in allowed.stdout or "1,300 sites" in allowed.stdout, allowed.stdout
    imported = subprocess.run([*base, "import", str(sites), str(needs), "-o",
                               str(tmp_path / "p.gpkg"), "--max-rows", "100"],
                              capture_output=True, text=True, env=env, cwd=REPO)
    assert imported.returncode == 1 and "more than 100 rows" in imported.stderr
