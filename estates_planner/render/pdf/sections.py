"""Compact site cards: each region from a new page, then a card per site used, as tall as
the site needs, several to a page.

A card is a title bar (kind colour, name, kind · PDU · id), then a small location map on the
left and, beside it, the site's facts in one paragraph, its desk- and room-day bars, its week,
its nearby partners and the table of who is there. A small site takes about 50 mm, so four
or five share an A4 page; a card too tall for what is left of a page starts there when it is
a big one (its occupant table runs on overleaf with the header repeated), else on the next
page, so no page of a region is left mostly blank.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from estates_planner.model import Lot
from estates_planner.render.pdf.charts import capacity_bar
from estates_planner.render.pdf.document import (
    HEADER_FILL,
    INK,
    KIND_COLOURS,
    LEFT_TOP,
    LOT_COLOURS,
    MUTED,
    RIGHT_TOP,
    Document,
    draw_text,
    rule,
)
from estates_planner.render.pdf.maps import ReportMaps
from estates_planner.render.pdf.tables import Table, flow_table, table_height
from estates_planner.report.content import SHORT_LOT, RegionGroup, SiteSection
from estates_planner.report.sentences import (
    card_facts_line,
    nearby_partners_text,
    sites_in_region,
    weekly_line,
)

BAR_MM = 6.5  # the card's title bar
MAP_MM = 34.0  # the location map's side (A4 portrait)
GAP_MM = 3.0  # between cards
BARS_MM = 4.6  # the two capacity bars, side by side, each with its label on its left
# a card taller than this share of the page starts on the page it meets, its table running on
SPLIT_SHARE = 0.35
# nearby partners listed at most (then "and N more")
NEAR_PARTNERS = 4


def occupant_table(section: SiteSection) -> Table:
    """Who is at a site: provider (with its lot's colour), lot, need, PDU, desks, rooms,
    days a week, weekdays and journey (the desk-days are in the card's bar above)."""
    rows = []
    fills = {}
    lots = {lot.label: lot for lot in Lot}
    for i, o in enumerate(section.occupants):
        lot = lots.get(o.lot)
        rows.append([o.provider, SHORT_LOT[lot] if lot else o.lot, o.need_id, o.pdu,
                     str(o.desks), str(o.interview_rooms), str(o.days_per_week),
                     o.days or "any", "" if o.travel_km is None else f"{o.travel_km:.1f}"])
        if lot is not None:
            fills[i] = LOT_COLOURS[lot]
    return Table(["Provider", "Lot", "Need", "PDU", "Desks", "Rooms", "Days", "Weekdays",
                  "Km"], rows, [2.6, 1.3, 0.9, 1.8, 0.6, 0.6, 0.7, 1.2, 0.8],
                 align_right=frozenset({4, 5, 6, 8}), wrap=frozenset({0, 3}), fills=fills,
                 pad_mm=0.6)


class _Card:
    """One card's measured parts (device units)."""

    def __init__(self, doc: Document, sec: SiteSection):
        mm = doc.mm
        self.sec = sec
        self.map_size = min(mm(MAP_MM), doc.frame_w * 0.3)
        self.right_x_off = self.map_size + mm(4)
        self.right_w = doc.frame_w - self.right_x_off
        self.facts = card_facts_line(sec)
        # the week and the nearby partners share a paragraph: most sites have no partner
        # nearby, and a line of its own for "none" would cost every card a line
        self.week = weekly_line(sec) + " " + nearby_partners_text(sec, NEAR_PARTNERS)
        self.table = occupant_table(sec)
        f = doc.f_small
        self.text_h = (doc.text_h(f, self.facts, self.right_w) + mm(1.2) + mm(BARS_MM)
                       + doc.text_h(f, self.week, self.right_w) + mm(1.5))
        self.table_h = table_height(doc, self.table, self.right_w, False)
        self.head_h = mm(BAR_MM) + mm(1.5)
        self.height = self.head_h + max(self.map_size, self.text_h + self.table_h) + mm(GAP_MM)
        # the least that must fit to start the card here: title, map and two table rows
        first_rows = table_height(doc, dataclasses.replace(self.table,
                                                           rows=self.table.rows[:2]),
                                  self.right_w, False)
        self.start_h = self.head_h + max(self.map_size, self.text_h + first_rows)


def layout_sections(doc: Document, maps: ReportMaps,
                    region_lines: dict[str, str] | None = None) -> None:
    """Each region from a new page with its heading (and ``region_lines[region]``, a line of
    its figures), then its sites' cards."""
    for group in doc.content.regions:
        layout_region_cards(doc, maps, group, (region_lines or {}).get(group.name, ""))


def layout_region_cards(doc: Document, maps: ReportMaps, group: RegionGroup,
                        figures: str = "") -> None:
    doc.new_page()
    doc.bookmark(group.name, 0)
    doc.page_region[len(doc.pages) - 1] = group.name
    doc.heading(group.name, doc.f_h1, keep_with_mm=0)
    line = sites_in_region(len(group.sections)) + (f" · {figures}" if figures else "")
    doc.text(line, doc.f_small, color=MUTED, gap_after_mm=3)
    # wide paper (A4 or A3 landscape, A3 portrait): cards in two columns, not stretched
    doc.begin_columns(2 if doc.body.width() > doc.mm(250) else 1, 10)
    for section in group.sections:
        card = _Card(doc, section)
        room = doc.space()
        big = card.height > SPLIT_SHARE * doc.body.height()
        if card.height > room and not (big and card.start_h <= room):
            doc.new_page()
        start = len(doc.pages) - 1
        _layout_card(doc, card, maps)
        for page in range(start, len(doc.pages)):  # a long table may have run on
            doc.page_region[page] = group.name
    doc.end_columns()


def _layout_card(doc: Document, card: _Card, maps: ReportMaps) -> None:
    mm = doc.mm
    sec = card.sec
    site = sec.site
    x0, w = doc.frame_x, doc.frame_w
    bar_h = mm(BAR_MM)
    y = doc.y
    doc.bookmark(site.name, 1)
    kind_colour = KIND_COLOURS[site.kind]

    # the name wins the room in the title bar; the PDU in the grey note is shortened first
    name_w = min(doc.advance(doc.f_h3, site.name) + 1, w - mm(10) - mm(35))
    name = doc.fm(doc.f_h3).elidedText(site.name, Qt.TextElideMode.ElideRight, name_w)
    info_w = w - name_w - mm(10)
    fixed = f"{site.kind.label} ·  · {site.site_id}"
    pdu = doc.fm(doc.f_small).elidedText(site.pdu, Qt.TextElideMode.ElideRight,
                                         max(info_w - doc.advance(doc.f_small, fixed), mm(8)))
    info = doc.fm(doc.f_small).elidedText(f"{site.kind.label} · {pdu} · {site.site_id}",
                                          Qt.TextElideMode.ElideLeft, info_w)

    def title_bar(p: QPainter, y: float = y) -> None:
        p.fillRect(QRectF(x0, y, w, bar_h), HEADER_FILL)
        p.fillRect(QRectF(x0, y, mm(1.5), bar_h), kind_colour)
        draw_text(p, QRectF(x0 + mm(3.5), y + mm(1.3), name_w, bar_h), name, doc.f_h3,
                  INK, LEFT_TOP)
        draw_text(p, QRectF(x0 + w - info_w - mm(3), y + mm(1.6), info_w, bar_h),
                  info, doc.f_small, MUTED, RIGHT_TOP)
    doc.add(title_bar)
    doc.y += card.head_h
    top = doc.y
    where = (len(doc.pages), doc.col)

    size = card.map_size
    map_rect = QRectF(x0, top, size, size)
    extent = maps.site_extent(site.site_id)
    doc.add(lambda p: maps.draw_site(p, map_rect, site.site_id, extent))

    fx, fw = x0 + card.right_x_off, card.right_w
    ry = top
    ry = _paragraph(doc, card.facts, fx, ry, fw) + mm(1.2)
    half = (fw - mm(5)) / 2
    bars = (("Desk-days a week", sec.desk_days_used, sec.desk_days_available),
            ("Room-days a week", sec.room_days_used, sec.room_days_available))
    for k, (label, used, avail) in enumerate(bars):
        rect = QRectF(fx + k * (half + mm(5)), ry, half, mm(4))
        doc.add(lambda p, r=rect, lb=label, u=used, a=avail:
                capacity_bar(p, doc, r, lb, u, a, inline=True))
    ry += mm(BARS_MM)
    ry = _paragraph(doc, card.week, fx, ry, fw) + mm(1.5)
    doc.y = ry
    flow_table(doc, card.table, indent=card.right_x_off, width=fw, min_rows=1)
    doc.y -= mm(2.5)  # flow_table's space after: the card's own gap follows
    if (len(doc.pages), doc.col) == where:
        doc.y = max(doc.y, top + size)
    else:  # the table ran on into another column or page: the rule goes under it there
        x0 = doc.frame_x
    y_rule = doc.y + mm(GAP_MM) / 2
    doc.add(lambda p, y=y_rule: rule(p, x0, y, x0 + w))
    doc.y += mm(GAP_MM)


def _paragraph(doc: Document, text: str, x: float, y: float, width: float) -> float:
    """Small text wrapped at ``width`` from (x, y); returns where it ends."""
    h = doc.text_h(doc.f_small, text, width)
    rect = QRectF(x, y, width, h + 2)
    doc.add(lambda p: draw_text(p, rect, text, doc.f_small, INK))
    return y + h
