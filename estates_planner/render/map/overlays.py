"""Overlays drawn in device coordinates over a map: scale bar, north arrow, legend and the
attribution line. The legend lists only what the map shows."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

import estates_planner.render.map.style as style
from estates_planner.render.map.content import CATCHMENT, LINES, NEEDS, SITES
from estates_planner.render.map.frame import MapFrame, RenderOptions, transparent_image
from estates_planner.render.map.prepared import PreparedContent
from estates_planner.render.map.stability import stability_legend_entries
from estates_planner.render.map.style import SiteStyle


def overlay_font(painter: QPainter, options: RenderOptions | None, scale: float = 1.0) -> QFont:
    font = QFont(options.font if options and options.font else painter.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    return font


def _nice_length(target_m: float) -> float:
    if target_m <= 0:
        return 1.0
    exponent = math.floor(math.log10(target_m))
    for step in (5, 2, 1):
        length = step * 10 ** exponent
        if length <= target_m:
            return length
    return 10 ** exponent


def format_distance(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


def scale_bar_box(frame: MapFrame, unit: float = 1.0, font: QFont | None = None,
                  device=None, anchor: QPointF | None = None) -> QRectF:
    """The rectangle :func:`draw_scale_bar` covers, without drawing it."""
    margin = 10 * unit
    length_px = _nice_length(frame.rect.width() * 0.2 / frame.px_per_m) * frame.px_per_m
    anchor = anchor or QPointF(frame.rect.left() + margin, frame.rect.bottom() - margin)
    font = font or QFont()
    metrics = QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)
    label = format_distance(_nice_length(frame.rect.width() * 0.2 / frame.px_per_m))
    bar_h = 5 * unit
    return QRectF(anchor.x() - 4 * unit, anchor.y() - bar_h - metrics.height() - 8 * unit,
                  max(length_px, metrics.horizontalAdvance(label)) + 8 * unit + 2 * unit,
                  bar_h + metrics.height() + 12 * unit)


def draw_scale_bar(painter: QPainter, frame: MapFrame, anchor: QPointF | None = None,
                   unit: float = 1.0, font: QFont | None = None) -> QRectF:
    """A scale bar of a round length (1, 2 or 5 × 10ⁿ m) about a fifth of the map wide.

    ``anchor`` is its bottom-left corner (default: the frame's bottom-left with a margin).
    Returns the rectangle it covers.
    """
    margin = 10 * unit
    target_m = frame.rect.width() * 0.2 / frame.px_per_m
    length_m = _nice_length(target_m)
    length_px = length_m * frame.px_per_m
    anchor = anchor or QPointF(frame.rect.left() + margin, frame.rect.bottom() - margin)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = font or painter.font()
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    label = format_distance(length_m)
    bar_h = 5 * unit
    box = scale_bar_box(frame, unit, font, painter.device(), anchor)
    painter.fillRect(box, QColor(255, 255, 255, 210))
    bar = QRectF(anchor.x(), anchor.y() - bar_h - 2 * unit, length_px, bar_h)
    painter.setPen(QPen(QColor("#202020"), 1.0 * unit))
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawRect(bar)
    half = QRectF(bar.left(), bar.top(), length_px / 2, bar_h)
    painter.setBrush(QColor("#202020"))
    painter.drawRect(half)
    painter.setPen(QColor("#202020"))
    painter.drawText(QPointF(bar.left(), bar.top() - 4 * unit - metrics.descent()), label)
    painter.restore()
    return box


def draw_north_arrow(painter: QPainter, rect: QRectF, unit: float = 1.0,
                     font: QFont | None = None) -> QRectF:
    """A north arrow in the top-left corner of ``rect``; British National Grid north is up."""
    size = 26 * unit
    margin = 10 * unit
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = QFont(font or painter.font())
    font.setBold(True)
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    box = QRectF(rect.left() + margin, rect.top() + margin, size,
                 size + metrics.height() + 2 * unit)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 210))
    painter.drawRoundedRect(box.adjusted(-3 * unit, -3 * unit, 3 * unit, 3 * unit),
                            3 * unit, 3 * unit)
    cx = box.center().x()
    top = box.top() + metrics.height()
    left_half = QPolygonF([QPointF(cx, top), QPointF(cx - size * 0.32, top + size),
                           QPointF(cx, top + size * 0.72)])
    right_half = QPolygonF([QPointF(cx, top), QPointF(cx + size * 0.32, top + size),
                            QPointF(cx, top + size * 0.72)])
    painter.setPen(QPen(QColor("#202020"), 1.0 * unit))
    painter.setBrush(QColor("#202020"))
    painter.drawPolygon(left_half)
    painter.setBrush(QColor("#FFFFFF"))
    painter.drawPolygon(right_half)
    painter.setPen(QColor("#202020"))
    painter.drawText(QRectF(box.left(), box.top(), box.width(), metrics.height()),
                     Qt.AlignmentFlag.AlignCenter, "N")
    painter.restore()
    return box


@dataclass
class LegendEntry:
    label: str
    draw: object  # callable(painter, centre QPointF, unit)
    header: bool = False


def legend_entries(prepared: PreparedContent, state=None) -> list[LegendEntry]:
    """What the legend lists: only what the map currently shows.

    ``state`` (the :class:`~estates_planner.render.map.layers.DrawState` of the drawing) adds
    cluster and spread-ring entries when the drawing has them.
    """
    content = prepared.content
    solved = content.solved
    entries: list[LegendEntry] = []
    if len(prepared.site_ids) and content.is_visible(SITES):
        entries.append(LegendEntry("Sites (outline colour)" if solved else "Sites", None,
                                   header=True))
        kinds = sorted({st.kind for st in prepared.styles}, key=lambda k: list(style.KIND_SHAPES)
                       .index(k))
        for kind in kinds:
            st = SiteStyle(kind, False, 1, 0 if solved else None)
            entries.append(LegendEntry(style.KIND_LEGEND[kind], _site_drawer(st)))
        if any(st.women_only for st in prepared.styles):
            st = SiteStyle(kinds[0] if kinds else style.SiteKind.AUTHORITY, True, 0,
                           0 if solved else None)
            entries.append(LegendEntry("Women-only (diamond)", _site_drawer(st)))
        if any(st.closed for st in prepared.styles):
            st = SiteStyle(kinds[0], False, 1, None, closed=True)
            entries.append(LegendEntry("Closed in this scenario", _site_drawer(st)))
        # every size present (at most five): the smallest and largest alone read as a gap
        classes = sorted({st.size_class for st in prepared.styles})
        if len(classes) > 1:
            for cls in classes:
                st = SiteStyle(style.SiteKind.PROVIDER, False, cls, None)
                entries.append(LegendEntry(style.SIZE_CLASSES[cls][2],
                                           _site_drawer(st, outline_only=True)))
        layout = getattr(state, "layout", None)
        if layout is not None and layout.clusters:
            entries.append(LegendEntry("Several sites (how many)", _cluster_drawer))
        if layout is not None and layout.spread.any():
            entries.append(LegendEntry("Sites spread round their place", _spread_drawer))
        if solved:
            # a whole contract plan fills a site by its fullest year
            entries.append(LegendEntry("Peak utilisation over the years (fill)"
                                       if content.contract is not None
                                       else "Utilisation (fill)", None, header=True))
            shown = {st.fill_class for st in prepared.styles if st.fill_class is not None}
            for i, (_upper, colour, label) in enumerate(style.UTILISATION_CLASSES):
                if i in shown:  # only the classes some site is drawn in
                    entries.append(LegendEntry(label, _swatch_drawer(colour, "#1A1A1A")))
    if len(prepared.need_ids) and content.is_visible(NEEDS):
        entries.append(LegendEntry("Needs", None, header=True))
        entries.append(LegendEntry("Service users' location",
                                   lambda p, c, u: style.draw_need_symbol(p, c, False, u)))
        if prepared.has_unplaced():
            entries.append(LegendEntry("Not placed in some year" if content.contract is not None
                                       else "Not placed",
                                       lambda p, c, u: style.draw_need_symbol(p, c, True, u)))
    highlighted_sites = any(s in prepared.site_index for s in content.highlighted_site_ids)
    if (prepared.need_highlighted.any() and content.is_visible(NEEDS)) or \
            (highlighted_sites and content.is_visible(SITES)):
        # the comparison's moves or the provider view's options: named by who asked
        entries.append(LegendEntry(content.highlight_label, _moved_drawer))
    if len(prepared.line_need) and content.is_visible(LINES):
        entries.append(LegendEntry("Need to its site", _line_drawer))
    entries += [LegendEntry(label, draw, header=header)
                for label, draw, header in stability_legend_entries(prepared, state)]
    layers = [layer for layer in prepared.polygon_layers if content.is_visible(layer.name)]
    if layers or (prepared.catchment_path is not None and content.is_visible(CATCHMENT)):
        entries.append(LegendEntry("Areas", None, header=True))
        for layer in layers:
            entries.append(LegendEntry(layer.name.split(": ", 1)[-1].replace("_", " ")
                                       .capitalize(),
                                       _swatch_drawer(layer.fill, style.POLYGON_OUTLINE)))
        if prepared.catchment_path is not None and content.is_visible(CATCHMENT):
            entries.append(LegendEntry("Catchment", _swatch_drawer(style.CATCHMENT_FILL,
                                                                   style.CATCHMENT_OUTLINE)))
    return entries


def _site_drawer(st: SiteStyle, outline_only: bool = False):
    def draw(painter: QPainter, centre: QPointF, unit: float) -> None:
        if outline_only:
            painter.save()
            painter.translate(centre)
            painter.scale(unit, unit)
            painter.setPen(QPen(QColor(style.SYMBOL_OUTLINE), 1.0))
            painter.setBrush(QColor("#FFFFFF"))
            painter.drawPath(style.shape_path("circle", st.diameter))
            painter.restore()
        else:
            style.draw_site_symbol(painter, centre, st, unit)
    return draw


def _swatch_drawer(fill: str | QColor, outline: str):
    def draw(painter: QPainter, centre: QPointF, unit: float) -> None:
        painter.setPen(QPen(QColor(outline), 1.0 * unit))
        painter.setBrush(QColor(fill))
        painter.drawRect(QRectF(centre.x() - 8 * unit, centre.y() - 5.5 * unit, 16 * unit,
                                11 * unit))
    return draw


def _moved_drawer(painter: QPainter, centre: QPointF, unit: float) -> None:
    painter.setPen(QPen(QColor(style.SYMBOL_OUTLINE), 1.0 * unit))
    painter.setBrush(QColor(style.HIGHLIGHT_COLOUR))
    painter.drawEllipse(centre, 6.5 * unit, 6.5 * unit)
    style.draw_need_symbol(painter, centre, False, unit)


def _cluster_drawer(painter: QPainter, centre: QPointF, unit: float) -> None:
    painter.setPen(QPen(QColor(style.CLUSTER_OUTLINE), 1.5 * unit))
    painter.setBrush(QColor(style.CLUSTER_FILL))
    painter.drawEllipse(centre, 9 * unit, 9 * unit)
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(style.CLUSTER_TEXT))
    painter.drawText(QRectF(centre.x() - 9 * unit, centre.y() - 9 * unit, 18 * unit, 18 * unit),
                     Qt.AlignmentFlag.AlignCenter, "3")


def _spread_drawer(painter: QPainter, centre: QPointF, unit: float) -> None:
    painter.setPen(QPen(QColor(style.SPREAD_LEADER), 1.0 * unit))
    painter.setBrush(QColor(style.SPREAD_LEADER))
    painter.drawEllipse(centre, 1.8 * unit, 1.8 * unit)
    for dx, dy in ((-8, -5), (8, -5), (0, 8)):
        tip = QPointF(centre.x() + dx * unit, centre.y() + dy * unit)
        painter.drawLine(centre, tip)
    for dx, dy in ((-8, -5), (8, -5), (0, 8)):
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawEllipse(QPointF(centre.x() + dx * unit, centre.y() + dy * unit),
                            3 * unit, 3 * unit)


def _line_drawer(painter: QPainter, centre: QPointF, unit: float) -> None:
    painter.setPen(QPen(QColor(60, 60, 60, 200), 1.2 * unit))
    painter.drawLine(QLineF(centre.x() - 10 * unit, centre.y() + 4 * unit,
                            centre.x() + 10 * unit, centre.y() - 4 * unit))


def draw_legend(painter: QPainter, rect: QRectF, prepared: PreparedContent, unit: float = 1.0,
                font: QFont | None = None, corner: str = "top-right", state=None) -> QRectF:
    """The legend box in a corner of ``rect`` (``"top-right"`` or ``"top-left"``).

    Lists only what is shown. Returns the rectangle it covers (empty if nothing to show).
    """
    entries = legend_entries(prepared, state)
    if not entries:
        return QRectF()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = QFont(font or painter.font())
    bold = QFont(font)
    bold.setBold(True)
    metrics = QFontMetricsF(font, painter.device())
    bold_metrics = QFontMetricsF(bold, painter.device())
    symbol_w = 26 * unit
    row_h = max(metrics.height() + 3 * unit, 19 * unit)
    pad = 8 * unit
    text_w = max((bold_metrics if e.header else metrics).horizontalAdvance(e.label)
                 for e in entries)
    width = pad * 2 + symbol_w + 6 * unit + text_w
    height = pad * 2 + sum(row_h if not e.header else metrics.height() + 6 * unit
                           for e in entries)
    margin = 10 * unit
    x = rect.right() - margin - width if corner == "top-right" else rect.left() + margin
    box = QRectF(x, rect.top() + margin, width, height)
    painter.setPen(QPen(QColor(0, 0, 0, 60), 1.0 * unit))
    painter.setBrush(QColor(255, 255, 255, 225))
    painter.drawRoundedRect(box, 4 * unit, 4 * unit)
    y = box.top() + pad
    for entry in entries:
        if entry.header:
            h = metrics.height() + 6 * unit
            painter.setFont(bold)
            painter.setPen(QColor("#202020"))
            painter.drawText(QRectF(box.left() + pad, y, width - 2 * pad, h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             entry.label)
            y += h
            continue
        centre = QPointF(box.left() + pad + symbol_w / 2, y + row_h / 2)
        painter.save()
        entry.draw(painter, centre, unit)
        painter.restore()
        painter.setFont(font)
        painter.setPen(QColor("#202020"))
        painter.drawText(QRectF(box.left() + pad + symbol_w + 6 * unit, y, text_w + 2 * unit,
                                row_h),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, entry.label)
        y += row_h
    painter.restore()
    return box


def draw_attribution(painter: QPainter, rect: QRectF, text: str, unit: float = 1.0,
                     font: QFont | None = None) -> QRectF:
    """The basemap's copyright line at the bottom right (required by tile providers)."""
    if not text:
        return QRectF()
    painter.save()
    font = QFont(font or painter.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * 0.85)
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    w = metrics.horizontalAdvance(text) + 8 * unit
    h = metrics.height() + 4 * unit
    box = QRectF(rect.right() - w, rect.bottom() - h, w, h)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 200))
    painter.drawRect(box)
    painter.setPen(QColor("#202020"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
    return box


def draw_overlays(painter: QPainter, frame: MapFrame, prepared: PreparedContent,
                  options: RenderOptions, unit: float, state=None) -> list[QRectF]:
    """Scale bar, north arrow, legend and attribution, as the options ask.

    Returns the rectangles they cover (labels are then placed clear of them).
    """
    font = overlay_font(painter, options)
    boxes: list[QRectF] = []
    if options.north_arrow:
        boxes.append(draw_north_arrow(painter, frame.rect, unit, font))
    if options.scale_bar:
        boxes.append(draw_scale_bar(painter, frame, None, unit, font))
    if options.legend:
        boxes.append(draw_legend(painter, frame.rect, prepared, unit,
                                 overlay_font(painter, options, 0.9), state=state))
    if options.attribution:
        boxes.append(draw_attribution(painter, frame.rect, options.attribution, unit, font))
    return [b for b in boxes if not b.isEmpty()]


def overlay_image(draw, dpr: float, font) -> QImage:
    """Draw an overlay into a transparent image and crop it to what was drawn (plus margin).

    ``draw(painter, rect)`` returns the rectangle it covered; the canvas keeps the north arrow
    and legend as such images and redraws them only when the content changes.
    """
    canvas = transparent_image(700, 1400, dpr)
    painter = QPainter(canvas)
    painter.setFont(font)
    box = draw(painter, QRectF(0, 0, 700, 1400))
    painter.end()
    if box is None or box.isEmpty():
        return QImage()
    margin = 12
    crop = QRect(0, 0, math.ceil((box.right() + margin) * dpr),
                 math.ceil((box.bottom() + margin) * dpr))
    image = canvas.copy(crop)
    image.setDevicePixelRatio(dpr)
    return image
