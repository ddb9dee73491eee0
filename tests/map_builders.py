"""A hand-made map: four sites on a 4 km square, three needs, and a plan for them.

Shared by the renderer's tests (tests/render/map) and the map widget's (tests/ui/map).
Positions are round numbers so expected pixels can be worked out by hand: the extent
(498 000, 198 000)-(506 000, 206 000) drawn into a 400 × 400 image is 20 m a pixel, with
A1 at (100, 300), P1 at (300, 300), M1 at (100, 100) and C1 at (300, 100).
"""

from __future__ import annotations

from shapely.geometry import box

from estates_planner.model import Allocation, Dataset, Lot, ServiceNeed, Site, SiteKind
from estates_planner.optimise.result import PlanResult, SiteUsage

EXTENT = (498_000.0, 198_000.0, 506_000.0, 206_000.0)


def _site(site_id, kind, x, y, desks, women=False):
    return Site(site_id, f"Site {site_id}", "North", "North PDU", kind, women, desks, 2, 1000.0,
                x, y)


def _need(need_id, provider, lot, x, y):
    return ServiceNeed(need_id, provider, lot, "North", "North PDU", 2, 1, 5, 20.0, x, y)


def map_dataset() -> Dataset:
    sites = (
        _site("A1", SiteKind.AUTHORITY, 500_000.0, 200_000.0, 40),
        _site("P1", SiteKind.PROVIDER, 504_000.0, 200_000.0, 5),
        _site("M1", SiteKind.MARKET, 500_000.0, 204_000.0, 120, women=True),
        _site("C1", SiteKind.AUTHORITY, 504_000.0, 204_000.0, 20),
    )
    needs = (
        _need("N1", "Acme", Lot.ETE, 501_000.0, 201_000.0),
        _need("N2", "Bloom", Lot.WELLBEING, 503_000.0, 201_000.0),
        _need("N3", "Hope", Lot.WOMENS, 502_000.0, 203_500.0),
    )
    return Dataset(sites, needs)


def map_result() -> PlanResult:
    allocations = (Allocation("N1", "A1"), Allocation("N2", "P1"),
                   Allocation("N3", None, unplaced_reason="no women-only site with room"))
    usage = {
        "A1": SiteUsage("A1", 190, 200, 5, 10, ("N1",)),  # 95 %: "over 90%"
        "P1": SiteUsage("P1", 6, 25, 1, 10, ("N2",)),  # 24 %: "up to 50%"
    }
    return PlanResult("Base", allocations, {}, 0.0, 0.0, 0.0, "evaluated", 0.0, usage)


def square_regions():
    """One region polygon, "Square", over the middle of the extent."""
    import geopandas as gpd

    return gpd.GeoDataFrame({"name": ["Square"]},
                            geometry=[box(499_000, 199_000, 505_000, 205_000)], crs=27700)
