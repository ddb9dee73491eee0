"""Hit-testing in BNG metres on the hand-made map (see map_builders): at 20 m a pixel a need
is picked within 5 px = 100 m, a site within its symbol's radius plus 3 px."""

from __future__ import annotations

from estates_planner.render.map import SITES, MapContent, PreparedContent, item_at, items_in_box

M_PER_PX = 20.0


def test_a_click_picks_the_site_or_need_under_it(mds, mscenario, mresult):
    prepared = PreparedContent(MapContent(dataset=mds, scenario=mscenario, result=mresult))
    assert item_at(prepared, 500_000.0, 200_000.0, M_PER_PX) == ("site", "A1")
    # N1 at (501 000, 201 000): 80 m off is 4 px, within reach; 140 m off is 7 px, not
    assert item_at(prepared, 501_080.0, 201_000.0, M_PER_PX) == ("need", "N1")
    assert item_at(prepared, 501_140.0, 201_000.0, M_PER_PX) is None
    assert item_at(prepared, 502_000.0, 199_000.0, M_PER_PX) is None  # empty map


def test_a_hidden_layer_is_not_picked(mds):
    prepared = PreparedContent(MapContent(dataset=mds, layer_visibility={SITES: False}))
    assert item_at(prepared, 500_000.0, 200_000.0, M_PER_PX) is None


def test_a_box_selects_the_points_inside_it(mds):
    prepared = PreparedContent(MapContent(dataset=mds))
    # corners in either order: A1 (500 000, 200 000) and N1 (501 000, 201 000) lie inside
    assert items_in_box(prepared, 502_000.0, 202_000.0, 499_000.0, 199_000.0) == (["A1"],
                                                                                ["N1"])
    assert items_in_box(prepared, 499_000.0, 199_000.0, 505_000.0, 205_000.0) == (
        ["A1", "C1", "M1", "P1"], ["N1", "N2", "N3"])
