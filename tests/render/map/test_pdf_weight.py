"""What keeps the site plan PDF light: boundaries cut to each small map, and map labels'
glyph outlines on a fine grid (render/map/prepared.py, render/map/labels.py)."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QPainterPath

from estates_planner.render.map.labels import OUTLINE_GRID_PX, on_grid
from estates_planner.render.map.prepared import _polygon_layer


def _circle(cx: float, cy: float, r: float, n: int) -> shapely.Polygon:
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return shapely.Polygon(np.c_[cx + r * np.cos(angles), cy + r * np.sin(angles)])


def test_a_layer_cut_to_a_small_map_keeps_only_its_part():
    """A 100 km round region of 4,000 vertices and a 400 km line; a 10 km map on the
    region's east edge gets the few vertices inside it (a 10 km stretch of a 628 km
    boundary: about 64 vertices, plus the cut's corners), all within the map."""
    region = _circle(0.0, 0.0, 100_000.0, 4000)
    line = shapely.LineString([(-200_000.0, 0.0), (200_000.0, 0.0)])
    layer = _polygon_layer("regions", 0, [region, line])
    assert layer.paths[0].elementCount() > 4000
    extent = (95_000.0, -5_000.0, 105_000.0, 5_000.0)
    cut = layer.clipped(extent)
    assert len(cut.paths) == 1 and len(cut.line_paths) == 1
    assert cut.paths[0].elementCount() < 80
    for path in (cut.paths[0], cut.line_paths[0]):
        box = path.boundingRect()
        assert box.left() >= 95_000.0 - 1e-6 and box.right() <= 105_000.0 + 1e-6
        assert box.top() >= -5_000.0 - 1e-6 and box.bottom() <= 5_000.0 + 1e-6
    # a map away from everything gets nothing, the labels stay for the caller to filter
    far = layer.clipped((500_000.0, 500_000.0, 510_000.0, 510_000.0))
    assert far.paths == [] and far.line_paths == []
    assert layer.paths[0].elementCount() > 4000  # the layer itself is untouched


def test_label_outlines_sit_on_the_grid_and_move_at_most_half_a_step():
    path = QPainterPath()
    path.addText(QPointF(10.3, 20.7), QFont("Sans", 20), "Leeds Probation Office")
    before = [(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]
    on_grid(path, OUTLINE_GRID_PX)
    after = np.array([(path.elementAt(i).x, path.elementAt(i).y)
                      for i in range(path.elementCount())])
    assert len(after) == len(before) > 100
    steps = after / OUTLINE_GRID_PX
    assert np.array_equal(steps, np.round(steps))
    assert np.abs(after - np.array(before)).max() <= OUTLINE_GRID_PX / 2 + 1e-9
