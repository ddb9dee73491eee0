"""The headline figures block, the region table, the short summary layout and the provider
pack.

Money is kept apart from weights and penalties (issue #13): the annual property cost is the
only figure in pounds that is money; travel is in person-km with the value its weight puts on
it; the planning weights are labelled as weights; the penalty for needs not placed appears
only in the optimiser score's breakdown. The figures and their wording come from
:mod:`estates_planner.report.figures` (as in the app and the CLI), the region table from
:mod:`estates_planner.report.regions`; the provider pack's facts from
:mod:`estates_planner.optimise.explain` (the same as the app's provider view).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from estates_planner.model import Scenario
from estates_planner.optimise.explain import PlanExplainer, SiteOption
from estates_planner.optimise.result import PlanResult
from estates_planner.render.pdf.document import ACCENT, MUTED, Document
from estates_planner.render.pdf.maps import ReportMaps
from estates_planner.render.pdf.tables import (
    Table,
    flow_table,
    heading_with_table,
    table_height,
)
from estates_planner.render.pdf.unplaced import layout_unplaced_and_journeys
from estates_planner.report.content import SHORT_LOT, money, percent
from estates_planner.report.extents import extent_of, padded_extent
from estates_planner.report.figures import (
    SCORE_EXPLANATION,
    PlanFigures,
    compute_figures,
    figure_rows,
    format_figure,
)
from estates_planner.report.kpis import format_value
from estates_planner.report.regions import RegionRow, region_rows
from estates_planner.report.rota import need_days_text


def gbp(value: float) -> str:
    """Pounds as the app's key figures print them (``report.kpis.format_value``)."""
    return format_value(value, "£")


# needs not placed and long journeys listed in the short summary at most (it must stay
# within six pages; the full layout lists them all)
SUMMARY_UNPLACED_ROWS = 40
# a provider pack names per need its best allowed options (then "and N more")
PACK_ALLOWED = 3


def headline_tables(figures: PlanFigures) -> list[Table]:
    """One table per section of :func:`report.figures.figure_rows` (money, travel, needs,
    planning weights, optimiser score), worded and formatted as the app and the CLI show
    them: only money carries £; weights and the score are points."""
    sections: dict[str, list[list[str]]] = {}
    for row in figure_rows(figures):
        sections.setdefault(row.section, []).append(
            [row.label, format_figure(row.value, row.unit)])
    tables = []
    for section, rows in sections.items():
        bold = {0} if section.startswith("Money") else set()
        if section.startswith("Optimiser score"):
            bold = {len(rows) - 1}
        tables.append(Table([section, "Value"], rows, [3.2, 1.3], align_right=frozenset({1}),
                            bold_rows=frozenset(bold)))
    return tables


def layout_headline(doc: Document, figures: PlanFigures) -> None:
    """The headline figures in two columns: money, travel and needs; then the planning
    weights and the optimiser score (the only home of the unplaced penalty) with its
    explanation."""
    tables = headline_tables(figures)
    doc.begin_columns(2)
    for table in tables[:3]:
        flow_table(doc, table)
    doc.column_break(1)
    for table in tables[3:]:
        flow_table(doc, table)
    doc.text(f"{SCORE_EXPLANATION} It adds the annual property cost, the weighted travel, "
             "the planning weights and the penalty for each need not placed.", doc.f_tiny,
             color=MUTED)
    doc.end_columns()


def region_table(rows: Sequence[RegionRow]) -> Table:
    body = [[r.region, str(r.sites_used), str(r.needs_placed), str(r.needs_unplaced),
             gbp(r.annual_property_cost_gbp),
             f"{r.authority[0]} of {r.authority[1]} ({percent(*r.authority)})",
             f"{r.paired[0]} of {r.paired[1]} ({percent(*r.paired)})"] for r in rows]
    total = [sum(getattr(r, k) for r in rows) for k in ("sites_used", "needs_placed",
                                                        "needs_unplaced")]
    auth = (sum(r.authority[0] for r in rows), sum(r.authority[1] for r in rows))
    pair = (sum(r.paired[0] for r in rows), sum(r.paired[1] for r in rows))
    body.append(["All regions", *map(str, total),
                 gbp(sum(r.annual_property_cost_gbp for r in rows)),
                 f"{auth[0]} of {auth[1]} ({percent(*auth)})",
                 f"{pair[0]} of {pair[1]} ({percent(*pair)})"])
    return Table(["Region", "Sites used", "Needs placed", "Not placed",
                  "Annual property cost", "ETE/acc. in authority sites",
                  "Wellbeing paired"], body, [2.4, 0.8, 0.9, 0.8, 1.3, 1.5, 1.3],
                 align_right=frozenset(range(1, 7)), wrap=frozenset({0}),
                 bold_rows=frozenset({len(body) - 1}))


def region_figures_line(row: RegionRow) -> str:
    """A region's figures under its heading: "£123,456 a year in property · 40 needs placed,
    2 not placed"."""
    placed = f"{row.needs_placed} need{'s' if row.needs_placed != 1 else ''} placed"
    return (f"annual property cost {gbp(row.annual_property_cost_gbp)} · {placed}, "
            f"{row.needs_unplaced} not placed")


def layout_short_summary(doc: Document, scenario: Scenario, result: PlanResult,
                         regions: Sequence[str] | None = None) -> None:
    """The summary layout after its cover: headline figures, a table per region, the needs
    not placed with their reasons, the rules and weights in force (a few pages)."""
    c = doc.content
    doc.new_page()
    doc.bookmark("Headline figures", 0)
    doc.heading("Summary", doc.f_h1, keep_with_mm=0)
    doc.text(f"{c.status_text}. {c.travel_text}.", doc.f_small, color=MUTED,
             gap_after_mm=3)
    layout_headline(doc, c.figures or compute_figures(scenario, result))
    table = region_table(region_rows(scenario, result, regions))
    doc.bookmark("Regions", 0)
    heading_with_table(doc, "Regions", table)
    flow_table(doc, table, min_rows=3)
    layout_unplaced_and_journeys(doc, scenario, result, SUMMARY_UNPLACED_ROWS)
    doc.bookmark("Rules and weights", 0)
    rules = Table(["Rule", "What it says", "In force"], [list(r) for r in c.rules],
                  [0.6, 3.4, 1.6], wrap=frozenset({1, 2}))
    weights = Table(["Weight", "Value"], [list(w) for w in c.weights], [2.4, 2],
                    wrap=frozenset({0, 1}))
    half = (doc.body.width() - doc.mm(8)) / 2
    doc.ensure(doc.line_h(doc.f_h2) + doc.mm(2) + max(table_height(doc, rules, half, False),
                                                       table_height(doc, weights, half, False)))
    heading_with_table(doc, "Rules and weights in force", rules)
    doc.begin_columns(2)
    flow_table(doc, rules)
    doc.column_break(1)
    flow_table(doc, weights)
    doc.end_columns()


# --- the provider pack -------------------------------------------------------------------

def layout_provider_pack(doc: Document, maps: ReportMaps, scenario: Scenario,
                         result: PlanResult, provider: str) -> None:
    """One provider's pack: its figures and a map of its sites, where each need sits, on
    which weekdays and why, its partners at each site, and each need's options (allowed and
    blocked, with the rule), from the same explainer as the app's provider view."""
    c = doc.content
    ds = scenario.dataset
    explainer = PlanExplainer(scenario, result)
    options = explainer.provider_options(provider)
    needs = [ds.need(nid) for nid in options]
    placed = [n for n in needs if result.allocation(n.need_id).site_id is not None]
    unplaced = [n for n in needs if result.allocation(n.need_id).site_id is None]
    desk_cost = sum(result.allocation(n.need_id).desk_cost for n in placed)
    person_km = sum(n.caseload * (result.allocation(n.need_id).travel_km or 0.0)
                    for n in placed)
    site_ids = sorted({result.allocation(n.need_id).site_id for n in placed})

    doc.new_page()
    doc.bookmark(f"Provider pack: {provider}", 0)
    mm = doc.mm
    doc.add(lambda p: p.fillRect(QRectF(doc.body.left(), doc.body.top(), mm(18), mm(1.6)),
                                 ACCENT))
    doc.y += mm(5)
    doc.text(f"Provider pack: {provider}", doc.f_title, gap_after_mm=1)
    doc.text(f"{c.project_name} — scenario “{c.scenario_name}” · "
             f"{c.created.strftime('%-d %B %Y')}", doc.f_subtitle, color=MUTED,
             gap_after_mm=2)
    doc.text(f"{c.status_text}. {c.travel_text}.", doc.f_small, color=MUTED, gap_after_mm=2)
    desks_out = sum(n.desks for n in unplaced)
    facts = Table(["Figure", "Value"], [
        ["Needs", str(len(needs))],
        ["Placed", f"{len(placed)} at {len(site_ids)} site{'s' if len(site_ids) != 1 else ''}"],
        ["Not placed", f"{len(unplaced)} ({desks_out} desk{'s' if desks_out != 1 else ''})"],
        ["Desk cost of its needs (money)", money(desk_cost) + " a year"],
        ["Service-user travel", f"{person_km:,.0f} person-km"],
    ], [2.5, 2], align_right=frozenset({1}))
    flow_table(doc, facts, width=doc.body.width() * 0.6, title="Figures")

    # a map of its sites and its needs' service-user points, picked out on the plan
    points = [ds.site(s).xy for s in site_ids] + [n.xy for n in needs]
    extent = padded_extent(extent_of(points), 0.08, 20_000.0)
    room = doc.body.bottom() - doc.y - mm(2)
    if room < mm(90):
        doc.new_page()
        room = doc.body.height() - mm(2)
    rect = QRectF(doc.body.left(), doc.y, doc.body.width(), min(room, mm(150)))
    need_ids = frozenset(n.need_id for n in needs)

    def draw_map(p: QPainter) -> None:
        content = maps.content
        before = (content.selected_site_ids, content.selected_need_ids)
        content.selected_site_ids = frozenset(site_ids)
        content.selected_need_ids = need_ids
        try:
            maps.draw_cover(p, rect, extent)
        finally:
            content.selected_site_ids, content.selected_need_ids = before
    doc.add(draw_map)
    doc.y = rect.bottom() + mm(3)

    # where each need sits and why: its site, journey and the next-best allowed site
    rows = []
    for n in sorted(needs, key=lambda n: (result.allocation(n.need_id).site_id is not None,
                                          n.region, n.pdu, n.need_id)):
        a = result.allocation(n.need_id)
        site = ds.site(a.site_id).name if a.site_id else "— not placed —"
        km = "" if a.travel_km is None else f"{a.travel_km:.1f}"
        days = need_days_text(n, a) or f"{n.days_per_week} a week"
        rows.append([n.need_id, SHORT_LOT[n.lot], n.pdu, str(n.desks), days,
                     site, km, _why(explainer, n.need_id)])
    table = Table(["Need", "Lot", "PDU", "Desks", "Days", "Site", "Km",
                   "Why there: the next-best allowed site, and the score it would add"],
                  rows, [0.7, 1.1, 1.4, 0.4, 1.1, 1.8, 0.5, 3.6],
                  align_right=frozenset({3, 6}), wrap=frozenset({2, 4, 5, 7}))
    doc.bookmark("Where each need sits and why", 0)
    heading_with_table(doc, "Where each need sits and why", table)
    doc.text("Days: the weekdays each need is in under the plan's rota, “(fixed)” where its "
             "data fixes them. The next-best allowed site and how much moving the need there "
             "alone would add to the optimiser score (a score, not money), with the term that "
             "grows most.",
             doc.f_tiny, color=MUTED)
    flow_table(doc, table, min_rows=1)

    # partners at each of its sites
    partner_rows = []
    for sid in site_ids:
        here = [n.need_id for n in placed if result.allocation(n.need_id).site_id == sid]
        current = next(o for o in options[here[0]] if o.is_current)
        others = Counter(f"{p} ({lot.label})" for p, lot in current.partners if p != provider)
        text = ", ".join(f"{k} ×{v}" if v > 1 else k for k, v in sorted(others.items()))
        partner_rows.append([ds.site(sid).name, ds.site(sid).region, ", ".join(here),
                             text or "none: only this provider"])
    if partner_rows:
        table = Table(["Site", "Region", "Its needs there", "Partners at the site"],
                      partner_rows, [2, 1.4, 1.2, 4], wrap=frozenset({0, 1, 2, 3}))
        doc.bookmark("Partners at each site", 0)
        heading_with_table(doc, "Partners at each site", table)
        flow_table(doc, table, min_rows=1)

    # each need's options: the allowed ones, best first, and the blocked ones by rule
    rows = [[n.need_id, *_option_cells(options[n.need_id])] for n in needs]
    table = Table(["Need", "Allowed sites (optimiser score more or less than now)",
                   "Blocked sites, by rule (nearest)"], rows, [0.6, 3.2, 3.2],
                  wrap=frozenset({1, 2}))
    doc.bookmark("Options for each need", 0)
    heading_with_table(doc, "Options for each need", table)
    doc.text("Allowed sites, the smallest change to the optimiser score first (a score, not "
             "money); blocked sites counted by the rule that stops them, with the nearest. "
             "The same options as the app's provider view.", doc.f_tiny,
             color=MUTED)
    flow_table(doc, table, min_rows=1)


def _why(explainer: PlanExplainer, need_id: str) -> str:
    """Why a need sits where it does: for a need not placed the explainer's words (the app's
    inspector text); for a placed one its next-best allowed site and what that would add to
    the optimiser score (a score, not money)."""
    ex = explainer.explain_need(need_id)
    if not ex.placed:
        return ex.text()
    if ex.pinned:
        return "Pinned to this site in the scenario."
    if not ex.alternatives:
        return f"The only allowed site {ex.scope}."
    alt = ex.alternatives[0]
    change = alt.cost_change
    mostly = f", mostly {alt.worse_term_label.lower()}" if alt.worse_term and change > 0 else ""
    return f"{alt.site_name}: {_score_change(change)}{mostly}"


def _score_change(change: float) -> str:
    """"4,258 points more" / "2,363 points less": a change in the optimiser score in words
    (points, not money; a sign before the number could be broken from it at a line end)."""
    return f"{abs(change):,.0f} points {'more' if change >= 0 else 'less'}"


def _option_cells(options: Sequence[SiteOption]) -> list[str]:
    """(allowed, blocked) text of one need's options."""
    allowed = [o for o in options if o.allowed]
    shown = []
    for o in allowed[:PACK_ALLOWED]:
        if o.is_current:
            shown.append(f"{o.site_name} (now)")
        else:
            shown.append(f"{o.site_name} ({_score_change(o.cost_change)})")
    more = len(allowed) - len(shown)
    allowed_text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "") or "none"
    blocked = [o for o in options if not o.allowed]
    rules = Counter(b.rule for o in blocked for b in o.blocked_by)
    blocked_text = "none"
    if blocked:
        nearest = min(blocked, key=lambda o: o.travel_km)
        first = nearest.blocked_by[0]
        blocked_text = (", ".join(f"{r} ×{k}" for r, k in sorted(rules.items()))
                        + f". Nearest: {nearest.site_name}, {nearest.travel_km:.1f} km "
                        f"({first})")
    return [allowed_text, blocked_text]
