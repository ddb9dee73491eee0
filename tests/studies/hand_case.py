"""A hand case whose stable and fragile placements are known before any solve.

Region R: site A (authority, 10 desks = 50 desk-days a week, £1,000 a desk) holds N1 (7 desks
x 5 days = 35 desk-days) and N2 (7 desks x 2 days = 14): 49 of 50, 98 % used. Site B next
door (40 desks, £3,000 a desk) is dearer. Growth (a volume factor above 1 rounds 7 desks up
to 8 or 9) mostly takes A over capacity, and then N2 moves to B: it is the cheaper one to
move (7 x 2/5 x £2,000 = £5,600 a year more, against £14,000 for N1). So N1 never moves, and
N2 moves in exactly the samples where 5 x ceil(7 f1) + 2 x ceil(7 f2) > 50.
Region S: N3 alone at C, with room to spare: it never moves.
"""

from __future__ import annotations

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Settings, Site, SiteKind


def _site(site_id, region, x, desks, cost):
    return Site(site_id, f"Site {site_id}", region, f"{region} PDU", SiteKind.AUTHORITY, False,
                desks, 10, cost, x, 0.0)


def _need(need_id, lot, region, x, desks, days):
    return ServiceNeed(need_id, "Acme", lot, region, f"{region} PDU", desks, 1, days, 10.0,
                       x, 0.0)


def hand_scenario(**study: object) -> Scenario:
    sites = (_site("A", "R", 0.0, 10, 1000.0), _site("B", "R", 1000.0, 40, 3000.0),
             _site("C", "S", 90_000.0, 100, 1000.0))
    needs = (_need("N1", Lot.ETE, "R", 0.0, 7, 5), _need("N2", Lot.ACCOMMODATION, "R", 0.0, 7, 2),
             _need("N3", Lot.ETE, "S", 90_000.0, 5, 5))
    settings = Settings(samples=20, seed=7, late_need_rate=0.0, site_delay_prob=0.0,
                        site_loss_prob=0.0, sample_work_limit=0.5, headroom_pct=(10.0,))
    return Scenario("Hand", Dataset(sites, needs), settings.replace(**study))
