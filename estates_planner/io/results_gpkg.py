"""The results GeoPackage of the plan export: sites, needs and allocation lines for QGIS."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from estates_planner.errors import ExportError
from estates_planner.io.atomic import failure_reason
from estates_planner.model import BNG_EPSG, Dataset


def write_results_layers(tmp: Path, dataset: Dataset, srows: Sequence[dict[str, object]],
                         arows: Sequence[dict[str, object]], shown_as: object = None) -> None:
    """Write the layers ``sites``, ``needs`` and ``allocation_lines`` (EPSG:27700) to ``tmp``.

    ``srows`` and ``arows`` are the export's site and allocation rows, in the dataset's order;
    ``shown_as`` is the file name an error message gives (the target, not the temporary file).
    """
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    ds = dataset
    sites = gpd.GeoDataFrame(
        srows, geometry=[Point(s.easting, s.northing) for s in ds.sites], crs=BNG_EPSG)
    for row in arows:
        if row["travel_km"] == "":
            row["travel_km"] = None
    needs = gpd.GeoDataFrame(
        arows, geometry=[Point(n.easting, n.northing) for n in ds.needs], crs=BNG_EPSG)
    line_rows, line_geoms = [], []
    for need, row in zip(ds.needs, arows, strict=True):
        if row["site_id"]:
            site = ds.site(str(row["site_id"]))
            line_rows.append({k: row[k] for k in ("need_id", "provider", "lot", "site_id",
                                                  "site_name", "travel_km")})
            line_geoms.append(LineString([need.xy, site.xy]))
    lines = gpd.GeoDataFrame(line_rows or None, geometry=line_geoms, crs=BNG_EPSG)
    if not line_rows:
        for col in ("need_id", "provider", "lot", "site_id", "site_name"):
            lines[col] = []
    try:
        sites.to_file(tmp, layer="sites", driver="GPKG")
        needs.to_file(tmp, layer="needs", driver="GPKG")
        lines.to_file(tmp, layer="allocation_lines", driver="GPKG")
    except Exception as exc:  # pyogrio raises its own DataSourceError/FieldError
        # one sentence with the path and the reason (disk full, folder not writable), never
        # the SQL that GDAL quotes
        shown = Path(tmp if shown_as is None else shown_as)
        reason = failure_reason(exc, Path(tmp).parent)
        raise ExportError(f"cannot write {shown}: {reason}; the previous file is unchanged"
                          if shown.exists() else
                          f"cannot write {shown}: {reason}; no file was written") from exc


