"""The co-location graph and the service-user view of a plan, on small hand-made plans."""

from __future__ import annotations

import math

import pytest

from estates_planner.model import Dataset, DemandPoint, Lot, Scenario
from estates_planner.travel import (
    NetworkTravelModel,
    colocation_graph,
    partners,
    read_network,
    service_user_view,
)


@pytest.fixture
def shared_sites(make_site, make_need, make_plan):
    sites = (make_site("S1", 3000, 4000), make_site("S2", 0, -2000),
             make_site("S3", 9000, 9000))
    needs = (make_need("A1", 0, 0, provider="Alpha"),
             make_need("A2", 0, 0, provider="Alpha"),
             make_need("B1", 0, 0, provider="Beta", lot=Lot.WELLBEING),
             make_need("B2", 0, 0, provider="Beta", lot=Lot.WELLBEING),
             make_need("C1", 10_000, 0, provider="Gamma", pdu="P2"),
             make_need("C2", 10_000, 2000, provider="Gamma", pdu="P2"),
             make_need("D1", 10_000, 2000, provider="Delta", pdu="P2"))
    dataset = Dataset(sites, needs, (DemandPoint("P1", 0.0, 0.0),))
    result = make_plan({"A1": "S1", "B1": "S1", "A2": "S2", "C1": "S2", "B2": "S2",
                        "C2": "S3", "D1": None})
    return dataset, result


def test_colocation_graph_joins_providers_sharing_sites(shared_sites):
    dataset, result = shared_sites
    graph = colocation_graph(dataset, result)
    assert sorted(graph.nodes) == ["Alpha", "Beta", "Delta", "Gamma"]
    edges = {tuple(sorted((a, b))): (d["site_ids"], d["weight"])
             for a, b, d in graph.edges(data=True)}
    assert edges == {("Alpha", "Beta"): (["S1", "S2"], 2), ("Alpha", "Gamma"): (["S2"], 1),
                     ("Beta", "Gamma"): (["S2"], 1)}
    assert graph.nodes["Alpha"]["site_ids"] == ["S1", "S2"]
    assert graph.nodes["Beta"]["lots"] == ["wellbeing"]
    assert graph.nodes["Delta"]["site_ids"] == []


def test_partners_most_shared_first(shared_sites):
    graph = colocation_graph(*shared_sites)
    assert partners(graph, "Alpha") == [("Beta", ("S1", "S2")), ("Gamma", ("S2",))]
    assert partners(graph, "Gamma")[0].provider == "Alpha"
    assert partners(graph, "Delta") == []
    assert partners(graph, "Nobody") == []


def test_service_user_view_straight_line(shared_sites):
    dataset, result = shared_sites
    view = service_user_view(Scenario("s", dataset), result)
    p1 = view.pdu("P1")
    assert (p1.point_source, p1.easting, p1.northing) == ("demand", 0.0, 0.0)
    assert p1.location_count == 2
    # nearest first: S2 at 2 km (A2, B2), S1 at 5 km (A1, B1)
    assert [(j.site_id, j.distance_km, j.need_ids, j.providers) for j in p1.journeys] == [
        ("S2", 2.0, ("A2", "B2"), ("Alpha", "Beta")),
        ("S1", 5.0, ("A1", "B1"), ("Alpha", "Beta"))]
    assert all(j.minutes is None for j in p1.journeys)
    p2 = view.pdu("P2")
    # no demand point and needs at different places: their mean, (10000, 4000/3)
    assert p2.point_source == "mean of needs"
    assert (p2.easting, p2.northing) == pytest.approx((10_000, 4000 / 3))
    # S3 at (9000, 9000) is nearer than S2 at (0, -2000)
    assert [j.site_id for j in p2.journeys] == ["S3", "S2"]
    assert [j.distance_km for j in p2.journeys] == pytest.approx(
        [math.hypot(1000, 9000 - 4000 / 3) / 1000, math.hypot(10_000, 2000 + 4000 / 3) / 1000])
    assert p2.unplaced_need_ids == ("D1",)
    assert view.mean_locations == 2.0 and view.max_locations == 2
    assert view.travel_name == "straight line"
    frame = view.to_frame()
    assert len(frame) == 4 and list(frame["locations"]) == [2, 2, 2, 2]


def test_service_user_view_uses_the_network(river_file, river_dataset, make_plan):
    model = NetworkTravelModel(read_network(river_file, speed_column="speed"))
    scenario = Scenario("river", river_dataset, travel=model)
    view = service_user_view(scenario, make_plan({"N1": "NORTH"}))
    journey = view.pdu("P1").journeys[0]
    assert (journey.site_id, journey.distance_km, journey.minutes) == ("NORTH", 17.0, 21.0)
    # an explicit model wins over the scenario's
    from estates_planner.geo import StraightLine

    straight = service_user_view(scenario, make_plan({"N1": "NORTH"}), StraightLine())
    assert straight.pdu("P1").journeys[0].distance_km == 1.0


def test_pdu_with_nothing_placed_has_no_locations(river_dataset, make_plan):
    view = service_user_view(Scenario("s", river_dataset), make_plan({"N1": None}))
    assert view.pdu("P1").location_count == 0
    assert view.pdu("P1").unplaced_need_ids == ("N1",)
    assert view.to_rows()[0]["site_id"] is None
