"""render_map and its parts, drawn into QImages and checked pixel by pixel.

Extent (498 000, 198 000)-(506 000, 206 000) into 400 × 400 px is 20 m a pixel: A1 sits at
pixel (100, 300), P1 at (300, 300), M1 at (100, 100), C1 at (300, 100); needs N1 at (150, 250),
N2 at (250, 250), N3 at (200, 125) (see map_builders).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

import estates_planner.render.map as map_render
from estates_planner.model import SiteKind
from estates_planner.render.map import (
    MapContent,
    RenderOptions,
    layers,
    overlays,
    render_map,
    style,
)

EXTENT = (498_000.0, 198_000.0, 506_000.0, 206_000.0)
BARE = dict(legend=False, scale_bar=False, north_arrow=False)


def draw(content, extent=EXTENT, size=(400, 400), **options) -> QImage:
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    render_map(painter, QRectF(0, 0, *size), content, extent,
               RenderOptions(**{**BARE, **options}))
    painter.end()
    return image


def rgb(image: QImage, x: int, y: int) -> tuple[int, int, int]:
    c = image.pixelColor(x, y)
    return (c.red(), c.green(), c.blue())


def close_to(actual, expected: str, tolerance: int = 12) -> bool:
    e = QColor(expected)
    return all(abs(a - b) <= tolerance for a, b in zip(actual, (e.red(), e.green(), e.blue()),
                                                       strict=True))


def test_frame_fits_extent_without_stretching():
    frame = map_render.MapFrame.fit((0.0, 0.0, 1000.0, 1000.0), QRectF(0, 0, 200, 100))
    # 1000 m high into 100 px: 0.1 px a metre; the width grows to 2000 m around the centre
    assert frame.px_per_m == pytest.approx(0.1)
    assert frame.extent == pytest.approx((-500.0, 0.0, 1500.0, 1000.0))
    px = frame.to_px(np.array([[-500.0, 1000.0], [1500.0, 0.0], [500.0, 500.0]]))
    assert px.ravel().tolist() == pytest.approx([0, 0, 200, 100, 100, 50])
    assert frame.px_to_map(100, 50) == pytest.approx((500.0, 500.0))
    mapped = frame.transform().map(QPointF(500.0, 500.0))
    assert (mapped.x(), mapped.y()) == pytest.approx((100.0, 50.0))


def test_sites_drawn_in_kind_colours_where_they_are(mds):
    image = draw(MapContent(dataset=mds))
    assert close_to(rgb(image, 100, 300), style.KIND_COLOURS[SiteKind.AUTHORITY])
    assert close_to(rgb(image, 300, 300), style.KIND_COLOURS[SiteKind.PROVIDER])
    # the market triangle's centroid sits on the point; sample just under it, inside
    assert close_to(rgb(image, 100, 102), style.KIND_COLOURS[SiteKind.MARKET])
    # empty map stays background
    assert close_to(rgb(image, 200, 380), style.BACKGROUND, 3)


def test_women_only_site_has_its_diamond_outline(mds):
    image = draw(MapContent(dataset=mds))
    # M1 is 120 desks (23 px across): the diamond's tip is (11.5 + 3) × √2 = 20.5 px out
    right = [rgb(image, x, 100) for x in range(100 + 12, 100 + 24)]
    assert any(close_to(c, style.WOMEN_ONLY_COLOUR, 40) for c in right)
    # a site that is not women-only has no such outline
    around_a1 = [rgb(image, x, 300) for x in range(100 + 8, 100 + 24)]
    assert not any(close_to(c, style.WOMEN_ONLY_COLOUR, 40) for c in around_a1)


def test_after_a_solve_fill_shows_utilisation_and_closed_site_is_grey(mds, mscenario,
                                                                      mresult):
    image = draw(MapContent(dataset=mds, scenario=mscenario, result=mresult))
    assert close_to(rgb(image, 100, 300), style.UTILISATION_CLASSES[4][1])  # A1 at 95 %
    assert close_to(rgb(image, 300, 300), style.UTILISATION_CLASSES[1][1])  # P1 at 24 %
    assert close_to(rgb(image, 100, 103), style.UTILISATION_CLASSES[0][1])  # M1 not used
    # C1 closed: grey fill beside the cross (centre is the cross itself)
    assert close_to(rgb(image, 300 + 4, 100), style.CLOSED_FILL, 25)
    assert close_to(rgb(image, 300, 100), style.CLOSED_CROSS, 40)


def test_allocation_lines_drawn_and_hidden_with_their_layer(mds, mscenario, mresult):
    content = MapContent(dataset=mds, scenario=mscenario, result=mresult)
    # N1 (150, 250) to A1 (100, 300): pixel (125, 274) has its centre on the line
    background = rgb(draw(MapContent()), 125, 274)
    assert rgb(draw(content), 125, 274) != background
    content.layer_visibility["Allocation lines"] = False
    assert rgb(draw(content), 125, 274) == background


def test_hidden_sites_layer_leaves_background(mds):
    content = MapContent(dataset=mds, layer_visibility={"Sites": False})
    assert close_to(rgb(draw(content), 100, 300), style.BACKGROUND, 3)


def test_need_points_and_unplaced_needs(mds, mscenario, mresult):
    before = draw(MapContent(dataset=mds))
    assert close_to(rgb(before, 150, 250), style.NEED_FILL, 30)  # N1
    after = draw(MapContent(dataset=mds, scenario=mscenario, result=mresult))
    assert close_to(rgb(after, 200, 125), style.UNPLACED_FILL, 30)  # N3 is not placed


def test_polygon_layer_filled_lightly_under_sites(mds, regions):
    image = draw(MapContent(dataset=mds, layers={"regions": regions}))
    # (499 000..505 000)² is pixels 50..350 both ways; (70, 200) is inside, away from all
    assert close_to(rgb(image, 70, 200), style.POLYGON_FILLS[0], 3)
    # its name is written in the middle
    assert not close_to(rgb(image, 200, 200), style.POLYGON_FILLS[0], 3) or \
        any(not close_to(rgb(image, x, 200), style.POLYGON_FILLS[0], 3) for x in range(180, 220))
    assert close_to(rgb(image, 200, 380), style.BACKGROUND, 3)
    hidden = draw(MapContent(dataset=mds, layers={"regions": regions},
                             layer_visibility={"Boundaries: regions": False}))
    assert close_to(rgb(hidden, 70, 200), style.BACKGROUND, 3)


def test_selection_ring_drawn_only_when_asked(mds):
    content = MapContent(dataset=mds, selected_site_ids=frozenset({"P1"}))
    # P1 is 5 desks (11 px across): the ring has radius 5.5 + 5 = 10.5 px
    ring = rgb(draw(content), 300 + 10, 300)
    assert close_to(ring, style.SELECTION_COLOUR, 40)
    plain = rgb(draw(content, highlights=False), 300 + 10, 300)
    assert not close_to(plain, style.SELECTION_COLOUR, 40)


def test_vector_symbols_look_like_the_raster_ones(mds, mscenario, mresult):
    content = MapContent(dataset=mds, scenario=mscenario, result=mresult)
    raster = draw(content, vector_symbols=False)
    vector = draw(content, vector_symbols=True)
    for x, y in ((100, 300), (300, 300), (100, 103)):
        assert close_to(rgb(vector, x, y), "#{:02x}{:02x}{:02x}".format(*rgb(raster, x, y)), 20)


def test_render_into_pdf_writes_a_page(tmp_path, mds, mscenario, mresult):
    from PySide6.QtGui import QPageSize, QPdfWriter

    path = tmp_path / "map.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(300)
    painter = QPainter(writer)
    frame = render_map(painter, QRectF(0, 0, 2000, 2000),
                       MapContent(dataset=mds, scenario=mscenario, result=mresult), EXTENT)
    painter.end()
    assert frame.px_per_m == pytest.approx(0.25)
    assert path.read_bytes().startswith(b"%PDF")
    assert map_render.device_unit.__doc__  # units scale: 300 dpi is 3.125 device px a logical px


def test_extent_none_shows_all_data(mds):
    image = QImage(400, 400, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    frame = render_map(painter, QRectF(0, 0, 400, 400), MapContent(dataset=mds), None,
                       RenderOptions(**BARE))
    painter.end()
    # data span 4000 m (+5 % each side = 4400 m) around (502 000, 202 000)
    assert frame.extent == pytest.approx((499_800.0, 199_800.0, 504_200.0, 204_200.0))


def test_empty_content_draws_background_only():
    image = draw(MapContent())
    assert close_to(rgb(image, 200, 200), style.BACKGROUND, 3)


def test_size_and_utilisation_classes():
    assert [style.size_class(d) for d in (0, 9, 10, 29, 30, 99, 100, 500)] == \
        [0, 0, 1, 1, 2, 2, 2, 2]
    areas = [d ** 2 for _least, d, _label in style.SIZE_CLASSES]
    assert all(big >= 2 * small for small, big in zip(areas, areas[1:], strict=False))
    assert style.utilisation_class(0.0, used=False) == 0
    assert [style.utilisation_class(u, True) for u in (0.1, 0.5, 0.6, 0.8, 0.95, 1.2)] == \
        [1, 1, 2, 3, 4, 4]


def test_prepared_styles_are_grouped_in_drawing_order(mds, mscenario, mresult):
    prepared = map_render.PreparedContent(MapContent(dataset=mds, scenario=mscenario,
                                                     result=mresult))
    by_id = dict(zip(prepared.site_ids, (prepared.styles[i] for i in prepared.site_style),
                     strict=True))
    assert by_id["A1"] == style.SiteStyle(SiteKind.AUTHORITY, False, 2, 4, False)
    assert by_id["P1"] == style.SiteStyle(SiteKind.PROVIDER, False, 0, 1, False)
    assert by_id["M1"] == style.SiteStyle(SiteKind.MARKET, True, 2, 0, False)
    assert by_id["C1"] == style.SiteStyle(SiteKind.AUTHORITY, False, 1, 0, True)
    # closed first, then bigger before smaller, so small symbols end up on top
    drawn = [prepared.site_ids[i] for i in prepared.draw_order]
    assert drawn == ["C1", "A1", "M1", "P1"]  # A1 and M1 one size: the women-only on top
    assert prepared.style_bounds.tolist() == [0, 1, 2, 3, 4]



def test_level_of_detail_shrinks_symbols_only_when_crowded():
    rect = QRectF(0, 0, 440, 440)  # room for 400 symbols of 22 px
    assert layers.level_of_detail(100, rect) == 1.0
    assert layers.level_of_detail(1600, rect) == 0.55  # √(400/1600) = 0.5, floored at 0.55
    assert layers.level_of_detail(625, rect) == 0.7  # √(400/625) = 0.8, down to a step
    assert layers.level_of_detail(553, rect) == 0.85  # √(400/553) = 0.85


def test_scale_bar_lengths_are_round():
    assert overlays._nice_length(1234.0) == 1000.0
    assert overlays._nice_length(2600.0) == 2000.0
    assert overlays._nice_length(77_000.0) == 50_000.0
    assert map_render.format_distance(50_000.0) == "50 km"
    assert map_render.format_distance(500.0) == "500 m"


def test_legend_lists_what_is_shown(mds, mscenario, mresult, regions):
    prepared = map_render.PreparedContent(MapContent(dataset=mds))
    before = [e.label for e in map_render.legend_entries(prepared)]
    assert "Authority (square)" in before and "Women-only (diamond)" in before
    assert "Utilisation (fill)" not in before and "Not placed" not in before
    after = [e.label for e in map_render.legend_entries(map_render.PreparedContent(MapContent(
        dataset=mds, scenario=mscenario, result=mresult, layers={"regions": regions})))]
    assert {"Utilisation (fill)", "over 90%", "Not placed", "Closed in this scenario",
            "Need to its site", "Regions"} <= set(after)


def test_legend_lists_every_site_size_present(mds):
    import dataclasses

    sizes = {3: "under 10 desks", 12: "10–29 desks", 45: "30 or more desks"}
    sites = tuple(dataclasses.replace(s, desks=d) for s, d in zip(mds.sites, sizes, strict=False))
    ds = dataclasses.replace(mds, sites=sites)
    labels = [e.label for e in map_render.legend_entries(map_render.PreparedContent(MapContent(
        dataset=ds)))]
    shown = [label for label in labels if label.endswith("desks")]
    assert shown == [sizes[d] for d in sorted({s.desks for s in sites})]


def test_overlays_draw_something(mds):
    plain = draw(MapContent(dataset=mds))
    full = draw(MapContent(dataset=mds), legend=True, scale_bar=True, north_arrow=True)
    # north arrow top left, legend top right, scale bar bottom left
    for x, y in ((20, 30), (390, 20), (15, 392)):
        assert rgb(full, x, y) != rgb(plain, x, y)


def test_layers_in_other_crs_are_reprojected_and_lines_not_filled(mds, regions):
    import geopandas as gpd
    from shapely.geometry import LineString

    in_wgs84 = regions.to_crs(4326)
    image = draw(MapContent(dataset=mds, layers={"regions": in_wgs84}))
    assert close_to(rgb(image, 70, 200), style.POLYGON_FILLS[0], 3)
    # an L-shaped line would enclose (70, 200) if it were filled as a polygon
    line = gpd.GeoDataFrame(geometry=[LineString([(499_000, 205_000), (499_000, 199_000),
                                                  (505_000, 199_000)])], crs=27700)
    image = draw(MapContent(dataset=mds, layers={"roads": line}))
    assert close_to(rgb(image, 70, 200), style.BACKGROUND, 3)
    assert not close_to(rgb(image, 50, 200), style.BACKGROUND, 3)  # the line itself


def test_a_covering_layer_is_drawn_under_finer_boundaries(mds):
    """An outline listed after the regions must not hide the region boundaries."""
    import geopandas as gpd
    from shapely.geometry import box

    regions = gpd.GeoDataFrame(
        {"name": ["West", "East"]},
        geometry=[box(498_000, 198_000, 502_000, 206_000), box(502_000, 198_000, 506_000, 206_000)],
        crs=27700)
    # the same land as the regions, in one polygon (as the sample's outline and regions are)
    outline = gpd.GeoDataFrame({"name": ["Land"]}, geometry=[box(498_000, 198_000, 506_000,
                                                                 206_000)], crs=27700)
    prepared = map_render.PreparedContent(MapContent(dataset=mds,
                                                 layers={"regions": regions, "outline": outline}))
    names = [layer.name for layer in prepared.polygon_layers]
    assert [n.split(": ")[-1] for n in names] == ["outline", "regions"]
    # the shared boundary at x = 502 000 (pixel column 200) is drawn in the outline colour
    image = draw(MapContent(dataset=mds, layers={"regions": regions, "outline": outline},
                            layer_visibility={"Sites": False, "Needs": False}))
    line = [rgb(image, x, 200) for x in range(197, 204)]
    assert any(close_to(px, style.POLYGON_OUTLINE, 40) for px in line)
