"""Compact site cards: each region from a new page, then a card per site used, as tall as
the site needs, several to a page.

A card is a title bar (kind colour, name, kind · PDU · id), then a small location map on the
left and, beside it, the site's facts in one paragraph, its nearby partners and its week: the
table of who is there with a column per weekday (a bar on each day a need is in, from the
plan's rota, :func:`estates_planner.report.rota.site_week`), and under it the desks in use
each day of the site's, and the interview rooms where a day uses them all (issue 17). A
small site takes about 45 mm, so four or five share an A4 page; a card too tall for what is
left of a page starts there when it is a big one (its occupant table runs on overleaf with
the header repeated), else on the next page, so no page of a region is left mostly blank.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from estates_planner.model import WEEKDAYS, Lot
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
from estates_planner.render.pdf.tables import Bar, Table, flow_table, table_height
from estates_planner.report.content import SHORT_LOT, RegionGroup, SiteSection
from estates_planner.report.sentences import (
    WEEK_GRID_NOTE,
    card_facts_line,
    day_use_text,
    desks_row_label,
    nearby_partners_text,
    rooms_row_label,
    sites_in_region,
    week_missing_text,
)

BAR_MM = 6.5  # the card's title bar
MAP_MM = 34.0  # the location map's side (A4 portrait)
MAP_SMALL_MM = 24.0  # the least it shrinks to over a table that runs under it
GAP_MM = 3.0  # between cards
# a card taller than this share of the page starts on the page it meets, its table running on
SPLIT_SHARE = 0.35
# narrower than this beside the map, a card's table goes under it: its names and the five
# weekdays need about 130 mm (an A4 portrait card has 137 mm beside the map)
TABLE_BESIDE_MM = 120.0
# nearby partners listed at most (then "and N more")
NEAR_PARTNERS = 4


def occupant_table(section: SiteSection) -> Table:
    """Who is at a site and on which days: provider (with its lot's colour), lot, need, PDU,
    journey, interview rooms, then a column per weekday with a bar where the need is in with
    its desks (outlined and bold where its data fixes the day): no desks column, the bars
    say it and the card keeps its width for names. Under the needs the desks in use each day
    of the site's, and the interview rooms when some day uses them all."""
    rows = []
    fills = {}
    bars = {}
    lots = {lot.label: lot for lot in Lot}
    week = section.week
    first_day = 6
    for i, o in enumerate(section.occupants):
        lot = lots.get(o.lot)
        days = week.days_of(o.need_id)
        rows.append([o.provider, SHORT_LOT[lot] if lot else o.lot, o.need_id, o.pdu,
                     "" if o.travel_km is None else f"{o.travel_km:.1f}",
                     str(o.interview_rooms),
                     *(str(o.desks) if d in days else "" for d in range(len(WEEKDAYS)))])
        if lot is not None:
            fills[i] = LOT_COLOURS[lot]
            for d in days:
                bars[(i, first_day + d)] = Bar(LOT_COLOURS[lot], d in o.fixed_days)
    totals = [[desks_row_label(section), *[""] * (first_day - 1),
               *(day_use_text(d.desks_used, d.desks) for d in week.days)]]
    if week.rooms_bind:
        totals.append([rooms_row_label(section), *[""] * (first_day - 1),
                       *(day_use_text(d.rooms_used, d.rooms) for d in week.days)])
    days = range(first_day, first_day + len(WEEKDAYS))
    return Table(["Provider", "Lot", "Need", "PDU", "Km", "Rooms", *WEEKDAYS],
                 rows + totals, [2.6, 1.3, 0.9, 1.8, 0.7, 0.6, *[0.5] * len(WEEKDAYS)],
                 align_right=frozenset({4, 5}), wrap=frozenset({0, 3}), fills=fills,
                 pad_mm=0.6, bars=bars, center=frozenset(days),
                 span_rows=frozenset(range(len(rows), len(rows) + len(totals))))


class _Card:
    """One card's measured parts (device units)."""

    def __init__(self, doc: Document, sec: SiteSection):
        mm = doc.mm
        self.sec = sec
        self.map_size = min(mm(MAP_MM), doc.frame_w * 0.3)
        self.right_x_off = self.map_size + mm(4)
        self.right_w = doc.frame_w - self.right_x_off
        self.facts = card_facts_line(sec)
        # a plan without weekdays says so beside the nearby partners: a line of its own
        # would cost the card a line
        self.note = " ".join(t for t in (nearby_partners_text(sec, NEAR_PARTNERS),
                                         week_missing_text(sec)) if t)
        self.table = occupant_table(sec)
        # in a narrow column (A4 landscape, A3 portrait: two columns of cards) the table
        # beside the map would wrap every name; it goes under the map, the column's width
        self.table_below = self.right_w < mm(TABLE_BESIDE_MM)
        self.table_x_off = 0.0 if self.table_below else self.right_x_off
        self.table_w = doc.frame_w if self.table_below else self.right_w
        self.text_h = self._text_h(doc)
        if self.table_below:
            # the map need be no taller than the text beside it (nor under MAP_SMALL_MM): the
            # table starts under both, and the text gets the width the map gives up
            self.map_size = max(mm(MAP_SMALL_MM), min(self.map_size, self.text_h))
            self.right_x_off = self.map_size + mm(4)
            self.right_w = doc.frame_w - self.right_x_off
            self.text_h = self._text_h(doc)
        self.table_h = table_height(doc, self.table, self.table_w, False)
        self.head_h = mm(BAR_MM) + mm(1.5)
        # the least that must fit to start the card here: title, map and two table rows --
        # the whole table when only its totals would be left (they go with the row above)
        rows = self.table.rows
        first = 2 if any(k not in self.table.span_rows for k in range(2, len(rows))) \
            else len(rows)
        first_rows = table_height(doc, dataclasses.replace(self.table, rows=rows[:first]),
                                  self.table_w, False)
        if self.table_below:
            above = max(self.map_size + mm(1.5), self.text_h)
            self.height = self.head_h + above + self.table_h + mm(GAP_MM)
            self.start_h = self.head_h + above + first_rows
        else:
            self.height = (self.head_h + max(self.map_size, self.text_h + self.table_h)
                           + mm(GAP_MM))
            self.start_h = self.head_h + max(self.map_size, self.text_h + first_rows)


    def _text_h(self, doc: Document) -> float:
        """The facts and the note beside the map, at the width beside it."""
        f, mm = doc.f_small, doc.mm
        return (doc.text_h(f, self.facts, self.right_w) + mm(1.2)
                + doc.text_h(f, self.note, self.right_w) + mm(1.5))


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
    doc.text(line, doc.f_small, color=MUTED, gap_after_mm=0.6)
    doc.text(WEEK_GRID_NOTE, doc.f_small, color=MUTED, gap_after_mm=3)
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

    # x0 is bound now: it moves to the next column's below when the table runs on there
    def title_bar(p: QPainter, y: float = y, x0: float = x0) -> None:
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
    ry = _paragraph(doc, card.note, fx, ry, fw) + mm(1.5)
    doc.y = max(ry, top + size + mm(1.5)) if card.table_below else ry
    flow_table(doc, card.table, indent=card.table_x_off, width=card.table_w, min_rows=1)
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
