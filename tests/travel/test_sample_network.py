"""The illustrative sample network: deterministic, connected, labelled, reaches every site."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest

from estates_planner.model import DemandPoint
from estates_planner.travel import NetworkTravelModel, network_from_frame, read_network
from estates_planner.travel.sample_network import SAMPLE_NOTE, build_sample_network


@pytest.fixture
def towns(make_site, make_need):
    # eight towns on a rough ring, two sites each, 40-60 km apart
    rng = np.random.default_rng(3)
    sites = []
    for k in range(8):
        angle = 2 * np.pi * k / 8
        cx, cy = 400_000 + 60_000 * np.cos(angle), 300_000 + 60_000 * np.sin(angle)
        for m in range(2):
            dx, dy = rng.uniform(-3000, 3000, 2)
            sites.append(make_site(f"T{k}S{m}", cx + dx, cy + dy, pdu=f"PDU{k}"))
    needs = [make_need("N1", 400_000, 300_000, pdu="Centre")]
    demand = [DemandPoint("PDU0", 461_000.0, 301_000.0)]
    return sites, needs, demand


def test_sample_network_is_deterministic_and_labelled(towns):
    a = build_sample_network(*towns)
    b = build_sample_network(*towns)
    assert list(a.geometry.to_wkb()) == list(b.geometry.to_wkb())
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert set(a["note"]) == {SAMPLE_NOTE}
    assert set(a["kind"]) == {"trunk", "spur"}
    assert a.crs.to_epsg() == 27700


def test_every_site_and_point_is_on_one_connected_network(towns):
    sites, needs, demand = towns
    net = network_from_frame(build_sample_network(sites, needs, demand),
                             speed_column="speed_kmh")
    assert len(net.components()) == 1
    _, snap_km = net.nearest_nodes([s.xy for s in sites] + [n.xy for n in needs]
                                   + [(d.easting, d.northing) for d in demand])
    assert snap_km.max() < 0.01
    model = NetworkTravelModel(net)
    km = model.distance_km(needs, sites)
    assert np.isfinite(km).all()


def test_an_estuary_forces_a_detour(towns):
    sites, needs, demand = towns
    frame = build_sample_network(sites, needs, demand, estuaries=1)
    full = build_sample_network(sites, needs, demand, estuaries=0)
    assert (frame["kind"] == "trunk").sum() == (full["kind"] == "trunk").sum() - 1
    net = network_from_frame(frame)
    model = NetworkTravelModel(net, cutoff_km=None)
    from estates_planner.geo import StraightLine

    town_needs = [needs[0].__class__(**{**{f: getattr(needs[0], f) for f in
                                           needs[0].__dataclass_fields__},
                                        "need_id": s.site_id, "easting": s.easting,
                                        "northing": s.northing}) for s in sites]
    ratio = model.distance_km(town_needs, sites) / np.maximum(
        StraightLine().distance_km(town_needs, sites), 1e-9)
    assert ratio.max() > 1.5  # some town pair is far longer by road than as the crow flies


def test_written_file_reads_back_with_speeds(tmp_path, towns):
    frame = build_sample_network(*towns)
    path = tmp_path / "sample_network.gpkg"
    frame.to_file(path, layer="roads", engine="pyogrio",
                  layer_metadata={"DESCRIPTION": SAMPLE_NOTE})
    net = read_network(path, speed_column="speed_kmh")
    assert net.has_minutes
    assert net.graph.graph["note"] == SAMPLE_NOTE
    assert pyogrio.read_info(path, layer="roads")["layer_metadata"]["DESCRIPTION"] == SAMPLE_NOTE


def test_links_over_water_become_gaps(make_site):
    from shapely.geometry import Polygon

    # towns A (0,0), B (40 km, 0), C (20 km, 30 km); a bay cuts into the land between A and B
    sites = [make_site("A", 0, 0, pdu="A"), make_site("B", 40_000, 0, pdu="B"),
             make_site("C", 20_000, 30_000, pdu="C")]
    land = Polygon([(-5000, -5000), (5000, -5000), (5000, 10_000), (35_000, 10_000),
                    (35_000, -5000), (45_000, -5000), (45_000, 40_000), (-5000, 40_000)])
    dry = build_sample_network(sites, land=land)
    assert sorted(dry["name"]) == ["A - C", "B - C"]  # A - B runs over the bay
    wet = build_sample_network(sites, estuaries=0)
    assert sorted(wet["name"]) == ["A - B", "A - C", "B - C"]
