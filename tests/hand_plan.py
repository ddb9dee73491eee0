"""The hand-sized plan that the KPI, comparison and explanation tests work out by hand.

North: Leeds Probation Office (authority, 2 desks = 10 desk-days), Leeds Market (market,
4 desks, 0.5 km from the office, fit-out £4,000), Bradford Hub (provider, 10 km east).
South: Bristol Probation Office (authority, 3 desks = 15 desk-days), Bristol Women's Centre
(women-only). Every need uses 1 desk 5 days a week (5 desk-days) unless a test says otherwise.
"""

from __future__ import annotations

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site, SiteKind


def site(site_id, name, region, kind, desks, cost, x, y, *, women=False, fit_out=0.0,
         rooms=2):
    return Site(site_id, name, region, region, kind, women, desks, rooms, cost, x, y,
                fit_out_cost=fit_out)


def need(need_id, provider, lot, region, pdu, x, y, *, desks=1, days=5, caseload=10.0,
         rooms=0):
    return ServiceNeed(need_id, provider, lot, region, pdu, desks, rooms, days, caseload, x, y)


SITES = (
    site("LPO", "Leeds Probation Office", "North", SiteKind.AUTHORITY, 2, 1000, 0, 0),
    site("LMK", "Leeds Market", "North", SiteKind.MARKET, 4, 2000, 300, 400, fit_out=4000),
    site("BRH", "Bradford Hub", "North", SiteKind.PROVIDER, 4, 1500, 10_000, 0),
    site("BPO", "Bristol Probation Office", "South", SiteKind.AUTHORITY, 3, 1000, 0, 100_000),
    site("BWC", "Bristol Women's Centre", "South", SiteKind.PROVIDER, 2, 1200, 0, 100_500,
         women=True),
)
NEEDS = (
    need("E1", "Prov A", Lot.ETE, "North", "Leeds", 0, 0),
    need("B1", "Prov B", Lot.WELLBEING, "North", "Leeds", 0, 0),
    need("A1", "Prov C", Lot.ACCOMMODATION, "North", "Leeds", 0, 0),
    need("G1", "Prov D", Lot.WOMENS, "North", "Leeds", 0, 0),
    need("S1", "Prov A", Lot.ETE, "South", "Bristol", 0, 100_000),
)
PLAN = {"E1": "LPO", "B1": "LMK", "A1": "LPO", "G1": None, "S1": "BPO"}


def hand_scenario(name: str = "hand") -> Scenario:
    return Scenario(name, Dataset(SITES, NEEDS))
