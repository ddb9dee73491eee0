"""The site plan as a PDF a person would print: the public entry of the PDF export.

Layouts (``PdfOptions.layout``): **full** — a cover with a map of the chosen area, the
contents with page numbers, a summary (headline figures with money apart from weights and the
optimiser score, placements, shares, rules and weights, needs not placed, journeys per PDU),
each region from a new page with a compact card per site used (several to a page), and the
allocation appendix; **region** — the same for one region; **summary** — the cover and a few
pages of figures, a table per region, the needs not placed and the rules and weights;
**provider** — one provider's pack. Every page has a footer with the project, the scenario,
the date, how journeys are measured and "Page i of N"; the file has a bookmark per part,
region and site, and its title and author set (added with pypdf, :mod:`.pdf.outline`).

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from estates_planner.errors import CancelledError, EstatesError, ExportError
from estates_planner.model import Scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.render.fonts import register_app_fonts
from estates_planner.render.pdf.document import (
    LAYOUTS,
    PAPER_SIZES,
    RESOLUTION_DPI,
    Document,
    PdfOptions,
    page_size_mm,
)
from estates_planner.render.pdf.maps import ReportMaps
from estates_planner.render.pdf.outline import add_outline
from estates_planner.render.pdf.packs import (
    layout_provider_pack,
    layout_short_summary,
    region_figures_line,
)
from estates_planner.render.pdf.pages import (
    cover_map_rect_mm,
    draw_footer,
    layout_appendix,
    layout_cover,
    layout_summary,
)
from estates_planner.render.pdf.robustness import layout_robustness
from estates_planner.render.pdf.sections import layout_sections
from estates_planner.render.pdf.toc import layout_toc
from estates_planner.report.content import build_report_content
from estates_planner.report.exports import atomic_path
from estates_planner.report.regions import region_rows
from estates_planner.report.robustness import robustness_content
from estates_planner.report.sentences import project_display_name
from estates_planner.travel.resolve import travel_model_for


@dataclass(frozen=True)
class SitePlanLayout:
    """What was written: the page count, how far down each page its content reaches (0..1
    of the body), the region whose site cards each card page holds, and the bookmarks
    (level, title, page index)."""

    pages: int
    fill: tuple[float, ...]
    page_region: Mapping[int, str]
    anchors: tuple[tuple[int, str, int], ...]


def write_site_plan_pdf(project: Any, scenario_name: str, path: str | os.PathLike[str],
                        options: PdfOptions | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        cancel: Any = None) -> int:
    """Write the site plan of ``scenario_name`` in ``project`` to ``path``; return the pages.

    See :func:`write_site_plan` (which also returns the layout's measures).
    """
    return write_site_plan(project, scenario_name, path, options, progress, cancel).pages


def write_site_plan(project: Any, scenario_name: str, path: str | os.PathLike[str],
                    options: PdfOptions | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    cancel: Any = None) -> SitePlanLayout:
    """Write the site plan of ``scenario_name`` in ``project`` to ``path`` in the layout
    ``options.layout`` names (see :data:`LAYOUTS`).

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
    ds = scenario.dataset
    if options.layout == "provider" and options.provider not in ds.providers:
        raise ExportError(f"no provider '{options.provider}' in the project; it has: "
                          f"{', '.join(ds.providers)}")
    register_app_fonts()
    try:  # the project's road network measures the service users' journeys
        travel_model = travel_model_for(project, scenario)
    except EstatesError:  # a damaged stored network: straight lines, and the PDF says so
        travel_model = None
    from estates_planner.usecases.multiyear import stored_contract

    # the "Contract years" section, if any, priced with the journeys the plan was solved with
    contract = stored_contract(project, scenario if travel_model is None
                               else scenario.replace(travel=travel_model))
    title = {"summary": "Plan summary", "provider": "Provider pack",
             "region": "Region pack"}.get(options.layout, options.title)
    content = build_report_content(
        scenario, result, project_name=project_display_name(project),
        metadata=getattr(project, "metadata", None) or {},
        regions=options.regions or None, site_ids=options.site_ids or None,
        created=options.created, title=title, travel_model=travel_model)
    maps = ReportMaps(project, scenario, result)
    maps.robustness = robustness_content(project, scenario_name)  # None without a study

    target = Path(path)
    with atomic_path(target) as tmp:
        drawn = tmp.with_name(tmp.stem + "-qt.pdf")
        try:
            layout = _draw(drawn, options, content, maps, scenario, result, progress, cancel,
                           contract=contract,
                           shown=target)
            doc_title = f"{content.title}: {content.project_name} – {content.scenario_name}"
            if options.layout == "provider":
                doc_title = f"Provider pack: {options.provider} – {content.scenario_name}"
            meta = getattr(project, "metadata", None) or {}
            add_outline(drawn, tmp, layout.anchors, title=doc_title,
                        author=str(meta.get("author") or content.project_name),
                        subject=content.travel_text, shown=target)
        finally:
            drawn.unlink(missing_ok=True)
    return layout


def _draw(path: Path, options: PdfOptions, content: Any, maps: ReportMaps,
          scenario: Scenario, result: PlanResult,
          progress: Callable[[int, int], None] | None, cancel: Any, *,
          shown: Path, contract: Any = None) -> SitePlanLayout:
    """Lay the report out, put the contents in after the cover, and draw it with Qt.

    ``path`` is a temporary file; messages name ``shown``, the file the user asked for.
    """
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageSize(QPageSize(PAPER_SIZES[options.paper]))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape if options.landscape
                              else QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"{content.title}: {content.project_name} – {content.scenario_name}")
    writer.setCreator("Estates Planner")
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(f"cannot write {shown}: the PDF could not be started")
    try:
        doc = Document(painter, options, content)
        toc_at = None
        if options.layout == "provider":
            layout_provider_pack(doc, maps, scenario, result, options.provider)
        else:
            layout_cover(doc, maps)
            doc.bookmark("Cover", 0)
            if options.layout == "summary":
                layout_short_summary(doc, scenario, result, options.regions or None)
                _contract_section(doc, contract, short=True)
                layout_robustness(doc, getattr(maps, "robustness", None))
            else:
                toc_at = len(doc.pages)
                layout_summary(doc, scenario, result)
                _contract_section(doc, contract, short=False)
                layout_robustness(doc, getattr(maps, "robustness", None))
                if options.include_sections:
                    names = [g.name for g in content.regions]
                    lines = {r.region: region_figures_line(r)
                             for r in region_rows(scenario, result, names)}
                    layout_sections(doc, maps, lines)
                if options.include_appendix:
                    layout_appendix(doc)
        pages = doc.finish()
        anchors = list(doc.anchors)
        fill = [doc.fill_fraction(i) for i in range(len(pages))]
        page_region = dict(doc.page_region)
        if toc_at is not None:
            toc, toc_fill = layout_toc(lambda: Document(painter, options, content), anchors,
                                       toc_at)
            n = len(toc)
            pages = pages[:toc_at] + toc + pages[toc_at:]
            fill = fill[:toc_at] + toc_fill + fill[toc_at:]
            anchors = [(lv, t, i + n if i >= toc_at else i) for lv, t, i in anchors]
            anchors.insert(1, (0, "Contents", toc_at))
            page_region = {i + n if i >= toc_at else i: r for i, r in page_region.items()}
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
        raise ExportError(f"cannot write {shown}: the PDF could not be written to the disk "
                          "(is it full?); " + ("the previous file is unchanged" if shown.exists()
                                               else "no file was written"))
    return SitePlanLayout(len(pages), tuple(fill), page_region, tuple(anchors))


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


def _contract_section(doc: Document, contract: Any, *, short: bool) -> None:
    """The contract plan's section (render/pdf/contract.py), when the project holds one."""
    if contract is not None:
        from estates_planner.render.pdf.contract import layout_contract_years

        layout_contract_years(doc, contract.scenario, contract.ramp, contract.result,
                              contract.comparison, short=short)


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


__all__ = ["LAYOUTS", "PdfOptions", "ReportMaps", "SitePlanLayout", "cover_map_rect_mm",
           "gui_application", "page_size_mm", "write_site_plan", "write_site_plan_pdf"]
