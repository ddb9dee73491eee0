"""The "Stability (late changes)" layer: how often sites stay used and needs stay put.

Drawn only when the content carries a late-data study of its scenario (``site_stability`` /
``need_stability`` on :class:`MapContent`), so a map without a study shows no such colours and
its legend names none. Colours are Okabe–Ito, three classes that also differ in lightness
(vermilion, orange, blue) so they read apart in any colour vision; the ring round a symbol never
hides the site's own kind shape, fill or outline.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from estates_planner.render.map.content import NEEDS, SITES, STABILITY
from estates_planner.render.map.style import OKABE_ITO

# (lower bound of the share, colour, legend words): a share in [bound, next bound)
STABILITY_CLASSES: tuple[tuple[float, str, str], ...] = (
    (0.0, OKABE_ITO["vermilion"], "Stays in under 50 % of samples"),
    (0.5, OKABE_ITO["orange"], "Stays in 50–89 % of samples"),
    (0.9, OKABE_ITO["blue"], "Stays in 90 % or more"),
)


def stability_class(share: float) -> int:
    """Index into :data:`STABILITY_CLASSES` of a share between 0 and 1."""
    index = 0
    for i, (bound, _colour, _label) in enumerate(STABILITY_CLASSES):
        if share >= bound:
            index = i
    return index


def shows_stability(content) -> bool:
    """True when the content has a study and the stability layer is on."""
    return bool(content.site_stability or content.need_stability) and \
        content.is_visible(STABILITY)


def draw_stability(painter: QPainter, frame, prepared, state) -> list[int]:
    """Ring sites and needs in their stability class; returns the classes drawn (for the
    legend, which lists only what is drawn)."""
    content = prepared.content
    if not shows_stability(content):
        return []
    unit, lod = state.unit, state.lod
    drawn: set[int] = set()
    painter.save()
    painter.setClipRect(frame.rect)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if content.need_stability and content.is_visible(NEEDS):
        for need_id, share in content.need_stability.items():
            row = prepared.need_index.get(need_id)
            if row is None:
                continue
            cls = stability_class(float(share))
            if cls == len(STABILITY_CLASSES) - 1:
                continue  # a need that stays put needs no mark: only movers are ringed
            drawn.add(cls)
            (x, y), = frame.to_px(prepared.need_xy[[row]]).tolist()
            _ring(painter, QPointF(x, y), 5.5 * unit, STABILITY_CLASSES[cls][1], 2.0 * unit)
    if content.site_stability and content.is_visible(SITES):
        shown = set(state.layout.site_rows(prepared).tolist()) if len(state.layout.order) \
            else set()  # sites drawn on their own; a cluster's sites are not ringed
        rows = [prepared.site_index[s] for s in content.site_stability
                if s in prepared.site_index and prepared.site_index[s] in shown]
        if rows:
            px = state.layout.drawn_px(prepared, rows, frame.to_px(prepared.site_xy[rows]))
            radii = prepared.site_radius[rows] * lod
            shares = [float(content.site_stability[prepared.site_ids[r]]) for r in rows]
            for (x, y), r, share in zip(px.tolist(), radii.tolist(), shares, strict=True):
                cls = stability_class(share)
                drawn.add(cls)
                _ring(painter, QPointF(x, y), (r + 3.5) * unit, STABILITY_CLASSES[cls][1],
                      3.0 * unit)
    painter.restore()
    state.extra["stability_classes"] = sorted(drawn)
    return sorted(drawn)


def _ring(painter: QPainter, centre: QPointF, radius: float, colour: str, width: float) -> None:
    painter.setPen(QPen(QColor("#FFFFFF"), width + 1.5))  # a halo keeps it off the polygons
    painter.drawEllipse(centre, radius, radius)
    painter.setPen(QPen(QColor(colour), width))
    painter.drawEllipse(centre, radius, radius)


def stability_legend_entries(prepared, state=None) -> list[tuple[str, object, bool]]:
    """The layer's legend rows as (label, draw or None, is a header): a header and one row
    per class drawn (none without a study). The legend (overlays) makes its entries from them,
    so this module does not import the legend's."""
    content = prepared.content
    if not shows_stability(content):
        return []
    classes = getattr(state, "extra", {}).get("stability_classes") if state is not None else None
    if classes is None:
        top = len(STABILITY_CLASSES) - 1
        classes = sorted({stability_class(float(s)) for s in content.site_stability.values()}
                         | {stability_class(float(s)) for s in content.need_stability.values()}
                         - {top})
    if not classes:
        return []
    entries: list[tuple[str, object, bool]] = [("Stability (late changes)", None, True)]
    for cls in classes:
        colour = STABILITY_CLASSES[cls][1]
        entries.append((STABILITY_CLASSES[cls][2],
                        lambda p, c, u, col=colour: _ring(p, c, 5 * u, col, 2.5 * u), False))
    return entries


__all__ = ["STABILITY_CLASSES", "draw_stability", "shows_stability", "stability_class",
           "stability_legend_entries"]

