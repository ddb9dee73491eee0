"""PDF site plan of the national sample plan: pages and seconds (target ≤ 5 s).

Run ``python benchmarks/bench_pdf.py [PROJECT.gpkg]``. Uses ``data/sample_project.gpkg`` (or
generates the sample into a temporary folder when it is missing); a scenario without a plan
is solved first (10 s limit), which is not timed. Also times the CSV, XLSX and GeoPackage
exports. Prints wall and CPU seconds: on a shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _project_path(argv: list[str], tmp: Path) -> Path:
    if argv:
        return Path(argv[0])
    sample = REPO / "data" / "sample_project.gpkg"
    if sample.exists():
        return sample
    from estates_planner.sample_data import generate_sample

    print("data/sample_project.gpkg is missing: generating the sample", flush=True)
    files = generate_sample(tmp)
    return next(Path(p) for p in files.values() if str(p).endswith("sample_project.gpkg"))


def _timed(label: str, fn) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    print(f"{label}: {time.perf_counter() - wall:.2f} s wall, "
          f"{time.process_time() - cpu:.2f} s CPU", flush=True)
    return out


def main(argv: list[str]) -> int:
    from PySide6.QtGui import QGuiApplication

    from estates_planner.project import open_project
    from estates_planner.render.fonts import register_app_fonts
    from estates_planner.render.site_plan import PdfOptions, write_site_plan_pdf
    from estates_planner.report.exports import (
        write_allocation_csv,
        write_allocation_xlsx,
        write_results_gpkg,
    )

    app = QGuiApplication.instance() or QGuiApplication(["bench_pdf"])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        path = _project_path(argv, tmp)
        project = open_project(path)
        scenario = project.scenarios[0]
        if scenario.name not in project.results:
            from estates_planner.optimise import solve_scenario

            print(f"solving '{scenario.name}' first (10 s limit, not timed)...", flush=True)
            project.results[scenario.name] = solve_scenario(scenario, time_limit_s=10)
        result = project.results[scenario.name]
        ds = scenario.dataset
        print(f"project {path.name}: {len(ds.sites)} sites, {len(ds.needs)} needs, "
              f"{len(result.used_site_ids)} sites used, plan {result.status}")
        register_app_fonts()  # once per process; not part of one export

        for label, options in (
            ("national, A4 portrait", PdfOptions()),
            ("national, A3 landscape", PdfOptions(paper="A3", landscape=True)),
            ("one region (London), A4", PdfOptions(regions=("London",))
             if "London" in ds.regions else PdfOptions(regions=(ds.regions[0],))),
        ):
            out = tmp / "plan.pdf"
            pages = _timed(f"PDF {label}",
                           lambda o=options, f=out: write_site_plan_pdf(project, scenario.name,
                                                                        f, o))
            print(f"  {pages} pages, {out.stat().st_size / 1e6:.1f} MB")
        _timed("CSV", lambda: write_allocation_csv(scenario, result, tmp / "a.csv"))
        _timed("XLSX", lambda: write_allocation_xlsx(scenario, result, tmp / "a.xlsx"))
        _timed("GeoPackage", lambda: write_results_gpkg(scenario, result, tmp / "a.gpkg"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
