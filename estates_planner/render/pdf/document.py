"""The PDF document engine: pages of drawing operations, a cursor, columns and fonts.

Layout is done first into a list of pages of drawing operations (:class:`Document`), so the
page total is known before anything is drawn; the pages then replay them onto a
``QPdfWriter``. Sizes are in device units at :data:`RESOLUTION_DPI`; :meth:`Document.mm`
converts millimetres.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPageSize, QPainter, QPen

import estates_planner.render.map.style as map_style
from estates_planner.errors import ExportError
from estates_planner.model import Lot
from estates_planner.render.fonts import app_font
from estates_planner.report.content import ReportContent
from estates_planner.usecases.exporting import PDF_LAYOUTS

RESOLUTION_DPI = 300
PAPER_SIZES = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3}
MARGIN_MM = 15.0
FOOTER_MM = 9.0
CELL_PAD_MM = 0.9

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


# the layouts a PDF can take (summary, full, provider, region), named where the CLI reads them
LAYOUTS = PDF_LAYOUTS


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
    # what the PDF is for (see LAYOUTS); "provider" needs ``provider``, "region" one region
    layout: str = "full"
    provider: str = ""

    def __post_init__(self) -> None:
        if self.paper.upper() not in PAPER_SIZES:
            raise ExportError(f"paper size must be A4 or A3, got {self.paper!r}")
        if self.layout not in LAYOUTS:
            raise ExportError(f"layout must be one of {', '.join(LAYOUTS)}, got "
                              f"{self.layout!r}")
        if self.layout == "provider" and not self.provider:
            raise ExportError("the provider layout needs a provider: give --provider NAME")
        if self.layout == "region" and len(tuple(self.regions)) != 1:
            raise ExportError("the region layout needs one region: give --region NAME")
        object.__setattr__(self, "paper", self.paper.upper())
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "site_ids", tuple(self.site_ids))


def page_size_mm(options: PdfOptions) -> tuple[float, float]:
    """(width, height) of the page in millimetres, after orientation."""
    size = QPageSize(PAPER_SIZES[options.paper]).size(QPageSize.Unit.Millimeter)
    w, h = size.width(), size.height()
    return (max(w, h), min(w, h)) if options.landscape else (min(w, h), max(w, h))


Op = Callable[[QPainter], None]


class Document:
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
        # how far down each page its content reaches (device units), for the blank-page check
        self.filled: list[float] = []
        # (level, title, page index) of each bookmark: 0 a part or region, 1 a site
        self.anchors: list[tuple[int, str, int]] = []
        # the region whose site cards a page holds (None for other pages)
        self.page_region: dict[int, str] = {}
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
        self._bold: dict[float, QFont] = {}
        self._metrics: dict[int, QFontMetricsF] = {}
        self.widths_cache: dict[tuple[int, int, int], tuple[object, list[float]]] = {}
        self._advances: dict[tuple[int, str], float] = {}
        self._heights: dict[tuple[int, str, int], float] = {}

    # units and text measurement
    def bold_of(self, font: QFont) -> QFont:
        """The bold face of ``font``, one object per size: the measuring caches key on the
        font object's id, which a font made afresh and freed would hand on to another."""
        if font is self.f_small:
            return self.f_small_bold
        size = font.pointSizeF()
        bold = self._bold.get(size)
        if bold is None:
            bold = self._bold[size] = app_font(size, bold=True)
        return bold

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
                r = self.fm(font).boundingRect(QRectF(0, 0, width, 1e7), WRAP, text)
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
        self._note_fill()
        self.pages.append([])
        self.filled.append(self.body.top())
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

    def _note_fill(self) -> None:
        if self.pages:
            y = max(self.y, self.col_max_y) if self.col_n > 1 else self.y
            self.filled[-1] = max(self.filled[-1], y)

    def bookmark(self, title: str, level: int = 0) -> None:
        """An outline entry (and table-of-contents line) for what starts at the cursor."""
        if not self.pages:
            self.new_page()
        self.anchors.append((level, title, len(self.pages) - 1))

    def fill_fraction(self, page: int) -> float:
        """How much of page ``page``'s body its content reaches down to (0..1)."""
        return (self.filled[page] - self.body.top()) / self.body.height()

    def finish(self) -> list[list[Op]]:
        self._note_fill()
        return [p for p in self.pages]

    # simple blocks
    def text(self, text: str, font: QFont, *, color: QColor = INK, gap_after_mm: float = 1.5,
             x: float | None = None, width: float | None = None) -> float:
        width = self.frame_w if width is None else width
        h = self.text_h(font, text, width)
        self.ensure(h)
        x = self.frame_x if x is None else x
        rect = QRectF(x, self.y, width, h + 2)
        self.add(lambda p, r=rect, t=text, f=font, c=color: draw_text(p, r, t, f, c))
        self.y += h + self.mm(gap_after_mm)
        return h

    def heading(self, text: str, font: QFont, keep_with_mm: float = 30.0) -> None:
        h = self.line_h(font)
        self.ensure(h + self.mm(keep_with_mm))
        self.text(text, font, color=ACCENT if font is self.f_h1 else INK, gap_after_mm=1.8)


def draw_text(p: QPainter, rect: QRectF, text: str, font: QFont, color: QColor,
               flags: int = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                                | Qt.TextFlag.TextWordWrap)) -> None:
    p.setFont(font)
    p.setPen(color)
    p.drawText(rect, flags, text)


LEFT_TOP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
RIGHT_TOP = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
WRAP = int(Qt.TextFlag.TextWordWrap)


def rule(p: QPainter, x0: float, y: float, x1: float, color: QColor = RULE) -> None:
    pen = QPen(color)
    pen.setWidthF(RESOLUTION_DPI / 25.4 * 0.25)
    p.setPen(pen)
    p.drawLine(QPointF(x0, y), QPointF(x1, y))
