"""The contents pages, laid out on a real PDF device: no nearly blank last page for a
contents that runs only a few lines over, and page numbers that count the contents."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest

from estates_planner.render.pdf.document import RESOLUTION_DPI, Document, PdfOptions
from estates_planner.render.pdf.toc import SHORT_LAST_PAGE, layout_toc

DAY = date(2026, 11, 25)


def _anchors(regions: int) -> list[tuple[int, str, int]]:
    """Cover, summary, then ``regions`` regions of six sites on two pages each, from page
    index 4 (the report without its contents)."""
    anchors = [(0, "Cover", 0), (0, "Summary", 1)]
    page = 4
    for r in range(1, regions + 1):
        anchors.append((0, f"Region {r}", page))
        anchors += [(1, f"Example Probation Office {r}-{s}", page + (s - 1) // 3)
                    for s in range(1, 7)]
        page += 2
    return anchors


def _lay_out(tmp_path, regions: int):
    from PySide6.QtGui import QPainter, QPdfWriter

    from estates_planner.report.content import build_report_content

    sc = pb.scenario()
    content = build_report_content(sc, pb.plan(sc), created=DAY)
    path = tmp_path / "toc.pdf"
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    painter = QPainter(writer)
    try:
        pages, fill = layout_toc(lambda: Document(painter, PdfOptions(), content),
                                 _anchors(regions), insert_at=1)
        for i, ops in enumerate(pages):
            if i:
                writer.newPage()
            for op in ops:
                op(painter)
    finally:
        painter.end()
    return path, pages, fill


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_contents_a_few_lines_over_a_page_fit_on_one(qapp, tmp_path):
    """22 regions run 9 % of a page onto a second page at the usual spacing (measured: the
    first page 97 % full, the second 9 %); set tighter they fit on one page, and the page
    numbers count one contents page (region 22 starts at index 46: page 46 + 1 + 1)."""
    path, pages, fill = _lay_out(tmp_path, 22)
    assert len(pages) == 1 and 0.9 < fill[0] <= 1.0
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    assert "Region 22" in text and "p. 48: Example Probation Office 22-1" in text
    assert "Summary" in text and "Cover" not in text


def test_contents_well_over_a_page_keep_the_usual_spacing(qapp, tmp_path):
    """30 regions are half a page over even set tight: the usual spacing stays, and the
    second page is the end of the contents, well filled."""
    _path, pages, fill = _lay_out(tmp_path, 30)
    assert len(pages) == 2 and fill[-1] >= SHORT_LAST_PAGE
