"""Spatial files: GeoPackage, GeoJSON and Shapefile sites, reprojected to British National Grid."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from estates_planner.io import read_needs, read_sites, table_columns

ATTRS = {"site_id": ["A", "B"], "region": ["London", "London"], "kind": ["market", "provider"],
         "desks": [3, 4], "interview_rooms": [1, 0], "annual_cost_per_desk": [10.0, 20.0],
         "women_only": [True, False], "Owner": ["X Ltd", None]}


def texts(report):
    return [str(p) for p in report]


def write_layer(path, geometry, crs, layer=None, **changes):
    frame = gpd.GeoDataFrame({**ATTRS, **changes}, geometry=geometry, crs=crs)
    frame.to_file(path, layer=layer, engine="pyogrio")
    return path


def test_geopackage_in_bng_keeps_points_and_typed_values(tmp_path):
    path = write_layer(tmp_path / "sites.gpkg", [Point(530000, 180000), Point(531000, 181000)],
                       27700)
    sites, report = read_sites(path)
    assert report.problems == []
    assert [s.xy for s in sites] == [(530000.0, 180000.0), (531000.0, 181000.0)]
    assert sites[0].women_only is True and sites[1].women_only is False
    assert sites[0].desks == 3 and sites[0].extra == {"Owner": "X Ltd"}
    assert sites[1].extra == {"Owner": None}


def test_geojson_in_wgs84_is_reprojected(tmp_path):
    # Big Ben (Elizabeth Tower) is at OS grid reference TQ 3026 7964, i.e. 530260, 179640
    path = write_layer(tmp_path / "sites.geojson",
                       [Point(-0.124625, 51.500729), Point(-0.124625, 51.500729)], 4326)
    sites, report = read_sites(path)
    assert report.ok
    assert sites[0].easting == pytest.approx(530260, abs=50)
    assert sites[0].northing == pytest.approx(179640, abs=50)


def test_polygon_sites_use_a_point_inside_them(tmp_path):
    # an L-shaped building: its centroid (outside the L) would be wrong
    ell = Polygon([(0, 0), (100, 0), (100, 10), (10, 10), (10, 100), (0, 100)])
    moved = [Polygon([(x + 400000, y + 300000) for x, y in ell.exterior.coords])] * 2
    path = write_layer(tmp_path / "sites.gpkg", moved, 27700)
    sites, report = read_sites(path)
    assert report.ok
    assert moved[0].contains(Point(sites[0].xy))


SHAPEFILE_WARNINGS = [pytest.mark.filterwarnings("ignore::UserWarning"),
                      pytest.mark.filterwarnings("ignore::RuntimeWarning")]


@SHAPEFILE_WARNINGS[0]
@SHAPEFILE_WARNINGS[1]
def test_shapefile_with_names_cut_to_ten_characters(tmp_path):
    path = write_layer(tmp_path / "sites.shp", [Point(530000, 180000)] * 2, 27700)
    sites, report = read_sites(path)
    assert report.ok, texts(report)
    # 'interview_rooms' and 'annual_cost_per_desk' were saved as 'interview_', 'annual_cos'
    assert [(s.interview_rooms, s.annual_cost_per_desk) for s in sites] == [(1, 10.0),
                                                                            (0, 20.0)]


@SHAPEFILE_WARNINGS[0]
@SHAPEFILE_WARNINGS[1]
def test_shapefile_without_crs_is_an_error(tmp_path):
    path = write_layer(tmp_path / "sites.shp", [Point(530000, 180000)] * 2, None)
    assert not path.with_suffix(".prj").exists()
    sites, report = read_sites(path)
    assert sites == []
    assert texts(report) == [
        "sites.shp, column 'geometry': the file has no coordinate reference system (CRS), so "
        "its points cannot be placed. Set the CRS (in QGIS: Layer > Set CRS, e.g. EPSG:27700 "
        "British National Grid or EPSG:4326 WGS84) and save the file again"]


def test_feature_numbers_follow_the_spreadsheet_convention(tmp_path):
    path = write_layer(tmp_path / "sites.gpkg", [Point(530000, 180000), Point(9e6, 180000)],
                       27700, desks=[3, -1])
    sites, report = read_sites(path)
    assert [s.site_id for s in sites] == ["A"]
    # feature 2 of the layer is "row 3", as if the attribute table were a spreadsheet
    assert texts(report) == [
        "sites.gpkg, row 3, column 'desks': expected a whole number ≥ 0, got -1",
        "sites.gpkg, row 3, column 'geometry': the point (in EPSG:27700) is outside Great "
        "Britain: expected a point in Great Britain, got (9000000.0, 180000.0)"]


def test_swapped_axes_in_wgs84_get_a_hint(tmp_path):
    path = write_layer(tmp_path / "sites.geojson",
                       [Point(51.500729, -0.124625), Point(-0.124625, 51.500729)], 4326)
    sites, report = read_sites(path)
    assert [s.site_id for s in sites] == ["B"]
    assert texts(report) == [
        "sites.geojson, row 2, column 'geometry': the point is outside Great Britain; "
        "longitude and latitude look swapped (axis order): expected a point in Great Britain, "
        "got (51.500729, -0.124625)"]


def test_features_without_geometry_are_missing_a_location(tmp_path):
    path = write_layer(tmp_path / "sites.gpkg", [Point(530000, 180000), None], 27700)
    sites, report = read_sites(path)
    assert [s.site_id for s in sites] == ["A"]
    assert texts(report) == [
        "sites.gpkg, row 3, column 'geometry': the row has no location: expected a geometry, "
        "or a point in 'lon' and 'lat' or in 'easting' and 'northing', got nothing"]


def test_geopackage_layer_named_sites_is_chosen(tmp_path):
    path = tmp_path / "project.gpkg"
    write_layer(path, [Point(1, 1)] * 2, 27700, layer="other", desks=[-5, -5])
    write_layer(path, [Point(530000, 180000)] * 2, 27700, layer="sites")
    sites, report = read_sites(path)
    assert report.ok and len(sites) == 2


def test_needs_in_a_geopackage_fall_back_where_geometry_is_empty(tmp_path):
    path = tmp_path / "needs.gpkg"
    needs = gpd.GeoDataFrame({
        "need_id": ["N1", "N2"], "provider": ["P", "P"], "lot": ["ete", "womens"],
        "region": ["London", "London"], "pdu": ["Camden", "Camden"], "desks": [1, 2],
        "interview_rooms": [0, 1], "days_per_week": [2, 5], "caseload": [10.0, 20.5]},
        geometry=[Point(530000, 180000), None], crs=27700)
    needs.to_file(path, engine="pyogrio")
    sites, _ = read_sites(write_layer(tmp_path / "s.gpkg", [Point(529000, 181000),
                                                           Point(531000, 183000)], 27700,
                                      kind=["authority", "authority"], pdu=["Camden"] * 2))
    got, report = read_needs(path, sites)
    assert report.ok
    assert [(n.xy, n.location_source) for n in got] == [
        ((530000.0, 180000.0), "own"), ((530000.0, 182000.0), "authority mean")]


def test_empty_layer_and_unreadable_spatial_file(tmp_path):
    path = write_layer(tmp_path / "sites.gpkg", [Point(530000, 180000)] * 2, 27700)
    empty = gpd.read_file(path).iloc[:0]
    empty.to_file(tmp_path / "empty.gpkg", engine="pyogrio")
    _, report = read_sites(tmp_path / "empty.gpkg")
    assert texts(report) == ["empty.gpkg: the layer is empty: expected at least one feature"]
    (tmp_path / "junk.gpkg").write_bytes(b"this is not a geopackage")
    _, report = read_sites(tmp_path / "junk.gpkg")
    assert len(report) == 1
    assert str(report.errors[0]).startswith("junk.gpkg: the file cannot be read as a spatial "
                                            "data file (")


def test_geojson_with_null_geometry_everywhere_reads_coordinate_columns(tmp_path):
    features = [{"type": "Feature", "geometry": None, "properties": {
        "site_id": "A", "region": "London", "kind": "market", "desks": 1,
        "interview_rooms": 1, "annual_cost_per_desk": 5, "easting": 530000,
        "northing": 180000}}]
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    sites, report = read_sites(path)
    assert report.ok, texts(report)
    assert sites[0].xy == (530000.0, 180000.0)


def test_table_columns_of_a_geopackage(tmp_path):
    path = write_layer(tmp_path / "sites.gpkg", [Point(530000, 180000)] * 2, 27700)
    assert table_columns(path) == list(ATTRS)
