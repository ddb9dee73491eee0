"""The site sections: each region from a new page, each site used with its title bar,
location map, facts, capacity bars, occupant table, weekly chart and partners."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from estates_planner.model import Lot
from estates_planner.render.pdf.charts import capacity_bar, partners_block, weekly_chart
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
from estates_planner.report.content import SiteSection
from estates_planner.report.sentences import (
    occupants_title,
    partners_text,
    sites_in_region,
    weekly_totals_text,
)


def _occupant_table(section: SiteSection) -> Table:
    rows = []
    fills = {}
    lots = {lot.label: lot for lot in Lot}
    for i, o in enumerate(section.occupants):
        rows.append([o.provider, o.lot, o.need_id, o.pdu, str(o.desks), str(o.interview_rooms),
                     str(o.days_per_week), o.days or "any", str(o.desk_days),
                     "" if o.travel_km is None else f"{o.travel_km:.1f}"])
        if o.lot in lots:
            fills[i] = LOT_COLOURS[lots[o.lot]]
    return Table(["Provider", "Lot", "Need", "PDU", "Desks", "Rooms", "Days/wk", "Weekdays",
                   "Desk-days", "Travel km"], rows,
                  [2.6, 1.7, 0.9, 1.4, 0.7, 0.7, 0.8, 1.4, 0.9, 0.9],
                  align_right=frozenset({4, 5, 6, 8, 9}), wrap=frozenset({0}), fills=fills)


def _facts_table(sec: SiteSection) -> Table:
    return Table(["Fact", "Value"], [list(f) for f in sec.facts], [1.0, 2.8],
                  show_header=False)


def _section_top_h(doc: Document, sec: SiteSection) -> float:
    """Title bar, then the taller of the location map and the facts with capacity bars."""
    fw = doc.frame_w - _map_size(doc) - doc.mm(6)
    facts = _facts_table(sec)
    right = table_height(doc, facts, fw, False) + doc.mm(1 + 2 * 9.5)
    return doc.mm(10) + max(_map_size(doc), right) + doc.mm(4)


def _map_size(doc: Document) -> float:
    return min(doc.mm(50), doc.frame_w * 0.34)


def _bottom_h(doc: Document, sec: SiteSection) -> float:
    """Height of the weekly chart and partners row: a chart needs room, totals do not."""
    if sec.weekly.by_day is not None:
        return doc.mm(33)
    half_w = (doc.frame_w - doc.mm(8)) / 2
    text = partners_text(sec)
    h = max(doc.text_h(doc.f_small, text, half_w), doc.text_h(doc.f_small, weekly_totals_text(sec),
                                                               half_w))
    return min(doc.mm(33), h + doc.mm(10))


def layout_sections(doc: Document, maps: ReportMaps) -> None:
    """Each region from a new page; its sites one after another, in two columns on wide
    paper (A4 or A3 landscape, A3 portrait) so the maps and tables keep a readable size."""
    c = doc.content
    for group in c.regions:
        doc.new_page()
        doc.heading(f"{group.name}", doc.f_h1, keep_with_mm=0)
        doc.text(sites_in_region(len(group.sections)), doc.f_small, color=MUTED,
                 gap_after_mm=3)
        doc.begin_columns(2 if doc.body.width() > doc.mm(250) else 1, 10)
        for section in group.sections:
            table = _occupant_table(section)
            doc.ensure(_section_top_h(doc, section) + _bottom_h(doc, section)
                       + table_height(doc, table, doc.frame_w, True))
            _layout_site(doc, section, table, maps)
        doc.end_columns()


def _layout_site(doc: Document, sec: SiteSection, table: Table, maps: ReportMaps) -> None:
    mm = doc.mm
    site = sec.site
    x0 = doc.frame_x
    w = doc.frame_w
    bar_h = mm(8)
    y = doc.y
    kind_colour = KIND_COLOURS[site.kind]

    # the name wins the room in the title bar; the PDU in the grey note is shortened first
    name_w = min(doc.advance(doc.f_h2, site.name) + 1, w - mm(10) - mm(35))
    name = doc.fm(doc.f_h2).elidedText(site.name, Qt.TextElideMode.ElideRight, name_w)
    info_w = w - name_w - mm(10)
    fixed = f"{site.kind.label} ·  · {site.site_id}"
    pdu = doc.fm(doc.f_small).elidedText(site.pdu, Qt.TextElideMode.ElideRight,
                                         max(info_w - doc.advance(doc.f_small, fixed), mm(8)))
    info = doc.fm(doc.f_small).elidedText(f"{site.kind.label} · {pdu} · {site.site_id}",
                                          Qt.TextElideMode.ElideLeft, info_w)

    def title_bar(p: QPainter, y: float = y) -> None:
        p.fillRect(QRectF(x0, y, w, bar_h), HEADER_FILL)
        p.fillRect(QRectF(x0, y, mm(1.5), bar_h), kind_colour)
        draw_text(p, QRectF(x0 + mm(4), y + mm(1.2), name_w, bar_h), name, doc.f_h2,
                   INK, LEFT_TOP)
        draw_text(p, QRectF(x0 + w - info_w - mm(3), y + mm(2.2), info_w, bar_h),
                   info, doc.f_small, MUTED, RIGHT_TOP)
    doc.add(title_bar)
    doc.y += bar_h + mm(2)

    # location map on the left, facts and capacity bars on the right
    size = _map_size(doc)
    map_rect = QRectF(x0, doc.y, size, size)
    extent = maps.site_extent(site.site_id)

    def location_map(p: QPainter) -> None:
        maps.draw_site(p, map_rect, site.site_id, extent)
    doc.add(location_map)

    fx = x0 + size + mm(6)
    fw = w - size - mm(6)
    fy = doc.y
    facts = _facts_table(sec)
    flow_table(doc, facts, x=fx, width=fw, min_rows=len(sec.facts))
    by = doc.y + mm(1)
    bars = [("Desk-days a week", sec.desk_days_used, sec.desk_days_available),
            ("Room-days a week", sec.room_days_used, sec.room_days_available)]
    for label, used, avail in bars:
        doc.add(lambda p, y=by, lb=label, u=used, a=avail: capacity_bar(
            p, doc, QRectF(fx, y, fw, mm(8)), lb, u, a))
        by += mm(9.5)
    doc.y = max(fy + size, by) + mm(4)

    flow_table(doc, table, title=occupants_title(len(sec.occupants)))

    # weekly occupancy and partners side by side
    bottom = _bottom_h(doc, sec)
    doc.ensure(bottom)
    x0 = doc.frame_x  # the table may have run on into the next column or page
    yb = doc.y
    half_w = (w - mm(8)) / 2
    doc.add(lambda p, y=yb: weekly_chart(p, doc, QRectF(x0, y, half_w, bottom - mm(4)), sec))
    px_x = x0 + half_w + mm(8)
    doc.add(lambda p, y=yb: partners_block(p, doc, QRectF(px_x, y, half_w, bottom - mm(4)),
                                            sec))
    doc.y = yb + bottom
    y_rule = doc.y - mm(2)
    doc.add(lambda p, y=y_rule: rule(p, x0, y, x0 + w, MUTED))
    doc.y += mm(3)
