"""Read polygon layers (region or local-authority boundaries) for the map, in BNG."""

from __future__ import annotations

from pathlib import Path

from estates_planner.errors import EstatesError, ValidationReport
from estates_planner.io.coords import GB_EASTING, GB_NORTHING, frame_to_bng
from estates_planner.model import BNG_EPSG

_NAME_COLUMNS = ("name", "region", "pdu")
_POLYGON_TYPES = ("Polygon", "MultiPolygon")


def read_boundaries(path: str | Path, name_column: str | None = None, layer: str | None = None):
    """Read a polygon layer into a GeoDataFrame in EPSG:27700 with a ``name`` column.

    Parameters
    ----------
    path
        Any polygon file GDAL reads (GeoPackage, GeoJSON, Shapefile, ...).
    name_column
        The attribute that names each polygon (case-insensitive); by default the first of
        'name', 'region' or 'pdu', else the first text column, else "feature N".
    layer
        The layer to read; by default the first layer of polygons.

    Returns
    -------
    boundaries, report
        Polygons (invalid ones repaired, other geometry left out) with all their attributes,
        and the problems found; an unreadable file gives an empty GeoDataFrame and errors.
    """
    import geopandas as gpd
    import pyogrio
    import pyogrio.errors as ogr_errors
    import shapely

    path = Path(path)
    file = path.name
    report = ValidationReport()
    empty = gpd.GeoDataFrame({"name": []}, geometry=gpd.GeoSeries([], crs=BNG_EPSG))
    failures = (ogr_errors.DataSourceError, ogr_errors.DataLayerError, ogr_errors.FieldError,
                ogr_errors.GeometryError, ogr_errors.CRSError, ogr_errors.FeatureError,
                OSError, ValueError)
    if not path.exists():
        report.error(file, f"the file does not exist (looked for {path})")
        return empty, report
    try:
        layers = pyogrio.list_layers(path)
        if layer is None:
            polygon_layers = [str(n) for n, t in layers if t in _POLYGON_TYPES]
            layer = polygon_layers[0] if polygon_layers else (str(layers[0][0]) if len(layers)
                                                              else None)
        if layer is None:
            report.error(file, "the file holds no layers: expected polygons")
            return empty, report
        frame = pyogrio.read_dataframe(path, layer=layer)
    except failures as exc:
        reason = (str(exc).strip() or type(exc).__name__).splitlines()[0][:200]
        report.error(file, f"the file cannot be read as a spatial data file ({reason})")
        return empty, report
    if not isinstance(frame, gpd.GeoDataFrame) or len(frame) == 0:
        report.error(file, f"layer '{layer}' has no features: expected polygons")
        return empty, report
    if frame.crs is None:
        report.error(file, "the file has no coordinate reference system (CRS), so its polygons "
                     "cannot be placed. Set the CRS (in QGIS: Layer > Set CRS) and save the "
                     "file again", column="geometry")
        return empty, report
    geoms = frame.geometry.values
    is_polygon = shapely.get_type_id(geoms) >= 0
    is_polygon &= [t in _POLYGON_TYPES for t in frame.geometry.geom_type.fillna("")]
    dropped = int((~is_polygon).sum())
    if dropped == len(frame):
        report.error(file, f"layer '{layer}' holds no polygons", value=layer,
                     expected="a layer of polygons or multipolygons")
        return empty, report
    if dropped:
        report.warning(file, f"{dropped} feature(s) without a polygon geometry are left out")
        frame = frame[is_polygon]
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        report.warning(file, f"{int(invalid.sum())} polygon(s) had invalid geometry "
                       "(e.g. self-crossing edges) and were repaired")
        frame = frame.set_geometry(frame.geometry.make_valid())
    try:
        frame = frame_to_bng(frame, file, EstatesError).reset_index(drop=True)
    except EstatesError as exc:
        report.error(file, str(exc), column="geometry")
        return empty, report
    names, source = _names(frame, name_column, file, report)
    if source == "name":
        frame = frame.drop(columns="name")
    elif "name" in frame.columns:  # names come from elsewhere: keep the file's own
        frame = frame.rename(columns={"name": "original name"})
    frame.insert(0, "name", names)
    xmin, ymin, xmax, ymax = frame.total_bounds
    if xmax < GB_EASTING[0] or xmin > GB_EASTING[1] or ymax < GB_NORTHING[0] \
            or ymin > GB_NORTHING[1]:
        report.warning(file, "the polygons lie outside Great Britain; is the CRS right?")
    return frame, report


def _names(frame, name_column: str | None, file: str, report: ValidationReport,
           ) -> tuple[list[str], object]:
    """The name of each polygon, and the column it came from (None: numbered)."""
    columns = {str(c).strip().casefold(): c for c in frame.columns if c != "geometry"}
    chosen = None
    if name_column is not None:
        chosen = columns.get(name_column.strip().casefold())
        if chosen is None:
            report.error(file, "the name column is not in the file", column=name_column,
                         value=name_column,
                         expected="one of " + ", ".join(str(c) for c in columns.values()))
    if chosen is None:
        chosen = next((columns[k] for k in _NAME_COLUMNS if k in columns), None)
    if chosen is None:
        chosen = next((c for c in columns.values()
                       if frame[c].dtype == object or str(frame[c].dtype) in ("str", "string")),
                      None)
    if chosen is None:
        return [f"feature {i + 1}" for i in range(len(frame))], None
    return [("" if v is None else str(v)).strip() or f"feature {i + 1}"
            for i, v in enumerate(frame[chosen].tolist())], chosen
