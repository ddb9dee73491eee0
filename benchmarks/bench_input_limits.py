"""Input limits: time and peak memory of ``estates-planner validate`` on the largest files the
readers accept (``max_input_rows`` 200,000 rows; 150 MB on disk), and on files just over.

Generates, in a temporary folder:

* ``narrow.csv``: 200,000 sites of the sample's columns (about 25 MB);
* ``wide.csv``: 200,000 sites with a long ``notes`` column, just under 150 MB (the worst case
  both limits allow);
* ``sites.xlsx``: 200,000 sites as a workbook (written with openpyxl's write-only mode);
* ``sites.gpkg``: 200,000 site points;
* ``over.csv``: 200,001 sites (refused before parsing: shows the cost of the refusal).

Each file is validated with the sample's needs in a child process, whose resident memory is
read from ``/proc`` every 20 ms. Run: ``python benchmarks/bench_input_limits.py``; the figures
are recorded in ``docs/reliability.md``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROWS = 200_000
HEADER = ("site_id,name,region,pdu,kind,women_only,desks,interview_rooms,"
          "annual_cost_per_desk,fit_out_cost,lon,lat,notes")


def row(i: int, notes: str) -> str:
    lon = -2.5 + (i % 1000) * 0.002
    lat = 52.0 + (i // 1000) * 0.005
    return (f"S{i:06d},Site number {i} Probation Office,Region {i % 12},PDU {i % 140},"
            f"authority,no,{5 + i % 30},{1 + i % 4},{1800 + i % 900},0,{lon:.5f},{lat:.5f},"
            f"{notes}\n")


def write_csv(path: Path, rows: int, notes: str = "") -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        for i in range(rows):
            fh.write(row(i, notes))
    return path


def write_xlsx(path: Path, rows: int) -> Path:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("sites")
    sheet.append(HEADER.split(","))
    for i in range(rows):
        sheet.append(row(i, "").rstrip("\n").split(","))
    book.save(path)
    return path


def write_gpkg(path: Path, rows: int) -> Path:
    import geopandas as gpd
    import pandas as pd
    import shapely

    frame = pd.read_csv(write_csv(path.with_suffix(".tmp.csv"), rows), dtype=str)
    path.with_suffix(".tmp.csv").unlink()
    points = shapely.points(frame["lon"].astype(float), frame["lat"].astype(float))
    gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]), geometry=points,
                     crs=4326).to_file(path, layer="sites")
    return path


def validate(path: Path) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit status, last stderr line about the file)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "estates_planner", "validate", str(path),
                              str(REPO / "data" / "needs.csv")], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_kb = 0
    while child.poll() is None:
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
            peak_kb = max(peak_kb, int(re.search(r"VmHWM:\s+(\d+)", status).group(1)))
        except (OSError, AttributeError):
            pass
        time.sleep(0.02)
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    about = next((line for line in err.splitlines() if "more than" in line), "")
    return seconds, peak_kb / 1024, child.returncode, about or out.strip().splitlines()[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        note = "x" * 600  # rows of ~730 bytes: 200,000 of them just under 150 MB
        files = {
            "narrow.csv": lambda p: write_csv(p, ROWS),
            "wide.csv": lambda p: write_csv(p, ROWS, note),
            "sites.xlsx": lambda p: write_xlsx(p, ROWS),
            "sites.gpkg": lambda p: write_gpkg(p, ROWS),
            "over.csv": lambda p: write_csv(p, ROWS + 1),
        }
        print(f"{'file':<12} {'MB':>7} {'seconds':>8} {'peak MB':>8} {'status':>6}  result")
        for name, make in files.items():
            path = make(folder / name)
            size_mb = path.stat().st_size / 1e6
            seconds, peak_mb, status, last = validate(path)
            print(f"{name:<12} {size_mb:>7.1f} {seconds:>8.1f} {peak_mb:>8.0f} {status:>6}  "
                  f"{last[:110]}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
