"""The service-user view in the report content: per PDU, separate places and mean journeys.

The hand-made plan of ``plan_builders`` (straight lines unless a network is given):
Leeds needs N1, N2, N4 sit at S1, S1 and S2; having no demand point, the PDU's service-user
point is the mean of the three need points, (430166.7, 433166.7). S1 (430000, 433000) is
0.2357 km from it and S2 (430200, 433100) 0.0745 km, so Leeds attends 2 places, 0.155 km
apart on average. Wakefield's N3 at (433000, 421000) goes to S3 (433000, 420000): 1 km.
Manchester's N6 is unplaced, so it attends only S4.
"""

from __future__ import annotations

import math
from datetime import date

import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest

from estates_planner.report.content import (
    build_report_content,
    service_user_lines,
)
from estates_planner.travel.resolve import travel_model_for

LEEDS_MEAN_KM = (math.hypot(500 / 3, 500 / 3) + math.hypot(100 / 3, 200 / 3)) / 2 / 1000


def test_lines_per_pdu_worked_out_by_hand():
    sc = pb.scenario()
    lines, travel = service_user_lines(sc, pb.plan(sc))
    assert travel == "straight line"
    by_pdu = {line.pdu: line for line in lines}
    assert [(line.region, line.pdu) for line in lines] == [
        (pb.GM, "Manchester"), (pb.YORKS, "Leeds"), (pb.YORKS, "Wakefield")]
    leeds = by_pdu["Leeds"]
    assert (leeds.locations, leeds.needs, leeds.unreachable) == (2, 3, 0)
    assert leeds.mean_km == pytest.approx(LEEDS_MEAN_KM)
    assert leeds.longest_km == pytest.approx(math.hypot(500 / 3, 500 / 3) / 1000)
    assert leeds.mean_minutes is None  # straight lines have no times
    assert by_pdu["Wakefield"].mean_km == pytest.approx(1.0)
    manchester = by_pdu["Manchester"]
    assert (manchester.locations, manchester.needs) == (1, 2)  # N6 is unplaced
    # the point is the mean of N5 (384000, 398300) and N6 (384000, 398000); S4 at 398000
    assert manchester.mean_km == pytest.approx(0.15)


def test_report_content_carries_the_view_and_names_the_travel_model():
    sc = pb.scenario()
    content = build_report_content(sc, pb.plan(sc), created=date(2026, 11, 25))
    assert [line.pdu for line in content.service_users] == ["Manchester", "Leeds", "Wakefield"]
    assert content.service_user_travel == "straight line"
    assert not content.has_journey_minutes
    assert "Journeys measured as straight lines (British National Grid)" in content.data_sources


def test_along_a_road_network_journeys_have_minutes():
    from estates_planner.travel import NetworkTravelModel

    sc = pb.scenario()
    model = NetworkTravelModel(pb.road_network())
    content = build_report_content(sc, pb.plan(sc), travel_model=model)
    assert content.service_user_travel == "road network (test roads)"
    assert "Journeys measured along the road network (test roads)" in content.data_sources
    assert content.has_journey_minutes
    wakefield = next(line for line in content.service_users if line.pdu == "Wakefield")
    # N3's point and S3 snap to the same junction: the straight 1 km at 20 km/h, 3 minutes
    assert wakefield.mean_km == pytest.approx(1.0)
    assert wakefield.mean_minutes == pytest.approx(3.0)


def test_project_travel_model_prefers_the_scenario_then_the_stored_network():
    from estates_planner.travel import NetworkTravelModel, store_network

    project = pb.project()
    sc = project.scenarios[0]
    assert travel_model_for(project, sc) is None  # no network: straight lines
    store_network(project, pb.road_network())
    model = travel_model_for(project, sc)
    assert isinstance(model, NetworkTravelModel)
    assert travel_model_for(project, sc) is model  # built once per stored network
    own = NetworkTravelModel(pb.road_network())
    assert travel_model_for(project, sc.replace(travel=own)) is own
    store_network(project, pb.road_network())  # a new network: a new model
    assert travel_model_for(project, sc) is not model
