"""How fast are 10,000 sites and 20,000 needs read and validated, from GeoPackage and from CSV?

Run ``python benchmarks/bench_io.py``. It writes the synthetic files to a temporary folder,
then loads each pair with :func:`estates_planner.io.load_dataset` in a fresh Python process
(so that peak memory belongs to that one load) and prints seconds and peak memory.
Target: at most 2 s and 500 MB for GeoPackage on a 2-core machine.

Half of the needs give their own point; the other half fall back to their PDU's authority
sites, so both paths of the needs reader are exercised.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# runnable from a clone without installing the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

N_SITES = 10_000
N_NEEDS = 20_000
REGIONS = ["North East", "North West", "Greater Manchester", "Yorkshire and the Humber",
           "East Midlands", "West Midlands", "East of England", "Wales", "South West",
           "South Central", "Kent Surrey and Sussex", "London"]


def make_files(folder: Path) -> dict[str, Path]:
    """Write sites and needs as CSV (lon/lat) and as GeoPackage (BNG points)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(20261125)
    # a box well inside England and Wales
    site_lon = rng.uniform(-3.0, 0.5, N_SITES)
    site_lat = rng.uniform(51.0, 54.5, N_SITES)
    pdu_of_site = rng.integers(0, 120, N_SITES)
    kinds = np.array(["authority", "provider", "market"])[rng.integers(0, 3, N_SITES)]
    kinds[:120] = "authority"
    pdu_of_site[:120] = np.arange(120)  # every PDU has an authority site
    sites = pd.DataFrame({
        "site_id": [f"S{i:05d}" for i in range(N_SITES)],
        "name": [f"Site {i}" for i in range(N_SITES)],
        "region": [REGIONS[p % 12] for p in pdu_of_site],
        "pdu": [f"PDU {p}" for p in pdu_of_site],
        "kind": kinds,
        "women_only": np.where(rng.random(N_SITES) < 0.1, "yes", "no"),
        "desks": rng.integers(0, 60, N_SITES),
        "interview_rooms": rng.integers(0, 12, N_SITES),
        "annual_cost_per_desk": rng.uniform(1500, 9000, N_SITES).round(2),
        "fit_out_cost": rng.uniform(0, 50000, N_SITES).round(0),
        "available_from": np.where(rng.random(N_SITES) < 0.2, "2027-04-01", ""),
        "step_free": np.where(rng.random(N_SITES) < 0.8, "y", "n"),
        "landlord": [f"Landlord {i % 97}" for i in range(N_SITES)],
    })
    pdu_of_need = rng.integers(0, 120, N_NEEDS)
    own_point = rng.random(N_NEEDS) < 0.5
    need_lon = np.where(own_point, rng.uniform(-3.0, 0.5, N_NEEDS), np.nan)
    need_lat = np.where(own_point, rng.uniform(51.0, 54.5, N_NEEDS), np.nan)
    needs = pd.DataFrame({
        "need_id": [f"N{i:05d}" for i in range(N_NEEDS)],
        "provider": [f"Provider {i % 40}" for i in range(N_NEEDS)],
        "lot": np.array(["ete", "accommodation", "wellbeing", "womens"])[
            rng.integers(0, 4, N_NEEDS)],
        "region": [REGIONS[p % 12] for p in pdu_of_need],
        "pdu": [f"PDU {p}" for p in pdu_of_need],
        "desks": rng.integers(0, 6, N_NEEDS),
        "interview_rooms": rng.integers(0, 3, N_NEEDS),
        "days_per_week": rng.integers(1, 6, N_NEEDS),
        "caseload": rng.integers(0, 400, N_NEEDS),
        "max_travel_km": np.where(rng.random(N_NEEDS) < 0.3, 40.0, np.nan),
        "contract": [f"C-{i % 300}" for i in range(N_NEEDS)],
    })
    files = {}
    files["sites_csv"] = folder / "sites.csv"
    sites.assign(lon=site_lon.round(6), lat=site_lat.round(6)).to_csv(files["sites_csv"],
                                                                      index=False)
    files["needs_csv"] = folder / "needs.csv"
    needs.assign(lon=need_lon.round(6), lat=need_lat.round(6)).to_csv(files["needs_csv"],
                                                                      index=False)
    site_pts = gpd.GeoSeries.from_xy(site_lon, site_lat, crs=4326).to_crs(27700)
    need_pts = gpd.GeoSeries.from_xy(need_lon, need_lat, crs=4326).to_crs(27700)
    need_pts[~own_point] = None
    gpkg = folder / "input.gpkg"
    gpd.GeoDataFrame(sites, geometry=site_pts).to_file(gpkg, layer="sites", engine="pyogrio")
    gpd.GeoDataFrame(needs, geometry=need_pts).to_file(gpkg, layer="needs", engine="pyogrio")
    files["sites_gpkg"] = files["needs_gpkg"] = gpkg
    return files


def measure(sites: str, needs: str) -> dict[str, float]:
    """Load one pair in this process; return seconds and peak memory.

    The libraries the readers import lazily (pyogrio, geopandas, shapely, pyproj) are
    imported first and timed apart: in the app they are loaded once at start-up, and the
    command line pays them once per run.
    """
    started = time.perf_counter()
    import geopandas  # noqa: F401
    import pyogrio  # noqa: F401
    import pyproj  # noqa: F401
    import shapely  # noqa: F401

    from estates_planner.io import load_dataset

    imported = time.perf_counter()
    cpu = time.process_time()
    dataset, report = load_dataset(sites, needs)
    done = time.perf_counter()
    cpu = time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"import_s": imported - started, "load_s": done - imported, "cpu_s": cpu,
            "peak_mb": peak_kb / 1024, "sites": len(dataset.sites),
            "needs": len(dataset.needs), "errors": len(report.errors),
            "warnings": len(report.warnings)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", nargs=2, metavar=("SITES", "NEEDS"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per format (best shown)")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp))
        print(f"{N_SITES:,} sites and {N_NEEDS:,} needs, best of {args.repeat} runs, each in "
              "a fresh process")
        print(f"{'format':<11}{'load s':>8}{'cpu s':>7}{'import s':>10}{'peak MB':>9}  rows  "
              "problems")
        for label, key in (("GeoPackage", "gpkg"), ("CSV", "csv")):
            runs = []
            for _ in range(args.repeat):
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", str(files[f"sites_{key}"]),
                     str(files[f"needs_{key}"])], capture_output=True, text=True, check=True)
                runs.append(json.loads(out.stdout))
            best = min(runs, key=lambda r: r["load_s"])
            peak = max(r["peak_mb"] for r in runs)
            print(f"{label:<11}{best['load_s']:>8.2f}{best['cpu_s']:>7.2f}"
                  f"{best['import_s']:>10.2f}{peak:>9.0f}  "
                  f"{best['sites']}+{best['needs']}  {best['errors']} errors, "
                  f"{best['warnings']} warnings")
        print("target for GeoPackage: load ≤ 2 s, peak ≤ 500 MB (load s is wall-clock time "
              "after imports; peak is the whole process's maximum resident memory)")
        print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
