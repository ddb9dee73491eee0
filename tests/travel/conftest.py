"""Small hand-made road networks and model objects for the travel tests.

Coordinates are British National Grid metres; a line from (0, 0) to (1000, 0) is 1 km.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site, SiteKind
from estates_planner.optimise.result import PlanResult


def lines_frame(coords_list, crs="EPSG:27700", **columns):
    return gpd.GeoDataFrame(dict(columns), geometry=[LineString(c) for c in coords_list],
                            crs=crs)


def site(site_id, x, y, **kw):
    values = dict(name=f"Site {site_id}", region="North", pdu="P1", kind=SiteKind.PROVIDER,
                  women_only=False, desks=10, interview_rooms=2, annual_cost_per_desk=1000.0,
                  easting=float(x), northing=float(y))
    values.update(kw)
    return Site(site_id=site_id, **values)


def need(need_id, x, y, **kw):
    values = dict(provider="Acme", lot=Lot.ETE, region="North", pdu="P1", desks=1,
                  interview_rooms=0, days_per_week=1, caseload=10.0, easting=float(x),
                  northing=float(y))
    values.update(kw)
    return ServiceNeed(need_id=need_id, **values)


def plan(assignment: dict[str, str | None]) -> PlanResult:
    from estates_planner.model import Allocation

    return PlanResult("test", tuple(Allocation(n, s) for n, s in assignment.items()), {}, 0.0,
                      0.0, 0.0, "evaluated", 0.0)


# A river runs east-west along northing 0 with one bridge at easting 8000.
# South road: (0,-500) - (3000,-500) - (8000,-500); bridge (8000,-500) - (8000,500);
# north road (8000,500) - (0,500). From (0,-500): the south site at (3000,-500) is 3 km by
# road and 3 km straight; the north site at (0,500) is 1 km straight but 8 + 1 + 8 = 17 km.
RIVER_LINES = [
    [(0, -500), (3000, -500)],
    [(3000, -500), (8000, -500)],
    [(8000, -500), (8000, 500)],
    [(8000, 500), (4000, 500), (0, 500)],
]


@pytest.fixture
def river_frame():
    return lines_frame(RIVER_LINES, speed=[30.0, 60.0, 30.0, 60.0])


@pytest.fixture
def river_file(tmp_path, river_frame):
    path = tmp_path / "river.gpkg"
    river_frame.to_file(path, layer="roads", engine="pyogrio")
    return path


@pytest.fixture
def river_dataset():
    sites = (site("NORTH", 0, 500, name="North bank"),
             site("SOUTH", 3000, -500, name="South bank"))
    needs = (need("N1", 0, -500),)
    return Dataset(sites, needs)


@pytest.fixture
def river_scenario(river_dataset):
    return Scenario("river", river_dataset)


@pytest.fixture
def make_lines():
    return lines_frame


@pytest.fixture
def make_site():
    return site


@pytest.fixture
def make_need():
    return need


@pytest.fixture
def make_plan():
    return plan
