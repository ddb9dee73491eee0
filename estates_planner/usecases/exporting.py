"""Export a scenario's plan: the one dispatch over formats that the CLI and the app call.

The core draws no PDF: drawing needs Qt (``estates_planner.render``), which the core must not
import, so the caller passes the PDF writer in (the CLI and the app pass
``render.site_plan.write_site_plan_pdf``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from estates_planner.errors import ExportError
from estates_planner.project import Project
from estates_planner.report.exports import WRITERS

# formats in the order they are written; the PDF last, as it takes longest ("rota" is the
# weekly rota as a CSV, rota.csv)
EXPORT_FORMATS = ("csv", "rota", "xlsx", "gpkg", "pdf")
# the file name ending each format takes
EXPORT_SUFFIXES = {"csv": ".csv", "rota": ".csv", "xlsx": ".xlsx", "gpkg": ".gpkg",
                   "pdf": ".pdf"}

PdfWriter = Callable[..., int]

# the PDFs a plan can leave the app as (``PdfOptions.layout``), with how the app names them:
# a short board paper, the whole plan with a card per site, one provider's pack, one region's
PDF_LAYOUTS: dict[str, str] = {
    "summary": "Summary (a few pages: figures, regions, needs not placed)",
    "full": "Full site plan (a card per site used)",
    "provider": "Provider pack (one provider's needs, sites and options)",
    "region": "Region pack (one region's figures, sites and needs)",
}


@dataclass(frozen=True)
class ExportedFile:
    """One file written: its format, path, and its page count (PDF only)."""

    fmt: str
    path: Path
    pages: int | None = None


def export_plan(project: Project, scenario_name: str,
                formats: Mapping[str, str | os.PathLike[str]], options: object = None,
                progress: Callable[[int, int], None] | None = None, *,
                pdf_writer: PdfWriter | None = None,
                cancel: object | None = None) -> list[ExportedFile]:
    """Write the plan of ``scenario_name`` in each format of ``formats`` (format -> path).

    Raises :class:`ExportError` for an unknown format, a scenario without a plan (solve it
    first with :func:`estates_planner.usecases.solve_in_project`) or a PDF asked for without
    ``pdf_writer``. ``options`` and ``progress`` (pages done, pages in all) go to the PDF writer.
    """
    unknown = sorted(set(formats) - set(EXPORT_FORMATS))
    if unknown:
        raise ExportError(f"unknown export format {unknown[0]!r}; choose one of "
                          f"{', '.join(EXPORT_FORMATS)}")
    result = project.results.get(scenario_name)
    if result is None:
        raise ExportError(f"scenario '{scenario_name}' has no plan yet: solve it before "
                          "exporting")
    if "pdf" in formats and pdf_writer is None:
        raise ExportError("this installation cannot draw PDFs (no PDF writer given)")
    scenario = project.scenario(scenario_name)
    written = []
    for fmt in EXPORT_FORMATS:
        if fmt not in formats:
            continue
        path = Path(formats[fmt])
        if fmt == "pdf":
            pages = pdf_writer(project, scenario_name, path, options, progress, cancel)
            written.append(ExportedFile(fmt, path, int(pages)))
        else:
            WRITERS[fmt](scenario, result, path)
            written.append(ExportedFile(fmt, path))
    return written
