"""Random national instances for the solver's benchmark and tests (deterministic by seed).

Not the illustrative sample (``estates_planner.sample_data``): these are sized to stress the
solver, e.g. 500 sites x 1,200 needs in twelve regions. The proportions follow the sample in
``data/``: about nine PDUs a region (106 in the sample), site kinds 39 % authority, 39 %
provider, 22 % market, 11 % women-only, lots 28 % ETE, 27 % accommodation, 29 % wellbeing,
16 % women's services, about 40 % of desk capacity asked for, women-only sites in each
region about 60 % full, and a fifth of needs with a travel limit of 10-55 km.
"""

from __future__ import annotations

import random
from datetime import date

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Settings, Site, SiteKind

_REGIONS = ("North East", "North West", "Yorkshire", "East Midlands", "West Midlands",
            "East of England", "London", "Kent Surrey Sussex", "South West", "South Central",
            "Wales", "Greater Manchester")
_LOT_WEIGHTS = ((Lot.ETE, 0.28), (Lot.ACCOMMODATION, 0.27), (Lot.WELLBEING, 0.29),
                (Lot.WOMENS, 0.16))


def generate_national_instance(n_sites: int = 500, n_needs: int = 1200, *, seed: int = 1,
                               n_regions: int = 12, pdus_per_region: int = 9,
                               settings: Settings | None = None) -> Scenario:
    """A scenario with regions on a grid over England and Wales, PDUs, sites and needs."""
    rng = random.Random(seed)
    regions = [(_REGIONS[k % len(_REGIONS)] + ("" if k < len(_REGIONS) else f" {k}"),
                150_000 + (k % 4) * 110_000, 150_000 + (k // 4) * 130_000)
               for k in range(n_regions)]
    pdus = []
    for name, x0, y0 in regions:
        for p in range(pdus_per_region):
            pdus.append((name, f"{name} PDU {p + 1}", x0 + rng.uniform(10_000, 90_000),
                         y0 + rng.uniform(10_000, 110_000)))
    sites = []
    for k in range(n_sites):
        region, pdu, px, py = pdus[k % len(pdus)]
        kind = rng.choices([SiteKind.AUTHORITY, SiteKind.PROVIDER, SiteKind.MARKET],
                           [0.39, 0.39, 0.22])[0]
        desks = rng.randint(3, 15)
        sites.append(Site(
            site_id=f"S{k + 1:04d}", name=f"{pdu} site {k + 1}", region=region, pdu=pdu,
            kind=kind, women_only=rng.random() < 0.11, desks=desks,
            interview_rooms=rng.randint(1, 8),
            annual_cost_per_desk=float(rng.randint(15, 60) * 100),
            easting=px + rng.gauss(0, 8_000), northing=py + rng.gauss(0, 8_000),
            fit_out_cost=0.0 if kind is SiteKind.AUTHORITY else float(rng.randint(0, 10) * 5_000),
            available_from=date(2027, 9, 1) if rng.random() < 0.03 else None))
    needs = []
    lots, weights = zip(*_LOT_WEIGHTS, strict=True)
    for k in range(n_needs):
        region, pdu, px, py = pdus[rng.randrange(len(pdus))]
        needs.append(ServiceNeed(
            need_id=f"N{k + 1:05d}", provider=f"Provider {rng.randint(1, 8)}",
            lot=rng.choices(lots, weights)[0], region=region, pdu=pdu,
            desks=rng.randint(1, 4), interview_rooms=rng.randint(0, 2),
            days_per_week=rng.randint(1, 5), caseload=float(rng.randint(20, 200)),
            easting=px + rng.gauss(0, 6_000), northing=py + rng.gauss(0, 6_000),
            max_travel_km=float(rng.randint(2, 11) * 5) if rng.random() < 0.2 else None))
    sites = _women_capacity_like_the_sample(sites, needs)
    settings = settings or Settings(go_live=date(2027, 4, 1), time_limit_s=30.0)
    return Scenario(name=f"national {n_sites}x{n_needs} seed {seed}",
                    dataset=Dataset(tuple(sites), tuple(needs)), settings=settings)


def _women_capacity_like_the_sample(sites: list[Site], needs: list[ServiceNeed]) -> list[Site]:
    """Give each region women-only desks for its women's needs at about 60 % load."""
    import dataclasses

    out = list(sites)
    for region in sorted({s.region for s in sites}):
        demand = sum(n.desk_days for n in needs if n.region == region and n.lot is Lot.WOMENS)
        idx = [k for k, s in enumerate(out) if s.region == region and s.women_only]
        if not idx:
            k = next((k for k, s in enumerate(out)
                      if s.region == region and s.kind is not SiteKind.AUTHORITY), None)
            if k is None:
                continue
            out[k] = dataclasses.replace(out[k], women_only=True)
            idx = [k]
        have = sum(5 * out[k].desks for k in idx)
        want = int(demand / 0.6) + 1
        if have < want:
            extra = -(-(want - have) // (5 * len(idx)))  # desks to add to each, rounded up
            for k in idx:
                out[k] = dataclasses.replace(out[k], desks=out[k].desks + extra)
    return out
