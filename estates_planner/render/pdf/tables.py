"""Tables that flow over pages and columns: measuring, column widths, breaking, drawing.

A :class:`Table` is laid out by :func:`flow_table` at the document's cursor, continuing on new
pages (or columns) with its header repeated, group headings kept with their first row and
repeated "(continued)" at the top of a new page or column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from estates_planner.render.pdf.document import (
    ACCENT,
    CELL_PAD_MM,
    HEADER_FILL,
    INK,
    LEFT_TOP,
    MUTED,
    RIGHT_TOP,
    WRAP,
    ZEBRA,
    Document,
    rule,
)


@dataclass(frozen=True)
class Bar:
    """A cell drawn as a bar in ``colour`` (a day a need is in, on a site card's week);
    ``strong`` outlines it and sets its text in bold (a day the need's data fixes)."""

    colour: QColor
    strong: bool = False


@dataclass
class Table:
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
    # the space round each cell's text: long reference tables (the appendix) take less
    pad_mm: float = CELL_PAD_MM
    # (row, column) -> a bar drawn in the cell under its text (see :class:`Bar`)
    bars: dict[tuple[int, int], Bar] = field(default_factory=dict)
    # columns whose text is centred (a week's day columns)
    center: frozenset[int] = frozenset()
    # rows whose first cell runs on over the empty cells after it, in bold (a total under
    # the rows: "Desks in use of 16"); they do not widen the first column
    span_rows: frozenset[int] = frozenset()


def grouped_rows(groups: Sequence[tuple[str, Sequence[Sequence[str]]]],
                 noun: tuple[str, str] = ("PDU", "PDUs")) -> tuple[list[list[str]],
                                                                 frozenset[int]]:
    """Rows for a :class:`Table` with a heading row over each group: (rows, heading rows)."""
    rows: list[list[str]] = []
    heads = set()
    for title, members in groups:
        heads.add(len(rows))
        rows.append([title, f"{len(members)} {noun[0] if len(members) == 1 else noun[1]}"])
        rows.extend(list(m) for m in members)
    return rows, frozenset(heads)


def table_measures(doc: Document, table: Table, width: float, font: QFont
                    ) -> tuple[list[float], float, list[float]]:
    """(column widths, header height, height of each row) of ``table`` laid out ``width``
    wide: a group heading row gets a little air above it, wrapped cells their lines."""
    bold = doc.bold_of(font)
    pad = doc.mm(table.pad_mm)
    col_w = _column_widths(doc, table, width, font, bold)
    base_h = doc.fm(font).height() + 2 * pad
    row_hs = []
    for k, row in enumerate(table.rows):
        h = base_h
        if k in table.group_rows:
            row_hs.append(_group_row_h(doc, font))
            continue
        if k in table.span_rows:
            row_hs.append(h)
            continue
        for i in table.wrap:
            if i < len(row) and row[i]:
                inner = col_w[i] - 2 * pad - (swatch_indent(doc, font) if i == 0
                                              and k in table.fills else 0.0)
                h = max(h, doc.text_h(font, row[i], inner) + 2 * pad)
        row_hs.append(h)
    return col_w, _header_h(doc, table, col_w, bold), row_hs


def _group_row_h(doc: Document, font: QFont) -> float:
    """A group heading row: a row's height and a little air above it."""
    return doc.fm(font).height() + 2 * doc.mm(CELL_PAD_MM) + doc.mm(1.2)


def _even_share(doc: Document, row_hs: Sequence[float], font: QFont) -> float:
    """One column's height when rows of ``row_hs`` are shared evenly between the columns:
    the mean plus the tallest row for rounding and a group heading that may be repeated."""
    return sum(row_hs) / doc.col_n + max(row_hs, default=0.0) + _group_row_h(doc, font)


def heading_with_table(doc: Document, text: str, table: Table) -> None:
    """A heading kept on the page of its table's header and first row: never alone at the
    foot of a page with the table starting overleaf."""
    _col_w, header_h, row_hs = table_measures(doc, table, doc.frame_w, doc.f_small)
    start = header_h + sum(row_hs[:1])
    doc.ensure(doc.line_h(doc.f_h2) + doc.mm(1.8) + start)
    doc.heading(text, doc.f_h2, keep_with_mm=0)


def flow_table(doc: Document, table: Table, *, x: float | None = None,
               width: float | None = None, title: str = "",
               font: QFont | None = None, min_rows: int = 2, balance: bool = False,
               indent: float | None = None) -> None:
    """Draw ``table`` at the cursor, continuing on new pages with the header repeated.

    Without ``x`` the table follows the current column (and moves with it when it runs on);
    ``indent`` sets it that far right of the column's left edge (a site card's table beside
    its map), also in the column it runs on into.
    With ``balance``, a table laid out in columns that fits in what is left of the page is
    shared evenly between the columns instead of filling the first one.
    """
    fixed_x = x
    width = doc.frame_w if width is None else width
    font = font or doc.f_small
    bold = doc.bold_of(font)
    pad = doc.mm(table.pad_mm)
    col_w, header_h, row_hs = table_measures(doc, table, width, font)
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
        if indent is not None:
            x = doc.frame_x + indent
        if title:
            doc.text(title + (" (continued)" if continued else ""), doc.f_h3,
                     gap_after_mm=0.8, x=x, width=width)
        y0 = doc.y
        if table.show_header:
            doc.add(lambda p, y=y0, c=list(table.header), x=x: _draw_row(
                p, x, y, col_w, header_h, c, bold, pad, table.align_right, HEADER_FILL, INK,
                frozenset(range(len(c))) - table.center, None, doc,
                _RowMarks({}, table.center, False, bold)))
        else:
            doc.add(lambda p, y=y0, x=x: rule(p, x, y, x + width))
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
            # nor does a total (span row) go on alone: the row above it goes with it
            k = i + 1
            while k < len(table.rows) and k in table.span_rows and i not in table.span_rows:
                keep += row_hs[k]
                k += 1
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
                marks = _RowMarks({c: b for (r, c), b in table.bars.items() if r == i},
                                  table.center, i in table.span_rows, bold)
                doc.add(lambda p, y=doc.y, h=row_hs[i], c=list(table.rows[i]), f=f, fl=fill,
                        sw=swatch, x=x, m=marks: _draw_row(p, x, y, col_w, h, c, f, pad,
                                                           table.align_right, fl, INK,
                                                           table.wrap, sw, doc, m))
            doc.y += row_hs[i]
            i += 1
            drawn += 1
        y_end = doc.y
        doc.add(lambda p, y1=y_end, x=x: rule(p, x, y1, x + width))
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


def _header_h(doc: Document, table: Table, col_w: Sequence[float], bold: QFont) -> float:
    if not table.show_header:
        return 0.0
    pad = doc.mm(table.pad_mm)
    return max(doc.text_h(bold, h, cw - 2 * pad)
               for h, cw in zip(table.header, col_w, strict=True)) + 2 * pad


def _column_widths(doc: Document, table: Table, width: float, font: QFont,
                   bold: QFont) -> list[float]:
    """Column widths that fit ``width``: natural widths first, extra space by the table's
    weights; when too wide, columns give up room in proportion to how far they can shrink
    (wrapping columns down to their longest word, others down to 12 mm, then elided)."""
    key = (id(table), round(width), id(font))
    cached = doc.widths_cache.get(key)
    # the table is kept with its widths: a table freed after use can leave its id to another
    if cached is not None and cached[0] is table:
        return cached[1]
    pad = doc.mm(table.pad_mm)
    fm = doc.fm(font)
    # a spanning first cell takes the empty cells' width, not its own column's
    sample = [["", *r[1:]] if k in table.span_rows else r
              for k, r in enumerate(table.rows[:600]) if k not in table.group_rows]
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
    if table.center:  # centred columns are a series (weekdays): one width for all
        for values in (natural, minimum):
            widest = max(values[i] for i in table.center)
            for i in table.center:
                values[i] = widest
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
    doc.widths_cache[key] = (table, widths)
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


@dataclass(frozen=True)
class _RowMarks:
    """What a row draws besides text: bars by column, centred columns, whether its first
    cell spans the empty ones after it, and the bold font for strong bars and spans."""

    bars: dict[int, Bar]
    center: frozenset[int]
    span: bool
    bold: QFont


def _draw_row(p: QPainter, x: float, y: float, col_w: Sequence[float], h: float,
              cells: Sequence[str], font: QFont, pad: float, right: frozenset[int],
              fill: QColor | None, color: QColor, wrap: frozenset[int],
              swatch: QColor | None = None, doc: Document | None = None,
              marks: _RowMarks | None = None) -> None:
    if fill is not None:
        p.fillRect(QRectF(x, y, sum(col_w), h), fill)
    widths = list(col_w)
    if marks is not None and marks.span:
        rule(p, x, y, x + sum(col_w))  # a total under the rows above it
        # the first cell takes the width of the empty cells after it
        end = next((k for k in range(1, len(cells)) if cells[k]), len(cells))
        widths = [sum(col_w[:end])] + [0.0] * (end - 1) + widths[end:]
        font = marks.bold
    cx = x
    for i, (text, w) in enumerate(zip(cells, widths, strict=False)):
        inner = QRectF(cx + pad, y + pad, w - 2 * pad, h - 2 * pad)
        cx += w
        cell_font = font
        bar = marks.bars.get(i) if marks is not None else None
        if bar is not None:  # one line high, at the top, beside a row that wraps
            line_h = (doc.fm(font) if doc is not None else QFontMetricsF(font)).height()
            _draw_bar(p, QRectF(inner.left() - pad / 2, y + pad / 2, inner.width() + pad,
                                line_h + pad), bar, pad)
            if bar.strong:
                cell_font = marks.bold
        p.setFont(cell_font)
        p.setPen(color)
        fm = doc.fm(cell_font) if doc is not None else QFontMetricsF(cell_font, p.device())
        if i == 0 and swatch is not None:
            s = fm.height() * 0.6
            p.fillRect(QRectF(inner.left(), inner.top() + (fm.height() - s) / 2, s, s), swatch)
            inner.setLeft(inner.left() + s * 1.6)
        if not text or w <= 0:
            continue
        centre = marks is not None and i in marks.center
        align = RIGHT_TOP if i in right else LEFT_TOP
        if i in wrap:
            p.drawText(inner, align | WRAP, text)
        else:
            # one line: place it at its baseline (much cheaper than laying out in a rect)
            width = (doc.advance(cell_font, text) if doc is not None
                     else fm.horizontalAdvance(text))
            if width > inner.width():
                text = fm.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
                width = fm.horizontalAdvance(text)
            left = (inner.center().x() - width / 2 if centre
                    else inner.right() - width if i in right else inner.left())
            p.drawText(QPointF(left, inner.top() + fm.ascent()), text)


def _draw_bar(p: QPainter, rect: QRectF, bar: Bar, pad: float) -> None:
    """A day's bar: the colour tinted so black text reads on it; a strong one outlined in
    the full colour."""
    tint = QColor(bar.colour)
    tint.setAlphaF(0.35)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if bar.strong:
        pen = QPen(bar.colour)
        pen.setWidthF(pad * 0.6)
        p.setPen(pen)
        half = pen.widthF() / 2
        rect = rect.adjusted(half, half, -half, -half)
    else:
        p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(tint)
    p.drawRoundedRect(rect, pad * 0.6, pad * 0.6)
    p.restore()


def _draw_group_row(p: QPainter, doc: Document, x: float, y: float, width: float, h: float,
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
    rule(p, x, y + h, x + width, ACCENT)


def table_height(doc: Document, table: Table, width: float, title: bool) -> float:
    """The height :func:`flow_table` gives ``table`` (small font, ``width`` wide), title
    line and the space after included."""
    _col_w, header_h, row_hs = table_measures(doc, table, width, doc.f_small)
    return (header_h + sum(row_hs) + doc.mm(2.5)
            + (doc.line_h(doc.f_h3) + doc.mm(0.8) if title else 0.0))


def swatch_indent(doc: Document, font: QFont) -> float:
    """How far a colour swatch pushes the first cell's text in (see :func:`_draw_row`)."""
    return doc.fm(font).height() * 0.6 * 1.6


def grid_table(doc: Document, header: list[str],
                groups: Sequence[tuple[str, Sequence[Sequence[str]]]],
                widths: list[float]) -> None:
    """A long, narrow table of named groups (PDUs by region) set in side-by-side columns to
    save paper; the first column wraps, the others are figures."""
    rows, heads = grouped_rows(groups)
    doc.begin_columns(3 if doc.body.width() > doc.mm(250) else 2, 6)
    flow_table(doc, Table(header, rows, widths, align_right=frozenset(range(1, len(header))),
                            wrap=frozenset({0}), group_rows=heads), min_rows=4, balance=True)
    doc.end_columns()
