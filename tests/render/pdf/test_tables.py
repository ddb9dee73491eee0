"""The PDF engine's flowing tables, measured on a real PDF device."""

from __future__ import annotations

from datetime import date

import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest

from estates_planner.render.pdf.document import CELL_PAD_MM, RESOLUTION_DPI, Document, PdfOptions
from estates_planner.render.pdf.tables import (
    Table,
    flow_table,
    heading_with_table,
    swatch_indent,
    table_measures,
)

DAY = date(2026, 11, 25)


def test_a_row_with_a_colour_swatch_is_tall_enough_for_its_wrapped_name(qapp, tmp_path):
    """The lot swatch pushes the provider's name in: a name that just fits without it wraps
    with it, and its row must be a line taller (else the second line runs into the next row)."""
    from PySide6.QtGui import QColor, QPainter, QPdfWriter

    writer = QPdfWriter(str(tmp_path / "t.pdf"))
    writer.setResolution(RESOLUTION_DPI)
    painter = QPainter(writer)
    try:
        doc = Document(painter, PdfOptions(), _content())
        name = "Futures Employment Trust"
        pad = doc.mm(CELL_PAD_MM)
        width = doc.advance(doc.f_small, name) + 2 * pad + swatch_indent(doc, doc.f_small) / 2

        def height(fills):
            start = doc.y
            flow_table(doc, Table(["Provider"], [[name]], [1], wrap=frozenset({0}),
                                          fills=fills), width=width)
            return doc.y - start

        plain = height({})
        swatched = height({0: QColor("#1f77b4")})
    finally:
        painter.end()
    assert swatched - plain == pytest.approx(doc.fm(doc.f_small).height(), rel=0.3)


def test_a_heading_is_never_left_alone_at_the_foot_of_a_page(qapp, tmp_path):
    """Room for the heading and a few lines but not for the table's header and first (tall,
    wrapped) row: the heading goes over to the next page with its table."""
    from PySide6.QtGui import QPainter, QPdfWriter

    writer = QPdfWriter(str(tmp_path / "t.pdf"))
    writer.setResolution(RESOLUTION_DPI)
    painter = QPainter(writer)
    try:
        doc = Document(painter, PdfOptions(), _content())
        doc.new_page()
        reason = "no site in reach has room for it, " * 12
        table = Table(["Need", "Why"], [["N1", reason]], [1, 6], wrap=frozenset({1}))
        _w, header_h, row_hs = table_measures(doc, table, doc.frame_w, doc.f_small)
        assert row_hs[0] > 3 * doc.fm(doc.f_small).height()  # the reason wraps
        heading_h = doc.line_h(doc.f_h2) + doc.mm(1.8)
        # the old rule (heading plus 10 mm) fits; heading, header and first row do not
        doc.y = doc.body.bottom() - heading_h - max(doc.mm(12), header_h + row_hs[0] / 2)
        pages = len(doc.pages)
        heading_with_table(doc, "Unplaced needs", table)
        assert len(doc.pages) == pages + 1 and doc.y < doc.body.top() + 2 * heading_h
        flow_table(doc, table, min_rows=1)
        assert len(doc.pages) == pages + 1  # the table follows on the heading's page
    finally:
        painter.end()


def test_a_total_row_goes_on_with_the_row_above_it(qapp, tmp_path):
    """Room for the header and both rows of a table but not its total: the second row goes
    over to the next page with the total, never the total alone under a repeated header."""
    from PySide6.QtGui import QPainter, QPdfWriter

    writer = QPdfWriter(str(tmp_path / "t.pdf"))
    writer.setResolution(RESOLUTION_DPI)
    painter = QPainter(writer)
    try:
        doc = Document(painter, PdfOptions(), _content())
        doc.new_page()
        table = Table(["Provider", "Mon"], [["Acme", "2"], ["Bloom", "1"],
                                            ["Desks in use of 4", "3"]], [3, 1],
                      span_rows=frozenset({2}))
        _w, header_h, row_hs = table_measures(doc, table, doc.frame_w, doc.f_small)
        doc.y = doc.body.bottom() - header_h - row_hs[0] - row_hs[1] - row_hs[2] / 2
        pages = len(doc.pages)
        flow_table(doc, table, min_rows=1)
        assert len(doc.pages) == pages + 1
        # on the new page: the header, Bloom's row and the total
        assert doc.y == pytest.approx(doc.body.top() + header_h + row_hs[1] + row_hs[2]
                                      + doc.mm(2.5))
    finally:
        painter.end()


def _content():
    from estates_planner.report.content import build_report_content

    sc = pb.scenario()
    return build_report_content(sc, pb.plan(sc), created=DAY)
