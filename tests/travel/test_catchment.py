"""Catchments: the roads reachable within a budget, cut exactly where the budget runs out."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import Point

from estates_planner.errors import NetworkError
from estates_planner.travel import NetworkTravelModel, catchment, network_from_frame, read_network


def test_budget_runs_out_part_way_along_a_road(make_lines):
    net = network_from_frame(make_lines([[(0, 0), (10_000, 0)]]))
    area = catchment(net, (0, 0), 4.0, buffer_m=100)
    assert area.bounds == pytest.approx((-100, -100, 4100, 100))
    # a 4 km stretch widened by 100 m each side, with round ends
    assert area.area == pytest.approx(4000 * 200 + math.pi * 100**2, rel=0.01)


def test_catchment_does_not_cross_the_river(river_file):
    net = read_network(river_file, speed_column="speed")
    near = catchment(net, (0, -500), 5.0)
    assert near.contains(Point(3000, -500))  # south bank site, 3 km by road
    assert not near.contains(Point(0, 500))  # north bank site: 1 km away, 17 km by road
    far = catchment(net, (0, -500), 17.5)
    assert far.contains(Point(0, 500))


def test_minutes_catchment_follows_speeds(river_file):
    net = read_network(river_file, speed_column="speed")
    # 3 km at 30 km/h = 6 min, then 2 min at 60 km/h = 2 km more: reaches easting 5000
    area = catchment(net, (0, -500), 8.0, measure="minutes", buffer_m=50)
    assert area.bounds[2] == pytest.approx(5050, abs=1)
    assert area.bounds[3] == pytest.approx(-450, abs=1)  # the bridge is not reached


def test_snap_distance_is_paid_first(make_lines):
    net = network_from_frame(make_lines([[(0, 0), (10_000, 0)]]))
    # 1 km from the road: 3 km budget leaves 2 km of road
    area = catchment(net, (0, 1000), 3.0, buffer_m=10)
    assert area.bounds[2] == pytest.approx(2010, abs=1)
    assert catchment(net, (0, 1000), 0.5).is_empty  # cannot even reach the road


def test_hull_style_covers_the_reached_junctions(make_lines):
    square = [[(0, 0), (1000, 0)], [(1000, 0), (1000, 1000)], [(1000, 1000), (0, 1000)],
              [(0, 1000), (0, 0)]]
    net = network_from_frame(make_lines(square))
    hull = catchment(net, (0, 0), 5.0, style="hull", buffer_m=1)
    assert hull.area == pytest.approx(1002 * 1002, rel=0.01)


def test_accepts_a_travel_model(river_file):
    model = NetworkTravelModel(read_network(river_file))
    assert catchment(model, (0, -500), 5.0).contains(Point(3000, -500))


def test_minutes_without_speeds_is_a_clear_error(river_file):
    net = read_network(river_file)
    with pytest.raises(NetworkError, match="has no speeds or travel times"):
        catchment(net, (0, -500), 10, measure="minutes")


def test_bad_arguments(river_file):
    net = read_network(river_file)
    with pytest.raises(ValueError, match="measure must be 'km' or 'minutes', got 'miles'"):
        catchment(net, (0, 0), 1, measure="miles")
    with pytest.raises(ValueError, match="limit must be a number ≥ 0"):
        catchment(net, (0, 0), -1)
