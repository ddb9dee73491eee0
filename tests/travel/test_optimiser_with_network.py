"""With a road network as the scenario's travel model, the optimiser sees road distances.

One need on the south bank of a river; the north-bank site is 1 km away as the crow flies but
17 km by road (one bridge, far downstream); the south-bank site is 3 km either way.
"""

from __future__ import annotations

import pytest

from estates_planner.optimise import allowed_pairs, candidate_distances, evaluate_plan
from estates_planner.travel import NetworkTravelModel, read_network


@pytest.fixture
def network_model(river_file):
    return NetworkTravelModel(read_network(river_file, speed_column="speed"))


def test_candidate_distances_use_the_network(river_scenario, network_model):
    straight = candidate_distances(river_scenario)
    assert straight.km.tolist() == [[1.0, 3.0]]
    road = candidate_distances(river_scenario.replace(travel=network_model))
    assert road.km.tolist() == [[17.0, 3.0]]
    assert road.measure == "km"


def test_minutes_drive_the_travel_term_when_asked(river_scenario, network_model):
    scenario = river_scenario.replace(travel=network_model).with_settings(
        travel_measure="minutes")
    d = candidate_distances(scenario)
    assert d.km.tolist() == [[17.0, 3.0]]  # R6 stays in km
    assert d.travel.tolist() == [[21.0, 6.0]]
    assert d.measure == "minutes"


def test_evaluated_plan_costs_road_km(river_scenario, network_model):
    # travel cost = caseload 10 x km x travel_weight 2
    straight = evaluate_plan(river_scenario, {"N1": "NORTH"}).allocation("N1")
    assert (straight.travel_km, straight.travel_cost) == (1.0, 20.0)
    road = evaluate_plan(river_scenario.replace(travel=network_model),
                         {"N1": "NORTH"}).allocation("N1")
    assert (road.travel_km, road.travel_cost) == (17.0, 340.0)


def test_r6_limit_is_checked_against_road_km(river_dataset, river_scenario, network_model,
                                             make_need):
    limited = river_dataset.__class__(river_dataset.sites,
                                      (make_need("N1", 0, -500, max_travel_km=5.0),))
    scenario = river_scenario.replace(dataset=limited)
    assert allowed_pairs(scenario, candidate_distances(scenario)).tolist() == [[True, True]]
    on_roads = scenario.replace(travel=network_model)
    assert allowed_pairs(on_roads, candidate_distances(on_roads)).tolist() == [[False, True]]


def test_solver_choice_changes_with_the_network(river_scenario, network_model):
    from estates_planner.optimise import solve_scenario

    straight = solve_scenario(river_scenario, time_limit_s=5)
    assert straight.assignment == {"N1": "NORTH"}
    road = solve_scenario(river_scenario.replace(travel=network_model), time_limit_s=5)
    assert road.assignment == {"N1": "SOUTH"}
    assert road.allocation("N1").travel_km == 3.0
