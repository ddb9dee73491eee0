"""The illustrative sample in data/: reproducible, complete, realistic in shape and solvable."""

from __future__ import annotations

from collections import Counter, defaultdict

import geopandas as gpd
import pyogrio
import pytest
import shapely

from estates_planner.geo import straight_line_km
from estates_planner.io import load_dataset
from estates_planner.model import Lot, Scenario, SiteKind
from estates_planner.optimise.rules import pair_blocks
from estates_planner.project import open_project
from estates_planner.sample_data import (
    CLOSED_OFFICE_NAME,
    GO_LIVE,
    ILLUSTRATIVE,
    REGION_CODES,
    generate_sample,
)

REGIONS = {"North East", "North West", "Greater Manchester", "Yorkshire and the Humber",
           "East Midlands", "West Midlands", "East of England", "Wales", "South West",
           "South Central", "Kent Surrey and Sussex", "London"}
GENERATED = ("sites.csv", "needs.csv", "demand.csv", "boundaries.gpkg", "sample_network.gpkg",
             "sample_project.gpkg")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out)
    return out


@pytest.fixture(scope="module")
def loaded(sample_dir_module):
    dataset, report = load_dataset(sample_dir_module / "sites.csv",
                                   sample_dir_module / "needs.csv",
                                   sample_dir_module / "demand.csv")
    return dataset, report


@pytest.fixture(scope="module")
def sample_dir_module():
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "data"


def test_data_folder_is_what_the_generator_writes(generated, sample_dir_module):
    """data/ is reproducible from the script: the same CSV bytes and GeoPackage contents.

    (GeoPackage bytes are compared only within one environment, below: another GDAL version
    may lay out the same content differently.)
    """
    for name in ("sites.csv", "needs.csv", "demand.csv"):
        assert (generated / name).read_bytes() == (sample_dir_module / name).read_bytes(), name
    for layer in ("outline", "regions"):
        new = gpd.read_file(generated / "boundaries.gpkg", layer=layer)
        old = gpd.read_file(sample_dir_module / "boundaries.gpkg", layer=layer)
        assert new.drop(columns="geometry").equals(old.drop(columns="geometry"))
        assert all(a.equals_exact(b, 0) for a, b in zip(new.geometry, old.geometry, strict=True))
    new = gpd.read_file(generated / "sample_network.gpkg", layer="roads")
    old = gpd.read_file(sample_dir_module / "sample_network.gpkg", layer="roads")
    assert new.drop(columns="geometry").equals(old.drop(columns="geometry"))
    assert all(a.equals_exact(b, 0) for a, b in zip(new.geometry, old.geometry, strict=True))
    new = open_project(generated / "sample_project.gpkg")
    old = open_project(sample_dir_module / "sample_project.gpkg")
    assert new.dataset == old.dataset and new.scenarios == old.scenarios
    assert new.metadata == old.metadata
    assert new.network.drop(columns="geometry").equals(old.network.drop(columns="geometry"))
    assert all(a.equals_exact(b, 0)
               for a, b in zip(new.network.geometry, old.network.geometry, strict=True))
    for a, b in zip(new.dataset.sites + new.dataset.needs, old.dataset.sites + old.dataset.needs,
                    strict=True):
        assert dict(a.extra) == dict(b.extra)


def test_generating_twice_gives_the_same_bytes(generated, tmp_path):
    generate_sample(tmp_path)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (generated / name).read_bytes(), name


def test_sample_loads_without_problems(loaded):
    dataset, report = loaded
    assert report.errors == [], report.format()
    assert report.warnings == [], report.format()


def test_sites_cover_every_region_with_all_kinds(loaded):
    dataset, _ = loaded
    sites = dataset.sites
    assert len(sites) >= 150
    assert {s.region for s in sites} == REGIONS
    kinds = Counter((s.region, s.kind) for s in sites)
    for region in REGIONS:
        for kind in SiteKind:
            assert kinds[(region, kind)] >= 1, (region, kind)
        assert any(s.women_only for s in sites if s.region == region), region
    assert all(s.extra["data_status"] == ILLUSTRATIVE for s in sites)
    assert {s.site_id.split("-")[0] for s in sites} == set(REGION_CODES.values())
    # fit-out mostly nothing in authority offices, always something for a market property
    authority = [s for s in sites if s.kind is SiteKind.AUTHORITY]
    assert sum(s.fit_out_cost == 0 for s in authority) > 0.7 * len(authority)
    assert all(s.fit_out_cost > 0 for s in sites if s.kind is SiteKind.MARKET)
    assert any(s.available_from and s.available_from > GO_LIVE for s in sites)
    assert any(s.available_from and s.available_from <= GO_LIVE for s in sites)
    cardiff = next(s for s in sites if s.name == "Cardiff Probation Office")
    assert cardiff.region == "Wales" and cardiff.pdu == "Cardiff and Vale"
    # Cardiff is about 318 km east and 176 km north on the British National Grid
    assert abs(cardiff.easting - 318_000) < 5_000 and abs(cardiff.northing - 176_500) < 5_000


def test_needs_cover_every_lot_in_every_region(loaded):
    dataset, _ = loaded
    needs = dataset.needs
    assert len(needs) >= 400
    lots = Counter((n.region, n.lot) for n in needs)
    for region in REGIONS:
        for lot in Lot:
            assert lots[(region, lot)] >= 1, (region, lot)
    assert all(1 <= n.desks <= 8 for n in needs)
    assert all(0 <= n.interview_rooms <= 3 for n in needs)
    assert all(1 <= n.days_per_week <= 5 for n in needs)
    assert all(50 <= n.caseload <= 600 for n in needs)
    assert 20 <= sum(n.max_travel_km is not None for n in needs) <= len(needs) // 2
    from_demand = [n for n in needs if n.location_source == "demand"]
    assert 5 <= len(from_demand) <= len(needs) // 10
    points = {d.pdu: d for d in dataset.demand}
    assert {n.pdu for n in needs} <= set(points)
    assert all(n.xy == (points[n.pdu].easting, points[n.pdu].northing) for n in from_demand)


def test_boundaries(sample_dir_module, loaded):
    dataset, _ = loaded
    path = sample_dir_module / "boundaries.gpkg"
    assert sorted(name for name, _ in pyogrio.list_layers(path)) == ["outline", "regions"]
    outline = gpd.read_file(path, layer="outline")
    regions = gpd.read_file(path, layer="regions")
    assert outline.crs.to_epsg() == regions.crs.to_epsg() == 27700
    vertices = sum(len(p.exterior.coords) for p in outline.geometry.iloc[0].geoms)
    assert 100 <= vertices <= 200
    # England and Wales cover about 151,000 km²
    assert 140_000 < outline.area.iloc[0] / 1e6 < 165_000
    assert set(regions["name"]) == REGIONS
    assert abs(regions.area.sum() - outline.area.iloc[0]) < 1e6  # the regions tile the outline
    by_name = dict(zip(regions["name"], regions.geometry, strict=True))
    for s in dataset.sites:
        assert by_name[s.region].contains(shapely.Point(s.xy)), s.name


def test_project_is_what_io_loads(sample_dir_module, loaded):
    dataset, _ = loaded
    project = open_project(sample_dir_module / "sample_project.gpkg")
    assert project.dataset == dataset
    for a, b in zip(project.dataset.sites + project.dataset.needs,
                    dataset.sites + dataset.needs, strict=True):
        assert dict(a.extra) == dict(b.extra)
    assert "illustrative" in project.metadata["title"].lower()
    assert "not official" in project.metadata["note"]
    boundaries = sample_dir_module / "boundaries.gpkg"
    for name in ("regions", "outline"):
        expected = gpd.read_file(boundaries, layer=name)
        assert list(project.layers[name]["name"]) == list(expected["name"])
        assert all(a.equals(b) for a, b in zip(project.layers[name].geometry,
                                                expected.geometry, strict=True))
    assert project.scenario_names == ["Baseline", "Close one office"]
    baseline, closed = project.scenarios
    assert baseline.settings.go_live == GO_LIVE and closed.settings == baseline.settings
    assert baseline.settings.replace(go_live=None) == type(baseline.settings)()
    (site_id,) = closed.closed_sites
    office = dataset.site(site_id)
    assert office.name == CLOSED_OFFICE_NAME and office.kind is SiteKind.AUTHORITY


def _greedy_places_everything(scenario: Scenario, travel=None) -> list[str]:
    """A simple first-fit under every rule; returns the needs it could not place.

    Not the optimiser: only a witness that a plan placing every need exists. ``travel`` (a
    travel model) measures the distances; straight lines by default.
    """
    ds = scenario.dataset
    sites = [s for s in ds.sites]
    km = straight_line_km(ds.needs, sites) if travel is None else \
        travel.distance_km(ds.needs, sites)
    desk_left = {s.site_id: 5 * scenario.site_capacity(s)[0] for s in sites}
    room_left = {s.site_id: 5 * scenario.site_capacity(s)[1] for s in sites}
    # the most constrained needs first; ETE and accommodation try authority offices first
    order = sorted(range(len(ds.needs)), key=lambda i: (ds.needs[i].max_travel_km is None,
                                                         -ds.needs[i].desk_days))
    left = []
    for i in order:
        need = ds.needs[i]
        options = sorted(range(len(sites)), key=lambda j: (
            need.lot.prefers_authority and sites[j].kind is not SiteKind.AUTHORITY, km[i, j]))
        for j in options:
            site = sites[j]
            if (desk_left[site.site_id] >= need.desk_days
                    and room_left[site.site_id] >= need.room_days
                    and not pair_blocks(scenario, need, site, float(km[i, j]))):
                desk_left[site.site_id] -= need.desk_days
                room_left[site.site_id] -= need.room_days
                break
        else:
            left.append(need.need_id)
    return left


def test_every_scenario_can_place_every_need(sample_dir_module):
    project = open_project(sample_dir_module / "sample_project.gpkg")
    for scenario in project.scenarios:
        assert _greedy_places_everything(scenario) == [], scenario.name


def test_project_carries_the_illustrative_network(sample_dir_module):
    """The sample opens with its road network, labelled illustrative, in one connected part."""
    from estates_planner.travel import model_from_project

    project = open_project(sample_dir_module / "sample_project.gpkg")
    assert project.network is not None and len(project.network) > 1000
    assert set(project.network["note"]) == {
        "Illustrative network for the sample data: not real roads"}
    assert "not real roads" in project.metadata["network"]
    assert "road network" in project.metadata["note"]
    model = model_from_project(project)
    assert len(model.network.components()) == 1
    assert model.check(project.dataset.needs, project.dataset.sites).warnings == []


def test_every_scenario_can_place_every_need_along_the_roads(sample_dir_module):
    """The travel limits allow for the network's detours: the sample solves by road too."""
    from estates_planner.travel import model_from_project

    project = open_project(sample_dir_module / "sample_project.gpkg")
    model = model_from_project(project)
    for scenario in project.scenarios:
        assert _greedy_places_everything(scenario, model) == [], scenario.name


@pytest.mark.slow
def test_the_what_if_closes_an_office_the_optimal_plan_uses(sample_dir_module):
    """The sample's second scenario is a demonstration: its office must hold needs in the
    baseline's optimal plan (along the roads, as the app solves it), so closing it moves them
    and the comparison shows what that costs."""
    from estates_planner.optimise import solve_scenario
    from estates_planner.travel import model_from_project

    project = open_project(sample_dir_module / "sample_project.gpkg")
    model = model_from_project(project)
    baseline, closed = (s.replace(travel=model) for s in project.scenarios)
    (office,) = closed.closed_sites
    before = solve_scenario(baseline, time_limit_s=20)
    after = solve_scenario(closed, time_limit_s=20, warm_start=before.assignment)
    assert before.status == after.status == "optimal"
    moved = [a.need_id for a in before.allocations if a.site_id == office]
    assert len(moved) >= 3
    assert all(after.allocation(n).site_id not in (None, office) for n in moved)
    assert after.objective > before.objective


def test_capacity_is_comfortable_per_region_and_rule(loaded):
    """Women-only room for women's needs and non-authority room for wellbeing, with slack."""
    dataset, _ = loaded
    need_days: dict[tuple[str, str], int] = defaultdict(int)
    site_days: dict[tuple[str, str], int] = defaultdict(int)
    for n in dataset.needs:
        group = "womens" if n.lot is Lot.WOMENS else \
            "wellbeing" if n.lot is Lot.WELLBEING else "ete_acc"
        need_days[(n.region, group)] += n.desk_days
    for s in dataset.sites:
        if s.available_from and s.available_from > GO_LIVE:
            continue
        if s.women_only:
            site_days[(s.region, "womens")] += 5 * s.desks
        elif s.kind is SiteKind.AUTHORITY:
            site_days[(s.region, "ete_acc")] += 5 * s.desks
        else:
            site_days[(s.region, "wellbeing")] += 5 * s.desks
    for key, days in need_days.items():
        assert site_days[key] >= 1.2 * days, key

