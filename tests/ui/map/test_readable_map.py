"""Issue #12 on the widget: labels on the sample, clusters opened by clicks, overlays off the
data, and the coastline under a project without boundaries."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

from estates_planner.model import Dataset, Site, SiteKind
from estates_planner.render.map import MapContent
from estates_planner.render.map.base_layer import LAND, SEA, BaseLayer
from estates_planner.render.map.labels import SELECTED

MANCHESTER_SITE = "GM-001"  # Manchester Probation Office in the sample


@pytest.fixture
def sample(sample_dir):
    path = sample_dir / "sample_project.gpkg"
    if not path.exists():
        pytest.skip("data/sample_project.gpkg has not been generated")
    from estates_planner.optimise import greedy_plan
    from estates_planner.project import open_project

    project = open_project(path)
    scenario = project.scenarios[0]
    return project, scenario, project.results.get(scenario.name) or greedy_plan(scenario)


def _sample_view(map_view, sample, **extra):
    project, scenario, result = sample
    map_view.resize(800, 600)
    map_view.set_legend_visible(True)
    map_view.set_content(MapContent(dataset=project.dataset, scenario=scenario, result=result,
                                    layers=dict(project.layers), **extra))
    map_view.grab_image()
    return map_view


def _drawn_boxes(view):
    """Every drawn site symbol's and cluster's box in viewport pixels."""
    prepared, state = view.prepared(), view._state
    layout = state.layout
    rows = layout.site_rows(prepared)
    boxes = []
    for (x, y), r in zip(layout.xy_px.tolist(),
                         (prepared.site_reach[rows] * state.lod).tolist(), strict=True):
        boxes.append(QRectF(x - r, y - r, 2 * r, 2 * r))
    boxes += [QRectF(c.x_px - c.radius_px, c.y_px - c.radius_px, 2 * c.radius_px,
                     2 * c.radius_px) for c in layout.clusters]
    return boxes


@pytest.mark.parametrize("span_m", [None, 60_000.0, 8_000.0])  # country, county, city
def test_sample_labels_never_overlap_and_name_the_selection(map_view, sample, span_m):
    view = _sample_view(map_view, sample, selected_site_ids=frozenset({MANCHESTER_SITE}))
    site = sample[0].dataset.site(MANCHESTER_SITE)
    if span_m is None:
        view.zoom_to_all()
    else:
        view.set_extent((site.easting - span_m / 2, site.northing - span_m / 2,
                         site.easting + span_m / 2, site.northing + span_m / 2))
    view.grab_image()
    labels = view.placed_labels
    assert len(labels) >= 3
    rects = [label.rect for label in labels]
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not a.intersects(b), (labels[i].text, a, b)
    for name, overlay in view.overlay_rects().items():
        assert not any(r.intersects(overlay) for r in rects), name
    named = [label for label in labels if label.role == SELECTED]
    assert [label.site_id for label in named] == [MANCHESTER_SITE]
    assert named[0].text == "Manchester Probation Office"


def test_after_zoom_to_all_no_symbol_is_under_an_overlay(map_view, sample):
    view = _sample_view(map_view, sample)
    view.zoom_to_all()
    view.grab_image()
    overlays = view.overlay_rects()
    assert set(overlays) == {"north arrow", "scale bar", "legend"}
    assert overlays["legend"].width() > 100  # measured, not guessed
    boxes = _drawn_boxes(view)
    assert len(boxes) > 20
    for name, overlay in overlays.items():
        assert not any(box.intersects(overlay) for box in boxes), name


def _one_address(n: int) -> Dataset:
    sites = tuple(Site(f"S{i}", f"Suite {i}", "North", "North PDU", SiteKind.MARKET, False, 5,
                       1, 1000.0, 400_000.0, 300_000.0) for i in range(n))
    return Dataset(sites, ())


def test_spread_symbols_are_clicked_where_they_are_drawn(map_view, qtbot):
    map_view.set_content(MapContent(dataset=_one_address(3)))
    map_view.set_extent((399_000, 299_000, 401_000, 301_000))  # 5 m a pixel: spread
    map_view.grab_image()
    layout, prepared = map_view._state.layout, map_view.prepared()
    assert layout.spread.sum() == 3
    for row, (x, y) in zip(layout.site_rows(prepared), layout.xy_px.tolist(), strict=True):
        with qtbot.waitSignal(map_view.selectionChanged) as signal:
            qtbot.mouseClick(map_view.viewport(), Qt.MouseButton.LeftButton,
                             pos=QPointF(x, y).toPoint())
        assert signal.args == [[prepared.site_ids[int(row)]], []]


def test_a_clicked_cluster_spreads_out_and_its_sites_can_be_picked(map_view, qtbot):
    map_view.set_content(MapContent(dataset=_one_address(4)))
    map_view.set_extent((300_000, 200_000, 500_000, 400_000))  # 500 m a pixel: a cluster
    map_view.grab_image()
    [cluster] = map_view._state.layout.clusters
    assert cluster.count == 4
    qtbot.mouseClick(map_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPointF(cluster.x_px, cluster.y_px).toPoint())
    map_view.grab_image()
    layout = map_view._state.layout
    assert not layout.clusters and layout.spread.sum() == 4
    x, y = layout.xy_px[0]
    with qtbot.waitSignal(map_view.selectionChanged) as signal:
        qtbot.mouseClick(map_view.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPointF(x, y).toPoint())
    assert signal.args[0] == [map_view.prepared().site_ids[int(layout.site_rows(
        map_view.prepared())[0])]]


def test_coastline_is_drawn_without_any_boundaries(map_view):
    base = BaseLayer.load()
    assert len(base) == 165
    map_view.set_content(MapContent(dataset=_one_address(1), base_layer=base))
    # the Highlands (land) and the North Sea, far from the one site
    map_view.set_extent((150_000, 700_000, 650_000, 900_000))
    image = map_view.grab_image()
    frame = map_view.frame()
    land = frame.point_to_px(270_000, 790_000)
    sea = frame.point_to_px(560_000, 800_000)
    assert image.pixelColor(land.toPoint()).name() == LAND.lower()
    assert image.pixelColor(sea.toPoint()).name() == SEA.lower()
