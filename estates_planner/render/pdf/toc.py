"""The table of contents: the report's parts and regions with their page numbers, and under
each region its sites by page ("p. 6: Boston Probation Office, Chesterfield ...").

It is laid out after the rest of the report (the page numbers are known then) into pages of
its own that go in after the cover; its own length shifts the numbers, so it is laid out
again until its page count is steady (once or twice).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainter

from estates_planner.render.pdf.document import ACCENT, INK, MUTED, Document, Op
from estates_planner.report.sentences import toc_sites_text

Anchor = tuple[int, str, int]  # level, title, page index in the report without the contents


def layout_toc(make_doc, anchors: Sequence[Anchor], insert_at: int) -> list[list[Op]]:
    """The contents pages for ``anchors`` of a report whose contents go in at page index
    ``insert_at``; ``make_doc()`` gives a fresh :class:`Document` to lay them out in."""
    pages_guess = 1
    for _ in range(4):
        doc = make_doc()
        _lay_out(doc, anchors, insert_at, pages_guess)
        pages = doc.finish()
        if len(pages) == pages_guess:
            return pages
        pages_guess = len(pages)
    return pages


def _lay_out(doc: Document, anchors: Sequence[Anchor], insert_at: int, toc_pages: int) -> None:
    def number(index: int) -> int:
        return index + 1 + (toc_pages if index >= insert_at else 0)

    doc.new_page()
    doc.heading("Contents", doc.f_h1, keep_with_mm=0)
    doc.y += doc.mm(1)
    k = 0
    while k < len(anchors):
        level, title, index = anchors[k]
        k += 1
        if level != 0 or index == 0:  # the cover needs no line
            continue
        sites: dict[int, list[str]] = {}
        while k < len(anchors) and anchors[k][0] == 1:
            sites.setdefault(number(anchors[k][2]), []).append(anchors[k][1])
            k += 1
        text = toc_sites_text(sorted(sites.items())) if sites else ""
        indent = doc.mm(4)
        # a region's line stays with its list of sites
        doc.ensure(doc.line_h(doc.f_body) + doc.text_h(doc.f_tiny, text,
                                                        doc.body.width() - indent))
        _entry(doc, title, number(index))
        if text:
            doc.text(text, doc.f_tiny, color=MUTED, gap_after_mm=0.9,
                     x=doc.body.left() + indent, width=doc.body.width() - indent)


def _entry(doc: Document, title: str, page: int) -> None:
    """"Title ........ 12": the title, dot leaders and the page number on the right."""
    font = doc.f_body
    h = doc.line_h(font)
    doc.ensure(h)
    base = doc.y + doc.fm(font).ascent()
    left, right = doc.body.left(), doc.body.right()
    num = str(page)
    num_w = doc.advance(font, num)
    title_w = doc.advance(font, title)
    dot_w = doc.advance(font, ". ")
    dots = max(int((right - left - title_w - num_w - doc.mm(4)) / dot_w), 0)

    def draw(p: QPainter) -> None:
        p.setFont(font)
        p.setPen(ACCENT)
        p.drawText(QPointF(left, base), title)
        p.setPen(MUTED)
        p.drawText(QPointF(right - num_w - doc.mm(2) - dots * dot_w, base), ". " * dots)
        p.setPen(INK)
        p.drawText(QPointF(right - num_w, base), num)
    doc.add(draw)
    doc.y += h
