"""The small charts of a site card: the capacity bars."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from estates_planner.render.pdf.document import (
    HEADER_FILL,
    INK,
    RULE,
    Document,
    draw_text,
)
from estates_planner.report.sentences import capacity_line


def capacity_bar(p: QPainter, doc: Document, rect: QRectF, label: str, used: int,
                 available: int, *, inline: bool = False) -> None:
    """"Desk-days a week: 12 of 20 used (60%)" over a bar filled green, amber (85 %) or red
    (full); ``inline`` puts the bar to the right of the text on one line (a site card)."""
    mm = doc.mm
    text = capacity_line(label, used, available)
    if inline:
        text_w = doc.advance(doc.f_small, text) + mm(2)
        draw_text(p, QRectF(rect.left(), rect.top(), text_w, rect.height()), text,
                  doc.f_small, INK, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop))
        bar = QRectF(rect.left() + text_w, rect.top() + mm(0.6),
                     max(rect.width() - text_w, mm(8)), mm(2.4))
    else:
        draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), mm(4)), text,
                  doc.f_small, INK, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop))
        bar = QRectF(rect.left(), rect.top() + mm(4.2), rect.width(), mm(3))
    p.fillRect(bar, HEADER_FILL)
    share = 0.0 if available <= 0 else min(used / available, 1.0)
    colour = QColor("#2e7d32") if share < 0.85 else QColor("#e8a33d") if share < 1.0 \
        else QColor("#c62828")
    p.fillRect(QRectF(bar.left(), bar.top(), bar.width() * share, bar.height()), colour)
    pen = QPen(RULE)
    pen.setWidthF(mm(0.2))
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(bar)
