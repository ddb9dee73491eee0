"""Clusters, spread rings and labels worked out by hand (render/map/clusters.py, labels.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont

from estates_planner.model import Allocation, Dataset, Site, SiteKind
from estates_planner.optimise.result import PlanResult, SiteUsage
from estates_planner.render.map import MapContent, MapFrame, PreparedContent
from estates_planner.render.map.clusters import hit_layout, layout_sites
from estates_planner.render.map.fit import fit_view, focus_points
from estates_planner.render.map.labels import SELECTED, place_labels


def _site(site_id, x, y, desks=5, name=None):
    return Site(site_id, name or f"Site {site_id}", "North", "North PDU", SiteKind.PROVIDER,
                False, desks, 1, 1000.0, x, y)


def _towns() -> Dataset:
    """Three sites in town T (within 300 m), two in town U (200 m apart), one alone at V;
    the towns 50 km apart."""
    return Dataset((
        _site("T1", 400_000, 300_000), _site("T2", 400_200, 300_100),
        _site("T3", 400_100, 299_800),
        _site("U1", 450_000, 300_000), _site("U2", 450_200, 300_000),
        _site("V1", 500_000, 300_000),
    ), ())


def test_cluster_counts_equal_the_sites_they_hold():
    prepared = PreparedContent(MapContent(dataset=_towns()))
    # 1 km a pixel: each town is under a pixel across, the towns 50 px apart
    frame = MapFrame.fit((350_000, 250_000, 550_000, 350_000), QRectF(0, 0, 200, 100))
    assert frame.m_per_px == pytest.approx(1000)
    layout = layout_sites(prepared, frame)
    counts = sorted(c.count for c in layout.clusters)
    assert counts == [2, 3]
    held = sorted(prepared.site_ids[int(r)] for c in layout.clusters for r in c.rows)
    assert held == ["T1", "T2", "T3", "U1", "U2"]
    # V1 alone is drawn as itself, at its own place (150 px right of the frame's left)
    assert [prepared.site_ids[int(r)] for r in layout.site_rows(prepared)] == ["V1"]
    assert layout.xy_px[0].tolist() == pytest.approx([150.0, 50.0])
    # a cluster is drawn at the middle of its sites: T at (400 100, 299 967) -> (50.1, 50.03)
    town_t = next(c for c in layout.clusters if c.count == 3)
    assert (town_t.x_px, town_t.y_px) == pytest.approx((50.1, 50.033), abs=1e-3)


def test_close_in_overlapping_sites_spread_on_a_ring_and_are_hit_where_drawn():
    # three sites at one address; 5 m a pixel (closer in than 25 m a pixel spreads them)
    sites = (_site("A", 400_000, 300_000), _site("B", 400_000, 300_000),
             _site("C", 400_000, 300_000))
    prepared = PreparedContent(MapContent(dataset=Dataset(sites, ())))
    frame = MapFrame.fit((399_500, 299_500, 400_500, 300_500), QRectF(0, 0, 200, 200))
    layout = layout_sites(prepared, frame)
    assert not layout.clusters and layout.spread.all()
    # 5-desk symbols are 10 px across: ring radius max(16, 3 × (10 + 4) / 2π) = 16 px,
    # the first at the top, then every 120° clockwise (y down): (100, 84), (113.9, 108),
    # (86.1, 108)
    drawn = {prepared.site_ids[int(r)]: tuple(xy) for r, xy in
             zip(layout.site_rows(prepared), layout.xy_px.tolist(), strict=True)}
    s = 16 * math.sin(math.radians(60))
    assert sorted(drawn.values()) == pytest.approx(sorted([(100, 84), (100 + s, 108),
                                                           (100 - s, 108)]))
    for site_id, (x, y) in drawn.items():
        assert hit_layout(layout, prepared, x, y) == ("site", site_id)
    assert hit_layout(layout, prepared, 100, 100) is None  # the true place holds only a dot
    assert layout.anchor_px.tolist() == [[100.0, 100.0]] * 3


def test_a_clicked_cluster_spreads_at_any_scale():
    ds = _towns()
    frame = MapFrame.fit((350_000, 250_000, 550_000, 350_000), QRectF(0, 0, 200, 100))
    opened = PreparedContent(MapContent(dataset=ds,
                                        spread_site_ids=frozenset({"U1", "U2"})))
    layout = layout_sites(opened, frame)
    assert [c.count for c in layout.clusters] == [3]
    spread = {opened.site_ids[int(r)] for r, s in
              zip(layout.site_rows(opened), layout.spread, strict=True) if s}
    assert spread == {"U1", "U2"}


def _row_of_sites() -> tuple[Dataset, PlanResult]:
    """Seven long-named sites 14 px apart in a row (at 10 m a pixel, 140 m apart); the plan
    uses only the fifth, S4."""
    sites = tuple(_site(f"S{i}", 400_000 + 140 * i, 300_000, desks=5,
                        name=f"A rather long site name number {i}") for i in range(7))
    usage = {"S4": SiteUsage("S4", 5, 25, 1, 5, ("N1",))}
    result = PlanResult("Base", (Allocation("N1", "S4"),), {}, 0.0, 0.0, 0.0, "evaluated",
                        0.0, usage)
    return Dataset(sites, ()), result


def _labels(content: MapContent):
    prepared = PreparedContent(content)
    frame = MapFrame.fit((398_420, 299_000, 402_420, 301_000), QRectF(0, 0, 400, 200))
    layout = layout_sites(prepared, frame)
    return place_labels(prepared, frame, layout, QFont(), None, 1.0, 1.0,
                        [QRectF(0, 0, 30, 30)])


def test_labels_never_overlap_and_the_used_site_is_named_first():
    ds, result = _row_of_sites()
    labels = _labels(MapContent(dataset=ds, result=result))
    rects = [label.rect for label in labels]
    assert all(not a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert not any(r.intersects(QRectF(0, 0, 30, 30)) for r in rects)  # the obstacle
    assert 2 <= len(labels) < 7  # names ~170 px wide, symbols 14 px apart: not all fit
    assert labels[0].site_id == "S4"  # the plan's site is placed first


def test_the_selected_site_is_always_named():
    ds, result = _row_of_sites()
    for chosen in ("S0", "S3", "S6"):
        labels = _labels(MapContent(dataset=ds, result=result,
                                    selected_site_ids=frozenset({chosen})))
        named = [label for label in labels if label.role == SELECTED]
        assert [label.site_id for label in named] == [chosen]


def test_fit_keeps_symbols_off_the_overlays():
    # two points 1000 m apart into a 200 × 100 view with a box over its top-left corner
    points = np.array([[0.0, 0.0], [1000.0, 0.0]])
    view = QRectF(0, 0, 200, 100)
    fit = fit_view(points, np.array([10.0, 10.0]), view, view, [QRectF(0, 0, 60, 60)], 1.0)
    # at most (200 - 20) / 1000 = 0.18 px/m; the points sit at y = 50, so their boxes
    # (y 40..60) meet the box's rows: the west one must clear x = 60, 100 - 500 s - 10 ≥ 60,
    # s ≤ 0.06; steps of 0.9 from 0.18 get there at 0.18 × 0.9^11 = 0.0565
    assert fit.px_per_m == pytest.approx(0.18 * 0.9 ** 11)
    assert (fit.centre_x_m, fit.centre_y_m) == pytest.approx((500.0, 0.0))


def test_focus_of_a_need_includes_its_site_and_of_a_site_its_needs(mds, mresult):
    prepared = PreparedContent(MapContent(dataset=mds, result=mresult))
    xy, is_site = focus_points(prepared, [], ["N1"])
    assert sorted(map(tuple, xy.tolist())) == [(500_000.0, 200_000.0), (501_000.0, 201_000.0)]
    assert is_site.tolist() == [True, False]
    xy, _ = focus_points(prepared, ["P1"], [])
    assert sorted(map(tuple, xy.tolist())) == [(503_000.0, 201_000.0), (504_000.0, 200_000.0)]
    # one site alone brings its nearest neighbour: A1 and C1 are both 4 km away (the first
    # in the data wins the tie), M1 is 5.7 km
    xy, is_site = focus_points(prepared, ["P1"], [], neighbours=1)
    assert sorted(map(tuple, xy[is_site].tolist())) == [(500_000.0, 200_000.0),
                                                        (504_000.0, 200_000.0)]
