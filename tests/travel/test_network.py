"""Reading line layers and GraphML into a network, and the messages for bad input."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import pytest
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from estates_planner.errors import NetworkError
from estates_planner.travel import network_from_frame, network_from_stored_layer, read_network


def test_river_layer_becomes_graph_with_lengths_and_minutes(river_file):
    net = read_network(river_file, speed_column="speed")
    g = net.graph
    assert g.number_of_nodes() == 5  # (0,-500), (3000,-500), (8000,-500), (8000,500), (0,500)
    assert g.number_of_edges() == 4
    lengths = sorted(round(d["length_km"], 6) for _, _, d in g.edges(data=True))
    assert lengths == [1.0, 3.0, 5.0, 8.0]
    # 5 km at 60 km/h = 5 min; 3 km at 30 = 6; 1 km at 30 = 2; 8 km at 60 = 8
    minutes = sorted(round(d["minutes"], 6) for _, _, d in g.edges(data=True))
    assert minutes == [2.0, 5.0, 6.0, 8.0]
    assert net.has_minutes
    assert net.report.ok and len(net.report) == 0
    assert net.source == "river.gpkg"


def test_without_speed_only_km_are_known(river_file):
    net = read_network(river_file)
    assert not net.has_minutes
    assert all("minutes" not in d for _, _, d in net.graph.edges(data=True))


def test_ends_within_tolerance_merge_into_one_junction(make_lines):
    # the second line starts 3 m from where the first ends
    frame = make_lines([[(0, 0), (1000, 0)], [(1003, 0), (2000, 0)]])
    assert network_from_frame(frame, tolerance_m=5).graph.number_of_nodes() == 3
    assert network_from_frame(frame, tolerance_m=1).graph.number_of_nodes() == 4


def test_lines_crossing_without_shared_end_are_not_joined(make_lines):
    # a flyover: two lines cross at (500, 0) but neither ends there
    frame = make_lines([[(0, 0), (1000, 0)], [(500, -500), (500, 500)]])
    net = network_from_frame(frame)
    assert nx.number_connected_components(net.graph) == 2


def test_multilinestring_is_split_into_its_parts(make_lines):
    multi = MultiLineString([[(0, 0), (1000, 0)], [(1000, 0), (1000, 2000)]])
    frame = gpd.GeoDataFrame({"minutes": [6.0]}, geometry=[multi], crs="EPSG:27700")
    net = network_from_frame(frame, minutes_column="minutes")
    assert net.graph.number_of_edges() == 2
    # the feature's 6 minutes are shared by length: 1 km -> 2 min, 2 km -> 4 min
    assert sorted(round(d["minutes"], 6) for _, _, d in net.graph.edges(data=True)) == [2, 4]


def test_parallel_lines_keep_the_shorter(make_lines):
    frame = make_lines([[(0, 0), (1000, 0)], [(0, 0), (500, 400), (1000, 0)]])
    net = network_from_frame(frame)
    assert net.graph.number_of_edges() == 1
    assert net.graph.edges[0, 1]["length_km"] == pytest.approx(1.0)


def test_layer_in_wgs84_is_reprojected_to_bng(make_lines):
    # about 1 km along a meridian near London in lon/lat
    frame = make_lines([[(-0.1, 51.5), (-0.1, 51.509)]], crs="EPSG:4326")
    net = network_from_frame(frame)
    length = next(iter(net.graph.edges(data=True)))[2]["length_km"]
    assert length == pytest.approx(1.0, abs=0.01)
    assert net.node_xy[:, 0].min() > 500_000  # eastings of London


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_missing_crs_is_a_clear_error(tmp_path, make_lines):
    path = tmp_path / "roads.shp"
    make_lines([[(0, 0), (1000, 0)]], crs=None).to_file(path, engine="pyogrio")
    with pytest.raises(NetworkError, match=r"roads.shp: the layer has no coordinate reference "
                                           r"system \(CRS\).*EPSG:27700"):
        read_network(path)


def test_polygons_only_is_a_clear_error(tmp_path):
    path = tmp_path / "areas.gpkg"
    squares = [Polygon([(0, 0), (10, 0), (10, 10)]), Polygon([(20, 0), (30, 0), (30, 10)])]
    gpd.GeoDataFrame(geometry=squares, crs="EPSG:27700").to_file(path, engine="pyogrio")
    with pytest.raises(NetworkError, match=r"areas.gpkg: expected road or path lines, found "
                                           r"Polygon \(2\)"):
        read_network(path)


def test_points_among_lines_are_warnings_naming_the_features(make_lines):
    frame = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)]), Point(5, 5),
                                       LineString([(1000, 0), (2000, 0)])], crs="EPSG:27700")
    net = network_from_frame(frame, source="mixed.gpkg")
    assert net.graph.number_of_edges() == 2
    assert [str(p) for p in net.report.warnings] == [
        "mixed.gpkg: 1 Point feature (feature 2) is not a line; left out"]


def test_zero_length_line_is_a_warning(make_lines):
    frame = make_lines([[(0, 0), (1000, 0)], [(1000, 0), (1000, 0)]])
    net = network_from_frame(frame, source="roads.gpkg")
    assert net.graph.number_of_edges() == 1
    assert "feature 2 is a zero-length line; left out" in str(net.report.warnings[0])


def test_line_shorter_than_tolerance_is_a_loop_warning(make_lines):
    frame = make_lines([[(0, 0), (1000, 0)], [(1000, 0), (1002, 0)]])
    net = network_from_frame(frame, source="roads.gpkg")
    assert net.graph.number_of_edges() == 1
    assert "feature 2 starts and ends at the same junction (within 5 m)" in \
        str(net.report.warnings[0])


def test_only_zero_length_lines_is_an_error(make_lines):
    frame = make_lines([[(0, 0), (0, 0)]])
    with pytest.raises(NetworkError, match="every line has zero length"):
        network_from_frame(frame, source="roads.gpkg")


def test_empty_layer_is_an_error():
    frame = gpd.GeoDataFrame(geometry=[], crs="EPSG:27700")
    with pytest.raises(NetworkError, match="roads.gpkg: the layer has no features"):
        network_from_frame(frame, source="roads.gpkg")


def test_missing_speed_column_names_the_columns(river_file):
    with pytest.raises(NetworkError, match=r"has no column 'speed_kmh'; its columns are speed"):
        read_network(river_file, speed_column="speed_kmh")


def test_speed_kmh_or_minutes_columns_are_used_unasked(make_lines):
    lines = [[(0, 0), (1000, 0)], [(1000, 0), (3000, 0)]]
    by_speed = network_from_frame(make_lines(lines, speed_kmh=[60.0, 30.0]))
    assert sorted(d["minutes"] for _, _, d in by_speed.graph.edges(data=True)) == [1.0, 4.0]
    by_minutes = network_from_frame(make_lines(lines, speed_kmh=[60.0, 30.0],
                                               minutes=[5.0, 7.0]))
    assert sorted(d["minutes"] for _, _, d in by_minutes.graph.edges(data=True)) == [5.0, 7.0]
    blank = network_from_frame(make_lines(lines, minutes=[None, None]))
    assert not blank.has_minutes


def test_bad_speeds_take_the_median_with_a_warning(make_lines):
    frame = make_lines([[(0, 0), (1000, 0)], [(1000, 0), (2000, 0)], [(2000, 0), (3000, 0)]],
                       speed=[30.0, "fast", 60.0])
    net = network_from_frame(frame, source="roads.gpkg", speed_column="speed")
    assert "feature 2 has no usable speed (km/h)" in str(net.report.warnings[0])
    assert "the median 45 is used" in str(net.report.warnings[0])
    minutes = sorted(round(d["minutes"], 6) for _, _, d in net.graph.edges(data=True))
    assert minutes == [1.0, round(60 / 45, 6), 2.0]


def test_no_usable_speed_at_all_is_an_error(make_lines):
    frame = make_lines([[(0, 0), (1000, 0)]], speed=[0])
    with pytest.raises(NetworkError, match="column 'speed' has no usable speed"):
        network_from_frame(frame, speed_column="speed")


def test_missing_file_and_unreadable_file(tmp_path):
    with pytest.raises(NetworkError, match="nowhere.gpkg: file not found"):
        read_network(tmp_path / "nowhere.gpkg")
    bad = tmp_path / "junk.gpkg"
    bad.write_text("not a geopackage")
    with pytest.raises(NetworkError, match="junk.gpkg: cannot be read"):
        read_network(bad)


def test_several_layers_need_a_choice(tmp_path, make_lines):
    path = tmp_path / "two.gpkg"
    make_lines([[(0, 0), (1000, 0)]]).to_file(path, layer="a", engine="pyogrio")
    make_lines([[(0, 0), (2000, 0)]]).to_file(path, layer="b", engine="pyogrio")
    with pytest.raises(NetworkError, match=r"holds several layers \(a, b\)"):
        read_network(path)
    net = read_network(path, layer="b")
    assert net.total_length_km == pytest.approx(2.0)
    assert net.source == "two.gpkg (layer 'b')"


def test_components_are_listed_largest_first(make_lines):
    frame = make_lines([[(0, 0), (1000, 0)], [(1000, 0), (2000, 0)],
                        [(50_000, 0), (53_000, 0)], [(90_000, 0), (90_500, 0)]])
    parts = network_from_frame(frame).components()
    assert [(p.index, round(p.length_km, 3), p.node_count, p.edge_count) for p in parts] == [
        (1, 3.0, 2, 1), (2, 2.0, 3, 2), (3, 0.5, 2, 1)]
    assert parts[0].bounds == (50_000, 0, 53_000, 0)


def test_fingerprint_changes_with_the_network(make_lines):
    a = network_from_frame(make_lines([[(0, 0), (1000, 0)]]))
    b = network_from_frame(make_lines([[(0, 0), (1000, 0)]]))
    c = network_from_frame(make_lines([[(0, 0), (1000, 10)]]))
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_stored_layer_round_trip(river_file):
    net = read_network(river_file, speed_column="speed")
    again = network_from_stored_layer(net.to_frame())
    assert again.fingerprint == net.fingerprint
    assert again.has_minutes


def test_graphml_with_bng_nodes(tmp_path):
    g = nx.Graph()
    g.add_node("a", x=0.0, y=0.0)
    g.add_node("b", x=3000.0, y=0.0)
    g.add_node("c", x=3000.0, y=4000.0)
    g.add_edge("a", "b", length=3000.0, travel_time=180.0)  # OSMnx units: m and s
    g.add_edge("b", "c", length=4000.0, travel_time=240.0)
    path = tmp_path / "roads.graphml"
    nx.write_graphml(g, path)
    net = read_network(path)
    assert net.has_minutes
    assert sorted(d["length_km"] for _, _, d in net.graph.edges(data=True)) == [3.0, 4.0]
    assert sorted(d["minutes"] for _, _, d in net.graph.edges(data=True)) == [3.0, 4.0]


def test_graphml_without_lengths_uses_node_coordinates(tmp_path):
    g = nx.Graph()
    g.add_node(1, x=0.0, y=0.0)
    g.add_node(2, x=3000.0, y=4000.0)
    g.add_edge(1, 2)
    path = tmp_path / "roads.graphml"
    nx.write_graphml(g, path)
    net = read_network(path)
    assert not net.has_minutes
    assert next(iter(net.graph.edges(data=True)))[2]["length_km"] == pytest.approx(5.0)


def test_graphml_in_lon_lat_is_an_error(tmp_path):
    g = nx.Graph()
    g.add_node(1, x=-1.5, y=52.0)
    g.add_node(2, x=-1.4, y=52.1)
    g.add_edge(1, 2)
    path = tmp_path / "roads.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(NetworkError, match="look like longitude/latitude"):
        read_network(path)


def test_graphml_node_without_coordinates_is_an_error(tmp_path):
    g = nx.Graph()
    g.add_node(1, x=0.0, y=0.0)
    g.add_node(2)
    g.add_edge(1, 2)
    path = tmp_path / "roads.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(NetworkError, match="node 2 has no numeric x/y"):
        read_network(path)


def test_nearest_nodes_gives_snap_distance_in_km(river_file):
    net = read_network(river_file)
    nodes, snap = net.nearest_nodes([(0, -1500), (8000, 700)])
    assert [tuple(net.node_xy[n]) for n in nodes] == [(0, -500), (8000, 500)]
    assert snap.tolist() == pytest.approx([1.0, 0.2])


def test_merged_junctions_survive_storing(make_lines):
    # ends 3 m apart are one junction; the stored lines must meet exactly
    frame = make_lines([[(0, 0), (1000, 0)], [(1003, 0), (2000, 0)], [(1001, 2), (1000, 900)]],
                       speed=[30.0, 60.0, 40.0])
    net = network_from_frame(frame, speed_column="speed")
    again = network_from_stored_layer(net.to_frame())
    assert again.graph.number_of_nodes() == net.graph.number_of_nodes() == 4
    assert again.fingerprint == net.fingerprint


def test_fingerprint_ignores_feature_order(make_lines):
    lines = [[(0, 0), (1000, 0)], [(1000, 0), (2000, 500)], [(2000, 500), (0, 0)]]
    a = network_from_frame(make_lines(lines))
    b = network_from_frame(make_lines([list(reversed(c)) for c in reversed(lines)]))
    assert a.fingerprint == b.fingerprint


def test_ways_sharing_an_inner_vertex_are_cut_there(make_lines):
    # OpenStreetMap style: both ways run through the junction at (1000, 0)
    frame = make_lines([[(0, 0), (1000, 0), (2000, 0)],
                        [(1000, -1000), (1000, 0), (1000, 1000)]], minutes=[4.0, 2.0])
    net = network_from_frame(frame, minutes_column="minutes")
    assert net.graph.number_of_nodes() == 5
    assert net.graph.number_of_edges() == 4
    assert len(net.components()) == 1
    # each way's minutes are shared by length between its halves
    assert sorted(d["minutes"] for _, _, d in net.graph.edges(data=True)) == [1, 1, 2, 2]
    # a vertex shared only within one line (a bend) does not cut it
    bend = network_from_frame(make_lines([[(0, 0), (500, 500), (1000, 0)]]))
    assert bend.graph.number_of_edges() == 1


def test_side_road_ending_on_a_main_road_joins_it(make_lines):
    # the side road ends 2 m short of the main road's middle, where it has no vertex
    frame = make_lines([[(0, 0), (2000, 0)], [(500, 1000), (500, 2)]])
    net = network_from_frame(frame)
    assert len(net.components()) == 1
    # the junction sits at the mean of the three ends, (500, 2/3): the side road is 999.3 m
    lengths = sorted(d["length_km"] for _, _, d in net.graph.edges(data=True))
    assert lengths == pytest.approx([0.5, 1.0, 1.5], abs=0.001)
    # 20 m short is no junction with a 5 m tolerance
    apart = network_from_frame(make_lines([[(0, 0), (2000, 0)], [(500, 1000), (500, 20)]]))
    assert len(apart.components()) == 2


def test_many_bad_features_are_one_warning_each_kind(make_lines):
    frame = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)]), None,
                                       LineString([(5, 5), (5, 5)]), None,
                                       LineString([(7, 7), (7, 7)])], crs="EPSG:27700")
    net = network_from_frame(frame, source="roads.gpkg")
    assert [str(p) for p in net.report.warnings] == [
        "roads.gpkg: feature 2, 4 have no geometry; left out",
        "roads.gpkg: feature 3, 5 are zero-length lines; left out"]
