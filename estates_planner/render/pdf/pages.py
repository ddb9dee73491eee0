"""The cover, the summary, the appendix and the footer of the site plan."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter

from estates_planner.model import Scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.render.pdf.document import (
    ACCENT,
    CELL_PAD_MM,
    FOOTER_MM,
    INK,
    MARGIN_MM,
    MUTED,
    Document,
    PdfOptions,
    draw_text,
    page_size_mm,
    rule,
)
from estates_planner.render.pdf.maps import ReportMaps
from estates_planner.render.pdf.packs import layout_headline
from estates_planner.render.pdf.tables import Table, flow_table, grid_table
from estates_planner.render.pdf.unplaced import layout_unplaced_and_journeys
from estates_planner.report.content import percent
from estates_planner.report.figures import compute_figures
from estates_planner.report.sentences import (
    appendix_note,
    footer_left,
    locations_note,
    service_users_note,
    short_kind_label,
    summary_about,
)


def cover_map_rect_mm(options: PdfOptions) -> tuple[float, float, float, float]:
    """(left, top, width, height) of the cover map on the page, in millimetres.

    The map takes the lower part of the cover below the title block; tests use this to check
    that the map area has drawn content.
    """
    w, h = page_size_mm(options)
    top = MARGIN_MM + 68.0
    bottom = h - MARGIN_MM - FOOTER_MM - 4.0
    if options.landscape:
        left = MARGIN_MM + (w - 2 * MARGIN_MM) * 0.42
        return (left, MARGIN_MM, w - MARGIN_MM - left, bottom - MARGIN_MM)
    return (MARGIN_MM, top, w - 2 * MARGIN_MM, bottom - top)


def layout_cover(doc: Document, maps: ReportMaps) -> None:
    c = doc.content
    doc.new_page()
    mm = doc.mm
    landscape = doc.options.landscape
    left, top, width, height = cover_map_rect_mm(doc.options)
    map_rect = QRectF(mm(left), mm(top), mm(width), mm(height))
    text_w = (map_rect.left() - doc.body.left() - mm(6)) if landscape else doc.body.width()

    doc.add(lambda p: p.fillRect(QRectF(doc.body.left(), doc.body.top(), mm(18), mm(1.6)),
                                 ACCENT))
    doc.y += mm(5)
    doc.text(c.title, doc.f_title, width=text_w, gap_after_mm=1)
    doc.text(f"{c.project_name} — scenario “{c.scenario_name}”", doc.f_subtitle,
             color=MUTED, width=text_w, gap_after_mm=3)
    meta = [c.created.strftime("%-d %B %Y"), c.status_text, c.scope_text]
    if c.scenario_description:
        meta.insert(1, c.scenario_description)
    doc.text("  ·  ".join(meta) if not landscape else "\n".join(meta), doc.f_body,
             width=text_w, gap_after_mm=3)
    doc.text("Data sources", doc.f_small_bold, width=text_w, gap_after_mm=0.5)
    sources = "\n".join(c.data_sources)
    if not landscape and doc.text_h(doc.f_small, sources, text_w) > \
            map_rect.top() - doc.y - mm(2):
        sources = "; ".join(c.data_sources)  # one paragraph takes less height
    if landscape:
        doc.text(sources, doc.f_small, color=MUTED, width=text_w)
    else:
        # keep the source notes above the map, in at most the room that is left
        room = map_rect.top() - doc.y - mm(2)
        h = doc.text_h(doc.f_small, sources, text_w)
        rect = QRectF(doc.body.left(), doc.y, text_w, min(h, max(room, 0)) + 2)
        doc.add(lambda p, r=rect, t=sources: draw_text(p, r, t, doc.f_small, MUTED))

    extent = maps.cover_extent(doc.options.regions, doc.options.site_ids)

    def draw_cover_map(p: QPainter) -> None:
        maps.draw_cover(p, map_rect, extent)

    doc.add(draw_cover_map)
    if landscape:
        # regions listed beside the map on wide paper
        names = ", ".join(g.name for g in c.regions) or "none"
        doc.text(f"Site sections: {names}", doc.f_small, width=text_w, color=MUTED)


def layout_summary(doc: Document, scenario: Scenario, result: PlanResult) -> None:
    """The full layout's summary: headline figures (money apart from weights and the
    optimiser score, from :mod:`report.figures`), the other plan figures (the KPI rows of
    section "Plan"), placements, shares, rules and weights, changes, needs not placed and
    long journeys, after the service users' journeys per PDU."""
    c = doc.content
    doc.new_page()
    doc.bookmark("Summary", 0)
    _summary_title(doc, f"for: {c.summary_for}")
    doc.text(summary_about(c), doc.f_small, color=MUTED, gap_after_mm=3)
    # the headline rows (money, travel, needs, weights, score) are in their own block above
    other_rows = [[k.label, k.text] for k in c.kpis if k.group == "Plan"]
    kpi_other = Table(["Plan figure", "Value"], other_rows, [3, 1.3],
                      align_right=frozenset({1}))
    placed = c.placed_by_lot_kind
    placed_tbl = Table([short_kind_label(h) for h in placed[0]], placed[1:],
                        [2.2] + [1] * (len(placed[0]) - 1),
                        align_right=frozenset(range(1, len(placed[0]))),
                        bold_rows=frozenset({len(placed) - 2}))
    a_in, a_all = c.authority_share
    w_p, w_all = c.wellbeing_paired
    shares = Table(["Share", "Needs", "%"], [
        ["ETE/accommodation in authority sites", f"{a_in} of {a_all}", percent(a_in, a_all)],
        ["Wellbeing needs paired", f"{w_p} of {w_all}", percent(w_p, w_all)],
        ["Needs unplaced", str(len(c.unplaced)), ""],
    ], [3, 1.2, 0.8], align_right=frozenset({1, 2}))
    rules = Table(["Rule", "What it says", "In force"], [list(r) for r in c.rules],
                   [0.6, 3.4, 1.6], wrap=frozenset({1, 2}))
    weights = Table(["Weight", "Value"], [list(w) for w in c.weights], [2.4, 2],
                     wrap=frozenset({0, 1}))

    layout_headline(doc, c.figures or compute_figures(scenario, result))
    wide = doc.body.width() > doc.mm(250)
    doc.begin_columns(3 if wide else 2)
    flow_table(doc, kpi_other, title="Plan figures")
    doc.column_break(1)
    flow_table(doc, placed_tbl, title="Needs placed by lot and site kind")
    flow_table(doc, shares, title="Shares")
    if wide:
        doc.column_break(2)
    flow_table(doc, rules, title="Rules used")
    flow_table(doc, weights, title="Weights used")
    doc.end_columns()
    if c.edits:
        doc.heading("Changes in this scenario", doc.f_h2, keep_with_mm=8)
        for line in c.edits:
            doc.text("• " + line, doc.f_small, gap_after_mm=0.6)
        doc.y += doc.mm(2)

    _layout_service_users(doc)
    layout_unplaced_and_journeys(doc, scenario, result)


def _summary_title(doc: Document, scope: str) -> None:
    """"Summary" with what it covers beside it ("for: London, Wales") on the same baseline
    when that fits, so a limited summary costs the page no extra line."""
    room = doc.body.width() - doc.advance(doc.f_h1, "Summary") - doc.mm(3)
    if doc.advance(doc.f_h2, scope) > room:
        doc.heading("Summary", doc.f_h1)
        doc.text("Summary " + scope, doc.f_h2, gap_after_mm=1)
        return
    h = doc.line_h(doc.f_h1)
    base = doc.y + doc.fm(doc.f_h1).ascent()
    left = doc.body.left()
    x = left + doc.advance(doc.f_h1, "Summary") + doc.mm(3)

    def draw(p: QPainter) -> None:
        p.setFont(doc.f_h1)
        p.setPen(ACCENT)
        p.drawText(QPointF(left, base), "Summary")
        p.setFont(doc.f_h2)
        p.setPen(INK)
        p.drawText(QPointF(x, base), scope)
    doc.add(draw)
    doc.y += h + doc.mm(1)


def _layout_service_users(doc: Document) -> None:
    """Per PDU, under its region: the separate places its people attend and the mean
    journey to them. One heading row per region instead of a region column keeps the table
    to about a page for England and Wales."""
    c = doc.content
    # a long table starts where each column gets a fair run of rows, not a few at the foot
    # of the summary page; the heading and its note go with it
    rows = len(c.service_users or c.locations_per_pdu) + len(c.service_user_groups)
    columns = 3 if doc.body.width() > doc.mm(250) else 2
    row_h = doc.fm(doc.f_small).height() + 2 * doc.mm(CELL_PAD_MM)
    doc.ensure(doc.line_h(doc.f_h2) + doc.mm(12) + row_h * (1 + min(-(-rows // columns), 8)))
    doc.heading("Service users: separate locations and journeys per PDU", doc.f_h2)
    if not c.service_users:
        doc.text(locations_note(), doc.f_small, color=MUTED)
        by_region: dict[str, list[list[str]]] = {}
        for r, p, s, n in c.locations_per_pdu:
            by_region.setdefault(r, []).append([p, str(s), str(n)])
        grid_table(doc, ["PDU", "Sites", "Needs"], list(by_region.items()), [3, 0.8, 0.8])
        return
    minutes = c.has_journey_minutes
    doc.text(service_users_note(c), doc.f_small, color=MUTED)
    header = ["PDU", "Locations", "Mean km"] + (["Mean min"] if minutes else [])
    groups = []
    for region, lines in c.service_user_groups:
        rows = []
        for line in lines:
            km = "–" if line.mean_km is None else f"{line.mean_km:.1f}"
            if line.unreachable:
                km += f" ({line.unreachable} no road)"
            row = [line.pdu, str(line.locations), km]
            if minutes:
                row.append("–" if line.mean_minutes is None else f"{line.mean_minutes:.0f}")
            rows.append(row)
        groups.append((region, rows))
    grid_table(doc, header, groups, [3] + [0.8] * (len(header) - 1))


def layout_appendix(doc: Document) -> None:
    c = doc.content
    doc.new_page()
    doc.bookmark("Appendix: allocation of every need", 0)
    doc.heading("Appendix: allocation of every need", doc.f_h1, keep_with_mm=0)
    doc.text(appendix_note(c), doc.f_small, color=MUTED, gap_after_mm=2)
    # the site's kind is on its card; without it the rows fit one line each
    drop = c.appendix_header.index("Kind")
    header = [h for i, h in enumerate(c.appendix_header) if i != drop]
    rows = [[v for i, v in enumerate(row) if i != drop] for row in c.appendix]
    widths = [0.8, 2.0, 1.3, 1.6, 2.6, 0.5, 0.5, 0.5, 0.7, 1.6]
    right = frozenset({5, 6, 7, 8})
    flow_table(doc, Table(header, rows, widths, align_right=right,
                          wrap=frozenset({3, 4, 9}), pad_mm=0.45),
               title="Allocation", font=doc.f_tiny)


def draw_footer(doc: Document, p: QPainter, page: int, total: int) -> None:
    mm = doc.mm
    c = doc.content
    y = doc.page.height() - mm(MARGIN_MM) - mm(FOOTER_MM) + mm(4)
    rule(p, doc.body.left(), y, doc.body.right())
    left = footer_left(c)
    draw_text(p, QRectF(doc.body.left(), y + mm(1.2), doc.body.width() * 0.75, mm(4)),
               left, doc.f_tiny, MUTED, int(Qt.AlignmentFlag.AlignLeft))
    draw_text(p, QRectF(doc.body.left(), y + mm(1.2), doc.body.width(), mm(4)),
              f"Page {page} of {total}", doc.f_tiny, MUTED, int(Qt.AlignmentFlag.AlignRight))
    if c.travel_text:  # the one wording for how journeys are measured, on every page
        draw_text(p, QRectF(doc.body.left(), y + mm(4.2), doc.body.width() * 0.75, mm(4)),
                  c.travel_text + ".", doc.f_tiny, MUTED, int(Qt.AlignmentFlag.AlignLeft))
