"""Need -> site matrices on hand-made networks with shortest paths worked out by hand."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from estates_planner.geo import StraightLine
from estates_planner.travel import NetworkTravelModel, network_from_frame, read_network


@pytest.fixture
def river_model(river_file):
    return NetworkTravelModel(read_network(river_file, speed_column="speed"))


def test_across_the_river_is_farther_by_road_than_straight(river_model, river_dataset):
    needs, sites = river_dataset.needs, river_dataset.sites  # sites: NORTH, SOUTH
    assert StraightLine().distance_km(needs, sites) == pytest.approx(np.array([[1.0, 3.0]]))
    # north bank: 3 + 5 (south road) + 1 (bridge) + 8 (north road) = 17 km
    assert river_model.distance_km(needs, sites) == pytest.approx(np.array([[17.0, 3.0]]))


def test_minutes_follow_the_speeds(river_model, river_dataset):
    # south road 3 km at 30 = 6 min, 5 km at 60 = 5 min, bridge 1 km at 30 = 2, north 8 at 60
    minutes = river_model.time_minutes(river_dataset.needs, river_dataset.sites)
    assert minutes == pytest.approx(np.array([[6 + 5 + 2 + 8, 6]]))


def test_time_without_speeds_is_none(river_file, river_dataset):
    model = NetworkTravelModel(read_network(river_file))
    assert model.time_minutes(river_dataset.needs, river_dataset.sites) is None


def test_snap_distances_are_added(river_model, make_need, make_site):
    # need 400 m south of the (0,-500) junction; site 300 m east of (8000, 500)
    needs = [make_need("N", 0, -900)]
    sites = [make_site("S", 8300, 500)]
    assert river_model.distance_km(needs, sites)[0, 0] == pytest.approx(0.4 + 9.0 + 0.3)


def test_quickest_path_can_be_longer_than_shortest(make_lines, make_need, make_site):
    # direct 10 km lane at 30 km/h (20 min); bypass 7 + 7 km at 84 km/h (10 min)
    frame = make_lines([[(0, 0), (10_000, 0)], [(0, 0), (5000, 4899)],
                        [(5000, 4899), (10_000, 0)]], speed=[30.0, 84.0, 84.0])
    model = NetworkTravelModel(network_from_frame(frame, speed_column="speed"))
    needs, sites = [make_need("N", 0, 0)], [make_site("S", 10_000, 0)]
    assert model.distance_km(needs, sites)[0, 0] == pytest.approx(10.0)
    bypass_km = 2 * math.hypot(5000, 4899) / 1000
    assert model.time_minutes(needs, sites)[0, 0] == pytest.approx(bypass_km / 84 * 60)


def test_points_at_one_junction_travel_directly(river_model, make_need, make_site):
    # both snap to (0,-500): straight line between them, not via the junction
    needs = [make_need("N", 0, -900)]
    sites = [make_site("S", 300, -900)]
    assert river_model.distance_km(needs, sites)[0, 0] == pytest.approx(0.3)


def test_cutoff_at_largest_allowed_travel(river_file, river_dataset, make_need):
    net = read_network(river_file)
    limited = [make_need("N1", 0, -500, max_travel_km=5.0)]
    auto = NetworkTravelModel(net)
    # the north bank (17 km) lies beyond the 5 km cut-off: a lower bound just over 5 km
    cut = auto.distance_km(limited, river_dataset.sites)
    assert cut[0, 0] == pytest.approx(5.0) and cut[0, 0] > 5.0
    assert cut[0, 1] == 3.0
    never = NetworkTravelModel(net, cutoff_km=None)
    assert never.distance_km(limited, river_dataset.sites) == pytest.approx(np.array([[17, 3]]))
    # a need without a limit switches the automatic cut-off off
    mixed = limited + [make_need("N2", 0, -500)]
    assert auto.distance_km(mixed, river_dataset.sites)[0].tolist() == pytest.approx([17, 3])


def test_disconnected_parts_are_unreachable_and_reported(make_lines, make_need, make_site):
    # mainland: 0..4 km; island: 20..21 km, no ferry
    frame = make_lines([[(0, 0), (2000, 0)], [(2000, 0), (4000, 0)],
                        [(20_000, 0), (21_000, 0)]])
    model = NetworkTravelModel(network_from_frame(frame, source="roads.gpkg"))
    sites = [make_site("MAIN", 4000, 0, name="Mainland"),
             make_site("ISLE", 21_000, 0, name="Island")]
    needs = [make_need("N1", 0, 0), make_need("N2", 20_000, 0), make_need("N3", 2000, 0)]
    km = model.distance_km(needs, sites)
    assert km.tolist() == [[4.0, math.inf], [math.inf, 1.0], [2.0, math.inf]]
    report = model.disconnected_report(needs, sites)
    assert not report.connected
    assert report.component_count == 2
    assert [(p.component.index, p.site_ids, p.need_ids) for p in report.parts] == [
        (1, ("MAIN",), ("N1", "N3")), (2, ("ISLE",), ("N2",))]
    text = report.lines()
    assert text[0] == ("the network is in 2 separate parts and the sites and service-user "
                       "points fall in 2 of them; no journey crosses between parts")
    assert text[1].startswith("part 1: 4.0 km of road, 3 junctions")
    assert text[1].endswith("site MAIN; needs N1, N3")
    assert "site MAIN (part 1) cannot be reached from 1 need in other parts" in text
    assert "site ISLE (part 2) cannot be reached from 2 needs in other parts" in text
    assert report.unreachable_need_ids == ()


def test_need_in_a_part_without_sites_is_named(make_lines, make_need, make_site):
    frame = make_lines([[(0, 0), (2000, 0)], [(20_000, 0), (21_000, 0)]])
    model = NetworkTravelModel(network_from_frame(frame))
    report = model.disconnected_report([make_need("N9", 21_000, 0)], [make_site("S", 0, 0)])
    assert report.unreachable_need_ids == ("N9",)
    assert "need N9 can reach no site at all: their part of the network has none" \
        in report.lines()


def test_connected_network_reports_nothing(river_model, river_dataset):
    report = river_model.disconnected_report(river_dataset.needs, river_dataset.sites)
    assert report.connected and len(report.problems) == 0


def test_points_far_from_the_network_are_warnings(river_model, make_need, make_site):
    needs = [make_need("N1", 0, -5500, pdu="Coast")]
    sites = [make_site("S1", 3000, -500, name="Town hall")]
    report = river_model.check(needs, sites)
    assert [p.message for p in report.warnings] == [
        "the service-user point of need N1 (Coast) is 5.0 km from the nearest junction of "
        "the network (more than 2 km)"]
    assert report.ok  # warnings only
    assert river_model.distance_km(needs, sites)[0, 0] == pytest.approx(5.0 + 3.0)


def test_engines_agree_on_a_random_network(make_need, make_site):
    rng = np.random.default_rng(7)
    g = nx.random_geometric_graph(300, 0.1, seed=7)
    import geopandas as gpd
    from shapely.geometry import LineString

    pos = {n: (d["pos"][0] * 50_000, d["pos"][1] * 50_000) for n, d in g.nodes(data=True)}
    frame = gpd.GeoDataFrame({"speed": rng.uniform(20, 90, g.number_of_edges())},
                             geometry=[LineString([pos[u], pos[v]]) for u, v in g.edges],
                             crs="EPSG:27700")
    net = network_from_frame(frame, speed_column="speed")
    needs = [make_need(f"N{i}", *rng.uniform(0, 50_000, 2), max_travel_km=30.0)
             for i in range(40)]
    sites = [make_site(f"S{j}", *rng.uniform(0, 50_000, 2)) for j in range(15)]
    fast = NetworkTravelModel(net, engine="scipy")
    slow = NetworkTravelModel(net, engine="networkx")
    for a, b in ((fast.distance_km(needs, sites), slow.distance_km(needs, sites)),
                 (fast.time_minutes(needs, sites), slow.time_minutes(needs, sites))):
        assert np.array_equal(np.isinf(a), np.isinf(b))
        assert np.allclose(a[np.isfinite(a)], b[np.isfinite(b)])
    # and against networkx's own all-pairs answer for one pair
    n0, s0 = net.nearest_nodes([needs[0].xy])[0][0], net.nearest_nodes([sites[0].xy])[0][0]
    if nx.has_path(net.graph, n0, s0):
        expected = nx.dijkstra_path_length(net.graph, n0, s0, weight="length_km")
        got = NetworkTravelModel(net, cutoff_km=None).distance_km(needs[:1], sites[:1])[0, 0]
        snaps = net.nearest_nodes([needs[0].xy, sites[0].xy])[1].sum()
        if n0 != s0:
            assert got == pytest.approx(expected + snaps)


def test_more_sites_than_needs_runs_from_the_needs(river_model, make_need, make_site):
    needs = [make_need("N1", 0, -500)]
    sites = [make_site("A", 0, 500), make_site("B", 3000, -500), make_site("C", 8000, -500)]
    assert river_model.distance_km(needs, sites) == pytest.approx(np.array([[17, 3, 8]]))
    # and the transpose, many needs one site, agrees
    many = [make_need(f"N{i}", *s.xy) for i, s in enumerate(sites)]
    col = river_model.distance_km(many, [make_site("X", 0, -500)])
    assert col[:, 0].tolist() == pytest.approx([17, 3, 8])


def test_empty_inputs_give_empty_matrices(river_model, make_site):
    assert river_model.distance_km([], [make_site("A", 0, 0)]).shape == (0, 1)
    assert river_model.distance_km([], []).shape == (0, 0)


def test_cache_table_round_trip_and_invalidation(river_file, river_dataset, make_lines,
                                                 monkeypatch):
    net = read_network(river_file, speed_column="speed")
    model = NetworkTravelModel(net)
    km = model.distance_km(river_dataset.needs, river_dataset.sites)
    minutes = model.time_minutes(river_dataset.needs, river_dataset.sites)
    table = model.to_table()
    assert list(table.columns) == ["network", "key", "measure", "row", "values"]
    assert len(table) == 2  # one row per need, for km and for minutes
    assert sorted(table["measure"]) == ["km", "minutes"]

    fresh = NetworkTravelModel.from_table(net, table)

    def no_compute(*args, **kwargs):
        raise AssertionError("should have come from the cache table")

    monkeypatch.setattr(fresh, "_compute", no_compute)
    assert np.array_equal(fresh.distance_km(river_dataset.needs, river_dataset.sites), km)
    assert np.array_equal(fresh.time_minutes(river_dataset.needs, river_dataset.sites), minutes)
    # moved points: the cached matrix is not used
    moved = river_dataset.needs[0].__class__(**{**_fields(river_dataset.needs[0]),
                                                "easting": 100.0})
    with pytest.raises(AssertionError, match="cache table"):
        fresh.distance_km([moved], river_dataset.sites)
    # another network: nothing in the table is usable
    other = network_from_frame(make_lines([[(0, -500), (3000, -500)]]))
    assert NetworkTravelModel(other).load_table(table) == 0


def test_damaged_cache_rows_are_recomputed(river_file, river_dataset):
    net = read_network(river_file)
    model = NetworkTravelModel(net)
    km = model.distance_km(river_dataset.needs, river_dataset.sites)
    table = model.to_table()
    table.loc[0, "values"] = "not base64 at all!"
    fresh = NetworkTravelModel(net)
    assert fresh.load_table(table) == 0
    assert np.array_equal(fresh.distance_km(river_dataset.needs, river_dataset.sites), km)


def test_unreachable_pairs_survive_the_cache_table(make_lines, make_need, make_site):
    frame = make_lines([[(0, 0), (2000, 0)], [(20_000, 0), (21_000, 0)]])
    net = network_from_frame(frame)
    model = NetworkTravelModel(net)
    needs, sites = [make_need("N", 0, 0)], [make_site("A", 2000, 0), make_site("B", 21_000, 0)]
    km = model.distance_km(needs, sites)
    again = NetworkTravelModel.from_table(net, model.to_table()).distance_km(needs, sites)
    assert again.tolist() == km.tolist() == [[2.0, math.inf]]


def test_returned_matrix_is_a_copy(river_model, river_dataset):
    km = river_model.distance_km(river_dataset.needs, river_dataset.sites)
    km[:] = 0
    assert river_model.distance_km(river_dataset.needs, river_dataset.sites)[0, 0] == 17.0


def _fields(obj):
    import dataclasses

    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def test_cut_off_pairs_differ_from_unreachable_ones(make_lines, make_need, make_site):
    # mainland 0..4 km and an island; the need may travel 1 km
    frame = make_lines([[(0, 0), (2000, 0)], [(2000, 0), (4000, 0)],
                        [(20_000, 0), (21_000, 0)]])
    model = NetworkTravelModel(network_from_frame(frame))
    km = model.distance_km([make_need("N", 0, 0, max_travel_km=1.0)],
                           [make_site("FAR", 4000, 0), make_site("ISLE", 21_000, 0)])
    # FAR is 4 km by road, beyond the cut-off: a bound of 4 km (the straight line); ISLE: no road
    assert km[0, 0] == pytest.approx(4.0) and math.isinf(km[0, 1])
