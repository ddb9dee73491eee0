"""``estates-planner export PROJECT [--pdf F [--layout L]] [--csv F] [--rota F] [--xlsx F]
[--gpkg F]``.

The work is :func:`estates_planner.usecases.export_plan`. The PDF is drawn with QtGui (no
widgets), so this command starts an offscreen ``QGuiApplication`` when it needs one; Qt is
imported only inside :func:`_write_pdf`, so the rest of the CLI stays Qt-free. A scenario
without a plan is solved first (10 s limit), on the project's road network as ``solve`` does,
and the command says so.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from estates_planner.errors import EstatesError, ExportError
from estates_planner.project import Project, open_project
from estates_planner.usecases import (
    EXPORT_SUFFIXES,
    PDF_LAYOUTS,
    export_plan,
    solve_in_project,
)

SOLVE_TIME_LIMIT_S = 10.0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export a plan as a PDF site plan, CSV (allocation, weekly rota), "
        "XLSX or GeoPackage",
        description="Export the plan of one scenario of a project: a printable PDF site plan "
        "(cover map, summary, a section per site used, allocation appendix), the allocation "
        "table as CSV, the weekly rota as CSV, a workbook (allocation, sites, KPIs, settings) "
        "as XLSX, and/or map layers as a GeoPackage for QGIS. A scenario without a plan is "
        f"solved first (time limit {SOLVE_TIME_LIMIT_S:g} s); the solved plan is not saved in "
        "the project.",
        epilog="examples: estates-planner export data/sample_project.gpkg --pdf plan.pdf "
        "--xlsx plan.xlsx --region London --paper A3 --landscape; "
        "estates-planner export data/sample_project.gpkg --pdf pack.pdf --layout provider "
        "--provider 'Mindful Steps'")
    p.add_argument("project", type=Path, help="a project GeoPackage")
    p.add_argument("--scenario", metavar="NAME",
                   help="the scenario to export (default: the project's first scenario)")
    p.add_argument("--pdf", type=Path, metavar="FILE", help="write the site plan PDF here")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write the allocation CSV here")
    p.add_argument("--rota", type=Path, metavar="FILE",
                   help="write the plan's weekly rota (site, weekday, need) as a CSV here")
    p.add_argument("--xlsx", type=Path, metavar="FILE", help="write the XLSX workbook here")
    p.add_argument("--gpkg", type=Path, metavar="FILE",
                   help="write the results GeoPackage here")
    p.add_argument("--paper", choices=("A4", "A3"), default="A4", type=str.upper,
                   help="PDF paper size (default A4)")
    p.add_argument("--landscape", action="store_true", help="PDF in landscape orientation")
    p.add_argument("--layout", choices=tuple(PDF_LAYOUTS), default="full",
                   help="what the PDF is for: summary (a few pages for a board paper), full "
                   "(a card per site used; the default), provider (one provider's pack: "
                   "give --provider), region (one region's pack: give --region)")
    p.add_argument("--provider", metavar="NAME", default="",
                   help="the provider of --layout provider")
    p.add_argument("--region", action="append", metavar="NAME", default=[],
                   help="only this region in the PDF: its summary figures, site cards "
                   "and appendix (repeat for several; one for --layout region)")
    p.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    targets = {fmt: getattr(args, fmt) for fmt in ("pdf", "csv", "rota", "xlsx", "gpkg")
               if getattr(args, fmt) is not None}
    if not targets:
        raise ExportError("nothing to export: give at least one of --pdf, --csv, --rota, "
                          "--xlsx, --gpkg with a file name")
    for fmt, path in targets.items():
        suffix = EXPORT_SUFFIXES[fmt]
        if path.suffix.lower() != suffix:
            raise ExportError(f"--{fmt} {path}: the file name should end in {suffix}")
        if not path.expanduser().resolve().parent.is_dir():
            raise ExportError(f"--{fmt} {path}: the folder {path.parent} does not exist")

    # the PDF's options are checked (a layout's provider or region given) before any solve
    pdf_options = _pdf_options(args) if "pdf" in targets else None
    project = open_project(args.project)
    names = project.scenario_names
    name = args.scenario or (names[0] if names else None)
    if name is None or not project.has_scenario(name):
        raise ExportError(f"{args.project}: no scenario '{name}'; it has: "
                          f"{', '.join(names) or 'none'}")
    unknown = sorted(set(args.region) - set(project.dataset.regions))
    if unknown:
        raise ExportError(f"unknown region(s) {', '.join(unknown)}; the project has: "
                          f"{', '.join(project.dataset.regions)}")

    if name not in project.results:
        print(f"Scenario '{name}' has no plan yet: solving it first "
              f"(time limit {SOLVE_TIME_LIMIT_S:g} s)...", file=sys.stderr)
        result = solve_in_project(project, name, time_limit_s=SOLVE_TIME_LIMIT_S).result
        project.results[name] = result
        print(f"Solved: {result.status}, objective £{result.objective:,.0f} in "
              f"{result.seconds:.1f} s (not saved in the project)", file=sys.stderr)

    files = {fmt: path for fmt, path in targets.items() if fmt != "pdf"}
    for written in export_plan(project, name, files):
        print(f"Wrote {written.path}")
    if "pdf" in targets:
        start = time.perf_counter()
        pages = _write_pdf(project, name, targets["pdf"], pdf_options)
        print(f"Wrote {targets['pdf']} ({args.layout} layout, {pages} pages, "
              f"{time.perf_counter() - start:.1f} s)")
        print(f"{journeys_text(project, name)}.")
    return 0


def journeys_text(project: Project, scenario_name: str) -> str:
    """How the plan's journeys are measured, in the PDF's words (every page's footer)."""
    from estates_planner.report.content import travel_measure_text
    from estates_planner.travel.resolve import travel_model_for

    try:
        model = travel_model_for(project, project.scenario(scenario_name))
    except EstatesError:  # a damaged stored network: the PDF falls back to straight lines
        model = None
    return travel_measure_text(getattr(model, "name", None))


def _pdf_options(args: argparse.Namespace):
    """The command line's PDF options (``render.site_plan.PdfOptions``, which checks them)."""
    from estates_planner.render.site_plan import PdfOptions

    return PdfOptions(paper=args.paper, landscape=args.landscape, regions=tuple(args.region),
                      layout=args.layout, provider=args.provider)


def _write_pdf(project: Project, scenario_name: str, path: Path, options) -> int:
    """Draw the PDF with an offscreen Qt GUI application (QtGui only: no widgets)."""
    from estates_planner.render.site_plan import gui_application, write_site_plan_pdf

    app = gui_application()
    try:
        written = export_plan(project, scenario_name, {"pdf": path}, options,
                              pdf_writer=write_site_plan_pdf)
    finally:
        del app  # keep the application alive until the PDF is written
    return written[0].pages or 0
