"""Points of input rows in British National Grid, with checks that they fall in Great Britain.

A row's point comes from the first of: its geometry (spatial files, reprojected to EPSG:27700,
polygons by their representative point), ``easting``/``northing`` (BNG metres), or
``lon``/``lat`` (WGS84 degrees). All transforms are vectorised with pyproj.

The Great Britain test is a bounding box, deliberately coarse: its job is to catch swapped
columns, degrees typed into metre columns and typing slips, not to find points in the sea.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from estates_planner.errors import EstatesError, ProjectFileError
from estates_planner.io.fields import RowChecker, parse_numbers
from estates_planner.model import BNG_EPSG, WGS84_EPSG

GB_LON = (-8.75, 1.85)
GB_LAT = (49.8, 60.95)
GB_EASTING = (0.0, 700_000.0)
GB_NORTHING = (0.0, 1_300_000.0)

LONLAT_EXPECTED = (f"lon from {GB_LON[0]} to {GB_LON[1]} and lat from {GB_LAT[0]} to "
                   f"{GB_LAT[1]} (a point in Great Britain)")
BNG_EXPECTED = (f"easting from 0 to {GB_EASTING[1]:,.0f} and northing from 0 to "
                f"{GB_NORTHING[1]:,.0f} metres (a point in Great Britain)")
POINT_EXPECTED = "a point in 'lon' and 'lat' or in 'easting' and 'northing'"


@dataclass
class Points:
    """BNG coordinates per row; ``found`` marks rows whose point was given and is valid."""

    easting: np.ndarray
    northing: np.ndarray
    found: np.ndarray
    # rows whose point was given but is wrong (already reported)
    reported: np.ndarray
    # the file gave no usable way to locate any row (no coordinate columns, or no CRS); this
    # has been reported once for the file, so rows are not reported one by one
    unusable: bool = False


@lru_cache(maxsize=8)
def _transformer(source: str):
    from pyproj import Transformer

    return Transformer.from_crs(source, f"EPSG:{BNG_EPSG}", always_xy=True)


def wgs84_to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude (EPSG:4326) to easting/northing (EPSG:27700) metres."""
    e, n = _transformer(f"EPSG:{WGS84_EPSG}").transform(np.asarray(lon, dtype=float),
                                                        np.asarray(lat, dtype=float))
    return np.asarray(e, dtype=float), np.asarray(n, dtype=float)


def frame_to_bng(frame, source: str, error: type[EstatesError] = ProjectFileError):
    """``frame`` (a GeoDataFrame) in British National Grid: the one reprojection of layers.

    A frame already in EPSG:27700 is returned as it is. The one failure policy: a frame with no
    coordinate reference system, or one that cannot be converted, raises ``error`` (an
    :class:`EstatesError` of the caller's kind) naming ``source`` and what to do.
    """
    if frame.crs is None:
        raise error(f"{source} has no coordinate reference system (CRS), so it cannot be "
                    "placed; set one (e.g. EPSG:27700, British National Grid) and save it again")
    if frame.crs.to_epsg() == BNG_EPSG:
        return frame
    try:
        return frame.to_crs(epsg=BNG_EPSG)
    except Exception as exc:  # pyproj's CRSError/ProjError, or GDAL's own
        raise error(f"{source}: cannot convert from {frame.crs.name} to British National "
                    f"Grid ({exc})") from exc


def in_box(x: np.ndarray, y: np.ndarray, xr: tuple[float, float],
           yr: tuple[float, float]) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (x >= xr[0]) & (x <= xr[1]) & (y >= yr[0]) & (y <= yr[1])


def in_gb_lonlat(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return in_box(lon, lat, GB_LON, GB_LAT)


def in_gb_bng(e: np.ndarray, n: np.ndarray) -> np.ndarray:
    return in_box(e, n, GB_EASTING, GB_NORTHING)


def resolve_points(check: RowChecker, *, required: bool) -> Points:
    """Find, check and convert the point of every row of ``check``'s table.

    Parameters
    ----------
    check
        The table with its matched columns; errors go to its report and mark rows bad.
    required
        True for sites and demand (a row without a point is an error), False for needs
        (they fall back to the PDU's demand point or authority sites).
    """
    n = len(check)
    pts = Points(np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool),
                 np.zeros(n, dtype=bool))
    table = check.table
    has_geometry = table.geometry is not None
    has_bng = check.has("easting") or check.has("northing")
    has_lonlat = check.has("lon") or check.has("lat")
    if has_geometry:
        if table.crs is None:
            check.report.error(check.file, "the file has no coordinate reference system (CRS), "
                               "so its points cannot be placed. Set the CRS (in QGIS: Layer "
                               "> Set CRS, e.g. EPSG:27700 British National Grid or EPSG:4326 "
                               "WGS84) and save the file again", column="geometry")
            pts.unusable = not (has_bng or has_lonlat)
            if pts.unusable:
                check.bad[:] = True
        else:
            _from_geometry(check, pts)
    elif not (has_bng or has_lonlat):
        if required:
            check.report.error(check.file, "the file has no coordinate columns", value=None,
                               expected="columns 'lon' and 'lat' (WGS84 degrees) or 'easting' "
                               "and 'northing' (British National Grid metres)")
            check.bad[:] = True
        pts.unusable = True
        return pts
    if has_bng:
        _from_pair(check, pts, "easting", "northing", bng=True)
    if has_lonlat:
        _from_pair(check, pts, "lon", "lat", bng=False)
    if required and not pts.unusable:
        missing = ~pts.found & ~pts.reported
        column = next((c for c in ("lon", "easting") if check.has(c)), "geometry")
        check.flag(missing, column, POINT_EXPECTED if not has_geometry
                   else "a geometry, or " + POINT_EXPECTED, None, "the row has no location")
    return pts


def _from_pair(check: RowChecker, pts: Points, x_name: str, y_name: str, *, bng: bool) -> None:
    n = len(check)
    xs = ys = None
    x_blank = y_blank = np.ones(n, dtype=bool)
    if check.has(x_name):
        raw = check.raw(x_name)
        xs, x_blank, bad = parse_numbers(raw)
        bad |= ~x_blank & ~bad & ~np.isfinite(xs)
        check.flag(bad & ~pts.found, x_name, "a number", raw)
        pts.reported |= bad & ~pts.found
    if check.has(y_name):
        raw = check.raw(y_name)
        ys, y_blank, bad = parse_numbers(raw)
        bad |= ~y_blank & ~bad & ~np.isfinite(ys)
        check.flag(bad & ~pts.found, y_name, "a number", raw)
        pts.reported |= bad & ~pts.found
    todo = ~pts.found & ~pts.reported
    # one of the pair without the other
    for lone, other, blank_other in ((x_name, y_name, y_blank), (y_name, x_name, x_blank)):
        lone_blank = x_blank if lone == x_name else y_blank
        half = todo & ~lone_blank & blank_other
        check.flag(half, other, f"a value in '{other}' as well as in '{lone}'", None)
        pts.reported |= half
    todo &= ~x_blank & ~y_blank
    if not todo.any():
        return
    x = np.where(todo, xs, np.nan)
    y = np.where(todo, ys, np.nan)
    inside = in_gb_bng(x, y) if bng else in_gb_lonlat(x, y)
    outside = todo & ~inside
    if outside.any():
        _report_outside(check, outside, x, y, x_name, y_name, bng=bng)
        pts.reported |= outside
    ok = todo & inside
    if bng:
        e, nn = x, y
    else:
        e, nn = wgs84_to_bng(np.where(ok, x, 0.0), np.where(ok, y, 50.0))
    pts.easting[ok] = e[ok]
    pts.northing[ok] = nn[ok]
    pts.found |= ok


def _report_outside(check: RowChecker, outside: np.ndarray, x: np.ndarray, y: np.ndarray,
                    x_name: str, y_name: str, *, bng: bool) -> None:
    if bng:
        expected = BNG_EXPECTED
        swapped = in_gb_bng(y, x)
        other_kind = in_gb_lonlat(x, y)
        other_hint = (f"'{x_name}' and '{y_name}' hold degrees, not metres: name the columns "
                      "'lon' and 'lat'")
    else:
        expected = LONLAT_EXPECTED
        swapped = in_gb_lonlat(y, x)
        other_kind = in_gb_bng(x, y) & ((np.abs(x) > 180) | (np.abs(y) > 90))
        other_hint = (f"'{x_name}' and '{y_name}' hold metres, not degrees: name the columns "
                      "'easting' and 'northing'")
    values = list(zip(x.tolist(), y.tolist(), strict=True))
    for mask, message in (
        (outside & swapped, f"the point is outside Great Britain; '{x_name}' and '{y_name}' "
                            "look swapped"),
        (outside & ~swapped & other_kind, f"the point is outside Great Britain; {other_hint}"),
        (outside & ~swapped & ~other_kind, "the point is outside Great Britain"),
    ):
        check.flag(mask, x_name, expected, values, message)


_AREA_OR_POINT = (0, 3, 6)  # shapely type ids: Point, Polygon, MultiPolygon
_KIND_NAMES = {1: "line", 2: "ring (a closed line)", 4: "set of several points",
               5: "set of lines", 7: "collection of geometries"}


def _from_geometry(check: RowChecker, pts: Points) -> None:
    import shapely

    table = check.table
    geoms = np.asarray(table.geometry.values, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return
    points = geoms.copy()
    kinds = shapely.get_type_id(geoms)
    not_point = present & (kinds != 0)
    odd = present & ~np.isin(kinds, _AREA_OR_POINT)
    for i in np.flatnonzero(odd):
        # a polygon is a site's building or plot; a line or a set of points is not a place,
        # so the file is likely the wrong layer (a road, a set of offices)
        check.report.warning(
            check.file, f"the location is a {_KIND_NAMES.get(int(kinds[i]), 'geometry')}, not a "
            "point or an area: a point on it is used; check that this is the right layer",
            row=int(check.rows[i]), column="geometry")
    if not_point.any():
        # a polygon (or line) stands for the site at a point guaranteed to lie on it
        points[not_point] = shapely.point_on_surface(geoms[not_point])
    x = np.full(len(check), np.nan)
    y = np.full(len(check), np.nan)
    x[present] = shapely.get_x(points[present])
    y[present] = shapely.get_y(points[present])
    crs = table.crs
    if crs.to_epsg() == BNG_EPSG:
        e, n = x, y
    else:
        from pyproj.exceptions import CRSError, ProjError

        try:
            with np.errstate(invalid="ignore"):
                e, n = _transformer(crs.to_wkt()).transform(x, y)
        except (CRSError, ProjError) as exc:
            check.report.error(check.file, "the points cannot be converted from the file's "
                               f"coordinate reference system ({crs.name}) to British National "
                               f"Grid ({exc})", column="geometry")
            return
        e, n = np.asarray(e, dtype=float), np.asarray(n, dtype=float)
    inside = present & in_gb_bng(e, n)
    outside = present & ~inside
    pts.reported |= outside
    if outside.any():
        if crs.is_geographic:
            swapped = in_gb_lonlat(y, x)
            hint = "; longitude and latitude look swapped (axis order)"
        else:
            swapped = np.zeros(len(check), dtype=bool)
            hint = ""
        crs_name = crs.name if crs.to_epsg() is None else f"EPSG:{crs.to_epsg()}"
        values = list(zip(x.tolist(), y.tolist(), strict=True))
        check.flag(outside & swapped, "geometry", "a point in Great Britain", values,
                   f"the point is outside Great Britain{hint}")
        check.flag(outside & ~swapped, "geometry", "a point in Great Britain", values,
                   f"the point (in {crs_name}) is outside Great Britain")
    pts.easting[inside] = e[inside]
    pts.northing[inside] = n[inside]
    pts.found |= inside
