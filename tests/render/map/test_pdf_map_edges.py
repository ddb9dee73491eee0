"""The PDF's location maps: arrows at the edge for service users beyond the frame, and the
scale bar in a corner clear of the site (render/pdf/maps.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from estates_planner.render.map import MapFrame
from estates_planner.render.pdf.maps import edge_arrow_tips, scale_bar_corner

# 100 m a pixel: (0, 0)-(20 000, 20 000) into 200 × 200 px; the site in the middle
FRAME = MapFrame.fit((0.0, 0.0, 20_000.0, 20_000.0), QRectF(0, 0, 200, 200))


def test_arrows_sit_inside_the_edge_towards_each_point_beyond():
    site_px = (100.0, 100.0)
    beyond = [(40_000.0, 10_000.0),  # due east: through the right edge at mid-height
              (10_000.0, 30_000.0),  # due north
              (60_000.0, 60_000.0)]  # north-east: through the corner
    tips = edge_arrow_tips(FRAME, site_px, beyond, inset_px=10.0)
    assert [(t.x(), t.y()) for t, _ux, _uy in tips] == pytest.approx(
        [(190.0, 100.0), (100.0, 10.0), (190.0, 10.0)])
    assert [(ux, uy) for _t, ux, uy in tips][0] == pytest.approx((1.0, 0.0))
    # east-north-east, 5 km up for 30 km across: the ray meets the right edge first,
    # 90 px across and 15 px up
    [(tip, _ux, _uy)] = edge_arrow_tips(FRAME, site_px, [(40_000.0, 15_000.0)], 10.0)
    assert (tip.x(), tip.y()) == pytest.approx((190.0, 85.0))


def test_scale_bar_leaves_the_bottom_left_when_the_site_is_there():
    font = QFont()
    anchor, box = scale_bar_corner(FRAME, 1.0, font, None, (100.0, 100.0))
    assert anchor.x() == 10.0 and anchor.y() == 190.0  # bottom left: the site is far
    anchor, box = scale_bar_corner(FRAME, 1.0, font, None, (20.0, 185.0))
    assert anchor.y() == 190.0 and anchor.x() > 100.0  # bottom right instead
    site = QRectF(20.0 - 24, 185.0 - 24, 48, 48)
    assert not box.intersects(site)
