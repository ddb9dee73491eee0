"""The site plan as a PDF a person would print: the public entry of the PDF export.

Pages: a cover with a map of the chosen area, a summary (KPIs, placements, shares, locations
per PDU, unplaced needs, rules and weights), a section per site used grouped by region, and
the allocation appendix with its header repeated on every page. Every page has a footer with
the project, the scenario, the date and "Page i of N".

The content comes from :func:`estates_planner.report.content.build_report_content` (plain
Python, tested without Qt) and its sentences from :mod:`estates_planner.report.sentences`;
:mod:`estates_planner.render.pdf` lays it out with QtGui only (no widgets, so the headless CLI
can call this). Layout is done first into a list of pages of drawing operations, so the page
total is known before anything is drawn, and the file is written to a temporary file and
renamed, so a failed or cancelled export never leaves half a PDF behind.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from estates_planner.errors import CancelledError, EstatesError, ExportError
from estates_planner.model import Scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.render.fonts import register_app_fonts
from estates_planner.render.pdf.document import (
    PAPER_SIZES,
    RESOLUTION_DPI,
    Document,
    PdfOptions,
    page_size_mm,
)
from estates_planner.render.pdf.maps import ReportMaps
from estates_planner.render.pdf.pages import (
    cover_map_rect_mm,
    draw_footer,
    layout_appendix,
    layout_cover,
    layout_summary,
)
from estates_planner.render.pdf.sections import layout_sections
from estates_planner.report.content import build_report_content
from estates_planner.report.exports import atomic_path
from estates_planner.report.sentences import project_display_name
from estates_planner.travel.resolve import travel_model_for


def write_site_plan_pdf(project: Any, scenario_name: str, path: str | os.PathLike[str],
                        options: PdfOptions | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        cancel: Any = None) -> int:
    """Write the site plan of ``scenario_name`` in ``project`` to ``path``; return the pages.

    Parameters
    ----------
    project
        A :class:`estates_planner.project.Project` (``dataset``, ``scenarios``, ``results``,
        ``layers``, ``metadata``, ``path``). The scenario must have a result.
    progress
        Called as ``progress(pages_done, pages_total)`` while drawing.
    cancel
        Anything with ``is_set()``; checked between pages. A cancelled export raises
        :class:`CancelledError` and leaves no file.

    Needs a ``QGuiApplication`` (the CLI creates an offscreen one).
    """
    options = options or PdfOptions()
    scenario, result = _scenario_and_plan(project, scenario_name)
    register_app_fonts()
    try:  # the project's road network measures the service users' journeys
        travel_model = travel_model_for(project, scenario)
    except EstatesError:  # a damaged stored network: straight lines, and the PDF says so
        travel_model = None
    content = build_report_content(
        scenario, result, project_name=project_display_name(project),
        metadata=getattr(project, "metadata", None) or {},
        regions=options.regions or None, site_ids=options.site_ids or None,
        created=options.created, title=options.title,
        travel_model=travel_model)
    maps = ReportMaps(project, scenario, result)

    target = Path(path)
    with atomic_path(target) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(RESOLUTION_DPI)
        writer.setPageSize(QPageSize(PAPER_SIZES[options.paper]))
        writer.setPageOrientation(QPageLayout.Orientation.Landscape if options.landscape
                                  else QPageLayout.Orientation.Portrait)
        writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
        writer.setTitle(f"{content.title}: {content.project_name} – {content.scenario_name}")
        writer.setCreator("Estates Planner")
        painter = QPainter()
        if not painter.begin(writer):
            raise ExportError(f"cannot write {target}: the PDF could not be started")
        try:
            doc = Document(painter, options, content)
            layout_cover(doc, maps)
            layout_summary(doc)
            if options.include_sections:
                layout_sections(doc, maps)
            if options.include_appendix:
                layout_appendix(doc)
            pages = doc.finish()
            for i, ops in enumerate(pages):
                if cancel is not None and cancel.is_set():
                    raise CancelledError("PDF export cancelled; no file was written")
                if i:
                    writer.newPage()
                for op in ops:
                    op(painter)
                draw_footer(doc, painter, i + 1, len(pages))
                if progress is not None:
                    progress(i + 1, len(pages))
        finally:
            finished = painter.end()
        if not finished:  # Qt's only sign of a failed write (e.g. a full disk)
            raise ExportError(f"cannot write {target}: the PDF could not be written to the "
                              "disk (is it full?); "
                              + ("the previous file is unchanged" if target.exists()
                                 else "no file was written"))
    return len(pages)


def gui_application() -> Any:
    """The running Qt application, or a new ``QGuiApplication`` for headless use (the CLI).

    Without a display on Linux Qt's "offscreen" platform is used, so ``estates-planner
    export`` works on a server. Drawing a PDF needs an application object; it need not show
    anything.
    """
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") \
                and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["estates-planner"])
    return app


def _scenario_and_plan(project: Any, name: str) -> tuple[Scenario, PlanResult]:
    """The scenario called ``name`` and its plan; the one place the export looks them up
    (to become ``Project.scenario(name)`` once the project offers it)."""
    scenario = next((sc for sc in getattr(project, "scenarios", []) or [] if sc.name == name),
                    None)
    if scenario is None:
        names = ", ".join(sc.name for sc in getattr(project, "scenarios", []) or []) or "none"
        raise ExportError(f"the project has no scenario '{name}'; it has: {names}")
    result = (getattr(project, "results", {}) or {}).get(name)
    if result is None:
        raise ExportError(f"scenario '{name}' has no plan yet; solve it before "
                          "exporting the site plan")
    return scenario, result


__all__ = ["PdfOptions", "ReportMaps", "cover_map_rect_mm", "gui_application",
           "page_size_mm", "write_site_plan_pdf"]
