"""The small charts of a site section: capacity bars, the weekly occupancy chart and the
co-location partners box."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from estates_planner.render.pdf.document import (
    ACCENT,
    HEADER_FILL,
    INK,
    RULE,
    Document,
    draw_text,
)
from estates_planner.report.content import WEEKDAYS, SiteSection
from estates_planner.report.sentences import capacity_line, partners_text, weekly_totals_text


def capacity_bar(p: QPainter, doc: Document, rect: QRectF, label: str, used: int,
                  available: int) -> None:
    mm = doc.mm
    text = capacity_line(label, used, available)
    draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), mm(4)), text, doc.f_small,
               INK, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop))
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


def weekly_chart(p: QPainter, doc: Document, rect: QRectF, sec: SiteSection) -> None:
    mm = doc.mm
    wk = sec.weekly
    draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), mm(4.5)), "Weekly occupancy",
               doc.f_h3, INK, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop))
    top = rect.top() + mm(5.5)
    if wk.by_day is None:
        draw_text(p, QRectF(rect.left(), top, rect.width(), rect.bottom() - top),
                   weekly_totals_text(sec), doc.f_small, INK)
        return
    spread = wk.unscheduled_desk_days / 5
    chart = QRectF(rect.left() + mm(7), top + mm(1), rect.width() - mm(8),
                   rect.bottom() - top - mm(9))
    top_value = max([wk.desks_per_day, 1] + [d + spread for d in wk.by_day])
    scale = chart.height() / top_value
    bw = chart.width() / 5
    p.setFont(doc.f_tiny)
    for i, day in enumerate(WEEKDAYS):
        fixed = wk.by_day[i]
        bx = chart.left() + i * bw + bw * 0.18
        h_fixed = fixed * scale
        h_spread = spread * scale
        p.fillRect(QRectF(bx, chart.bottom() - h_fixed, bw * 0.64, h_fixed), ACCENT)
        p.fillRect(QRectF(bx, chart.bottom() - h_fixed - h_spread, bw * 0.64, h_spread),
                   QColor("#9fb9d8"))
        p.setPen(INK)
        p.drawText(QRectF(bx - mm(1), chart.bottom() + mm(0.5), bw * 0.64 + mm(2), mm(3.5)),
                   int(Qt.AlignmentFlag.AlignCenter), day)
        total = fixed + spread
        p.drawText(QRectF(bx - mm(2), chart.bottom() - h_fixed - h_spread - mm(3.4),
                          bw * 0.64 + mm(4), mm(3.2)), int(Qt.AlignmentFlag.AlignCenter),
                   f"{total:.1f}".rstrip("0").rstrip("."))
    cap_y = chart.bottom() - wk.desks_per_day * scale
    pen = QPen(QColor("#c62828"))
    pen.setWidthF(mm(0.3))
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawLine(QPointF(chart.left(), cap_y), QPointF(chart.right(), cap_y))
    p.setPen(QColor("#c62828"))
    p.drawText(QRectF(rect.left(), cap_y - mm(1.6), mm(6.5), mm(3.2)),
               int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
               str(wk.desks_per_day))
    legend_y = rect.bottom() - mm(3.5)
    p.fillRect(QRectF(rect.left(), legend_y + mm(0.6), mm(2.5), mm(2.5)), ACCENT)
    p.fillRect(QRectF(rect.left() + rect.width() * 0.34, legend_y + mm(0.6), mm(2.5),
                      mm(2.5)), QColor("#9fb9d8"))
    p.setPen(INK)
    p.drawText(QRectF(rect.left() + mm(3.5), legend_y, rect.width() * 0.3, mm(3.5)),
               int(Qt.AlignmentFlag.AlignLeft), "desks on fixed days")
    p.drawText(QRectF(rect.left() + rect.width() * 0.34 + mm(3.5), legend_y,
                      rect.width() * 0.42, mm(3.5)), int(Qt.AlignmentFlag.AlignLeft),
               "rota or any day (spread evenly)")
    p.setPen(QColor("#c62828"))
    p.drawText(QRectF(rect.left() + rect.width() * 0.78, legend_y, rect.width() * 0.22,
                      mm(3.5)), int(Qt.AlignmentFlag.AlignLeft), "- - desks there")


def partners_block(p: QPainter, doc: Document, rect: QRectF, sec: SiteSection) -> None:
    mm = doc.mm
    draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), mm(4.5)),
               "Co-location partners", doc.f_h3, INK,
               int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop))
    r = QRectF(rect.left(), rect.top() + mm(5.5), rect.width(), rect.height() - mm(5.5))
    text = partners_text(sec)
    limit = sum(q.where != "same site" for q in sec.partners)
    while limit > 0 and doc.text_h(doc.f_small, text, r.width()) > r.height():
        limit -= 1  # too many partners for the box: list fewer and say how many more
        text = partners_text(sec, limit)
    draw_text(p, r, text, doc.f_small, INK)
