"""Polygon layers for the map: BNG, names, repairs and refusals."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from estates_planner.io import read_boundaries


def texts(report):
    return [str(p) for p in report]


def test_regions_are_reprojected_and_named(tmp_path):
    # a 0.1 degree square near London, in WGS84
    square = box(-0.2, 51.4, -0.1, 51.5)
    path = tmp_path / "regions.geojson"
    gpd.GeoDataFrame({"Region": ["London"], "code": ["E12000007"]}, geometry=[square],
                     crs=4326).to_file(path, engine="pyogrio")
    frame, report = read_boundaries(path)
    assert report.ok
    assert frame.crs.to_epsg() == 27700
    assert list(frame["name"]) == ["London"] and list(frame["code"]) == ["E12000007"]
    # 0.1 degree of longitude at 51.45 N is 6.95 km on the WGS84 ellipsoid, of latitude
    # 11.13 km: 77.3 km2 (the grid's scale factor here, about 0.9998, changes it by 0.04 %)
    assert frame.geometry.area.iloc[0] == pytest.approx(77.3e6, rel=0.005)
    assert frame.geometry.iloc[0].contains(Point(530000, 175000))  # Lambeth


def test_name_column_is_chosen_by_the_caller(tmp_path):
    path = tmp_path / "la.gpkg"
    gpd.GeoDataFrame({"LAD24NM": ["Leeds", "York"], "name": ["x", "y"]},
                     geometry=[box(0, 0, 1, 1), box(2, 2, 3, 3)], crs=27700).to_file(path)
    frame, report = read_boundaries(path, name_column="lad24nm")
    assert report.ok and list(frame["name"]) == ["Leeds", "York"]
    assert list(frame["original name"]) == ["x", "y"]
    frame, report = read_boundaries(path, name_column="missing")
    assert list(frame["name"]) == ["x", "y"]  # the default: a column called 'name'
    assert texts(report) == ["la.gpkg, column 'missing': the name column is not in the file: "
                             "expected one of LAD24NM, name, got 'missing'"]


def test_polygon_layer_is_found_among_several_and_bad_geometry_handled(tmp_path):
    path = tmp_path / "b.gpkg"
    gpd.GeoDataFrame({"name": ["p"]}, geometry=[Point(1, 1)], crs=27700).to_file(
        path, layer="points")
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])  # self-crossing
    gpd.GeoDataFrame({"name": ["ok", "bowtie"]}, geometry=[box(0, 0, 5, 5), bowtie],
                     crs=27700).to_file(path, layer="regions")
    frame, report = read_boundaries(path)
    assert list(frame["name"]) == ["ok", "bowtie"]
    assert bool(frame.geometry.is_valid.all())
    assert texts(report) == ["b.gpkg: 1 polygon(s) had invalid geometry (e.g. self-crossing "
                             "edges) and were repaired"]


def test_boundaries_without_crs_or_polygons_are_errors(tmp_path):
    lines = tmp_path / "lines.gpkg"
    gpd.GeoDataFrame({"name": ["l"]}, geometry=[LineString([(0, 0), (1, 1)])],
                     crs=27700).to_file(lines)
    frame, report = read_boundaries(lines)
    assert frame.empty and frame.crs.to_epsg() == 27700
    assert texts(report) == ["lines.gpkg: layer 'lines' holds no polygons: expected a layer of "
                             "polygons or multipolygons, got 'lines'"]
    nocrs = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning, match="crs"):
        gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(0, 0, 1, 1)]).to_file(nocrs)
    frame, report = read_boundaries(nocrs)
    assert frame.empty
    assert texts(report) == ["nocrs.shp, column 'geometry': the file has no coordinate "
                             "reference system (CRS), so its polygons cannot be placed. Set "
                             "the CRS (in QGIS: Layer > Set CRS) and save the file again"]
    frame, report = read_boundaries(tmp_path / "missing.gpkg")
    assert texts(report) == [f"missing.gpkg: the file does not exist (looked for "
                             f"{tmp_path / 'missing.gpkg'})"]
