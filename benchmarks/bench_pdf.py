"""PDF site plan: seconds and pages of each layout, on the sample and a national instance.

Run ``python benchmarks/bench_pdf.py [PROJECT.gpkg]``. Uses ``data/sample_project.gpkg`` (or
generates the sample into a temporary folder when it is missing); a scenario without a plan
is solved first (10 s limit), which is not timed. Then a generated national instance
(``optimise.synthetic``, 560 sites and 900 needs, about 260 sites used, planned greedily) is
drawn in each layout. Targets (issue 14): the national full plan in at most 5 s and 110
pages, the sample's in at most 80 pages, a summary in at most 6. Also times the CSV, XLSX and
GeoPackage exports. Prints wall and CPU seconds: on a shared machine the CPU time is the
steadier figure.
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


def _layouts(project, scenario, tmp: Path) -> None:
    from estates_planner.render.site_plan import PdfOptions, write_site_plan_pdf

    ds = scenario.dataset
    region = "London" if "London" in ds.regions else ds.regions[0]
    provider = max(ds.providers, key=lambda p: sum(n.provider == p for n in ds.needs))
    for label, options in (
        ("full, A4 portrait", PdfOptions()),
        ("full, A3 landscape", PdfOptions(paper="A3", landscape=True)),
        ("summary", PdfOptions(layout="summary")),
        (f"region ({region})", PdfOptions(layout="region", regions=(region,))),
        (f"provider ({provider}, the most needs)",
         PdfOptions(layout="provider", provider=provider)),
    ):
        out = tmp / "plan.pdf"
        pages = _timed(f"  PDF {label}",
                       lambda o=options, f=out: write_site_plan_pdf(project, scenario.name,
                                                                    f, o))
        print(f"    {pages} pages, {out.stat().st_size / 1e6:.1f} MB")


def main(argv: list[str]) -> int:
    from PySide6.QtGui import QGuiApplication

    from estates_planner.optimise import greedy_plan
    from estates_planner.optimise.synthetic import generate_national_instance
    from estates_planner.project import Project, open_project
    from estates_planner.render.fonts import register_app_fonts
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
            from estates_planner.usecases import solve_in_project

            print(f"solving '{scenario.name}' first (10 s limit, not timed)...", flush=True)
            project.results[scenario.name] = solve_in_project(project, scenario.name,
                                                              time_limit_s=10).result
        result = project.results[scenario.name]
        ds = scenario.dataset
        print(f"sample {path.name}: {len(ds.sites)} sites, {len(ds.needs)} needs, "
              f"{len(result.used_site_ids)} sites used, plan {result.status}")
        register_app_fonts()  # once per process; not part of one export
        _layouts(project, scenario, tmp)

        national = generate_national_instance(560, 900, seed=1).replace(name="National")
        plan = greedy_plan(national)
        nat_project = Project(dataset=national.dataset, scenarios=[national],
                              results={"National": plan}, metadata={"title": "National"})
        print(f"generated national instance: {len(national.dataset.sites)} sites, "
              f"{len(national.dataset.needs)} needs, {len(plan.used_site_ids)} sites used "
              "(greedy plan)")
        _layouts(nat_project, national, tmp)

        print("other formats (sample):")
        _timed("  CSV", lambda: write_allocation_csv(scenario, result, tmp / "a.csv"))
        _timed("  XLSX", lambda: write_allocation_xlsx(scenario, result, tmp / "a.xlsx"))
        _timed("  GeoPackage", lambda: write_results_gpkg(scenario, result, tmp / "a.gpkg"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
