"""A hand-sized dataset and plan for the export and report tests.

Kept as plain functions (not fixtures) so the PDF, dialog and CLI tests can load them too.
Every cost is worked out from the issue's objective formulas, so tests can check figures.
"""

from __future__ import annotations

import math
from types import MappingProxyType

from estates_planner.io.weekdays import parse_weekdays
from estates_planner.model import (
    Allocation,
    Dataset,
    Lot,
    Scenario,
    ServiceNeed,
    Site,
    SiteKind,
)
from estates_planner.optimise.result import PlanResult, SiteUsage

YORKS = "Yorkshire and the Humber"
GM = "Greater Manchester"


def sites() -> list[Site]:
    return [
        Site("S1", "Leeds Probation Office", YORKS, "Leeds", SiteKind.AUTHORITY, False, 10, 4,
             3000.0, 430000, 433000),
        Site("S2", "Hope House", YORKS, "Leeds", SiteKind.PROVIDER, True, 4, 2, 2000.0,
             430200, 433100),
        Site("S3", "Wakefield Market Unit", YORKS, "Wakefield", SiteKind.MARKET, False, 6, 2,
             2500.0, 433000, 420000, fit_out_cost=8000.0),
        Site("S4", "Manchester Probation Office", GM, "Manchester", SiteKind.AUTHORITY, False,
             8, 3, 3500.0, 384000, 398000),
        Site("S5", "Bolton Market Unit", GM, "Bolton", SiteKind.MARKET, False, 5, 2, 2600.0,
             371000, 409000),
    ]


def needs(provider_n3: str = "Mind Matters") -> list[ServiceNeed]:
    def need(nid, provider, lot, region, pdu, desks, rooms, days, caseload, e, n, extra=None):
        # fixed weekdays as the needs reader gives them: from the 'days' column, kept there
        fixed = parse_weekdays((extra or {}).get("days"))
        return ServiceNeed(nid, provider, lot, region, pdu, desks, rooms, days, caseload, e, n,
                           fixed_days=fixed, extra=MappingProxyType(extra or {}))
    return [
        need("N1", "Bright Futures", Lot.ETE, YORKS, "Leeds", 2, 1, 3, 100, 430300, 433400,
             {"days": "Mon,Wed,Fri"}),
        need("N2", "Home First", Lot.ACCOMMODATION, YORKS, "Leeds", 3, 1, 5, 80, 430000,
             433000, {"days": "rota"}),
        need("N3", provider_n3, Lot.WELLBEING, YORKS, "Wakefield", 1, 1, 2, 50, 433000,
             421000),
        need("N4", "Women Together", Lot.WOMENS, YORKS, "Leeds", 2, 1, 4, 40, 430200, 433100),
        need("N5", "Bright Futures", Lot.ETE, GM, "Manchester", 2, 1, 2, 60, 384000, 398300,
             {"days": "Tue,Thu"}),
        need("N6", "Calm Minds", Lot.WELLBEING, GM, "Manchester", 1, 1, 1, 30, 384000, 398000),
    ]


PLAN = {"N1": "S1", "N2": "S1", "N3": "S3", "N4": "S2", "N5": "S4", "N6": None}
UNPLACED_REASON = "R4: Manchester Probation Office is an authority site"


def scenario(provider_n3: str = "Mind Matters") -> Scenario:
    return Scenario("Baseline", Dataset(tuple(sites()), tuple(needs(provider_n3))),
                    description="Hand-made test plan")


def plan(sc: Scenario) -> PlanResult:
    """Cost the fixed plan :data:`PLAN` with the default settings, as the solver would."""
    ds = sc.dataset
    s = sc.settings
    allocs = []
    usage: dict[str, list] = {}
    for need in ds.needs:
        sid = PLAN[need.need_id]
        if sid is None:
            allocs.append(Allocation(need.need_id, None, unplaced_reason=UNPLACED_REASON))
            continue
        site = ds.site(sid)
        km = math.hypot(need.easting - site.easting, need.northing - site.northing) / 1000
        allocs.append(Allocation(
            need.need_id, sid, desk_cost=need.desks * need.days_per_week / 5
            * site.annual_cost_per_desk, travel_km=km,
            travel_cost=need.caseload * km * s.travel_weight,
            authority_penalty=(s.authority_preference if need.lot.prefers_authority
                               and site.kind is not SiteKind.AUTHORITY else 0.0)))
        usage.setdefault(sid, []).append(need)
    pdu_sites: dict[str, set] = {}
    for need in ds.needs:
        if PLAN[need.need_id]:
            pdu_sites.setdefault(need.pdu, set()).add(PLAN[need.need_id])
    terms = {
        "desk_cost": sum(a.desk_cost for a in allocs),
        "fit_out": sum(ds.site(sid).fit_out_cost / s.amortisation_years for sid in usage),
        "travel": sum(a.travel_cost for a in allocs),
        "locations": s.location_penalty * sum(len(v) for v in pdu_sites.values()),
        "authority_preference": sum(a.authority_penalty for a in allocs),
        "pairing": 0.0,
        "same_day": 0.0,  # nobody is paired, so nobody shares a day with a pair
        "unplaced": s.unplaced_penalty * sum(1 for a in allocs if a.site_id is None),
        "moves": 0.0,
    }
    site_usage = {
        sid: SiteUsage(sid, sum(n.desk_days for n in ns), 5 * ds.site(sid).desks,
                       sum(n.room_days for n in ns), 5 * ds.site(sid).interview_rooms,
                       tuple(n.need_id for n in ns))
        for sid, ns in usage.items()
    }
    total = sum(terms.values())
    return PlanResult(sc.name, tuple(allocs), terms, total, total, 0.0, "evaluated", 0.01,
                      site_usage)


def project(provider_n3: str = "Mind Matters"):
    """A :class:`estates_planner.project.Project` with the plan solved and two regions."""
    import geopandas as gpd
    from shapely.geometry import box

    from estates_planner.project import Project

    sc = scenario(provider_n3)
    regions = gpd.GeoDataFrame(
        {"region": [GM, YORKS]},
        geometry=[box(340000, 370000, 400000, 430000), box(400000, 400000, 480000, 470000)],
        crs=27700)
    outline = gpd.GeoDataFrame(geometry=[box(330000, 360000, 490000, 480000)], crs=27700)
    return Project(dataset=sc.dataset, scenarios=[sc], results={sc.name: plan(sc)},
                   layers={"regions": regions, "outline": outline},
                   metadata={"title": "Test project", "sources": "sites.csv, needs.csv"})


def road_network():
    """Two roads at 60 km/h through the sites of Leeds (S1), Wakefield (S3) and Manchester
    (S4): Leeds - Wakefield 13.34 km, Wakefield - Manchester 53.71 km."""
    import geopandas as gpd
    from shapely.geometry import LineString

    from estates_planner.travel import network_from_frame

    frame = gpd.GeoDataFrame(
        {"speed_kmh": [60.0, 60.0]},
        geometry=[LineString([(430000, 433000), (433000, 420000)]),
                  LineString([(433000, 420000), (384000, 398000)])], crs=27700)
    return network_from_frame(frame, source="test roads")
