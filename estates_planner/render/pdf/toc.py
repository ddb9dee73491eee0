"""The table of contents: the report's parts and regions with their page numbers, and under
each region its sites by page ("p. 6: Boston Probation Office, Chesterfield ...").

It is laid out after the rest of the report (the page numbers are known then) into pages of
its own that go in after the cover; its own length shifts the numbers, so it is laid out
again until its page count is steady (once or twice).

A contents that runs a few lines onto a last page would leave that page nearly blank
between the contents and the summary (the sample's England and Wales: 3 % of a page over).
Then the contents are set again tighter (less space between entries and lines) and that
setting is used if it saves the page; a longer overflow keeps the usual spacing and its
last page is the end of the contents, as with any section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainter

from estates_planner.render.pdf.document import ACCENT, INK, MUTED, Document, Op
from estates_planner.report.sentences import toc_sites_text

Anchor = tuple[int, str, int]  # level, title, page index in the report without the contents


# a last contents page filled less than this (share of the body) is worth saving
SHORT_LAST_PAGE = 1 / 3


@dataclass(frozen=True)
class Spacing:
    """The vertical spacing of the contents: the usual one and a tighter one."""

    entry_leading: float  # an entry's line height as a multiple of the font's height
    gap_after_mm: float  # below a region's list of sites
    below_heading_mm: float


USUAL = Spacing(entry_leading=1.15, gap_after_mm=0.9, below_heading_mm=1.0)
TIGHT = Spacing(entry_leading=1.0, gap_after_mm=0.25, below_heading_mm=0.0)


def layout_toc(make_doc, anchors: Sequence[Anchor],
               insert_at: int) -> tuple[list[list[Op]], list[float]]:
    """The contents pages for ``anchors`` of a report whose contents go in at page index
    ``insert_at``, and how far down each page they reach (0..1 of the body);
    ``make_doc()`` gives a fresh :class:`Document` to lay them out in."""
    pages, fill = _settled(make_doc, anchors, insert_at, USUAL)
    if len(pages) > 1 and fill[-1] < SHORT_LAST_PAGE:
        tight = _settled(make_doc, anchors, insert_at, TIGHT)
        if len(tight[0]) < len(pages):
            return tight
    return pages, fill


def _settled(make_doc, anchors: Sequence[Anchor], insert_at: int,
             spacing: Spacing) -> tuple[list[list[Op]], list[float]]:
    """Lay the contents out until the page count they assume is the count they take."""
    pages_guess = 1
    for _ in range(4):
        doc = make_doc()
        _lay_out(doc, anchors, insert_at, pages_guess, spacing)
        pages = doc.finish()
        fill = [doc.fill_fraction(i) for i in range(len(pages))]
        if len(pages) == pages_guess:
            break
        pages_guess = len(pages)
    return pages, fill


def _lay_out(doc: Document, anchors: Sequence[Anchor], insert_at: int, toc_pages: int,
             spacing: Spacing = USUAL) -> None:
    def number(index: int) -> int:
        return index + 1 + (toc_pages if index >= insert_at else 0)

    doc.new_page()
    doc.heading("Contents", doc.f_h1, keep_with_mm=0)
    doc.y += doc.mm(spacing.below_heading_mm)
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
        entry_h = doc.fm(doc.f_body).height() * spacing.entry_leading
        doc.ensure(entry_h + doc.text_h(doc.f_tiny, text, doc.body.width() - indent))
        _entry(doc, title, number(index), entry_h)
        if text:
            doc.text(text, doc.f_tiny, color=MUTED, gap_after_mm=spacing.gap_after_mm,
                     x=doc.body.left() + indent, width=doc.body.width() - indent)


def _entry(doc: Document, title: str, page: int, h: float) -> None:
    """"Title ........ 12": the title, dot leaders and the page number on the right, in a
    line ``h`` high."""
    font = doc.f_body
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
