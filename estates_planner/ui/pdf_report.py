"""The site plan as a PDF a person would print, drawn with QPdfWriter and QPainter.

Pages: a cover with a map of the chosen area, a summary (KPIs, placements, shares, locations
per PDU, unplaced needs, rules and weights), a section per site used grouped by region, and
the allocation appendix with its header repeated on every page. Every page has a footer with
the project, the scenario, the date and "Page i of N".

The content comes from :func:`estates_planner.report.content.build_report_content` (plain
Python, tested without Qt); this module only lays it out. Layout is done first into a list of
pages of drawing operations, so the page total is known before anything is drawn, and the
file is written to a temporary file and renamed, so a failed or cancelled export never leaves
half a PDF behind.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from estates_planner.errors import CancelledError, EstatesError, ExportError
from estates_planner.model import Lot, Scenario
from estates_planner.optimise.result import PlanResult
from estates_planner.report.content import (
    WEEKDAYS,
    ReportContent,
    SiteSection,
    build_report_content,
    percent,
    project_travel_model,
)
from estates_planner.report.exports import atomic_path
from estates_planner.ui.fonts import app_font, register_app_fonts
from estates_planner.ui.map import style as map_style
from estates_planner.ui.map.content import MapContent
from estates_planner.ui.map.render import (
    Extent,
    MapFrame,
    PreparedContent,
    RenderOptions,
    extent_of,
    padded_extent,
    render_map,
)

RESOLUTION_DPI = 300
PAPER_SIZES = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3}
MARGIN_MM = 15.0
FOOTER_MM = 9.0
CELL_PAD_MM = 0.9
ATTRIBUTION = ("Boundaries and figures are illustrative, not official. Sites and needs: "
               "project data. Grid: British National Grid (EPSG:27700).")

# colours shared by every map and chart in the report
INK = QColor("#1f2933")
MUTED = QColor("#616e7c")
RULE = QColor("#cbd2d9")
HEADER_FILL = QColor("#e4e7eb")
ZEBRA = QColor("#f5f7fa")
ACCENT = QColor("#1d4e89")
LOT_COLOURS = {Lot.ETE: QColor("#1f77b4"), Lot.ACCOMMODATION: QColor("#ff7f0e"),
               Lot.WELLBEING: QColor("#2ca02c"), Lot.WOMENS: QColor("#9467bd")}
# the site kinds in the map renderer's colours, so the report reads like the app
KIND_COLOURS = {kind: QColor(colour) for kind, colour in map_style.KIND_COLOURS.items()}


# share of the cover map's data width added to the east for the legend
COVER_LEGEND_ROOM = 0.3


@dataclass(frozen=True)
class PdfOptions:
    """What to print and on what paper.

    ``regions`` / ``site_ids`` limit the whole report: the cover map, the summary (whose
    figures then count only the chosen part, see
    :func:`estates_planner.report.content.summary_plan`), the site sections and the appendix.
    Empty means everything, and the summary's figures then equal the app's.
    """

    paper: str = "A4"
    landscape: bool = False
    regions: tuple[str, ...] = ()
    site_ids: tuple[str, ...] = ()
    title: str = "Site plan"
    created: date | None = None
    include_sections: bool = True
    include_appendix: bool = True

    def __post_init__(self) -> None:
        if self.paper.upper() not in PAPER_SIZES:
            raise ExportError(f"paper size must be A4 or A3, got {self.paper!r}")
        object.__setattr__(self, "paper", self.paper.upper())
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "site_ids", tuple(self.site_ids))


def page_size_mm(options: PdfOptions) -> tuple[float, float]:
    """(width, height) of the page in millimetres, after orientation."""
    size = QPageSize(PAPER_SIZES[options.paper]).size(QPageSize.Unit.Millimeter)
    w, h = size.width(), size.height()
    return (max(w, h), min(w, h)) if options.landscape else (min(w, h), max(w, h))


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


# --- entry point -----------------------------------------------------------------------------

def write_site_plan_pdf(project: Any, scenario_name: str, path: str | os.PathLike[str],
                        options: PdfOptions | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        cancel: Any = None) -> int:
    """Write the site plan of ``scenario_name`` in ``project`` to ``path``; return the pages.

    Parameters
    ----------
    project
        A :class:`estates_planner.project.Project` (``dataset``, ``scenarios``, ``results``,
        ``layers``, ``metadata``, ``path``). The scenario must have a result.
    progress
        Called as ``progress(pages_done, pages_total)`` while drawing.
    cancel
        Anything with ``is_set()``; checked between pages. A cancelled export raises
        :class:`CancelledError` and leaves no file.

    Needs a ``QGuiApplication`` (the CLI creates an offscreen one).
    """
    options = options or PdfOptions()
    scenario = _find_scenario(project, scenario_name)
    result = (getattr(project, "results", {}) or {}).get(scenario_name)
    if result is None:
        raise ExportError(f"scenario '{scenario_name}' has no plan yet; solve it before "
                          "exporting the site plan")
    register_app_fonts()
    try:  # the project's road network measures the service users' journeys
        travel_model = project_travel_model(project, scenario)
    except EstatesError:  # a damaged stored network: straight lines, and the PDF says so
        travel_model = None
    content = build_report_content(
        scenario, result, project_name=_project_name(project),
        metadata=getattr(project, "metadata", None) or {},
        regions=options.regions or None, site_ids=options.site_ids or None,
        created=options.created, title=options.title,
        travel_model=travel_model)
    maps = ReportMaps(project, scenario, result)

    target = Path(path)
    with atomic_path(target) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(RESOLUTION_DPI)
        writer.setPageSize(QPageSize(PAPER_SIZES[options.paper]))
        writer.setPageOrientation(QPageLayout.Orientation.Landscape if options.landscape
                                  else QPageLayout.Orientation.Portrait)
        writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
        writer.setTitle(f"{content.title}: {content.project_name} – {content.scenario_name}")
        writer.setCreator("Estates Planner")
        painter = QPainter()
        if not painter.begin(writer):
            raise ExportError(f"cannot write {target}: the PDF could not be started")
        try:
            doc = _Doc(painter, options, content)
            _layout_cover(doc, maps)
            _layout_summary(doc)
            if options.include_sections:
                _layout_sections(doc, maps)
            if options.include_appendix:
                _layout_appendix(doc)
            pages = doc.finish()
            for i, ops in enumerate(pages):
                if cancel is not None and cancel.is_set():
                    raise CancelledError("PDF export cancelled; no file was written")
                if i:
                    writer.newPage()
                for op in ops:
                    op(painter)
                _draw_footer(doc, painter, i + 1, len(pages))
                if progress is not None:
                    progress(i + 1, len(pages))
        finally:
            finished = painter.end()
        if not finished:  # Qt's only sign of a failed write (e.g. a full disk)
            raise ExportError(f"cannot write {target}: the PDF could not be written to the "
                              "disk (is it full?); "
                              + ("the previous file is unchanged" if target.exists()
                                 else "no file was written"))
    return len(pages)


def gui_application() -> Any:
    """The running Qt application, or a new ``QGuiApplication`` for headless use (the CLI).

    Without a display on Linux Qt's "offscreen" platform is used, so ``estates-planner
    export`` works on a server. Drawing a PDF needs an application object; it need not show
    anything.
    """
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") \
                and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["estates-planner"])
    return app


def _find_scenario(project: Any, name: str) -> Scenario:
    for sc in getattr(project, "scenarios", []) or []:
        if sc.name == name:
            return sc
    names = ", ".join(sc.name for sc in getattr(project, "scenarios", []) or []) or "none"
    raise ExportError(f"the project has no scenario '{name}'; it has: {names}")


def _project_name(project: Any) -> str:
    title = getattr(project, "title", None)
    if isinstance(title, str) and title:
        return title
    meta = getattr(project, "metadata", None) or {}
    for key in ("name", "project_name", "title"):
        if meta.get(key):
            return str(meta[key])
    path = getattr(project, "path", None)
    return Path(path).stem if path else "Estates Planner project"


# --- layout machinery ------------------------------------------------------------------------

Op = Callable[[QPainter], None]


class _Doc:
    """Pages of drawing operations, a cursor, fonts and measurements in device units."""

    def __init__(self, painter: QPainter, options: PdfOptions, content: ReportContent):
        self.options = options
        self.content = content
        self.device = painter.device()
        self.px_per_mm = RESOLUTION_DPI / 25.4
        w_mm, h_mm = page_size_mm(options)
        self.page = QRectF(0, 0, self.mm(w_mm), self.mm(h_mm))
        m = self.mm(MARGIN_MM)
        self.body = QRectF(m, m, self.page.width() - 2 * m,
                           self.page.height() - 2 * m - self.mm(FOOTER_MM))
        self.pages: list[list[Op]] = []
        self.y = self.body.top()
        # the column being filled: the whole body, or one of several (begin_columns)
        self.frame_x = self.body.left()
        self.frame_w = self.body.width()
        self.col_n, self.col, self.col_gap = 1, 0, 0.0
        self.col_top = self.col_max_y = self.y
        self.f_title = app_font(26, bold=True)
        self.f_subtitle = app_font(14)
        self.f_h1 = app_font(16, bold=True)
        self.f_h2 = app_font(11.5, bold=True)
        self.f_h3 = app_font(9, bold=True)
        self.f_body = app_font(8.5)
        self.f_small = app_font(7.5)
        self.f_small_bold = app_font(7.5, bold=True)
        self.f_tiny = app_font(6.5)
        self._metrics: dict[int, QFontMetricsF] = {}
        self.widths_cache: dict[tuple[int, int, int], list[float]] = {}
        self._advances: dict[tuple[int, str], float] = {}
        self._heights: dict[tuple[int, str, int], float] = {}

    # units and text measurement
    def mm(self, value: float) -> float:
        return value * self.px_per_mm

    def fm(self, font: QFont) -> QFontMetricsF:
        key = id(font)
        if key not in self._metrics:
            self._metrics[key] = QFontMetricsF(font, self.device)
        return self._metrics[key]

    def advance(self, font: QFont, text: str) -> float:
        key = (id(font), text)
        width = self._advances.get(key)
        if width is None:
            width = self._advances[key] = self.fm(font).horizontalAdvance(text)
        return width

    def line_h(self, font: QFont) -> float:
        return self.fm(font).height() * 1.15

    def text_h(self, font: QFont, text: str, width: float) -> float:
        if not text:
            return 0.0
        key = (id(font), text, round(width))
        height = self._heights.get(key)
        if height is None:
            if "\n" not in text and self.advance(font, text) <= width:
                height = self.fm(font).height()
            else:
                r = self.fm(font).boundingRect(QRectF(0, 0, width, 1e7), _WRAP, text)
                height = max(r.height(), self.fm(font).height())
            self._heights[key] = height
        return height

    # pages and the cursor
    def new_page(self) -> None:
        """Move on: to the next column when laying out in columns, else to a new page."""
        if self.col_n > 1 and self.col + 1 < self.col_n and self.pages:
            self.col_max_y = max(self.col_max_y, self.y)
            self.col += 1
            self.y = self.col_top
            self.frame_x = self.body.left() + self.col * (self.frame_w + self.col_gap)
            return
        self.pages.append([])
        self.y = self.body.top()
        if self.col_n > 1:
            self.col, self.col_top, self.col_max_y = 0, self.y, self.y
            self.frame_x = self.body.left()

    def begin_columns(self, n: int, gap_mm: float = 8.0) -> None:
        """Lay out what follows in ``n`` columns, newspaper-style, from the cursor down."""
        self.col_n, self.col, self.col_gap = n, 0, self.mm(gap_mm)
        self.col_top = self.col_max_y = self.y
        self.frame_x = self.body.left()
        self.frame_w = (self.body.width() - self.col_gap * (n - 1)) / n

    def column_break(self, to_column: int) -> None:
        """Continue in column ``to_column`` unless already there or past it."""
        if self.col_n > 1 and self.col < to_column:
            self.new_page()

    def end_columns(self) -> None:
        if self.col_n > 1:
            self.y = max(self.y, self.col_max_y)
        self.col_n, self.col = 1, 0
        self.frame_x, self.frame_w = self.body.left(), self.body.width()

    def add(self, op: Op) -> None:
        if not self.pages:
            self.new_page()
        self.pages[-1].append(op)

    def space(self) -> float:
        return self.body.bottom() - self.y

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` fits below the cursor (or the page is empty)."""
        top = self.col_top if self.col_n > 1 else self.body.top()
        if height > self.space() and self.y > top + 1:
            self.new_page()

    def finish(self) -> list[list[Op]]:
        return [p for p in self.pages]

    # simple blocks
    def text(self, text: str, font: QFont, *, color: QColor = INK, gap_after_mm: float = 1.5,
             x: float | None = None, width: float | None = None) -> float:
        width = self.frame_w if width is None else width
        h = self.text_h(font, text, width)
        self.ensure(h)
        x = self.frame_x if x is None else x
        rect = QRectF(x, self.y, width, h + 2)
        self.add(lambda p, r=rect, t=text, f=font, c=color: _draw_text(p, r, t, f, c))
        self.y += h + self.mm(gap_after_mm)
        return h

    def heading(self, text: str, font: QFont, keep_with_mm: float = 30.0) -> None:
        h = self.line_h(font)
        self.ensure(h + self.mm(keep_with_mm))
        self.text(text, font, color=ACCENT if font is self.f_h1 else INK, gap_after_mm=1.8)


def _draw_text(p: QPainter, rect: QRectF, text: str, font: QFont, color: QColor,
               flags: int = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                                | Qt.TextFlag.TextWordWrap)) -> None:
    p.setFont(font)
    p.setPen(color)
    p.drawText(rect, flags, text)


@dataclass
class _Table:
    """A table to flow over pages: widths are fractions of the width it is given."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float]
    align_right: frozenset[int] = frozenset()
    wrap: frozenset[int] = frozenset()
    bold_rows: frozenset[int] = frozenset()
    fills: dict[int, QColor] = field(default_factory=dict)  # row index -> swatch colour
    show_header: bool = True
    # rows that are group headings (e.g. a region over its PDUs): ``[title, note]`` drawn
    # across the table, kept with the row after them and repeated, "(continued)", at the top
    # of a new page or column
    group_rows: frozenset[int] = frozenset()


def grouped_rows(groups: Sequence[tuple[str, Sequence[Sequence[str]]]],
                 noun: tuple[str, str] = ("PDU", "PDUs")) -> tuple[list[list[str]],
                                                                 frozenset[int]]:
    """Rows for a :class:`_Table` with a heading row over each group: (rows, heading rows)."""
    rows: list[list[str]] = []
    heads = set()
    for title, members in groups:
        heads.add(len(rows))
        rows.append([title, f"{len(members)} {noun[0] if len(members) == 1 else noun[1]}"])
        rows.extend(list(m) for m in members)
    return rows, frozenset(heads)


def _table_measures(doc: _Doc, table: _Table, width: float, font: QFont
                    ) -> tuple[list[float], float, list[float]]:
    """(column widths, header height, height of each row) of ``table`` laid out ``width``
    wide: a group heading row gets a little air above it, wrapped cells their lines."""
    bold = doc.f_small_bold if font is doc.f_small else app_font(font.pointSizeF(), bold=True)
    pad = doc.mm(CELL_PAD_MM)
    col_w = _column_widths(doc, table, width, font, bold)
    base_h = doc.fm(font).height() + 2 * pad
    row_hs = []
    for k, row in enumerate(table.rows):
        h = base_h
        if k in table.group_rows:
            row_hs.append(_group_row_h(doc, font))
            continue
        for i in table.wrap:
            if i < len(row) and row[i]:
                inner = col_w[i] - 2 * pad - (_swatch_indent(doc, font) if i == 0
                                              and k in table.fills else 0.0)
                h = max(h, doc.text_h(font, row[i], inner) + 2 * pad)
        row_hs.append(h)
    return col_w, _header_h(doc, table, col_w, bold), row_hs


def _group_row_h(doc: _Doc, font: QFont) -> float:
    """A group heading row: a row's height and a little air above it."""
    return doc.fm(font).height() + 2 * doc.mm(CELL_PAD_MM) + doc.mm(1.2)


def _even_share(doc: _Doc, row_hs: Sequence[float], font: QFont) -> float:
    """One column's height when rows of ``row_hs`` are shared evenly between the columns:
    the mean plus the tallest row for rounding and a group heading that may be repeated."""
    return sum(row_hs) / doc.col_n + max(row_hs, default=0.0) + _group_row_h(doc, font)


def _heading_with_table(doc: _Doc, text: str, table: _Table) -> None:
    """A heading kept on the page of its table's header and first row: never alone at the
    foot of a page with the table starting overleaf."""
    _col_w, header_h, row_hs = _table_measures(doc, table, doc.frame_w, doc.f_small)
    start = header_h + sum(row_hs[:1])
    doc.ensure(doc.line_h(doc.f_h2) + doc.mm(1.8) + start)
    doc.heading(text, doc.f_h2, keep_with_mm=0)


def _flow_table(doc: _Doc, table: _Table, *, x: float | None = None,
                width: float | None = None, title: str = "",
                font: QFont | None = None, min_rows: int = 2, balance: bool = False) -> None:
    """Draw ``table`` at the cursor, continuing on new pages with the header repeated.

    Without ``x`` the table follows the current column (and moves with it when it runs on).
    With ``balance``, a table laid out in columns that fits in what is left of the page is
    shared evenly between the columns instead of filling the first one.
    """
    fixed_x = x
    width = doc.frame_w if width is None else width
    font = font or doc.f_small
    bold = doc.f_small_bold if font is doc.f_small else app_font(font.pointSizeF(), bold=True)
    pad = doc.mm(CELL_PAD_MM)
    col_w, header_h, row_hs = _table_measures(doc, table, width, font)
    groups = table.group_rows
    group_h = _group_row_h(doc, font)
    title_h = doc.line_h(doc.f_h3) if title else 0.0
    first = min(len(row_hs), min_rows)
    doc.ensure(title_h + header_h + sum(row_hs[:first]))
    bottom = doc.body.bottom()
    breaks: frozenset[int] = frozenset()  # rows that start a new column
    if balance and doc.col_n > 1 and doc.col == 0:
        breaks = _group_breaks(row_hs, groups, doc.col_n, bottom - doc.y - header_h)
        # else each column an even share of the rows
        share = _even_share(doc, row_hs, font)
        if not breaks and doc.y + header_h + share <= bottom:
            bottom = doc.y + header_h + share
    i = 0
    stripe = 0  # zebra stripes restart under each group heading
    group: int | None = None  # the heading of the group being drawn
    continued = False
    while True:
        if continued:
            doc.new_page()
            if doc.col == 0:  # a new page, not the next column
                bottom = doc.body.bottom()
                if balance and doc.col_n > 1:
                    # the rows left share this page's columns evenly when they fit on it,
                    # rather than filling the first column and leaving the others empty
                    share = _even_share(doc, row_hs[i:], font)
                    top = doc.y + title_h + header_h
                    if top + share <= bottom:
                        bottom = top + share
        x = doc.frame_x if fixed_x is None else fixed_x
        if title:
            doc.text(title + (" (continued)" if continued else ""), doc.f_h3,
                     gap_after_mm=0.8, x=x, width=width)
        y0 = doc.y
        if table.show_header:
            doc.add(lambda p, y=y0, c=list(table.header), x=x: _draw_row(
                p, x, y, col_w, header_h, c, bold, pad, table.align_right, HEADER_FILL, INK,
                frozenset(range(len(c))), None, doc))
        else:
            doc.add(lambda p, y=y0, x=x: _rule(p, x, y, x + width))
        doc.y += header_h
        if continued and group is not None and i not in groups:
            head = table.rows[group]
            doc.add(lambda p, y=doc.y, t=f"{head[0]} (continued)", x=x: _draw_group_row(
                p, doc, x, y, width, group_h, t, "", bold, pad))
            doc.y += group_h
        drawn = 0
        while i < len(table.rows):
            # a group heading goes on only with the first row of its group below it
            keep = row_hs[i + 1] if i in groups and i + 1 < len(table.rows) else 0.0
            if drawn and (i in breaks or doc.y + row_hs[i] + keep > bottom):
                break
            if i in groups:
                group, stripe = i, 0
                head = table.rows[i]
                doc.add(lambda p, y=doc.y, t=head[0], n=head[-1], x=x: _draw_group_row(
                    p, doc, x, y, width, group_h, t, n, bold, pad))
            else:
                fill = ZEBRA if stripe % 2 else None
                stripe += 1
                f = bold if i in table.bold_rows else font
                swatch = table.fills.get(i)
                doc.add(lambda p, y=doc.y, h=row_hs[i], c=list(table.rows[i]), f=f, fl=fill,
                        sw=swatch, x=x: _draw_row(p, x, y, col_w, h, c, f, pad,
                                                  table.align_right, fl, INK, table.wrap, sw,
                                                  doc))
            doc.y += row_hs[i]
            i += 1
            drawn += 1
        y_end = doc.y
        doc.add(lambda p, y1=y_end, x=x: _rule(p, x, y1, x + width))
        if i >= len(table.rows):
            break
        continued = True
    doc.y += doc.mm(2.5)


def _group_breaks(row_hs: Sequence[float], groups: frozenset[int], columns: int,
                  room: float, slack: float = 1.35) -> frozenset[int]:
    """Group headings to start the columns at, so that a short grouped table shares the
    columns without splitting a group; empty when no such split fits in ``room`` with no
    column over ``slack`` times an even share (then rows are shared out instead)."""
    total = sum(row_hs)
    if not groups or total <= 0:
        return frozenset()
    top: list[float] = []  # height above each row
    run = 0.0
    for h in row_hs:
        top.append(run)
        run += h
    starts = sorted(g for g in groups if g > 0)
    chosen: list[int] = []
    for k in range(1, columns):
        later = [g for g in starts if not chosen or g > chosen[-1]]
        if not later:
            break
        chosen.append(min(later, key=lambda g: abs(top[g] - k * total / columns)))
    edges = [0.0] + [top[g] for g in chosen] + [total]
    tallest = max(b - a for a, b in zip(edges, edges[1:], strict=False))
    if tallest > room or tallest > slack * total / columns:
        return frozenset()
    return frozenset(chosen)


def _header_h(doc: _Doc, table: _Table, col_w: Sequence[float], bold: QFont) -> float:
    if not table.show_header:
        return 0.0
    pad = doc.mm(CELL_PAD_MM)
    return max(doc.text_h(bold, h, cw - 2 * pad)
               for h, cw in zip(table.header, col_w, strict=True)) + 2 * pad


def _column_widths(doc: _Doc, table: _Table, width: float, font: QFont,
                   bold: QFont) -> list[float]:
    """Column widths that fit ``width``: natural widths first, extra space by the table's
    weights; when too wide, columns give up room in proportion to how far they can shrink
    (wrapping columns down to their longest word, others down to 12 mm, then elided)."""
    key = (id(table), round(width), id(font))
    cached = doc.widths_cache.get(key)
    if cached is not None:
        return cached
    pad = doc.mm(CELL_PAD_MM)
    fm = doc.fm(font)
    sample = [r for k, r in enumerate(table.rows[:600]) if k not in table.group_rows]
    natural: list[float] = []
    minimum: list[float] = []
    for i, head in enumerate(table.header):
        head_word = max((doc.advance(bold, w) for w in head.split()), default=0.0)
        swatch = fm.height() if (i == 0 and table.fills) else 0.0
        cells = [r[i] for r in sample if i < len(r)]
        longest = max((doc.advance(font, c) for c in cells), default=0.0)
        nat = max(doc.advance(bold, head), longest) + 2 * pad + swatch
        if i in table.wrap:
            word = max((doc.advance(font, w) for c in cells for w in c.split()),
                       default=0.0)
            low = max(head_word, min(word, doc.mm(28))) + 2 * pad + swatch
        else:
            low = max(head_word + 2 * pad, min(nat, doc.mm(12)))
        natural.append(nat)
        minimum.append(min(low, nat))
    total = sum(natural)
    if total <= width:
        weights = list(table.widths)
        extra = width - total
        widths = [n + extra * w / sum(weights) for n, w in zip(natural, weights, strict=True)]
    else:
        # wrapping columns give up room first (they only get taller), the widest first so
        # that no one column wraps to many lines while another stays wide; then the others,
        # each in proportion to what it can give
        widths = list(natural)
        need = total - width
        wrapping = [i for i in range(len(widths)) if i in table.wrap]
        others = [i for i in range(len(widths)) if i not in table.wrap]
        room = sum(widths[i] - minimum[i] for i in wrapping)
        if wrapping and room > 0:
            take = min(need, room)
            budget = sum(widths[i] for i in wrapping) - take
            level = _fill_level([natural[i] for i in wrapping], [minimum[i] for i in wrapping],
                                budget)
            for i in wrapping:
                widths[i] = min(natural[i], max(level, minimum[i]))
            need -= take
        slack = {i: widths[i] - minimum[i] for i in others}
        room = sum(slack.values())
        if room > 0 and need > 0:
            take = min(need, room)
            for i in others:
                widths[i] -= slack[i] * take / room
            need -= take
        if need > 1e-6:
            widths = [m * width / sum(minimum) for m in minimum]
    doc.widths_cache[key] = widths
    return widths


def _fill_level(natural: Sequence[float], minimum: Sequence[float], budget: float) -> float:
    """The width cap L with sum(min(natural, max(L, minimum))) == budget (water-filling)."""
    lo, hi = 0.0, max(natural, default=0.0)
    for _ in range(40):
        mid = (lo + hi) / 2
        if sum(min(n, max(mid, m)) for n, m in zip(natural, minimum, strict=True)) > budget:
            hi = mid
        else:
            lo = mid
    return lo


_LEFT_TOP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
_RIGHT_TOP = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
_WRAP = int(Qt.TextFlag.TextWordWrap)


def _draw_row(p: QPainter, x: float, y: float, col_w: Sequence[float], h: float,
              cells: Sequence[str], font: QFont, pad: float, right: frozenset[int],
              fill: QColor | None, color: QColor, wrap: frozenset[int],
              swatch: QColor | None = None, doc: _Doc | None = None) -> None:
    if fill is not None:
        p.fillRect(QRectF(x, y, sum(col_w), h), fill)
    p.setFont(font)
    p.setPen(color)
    fm = doc.fm(font) if doc is not None else QFontMetricsF(font, p.device())
    cx = x
    for i, (text, w) in enumerate(zip(cells, col_w, strict=False)):
        inner = QRectF(cx + pad, y + pad, w - 2 * pad, h - 2 * pad)
        cx += w
        if i == 0 and swatch is not None:
            s = fm.height() * 0.6
            p.fillRect(QRectF(inner.left(), inner.top() + (fm.height() - s) / 2, s, s), swatch)
            inner.setLeft(inner.left() + s * 1.6)
        if not text:
            continue
        align = _RIGHT_TOP if i in right else _LEFT_TOP
        if i in wrap:
            p.drawText(inner, align | _WRAP, text)
        else:
            # one line: place it at its baseline (much cheaper than laying out in a rect)
            width = doc.advance(font, text) if doc is not None else fm.horizontalAdvance(text)
            if width > inner.width():
                text = fm.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
                width = fm.horizontalAdvance(text)
            left = inner.right() - width if i in right else inner.left()
            p.drawText(QPointF(left, inner.top() + fm.ascent()), text)


def _draw_group_row(p: QPainter, doc: _Doc, x: float, y: float, width: float, h: float,
                    title: str, note: str, font: QFont, pad: float) -> None:
    """A group heading across a table: the title in bold accent, a note (a count) muted on
    the right, and a rule in the accent colour underneath."""
    fm = doc.fm(font)
    base = y + h - pad - fm.descent()
    note_w = doc.advance(doc.f_small, note) if note else 0.0
    room = width - 2 * pad - (note_w + doc.mm(3) if note else 0.0)
    if doc.advance(font, title) > room:
        title = fm.elidedText(title, Qt.TextElideMode.ElideRight, room)
    p.setFont(font)
    p.setPen(ACCENT)
    p.drawText(QPointF(x + pad, base), title)
    if note:
        p.setFont(doc.f_small)
        p.setPen(MUTED)
        p.drawText(QPointF(x + width - pad - note_w, base), note)
    _rule(p, x, y + h, x + width, ACCENT)


def _rule(p: QPainter, x0: float, y: float, x1: float, color: QColor = RULE) -> None:
    pen = QPen(color)
    pen.setWidthF(RESOLUTION_DPI / 25.4 * 0.25)
    p.setPen(pen)
    p.drawLine(QPointF(x0, y), QPointF(x1, y))


# --- maps ------------------------------------------------------------------------------------

class ReportMaps:
    """The maps of one report, drawn by the app's renderer (:mod:`estates_planner.ui.map`).

    The cover shows the whole plan (or the chosen regions); each site section shows a small
    location map centred on the site with its needs, the site ringed as if selected. Polygon
    layers are clipped to each small map's extent first, so the PDF does not carry the whole
    country's boundaries once per site.
    """

    def __init__(self, project: Any, scenario: Scenario, result: PlanResult):
        self.dataset = scenario.dataset
        self.scenario = scenario
        self.result = result
        self.layers = {name: _to_bng(gdf) for name, gdf in
                       (getattr(project, "layers", {}) or {}).items()
                       if gdf is not None and len(gdf)}
        # the land outline underneath, so its fill does not hide the region boundaries
        self.layers = dict(sorted(((k, v) for k, v in self.layers.items() if v is not None),
                                  key=lambda kv: kv[0] != "outline"))
        self.content = MapContent(self.dataset, result, scenario, dict(self.layers))
        self._prepared: PreparedContent | None = None
        self.needs_of_site: dict[str, list[tuple[float, float]]] = {}
        for a in result.allocations:
            if a.site_id is not None and self.dataset.has_need(a.need_id):
                self.needs_of_site.setdefault(a.site_id, []).append(
                    self.dataset.need(a.need_id).xy)

    @property
    def prepared(self) -> PreparedContent:
        if self._prepared is None:
            self._prepared = PreparedContent(self.content)
        return self._prepared

    def cover_extent(self, regions: Sequence[str], site_ids: Sequence[str]) -> Extent:
        """The chosen regions' polygons and points, or everything, with a margin."""
        points = [s.xy for s in self.dataset.sites
                  if (regions and s.region in regions) or s.site_id in site_ids]
        points += [n.xy for n in self.dataset.needs if regions and n.region in regions]
        boxes = []
        layer = self.layers.get("regions")
        if regions and layer is not None:
            col = next((c for c in ("region", "name", "NAME") if c in layer.columns), None)
            if col is not None:
                chosen = layer[layer[col].astype(str).isin(list(regions))]
                if len(chosen):
                    x0, y0, x1, y1 = chosen.total_bounds
                    points += [(x0, y0), (x1, y1)]
        if not points:
            return padded_extent(self.prepared.data_extent(), 0.03)
        boxes = extent_of(points)
        return padded_extent(boxes, 0.06, 5000.0)

    def site_extent(self, site_id: str) -> Extent:
        """A square round the site and the service-user points of its needs (≥ 12 km)."""
        site = self.dataset.site(site_id)
        pts = [site.xy, *self.needs_of_site.get(site_id, [])]
        x0, y0, x1, y1 = extent_of(pts) or (*site.xy, *site.xy)
        half = max(6000.0, (x1 - x0) / 2 * 1.15, (y1 - y0) / 2 * 1.15)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return (cx - half, cy - half, cx + half, cy + half)

    def draw_cover(self, p: QPainter, rect: QRectF, extent: Extent) -> None:
        options = RenderOptions(attribution=ATTRIBUTION, font=app_font(7))
        # the legend sits in the top-right corner: leave room east of the data for it, as
        # the app's map does, so it never covers East Anglia or Kent
        x0, y0, x1, y1 = extent
        self._render(p, rect, (x0, y0, x1 + COVER_LEGEND_ROOM * (x1 - x0), y1), options)

    def draw_site(self, p: QPainter, rect: QRectF, site_id: str, extent: Extent) -> None:
        # one prepared content for every location map: the site is picked out as a selection
        self.content.selected_site_ids = frozenset({site_id})
        try:
            self._render(p, rect, extent, RenderOptions(legend=False, font=app_font(6.5)))
        finally:
            self.content.selected_site_ids = frozenset()

    def _render(self, p: QPainter, rect: QRectF, extent: Extent,
                options: RenderOptions) -> None:
        """Render with only the area labels whose anchor lies well inside the map.

        A label outside the map is clipped from view but its text would still be in the
        PDF, where a search or a copy would find "Yorkshire" on a page about Swindon.
        """
        prepared = self.prepared
        layers = prepared.polygon_layers
        frame = MapFrame.fit(extent, QRectF(rect))
        x0, y0, x1, y1 = frame.extent
        mx, my = (x1 - x0) * 0.2, (y1 - y0) * 0.1
        prepared.polygon_layers = [
            dataclasses.replace(layer, labels=[
                lb for lb in layer.labels
                if x0 + mx <= lb[1] <= x1 - mx and y0 + my <= lb[2] <= y1 - my])
            for layer in layers]
        try:
            render_map(p, rect, self.content, extent, options, prepared)
        finally:
            prepared.polygon_layers = layers
        _frame(p, rect)


def _to_bng(gdf: Any) -> Any:
    try:
        if gdf.crs is not None and gdf.crs.to_epsg() != 27700:
            return gdf.to_crs(27700)
    except Exception:  # a layer that cannot be reprojected is left off the maps
        return None
    return gdf


def _frame(p: QPainter, rect: QRectF) -> None:
    pen = QPen(RULE)
    pen.setWidthF(RESOLUTION_DPI / 25.4 * 0.3)
    p.save()
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    p.restore()


# --- pages -----------------------------------------------------------------------------------

def _layout_cover(doc: _Doc, maps: ReportMaps) -> None:
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
        doc.add(lambda p, r=rect, t=sources: _draw_text(p, r, t, doc.f_small, MUTED))

    extent = maps.cover_extent(doc.options.regions, doc.options.site_ids)

    def draw_cover_map(p: QPainter) -> None:
        maps.draw_cover(p, map_rect, extent)

    doc.add(draw_cover_map)
    if landscape:
        # regions listed beside the map on wide paper
        names = ", ".join(g.name for g in c.regions) or "none"
        doc.text(f"Site sections: {names}", doc.f_small, width=text_w, color=MUTED)


def _layout_summary(doc: _Doc) -> None:
    c = doc.content
    doc.new_page()
    _summary_title(doc, f"for: {c.summary_for}")
    if c.whole_plan:
        about = f"{c.status_text}."
    else:
        status = c.status_text.replace("Plan status:", "Whole plan:", 1)
        about = ("Counts only this report's sites and its regions' unplaced needs, so the "
                 f"figures add up to the pages that follow. {c.summary_note} {status}."
                 ).replace("  ", " ")
    doc.text(about, doc.f_small, color=MUTED, gap_after_mm=3)
    money_rows = [[k.label, k.text] for k in c.kpis if k.group.startswith("Objective")]
    other_rows = [[k.label, k.text] for k in c.kpis if not k.group.startswith("Objective")]
    total_idx = next((i for i, r in enumerate(money_rows) if r[0].startswith("Total")), -1)
    kpi_money = _Table(["Objective term (annual)", "£"], money_rows, [3, 1.3],
                       align_right=frozenset({1}), bold_rows=frozenset({total_idx}))
    kpi_other = _Table(["Plan figure", "Value"], other_rows, [3, 1.3],
                       align_right=frozenset({1}))
    placed = c.placed_by_lot_kind
    placed_tbl = _Table([_short_kind(h) for h in placed[0]], placed[1:],
                        [2.2] + [1] * (len(placed[0]) - 1),
                        align_right=frozenset(range(1, len(placed[0]))),
                        bold_rows=frozenset({len(placed) - 2}))
    a_in, a_all = c.authority_share
    w_p, w_all = c.wellbeing_paired
    shares = _Table(["Share", "Needs", "%"], [
        ["ETE/accommodation in authority sites", f"{a_in} of {a_all}", percent(a_in, a_all)],
        ["Wellbeing needs paired", f"{w_p} of {w_all}", percent(w_p, w_all)],
        ["Needs unplaced", str(len(c.unplaced)), ""],
    ], [3, 1.2, 0.8], align_right=frozenset({1, 2}))
    rules = _Table(["Rule", "What it says", "In force"], [list(r) for r in c.rules],
                   [0.6, 3.4, 1.6], wrap=frozenset({1, 2}))
    weights = _Table(["Weight", "Value"], [list(w) for w in c.weights], [2.4, 2],
                     wrap=frozenset({0, 1}))

    wide = doc.body.width() > doc.mm(250)
    doc.begin_columns(3 if wide else 2)
    _flow_table(doc, kpi_money, title="Objective (annual £)")
    _flow_table(doc, kpi_other, title="Plan figures")
    doc.column_break(1)
    _flow_table(doc, placed_tbl, title="Needs placed by lot and site kind")
    _flow_table(doc, shares, title="Shares")
    if wide:
        doc.column_break(2)
    _flow_table(doc, rules, title="Rules used")
    _flow_table(doc, weights, title="Weights used")
    doc.end_columns()
    if c.edits:
        doc.heading("Changes in this scenario", doc.f_h2, keep_with_mm=8)
        for line in c.edits:
            doc.text("• " + line, doc.f_small, gap_after_mm=0.6)
        doc.y += doc.mm(2)

    if not c.unplaced:
        doc.heading("Unplaced needs", doc.f_h2, keep_with_mm=10)
        doc.text("Every need is placed.", doc.f_body)
    else:
        table = _Table(["Need", "Provider", "Lot", "Region", "Why it is unplaced"],
                       [list(u) for u in c.unplaced], [0.8, 1.8, 1.3, 1.6, 4.5],
                       wrap=frozenset({4}))
        _heading_with_table(doc, "Unplaced needs", table)
        _flow_table(doc, table, min_rows=1)
    _layout_service_users(doc)


def _summary_title(doc: _Doc, scope: str) -> None:
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


def _layout_service_users(doc: _Doc) -> None:
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
        doc.text("Distinct sites used by the needs of each probation delivery unit (PDU); each "
                 "counts towards the separate-locations term.", doc.f_small, color=MUTED)
        by_region: dict[str, list[list[str]]] = {}
        for r, p, s, n in c.locations_per_pdu:
            by_region.setdefault(r, []).append([p, str(s), str(n)])
        _grid_table(doc, ["PDU", "Sites", "Needs"], list(by_region.items()), [3, 0.8, 0.8])
        return
    minutes = c.has_journey_minutes
    doc.text("Locations: distinct sites the people of each probation delivery unit (PDU) "
             "attend for the services they need (each counts towards the separate-locations "
             "term). Journey: the mean from the PDU's service-user point to those sites, "
             f"measured along: {c.service_user_travel}."
             + (" Locations count every site the PDU's people attend, also those outside the "
                "sites chosen for this report, so they can exceed the summary's separate "
                "locations." if c.sites_chosen else ""), doc.f_small, color=MUTED)
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
    _grid_table(doc, header, groups, [3] + [0.8] * (len(header) - 1))


def _short_kind(header: str) -> str:
    return {"Authority (probation office)": "Authority", "Provider-owned": "Provider",
            "Market property": "Market"}.get(header, header)


def _table_height(doc: _Doc, table: _Table, width: float, title: bool) -> float:
    """The height :func:`_flow_table` gives ``table`` (small font, ``width`` wide), title
    line and the space after included."""
    _col_w, header_h, row_hs = _table_measures(doc, table, width, doc.f_small)
    return (header_h + sum(row_hs) + doc.mm(2.5)
            + (doc.line_h(doc.f_h3) + doc.mm(0.8) if title else 0.0))


def _swatch_indent(doc: _Doc, font: QFont) -> float:
    """How far a colour swatch pushes the first cell's text in (see :func:`_draw_row`)."""
    return doc.fm(font).height() * 0.6 * 1.6


def _grid_table(doc: _Doc, header: list[str],
                groups: Sequence[tuple[str, Sequence[Sequence[str]]]],
                widths: list[float]) -> None:
    """A long, narrow table of named groups (PDUs by region) set in side-by-side columns to
    save paper; the first column wraps, the others are figures."""
    rows, heads = grouped_rows(groups)
    doc.begin_columns(3 if doc.body.width() > doc.mm(250) else 2, 6)
    _flow_table(doc, _Table(header, rows, widths, align_right=frozenset(range(1, len(header))),
                            wrap=frozenset({0}), group_rows=heads), min_rows=4, balance=True)
    doc.end_columns()


# --- site sections ---------------------------------------------------------------------------

def _occupant_table(section: SiteSection) -> _Table:
    rows = []
    fills = {}
    lots = {lot.label: lot for lot in Lot}
    for i, o in enumerate(section.occupants):
        rows.append([o.provider, o.lot, o.need_id, o.pdu, str(o.desks), str(o.interview_rooms),
                     str(o.days_per_week), o.days or "any", str(o.desk_days),
                     "" if o.travel_km is None else f"{o.travel_km:.1f}"])
        if o.lot in lots:
            fills[i] = LOT_COLOURS[lots[o.lot]]
    return _Table(["Provider", "Lot", "Need", "PDU", "Desks", "Rooms", "Days/wk", "Weekdays",
                   "Desk-days", "Travel km"], rows,
                  [2.6, 1.7, 0.9, 1.4, 0.7, 0.7, 0.8, 1.4, 0.9, 0.9],
                  align_right=frozenset({4, 5, 6, 8, 9}), wrap=frozenset({0}), fills=fills)


def _facts_table(sec: SiteSection) -> _Table:
    return _Table(["Fact", "Value"], [list(f) for f in sec.facts], [1.0, 2.8],
                  show_header=False)


def _section_top_h(doc: _Doc, sec: SiteSection) -> float:
    """Title bar, then the taller of the location map and the facts with capacity bars."""
    fw = doc.frame_w - _map_size(doc) - doc.mm(6)
    facts = _facts_table(sec)
    right = _table_height(doc, facts, fw, False) + doc.mm(1 + 2 * 9.5)
    return doc.mm(10) + max(_map_size(doc), right) + doc.mm(4)


def _map_size(doc: _Doc) -> float:
    return min(doc.mm(50), doc.frame_w * 0.34)


def _bottom_h(doc: _Doc, sec: SiteSection) -> float:
    """Height of the weekly chart and partners row: a chart needs room, totals do not."""
    if sec.weekly.by_day is not None:
        return doc.mm(33)
    half_w = (doc.frame_w - doc.mm(8)) / 2
    text = _partners_text(sec)
    h = max(doc.text_h(doc.f_small, text, half_w), doc.text_h(doc.f_small, _totals_text(sec),
                                                               half_w))
    return min(doc.mm(33), h + doc.mm(10))


def _layout_sections(doc: _Doc, maps: ReportMaps) -> None:
    """Each region from a new page; its sites one after another, in two columns on wide
    paper (A4 or A3 landscape, A3 portrait) so the maps and tables keep a readable size."""
    c = doc.content
    for group in c.regions:
        doc.new_page()
        doc.heading(f"{group.name}", doc.f_h1, keep_with_mm=0)
        n = len(group.sections)
        doc.text(f"{n} site{'s' if n != 1 else ''} used in this region", doc.f_small,
                 color=MUTED, gap_after_mm=3)
        doc.begin_columns(2 if doc.body.width() > doc.mm(250) else 1, 10)
        for section in group.sections:
            table = _occupant_table(section)
            doc.ensure(_section_top_h(doc, section) + _bottom_h(doc, section)
                       + _table_height(doc, table, doc.frame_w, True))
            _layout_site(doc, section, table, maps)
        doc.end_columns()


def _layout_site(doc: _Doc, sec: SiteSection, table: _Table, maps: ReportMaps) -> None:
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
        _draw_text(p, QRectF(x0 + mm(4), y + mm(1.2), name_w, bar_h), name, doc.f_h2,
                   INK, _LEFT_TOP)
        _draw_text(p, QRectF(x0 + w - info_w - mm(3), y + mm(2.2), info_w, bar_h),
                   info, doc.f_small, MUTED, _RIGHT_TOP)
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
    doc_y_saved = doc.y
    _flow_table(doc, facts, x=fx, width=fw, min_rows=len(sec.facts))
    by = doc.y + mm(1)
    bars = [("Desk-days a week", sec.desk_days_used, sec.desk_days_available),
            ("Room-days a week", sec.room_days_used, sec.room_days_available)]
    for label, used, avail in bars:
        doc.add(lambda p, y=by, lb=label, u=used, a=avail: _capacity_bar(
            p, doc, QRectF(fx, y, fw, mm(8)), lb, u, a))
        by += mm(9.5)
    doc.y = max(fy + size, by) + mm(4)
    del doc_y_saved

    _flow_table(doc, table, title=f"Who is there ({len(sec.occupants)} "
                f"need{'s' if len(sec.occupants) != 1 else ''})")

    # weekly occupancy and partners side by side
    bottom = _bottom_h(doc, sec)
    doc.ensure(bottom)
    x0 = doc.frame_x  # the table may have run on into the next column or page
    yb = doc.y
    half_w = (w - mm(8)) / 2
    doc.add(lambda p, y=yb: _weekly_chart(p, doc, QRectF(x0, y, half_w, bottom - mm(4)), sec))
    px_x = x0 + half_w + mm(8)
    doc.add(lambda p, y=yb: _partners_block(p, doc, QRectF(px_x, y, half_w, bottom - mm(4)),
                                            sec))
    doc.y = yb + bottom
    y_rule = doc.y - mm(2)
    doc.add(lambda p, y=y_rule: _rule(p, x0, y, x0 + w, MUTED))
    doc.y += mm(3)


def _capacity_bar(p: QPainter, doc: _Doc, rect: QRectF, label: str, used: int,
                  available: int) -> None:
    mm = doc.mm
    text = f"{label}: {used} of {available} used ({percent(used, available)})"
    _draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), mm(4)), text, doc.f_small,
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


def _weekly_chart(p: QPainter, doc: _Doc, rect: QRectF, sec: SiteSection) -> None:
    mm = doc.mm
    wk = sec.weekly
    _draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), mm(4.5)), "Weekly occupancy",
               doc.f_h3, INK, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop))
    top = rect.top() + mm(5.5)
    if wk.by_day is None:
        _draw_text(p, QRectF(rect.left(), top, rect.width(), rect.bottom() - top),
                   _totals_text(sec), doc.f_small, INK)
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


def _totals_text(sec: SiteSection) -> str:
    wk = sec.weekly
    avg = wk.total_desk_days / 5
    return (f"No fixed weekdays are recorded for the needs here. In total "
            f"{wk.total_desk_days} desk-days a week are used of {5 * wk.desks_per_day} "
            f"available: on average {avg:.1f} of {wk.desks_per_day} desks a day.")


def _partners_text(sec: SiteSection, near_limit: int | None = None) -> str:
    same = [f"{q.provider} ({q.lot})" for q in sec.partners if q.where == "same site"]
    near = [f"{q.provider} ({q.lot}) at {q.where}" for q in sec.partners
            if q.where != "same site"]
    more = ""
    if near_limit is not None and len(near) > near_limit:
        more = f"; and {len(near) - near_limit} more"
        near = near[:near_limit]
    return ("At this site: " + ("; ".join(same) if same else "none") + "\n"
            + "Nearby, within the pairing radius: " + ("; ".join(near) if near else "none")
            + more)


def _partners_block(p: QPainter, doc: _Doc, rect: QRectF, sec: SiteSection) -> None:
    mm = doc.mm
    _draw_text(p, QRectF(rect.left(), rect.top(), rect.width(), mm(4.5)),
               "Co-location partners", doc.f_h3, INK,
               int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop))
    r = QRectF(rect.left(), rect.top() + mm(5.5), rect.width(), rect.height() - mm(5.5))
    text = _partners_text(sec)
    limit = sum(q.where != "same site" for q in sec.partners)
    while limit > 0 and doc.text_h(doc.f_small, text, r.width()) > r.height():
        limit -= 1  # too many partners for the box: list fewer and say how many more
        text = _partners_text(sec, limit)
    _draw_text(p, r, text, doc.f_small, INK)


# --- appendix and footer ---------------------------------------------------------------------

def _layout_appendix(doc: _Doc) -> None:
    c = doc.content
    doc.new_page()
    doc.heading("Appendix: allocation of every need", doc.f_h1, keep_with_mm=0)
    scope = c.scope_text[:1].lower() + c.scope_text[1:]  # "regions: London", not "london"
    doc.text(f"{len(c.appendix)} needs ({scope}). Travel is from the need's "
             "service-user point to its site.", doc.f_small, color=MUTED, gap_after_mm=2)
    widths = [0.8, 2.0, 1.5, 1.4, 2.6, 0.9, 0.6, 0.6, 0.6, 0.8, 2.3]
    right = frozenset({6, 7, 8, 9})
    _flow_table(doc, _Table(c.appendix_header, c.appendix, widths, align_right=right,
                            wrap=frozenset({1, 3, 4, 10})),
                title="Allocation", font=doc.f_small)


def _draw_footer(doc: _Doc, p: QPainter, page: int, total: int) -> None:
    mm = doc.mm
    c = doc.content
    y = doc.page.height() - mm(MARGIN_MM) - mm(FOOTER_MM) + mm(4)
    _rule(p, doc.body.left(), y, doc.body.right())
    left = f"{c.project_name} · {c.scenario_name} · {c.created.strftime('%-d %B %Y')}"
    _draw_text(p, QRectF(doc.body.left(), y + mm(1.2), doc.body.width() * 0.75, mm(4)),
               left, doc.f_tiny, MUTED, int(Qt.AlignmentFlag.AlignLeft))
    _draw_text(p, QRectF(doc.body.left(), y + mm(1.2), doc.body.width(), mm(4)),
               f"Page {page} of {total}", doc.f_tiny, MUTED, int(Qt.AlignmentFlag.AlignRight))


# kept for callers that want a solved plan but only have a project (the CLI, the dialog)
def has_result(project: Any, scenario_name: str) -> bool:
    return (getattr(project, "results", {}) or {}).get(scenario_name) is not None


__all__ = ["PdfOptions", "ReportMaps", "cover_map_rect_mm", "gui_application",
           "page_size_mm", "write_site_plan_pdf"]
