"""The plan-independent tables of a scenario (distances, costs, rules, capacities).

In a module of its own because the pricing (:mod:`estates_planner.optimise.evaluate`) and
the unplaced reasons (:mod:`estates_planner.optimise.reasons`) both need it and the first
uses the second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from estates_planner.model import Lot, Scenario
from estates_planner.optimise.candidates import (
    Distances,
    allowed_pairs,
    candidate_distances,
    capacities,
    check_references,
    pairing_neighbours,
)
from estates_planner.optimise.costs import PairCosts, pair_costs

UNPLACED = -1


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """Everything about a scenario that does not depend on the plan, computed once."""

    scenario: Scenario
    distances: Distances
    costs: PairCosts
    allowed: np.ndarray  # need x site, rules R3-R8 (and reachability)
    near: np.ndarray  # site x site, within the pairing radius
    desk_cap: np.ndarray
    room_cap: np.ndarray
    desk_days: np.ndarray
    room_days: np.ndarray

    @classmethod
    def build(cls, scenario: Scenario, distances: Distances | None = None) -> ScenarioArrays:
        check_references(scenario)
        distances = distances if distances is not None else candidate_distances(scenario)
        needs = scenario.dataset.needs
        desk_cap, room_cap = capacities(scenario)
        return cls(
            scenario=scenario,
            distances=distances,
            costs=pair_costs(scenario, distances),
            allowed=allowed_pairs(scenario, distances),
            near=pairing_neighbours(scenario),
            desk_cap=desk_cap,
            room_cap=room_cap,
            desk_days=np.array([nd.desk_days for nd in needs], dtype=np.int64),
            room_days=np.array([nd.room_days for nd in needs], dtype=np.int64),
        )


def paired_needs(arrays: ScenarioArrays, site_of: np.ndarray) -> np.ndarray:
    """Boolean per need: a wellbeing need whose site pairs with an ETE/accommodation site.

    Paired means its site also hosts an ETE or accommodation need of the same PDU, or lies
    within ``pairing_radius_km`` (inclusive, straight line) of a site that does.
    """
    needs = arrays.scenario.dataset.needs
    hosts: dict[str, set[int]] = defaultdict(set)
    for i, nd in enumerate(needs):
        if nd.lot.prefers_authority and site_of[i] != UNPLACED:
            hosts[nd.pdu].add(int(site_of[i]))
    paired = np.zeros(len(needs), dtype=bool)
    for i, nd in enumerate(needs):
        j = site_of[i]
        if nd.lot is Lot.WELLBEING and j != UNPLACED and hosts.get(nd.pdu):
            paired[i] = bool(arrays.near[j, sorted(hosts[nd.pdu])].any())
    return paired
