"""A hand case with money, travel, weights and a penalty worked out by hand, shared by the
core, CLI and GUI tests of the headline figures (issue 13).

North Office (authority, 10 desks at £1,000 a desk a year, fit-out £8,000 amortised over 4
years); E1 (ETE, 2 desks 5 days, caseload 20) lives 3 km east of it; W1 (women's services,
3 desks) has no women-only site, so R3 leaves it unplaced.

* money: desks 2 x 5/5 x £1,000 = £2,000; fit-out £8,000 / 4 = £2,000; annual cost £4,000
* travel: 20 x 3 km = 60 person-km; at the £2 travel weight 120 points
* planning weights: North PDU uses 1 site: 5,000 points; E1 is in authority property: 0
* penalty: W1 unplaced: 1,000,000 points
* optimiser score: 4,000 + 120 + 5,000 + 1,000,000 = 1,009,120 points
"""

from __future__ import annotations

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site, SiteKind

X, Y = 400_000.0, 500_000.0
ANNUAL_COST = 4_000
DESK_COST = 2_000
FIT_OUT = 2_000
PERSON_KM = 60
TRAVEL_POINTS = 120
LOCATION_POINTS = 5_000
UNPLACED_PENALTY = 1_000_000
SCORE = 1_009_120


def dataset() -> Dataset:
    office = Site("S1", "North Office", "North", "North PDU", SiteKind.AUTHORITY, False, 10, 2,
                  1000.0, X, Y, fit_out_cost=8000.0)
    e1 = ServiceNeed("E1", "Acme", Lot.ETE, "North", "North PDU", 2, 0, 5, 20.0, X + 3000, Y)
    w1 = ServiceNeed("W1", "Hope", Lot.WOMENS, "North", "North PDU", 3, 0, 5, 10.0, X, Y)
    return Dataset((office,), (e1, w1))


def scenario() -> Scenario:
    return Scenario("Base", dataset())
