"""The "Stability (late changes)" layer: colours and legend rows only when a study exists.

Same picture as test_render: P1 at pixel (300, 300), A1 at (100, 300), N1 at (150, 250).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from estates_planner.render.map import MapContent, RenderOptions, overlays, render_map
from estates_planner.render.map.content import STABILITY
from estates_planner.render.map.prepared import PreparedContent
from estates_planner.render.map.stability import STABILITY_CLASSES, stability_class

EXTENT = (498_000.0, 198_000.0, 506_000.0, 206_000.0)


def draw(content) -> QImage:
    image = QImage(400, 400, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    render_map(painter, QRectF(0, 0, 400, 400), content, EXTENT,
               RenderOptions(legend=False, scale_bar=False, north_arrow=False))
    painter.end()
    return image


def rgb(image: QImage, x: int, y: int) -> tuple[int, int, int]:
    c = image.pixelColor(x, y)
    return (c.red(), c.green(), c.blue())


def close_to(actual, expected: str, tolerance: int) -> bool:
    e = QColor(expected)
    return all(abs(a - b) <= tolerance
               for a, b in zip(actual, (e.red(), e.green(), e.blue()), strict=True))


VERMILION = STABILITY_CLASSES[0][1]
ORANGE = STABILITY_CLASSES[1][1]
BLUE = STABILITY_CLASSES[2][1]


def _around(image, cx: int, cy: int, reach: int) -> list[tuple[int, int, int]]:
    return [rgb(image, x, y) for x in range(cx - reach, cx + reach + 1)
            for y in range(cy - reach, cy + reach + 1)]


def test_classes_split_at_half_and_nine_tenths():
    assert [stability_class(s) for s in (0.0, 0.49, 0.5, 0.89, 0.9, 1.0)] == [0, 0, 1, 1, 2, 2]


def test_no_study_draws_no_stability_colours_and_no_legend_rows(mds, mscenario, mresult):
    content = MapContent(dataset=mds, scenario=mscenario, result=mresult)
    image = draw(content)
    assert not any(close_to(c, VERMILION, 20) for c in _around(image, 300, 300, 22))
    labels = [e.label for e in overlays.legend_entries(PreparedContent(content))]
    assert "Stability (late changes)" not in labels
    assert STABILITY not in content.layer_names()


def test_study_rings_sites_and_needs_in_their_class(mds, mscenario, mresult):
    content = MapContent(dataset=mds, scenario=mscenario, result=mresult,
                         site_stability={"P1": 0.25}, need_stability={"N1": 0.6, "N2": 1.0})
    image = draw(content)
    assert any(close_to(c, VERMILION, 20) for c in _around(image, 300, 300, 22))
    assert any(close_to(c, ORANGE, 20) for c in _around(image, 150, 250, 8))
    # a need that stays put in every sample is not ringed
    assert not any(close_to(c, BLUE, 20) for c in _around(image, 250, 250, 8))
    assert not any(close_to(c, VERMILION, 20) for c in _around(image, 100, 300, 22))
    labels = [e.label for e in overlays.legend_entries(PreparedContent(content))]
    i = labels.index("Stability (late changes)")
    # only the two classes drawn, not the top one
    assert labels[i + 1:i + 3] == [STABILITY_CLASSES[0][2], STABILITY_CLASSES[1][2]]
    assert STABILITY_CLASSES[2][2] not in labels
    assert STABILITY in content.layer_names()


def test_stability_layer_off_removes_colours_and_legend(mds, mscenario, mresult):
    content = MapContent(dataset=mds, scenario=mscenario, result=mresult,
                         site_stability={"P1": 0.25}, layer_visibility={STABILITY: False})
    image = draw(content)
    assert not any(close_to(c, VERMILION, 20) for c in _around(image, 300, 300, 22))
    labels = [e.label for e in overlays.legend_entries(PreparedContent(content))]
    assert "Stability (late changes)" not in labels


