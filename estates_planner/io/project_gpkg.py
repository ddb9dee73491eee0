"""The project file: one GeoPackage holding the data, the scenarios and their plans.

:mod:`estates_planner.project` holds the :class:`Project` object; this module writes its file
and describes the layout, :mod:`estates_planner.io.project_gpkg_read` reads it
(``project.save_project`` and ``project.open_project`` call them).

A project file is an ordinary GeoPackage, so a GIS user can open it in QGIS and see the sites,
needs and boundaries on a map and every other table as an attribute table. The layout
(``FORMAT_VERSION`` 1):

spatial layers (EPSG:27700)
    ``sites``, ``needs``, ``demand`` (points, every field plus the extra columns),
    boundary layers under their own names (e.g. ``regions``, ``outline``), ``network``.
attribute tables
    ``project_metadata`` (key, value; includes ``format_version`` and ``app_version``),
    ``project_contents`` (name, role: which layers are boundaries, network or extra tables),
    ``project_columns`` (layer, column_name, type: the extra columns of sites and needs),
    ``scenarios`` (position, name, description, settings_json, has_baseline),
    ``scenario_pins``, ``scenario_closed_sites``, ``scenario_barred_pairs``,
    ``scenario_capacity_overrides``, ``scenario_baselines`` (one row per entry, by scenario),
    ``results`` (objective, bound, gap, status, seconds, terms_json, messages_json),
    ``allocations`` (every Allocation field), ``site_usage``, and the project's extra tables
    under their own names.

Spatial layers and extra tables are written by pyogrio (so GDAL registers them properly);
the project's own tables are written and every table is read with sqlite3, which gives back
exactly the stored values (no NaN for NULL, no float for a nullable integer).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from estates_planner import PROJECT_FORMAT_VERSION, __version__
from estates_planner.errors import ProjectFileError
from estates_planner.io.atomic import atomic_write, failure_reason
from estates_planner.io.coords import frame_to_bng
from estates_planner.io.settings_toml import settings_to_dict
from estates_planner.io.weekdays import format_weekdays
from estates_planner.model import (
    BNG_EPSG,
    ServiceNeed,
    Site,
)

if TYPE_CHECKING:  # the project object is above this module; its type only
    from estates_planner.project import Project

FORMAT_VERSION = PROJECT_FORMAT_VERSION

SITES_LAYER = "sites"
NEEDS_LAYER = "needs"
DEMAND_LAYER = "demand"
NETWORK_LAYER = "network"
METADATA_TABLE = "project_metadata"
CONTENTS_TABLE = "project_contents"
COLUMNS_TABLE = "project_columns"
SCENARIOS_TABLE = "scenarios"
PINS_TABLE = "scenario_pins"
CLOSED_TABLE = "scenario_closed_sites"
BARRED_TABLE = "scenario_barred_pairs"
OVERRIDES_TABLE = "scenario_capacity_overrides"
BASELINES_TABLE = "scenario_baselines"
RESULTS_TABLE = "results"
ALLOCATIONS_TABLE = "allocations"
USAGE_TABLE = "site_usage"
RESERVED_NAMES = frozenset({
    SITES_LAYER, NEEDS_LAYER, DEMAND_LAYER, NETWORK_LAYER, METADATA_TABLE, CONTENTS_TABLE,
    COLUMNS_TABLE, SCENARIOS_TABLE, PINS_TABLE, CLOSED_TABLE, BARRED_TABLE, OVERRIDES_TABLE,
    BASELINES_TABLE, RESULTS_TABLE, ALLOCATIONS_TABLE, USAGE_TABLE,
})
# metadata keys the file format owns; not part of Project.metadata
FORMAT_VERSION_KEY = "format_version"
APP_VERSION_KEY = "app_version"

_SQLITE_MAGIC = b"SQLite format 3\x00"

# the fixed columns of the point layers, in file order, with their SQL types
_SITE_COLUMNS = (
    ("site_id", "TEXT"), ("name", "TEXT"), ("region", "TEXT"), ("pdu", "TEXT"),
    ("kind", "TEXT"), ("women_only", "BOOLEAN"), ("desks", "INTEGER"),
    ("interview_rooms", "INTEGER"), ("annual_cost_per_desk", "REAL"), ("fit_out_cost", "REAL"),
    ("available_from", "TEXT"), ("step_free", "BOOLEAN"), ("available_until", "TEXT"),
    ("easting", "REAL"), ("northing", "REAL"),  # the point's coordinates stay last
)
_NEED_COLUMNS = (
    ("need_id", "TEXT"), ("provider", "TEXT"), ("lot", "TEXT"), ("region", "TEXT"),
    ("pdu", "TEXT"), ("desks", "INTEGER"), ("interview_rooms", "INTEGER"),
    ("days_per_week", "INTEGER"), ("caseload", "REAL"), ("max_travel_km", "REAL"),
    ("location_source", "TEXT"), ("easting", "REAL"), ("northing", "REAL"),
)
_DEMAND_COLUMNS = (("pdu", "TEXT"), ("easting", "REAL"), ("northing", "REAL"))


def write_project_file(project: Project, path: str | Path | None = None, *,
                       timestamp: datetime | None = None) -> Path:
    """Write the project to ``path`` (default: ``project.path``) safely.

    The file is written under a temporary name in the same folder and then moved over the
    old one in a single step, so a crash or a full disk never leaves half a project behind;
    the previous version is kept as ``NAME.gpkg.bak``. On success ``project.path`` becomes
    ``path`` and ``project.metadata["app_version"]`` this app's version.

    ``timestamp`` fixes the GeoPackage's last-change times (the sample data uses it so that
    the file is byte-for-byte reproducible); by default it is now.

    Raises
    ------
    ProjectFileError
        when the file cannot be written; the existing file is then untouched.
    """
    if path is None:
        if project.path is None:
            raise ProjectFileError("the project has not been saved before; choose a file name")
        path = project.path
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise ProjectFileError(f"{path.name}: a project file name must end in .gpkg")
    _check_names(project)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ProjectFileError(f"cannot save {path.name}: the folder {folder} does not exist")
    stamp = (timestamp or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    metadata = dict(project.metadata)
    metadata[APP_VERSION_KEY] = __version__
    if path.is_dir():
        raise ProjectFileError(f"cannot save the project to {path}: that is a folder")
    # atomic_write: beside a symlink's target, verified (quick_check) before it replaces the
    # file, mode and group kept for the file and its .bak, one-sentence errors
    action = "save the project to"
    try:
        with atomic_write(path, error=ProjectFileError, action=action, keep_backup=True) as tmp:
            tmp.unlink()  # GDAL creates the file itself
            _write_project(project, metadata, tmp, stamp)
    except (sqlite3.Error, pyogrio.errors.DataSourceError,
            pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
            pyogrio.errors.GeometryError, pyogrio.errors.CRSError, ValueError, TypeError) as exc:
        raise ProjectFileError(f"cannot {action} {path}: {failure_reason(exc, folder)}; "
                               "the previous file is unchanged" if path.exists() else
                               f"cannot {action} {path}: {failure_reason(exc, folder)}; "
                               "no file was written") from exc
    project.path = path
    project.metadata[APP_VERSION_KEY] = __version__
    return path


def _check_names(project: Project) -> None:
    seen: set[str] = set()
    named = [(n, "layer") for n in project.layers] + [(n, "table") for n in project.tables]
    for name, what in named:
        low = name.lower()
        if not name or low in RESERVED_NAMES or low.startswith(("gpkg_", "rtree_", "sqlite_")):
            raise ProjectFileError(f"a {what} cannot be called {name!r}: the project file uses "
                                   "that name itself")
        if low in seen:
            raise ProjectFileError(f"two layers or tables are called {name!r} (names are not "
                                   "case-sensitive in a GeoPackage)")
        seen.add(low)
    names = project.scenario_names
    if len(set(names)) != len(names):
        raise ProjectFileError("two scenarios have the same name")
    for s in project.scenarios:
        if s.dataset is not project.dataset and s.dataset != project.dataset:
            raise ProjectFileError(f"scenario {s.name!r} is built on different data from the "
                                   "project's sites and needs")


def _write_project(project: Project, metadata: Mapping[str, str], path: Path,
                   stamp: str) -> None:
    ds = project.dataset
    site_types = _extra_types(s.extra for s in ds.sites)
    need_types = _extra_types(n.extra for n in ds.needs)
    _check_extra_names(SITES_LAYER, site_types, _SITE_COLUMNS)
    _check_extra_names(NEEDS_LAYER, need_types, _NEED_COLUMNS)
    sites = _point_layer(
        [_site_row(s) for s in ds.sites], _SITE_COLUMNS, [s.extra for s in ds.sites], site_types)
    needs = _point_layer(
        [_need_row(n) for n in ds.needs], _NEED_COLUMNS, [n.extra for n in ds.needs], need_types)
    demand = _point_layer([(d.pdu, d.easting, d.northing) for d in ds.demand],
                          _DEMAND_COLUMNS, [{} for _ in ds.demand], {})
    _write_layer(sites, path, SITES_LAYER)
    _write_layer(needs, path, NEEDS_LAYER)
    _write_layer(demand, path, DEMAND_LAYER)
    contents: list[tuple[str, str]] = []
    for name, gdf in project.layers.items():
        _write_layer(frame_to_bng(gdf, f"layer {name!r}"), path, name)
        contents.append((name, "boundary"))
    if project.network is not None:
        _write_layer(frame_to_bng(project.network, "the travel network"), path,
                     NETWORK_LAYER)
        contents.append((NETWORK_LAYER, "network"))
    for name, table in project.tables.items():
        frame = pd.DataFrame(table).reset_index(drop=True)
        if len(frame.columns) == 0:
            raise ProjectFileError(f"table {name!r} has no columns and cannot be saved")
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
        contents.append((name, "table"))

    con = sqlite3.connect(path)
    try:
        with con:
            _write_own_tables(con, project, metadata, contents,
                              [(SITES_LAYER, c, t) for c, t in site_types.items()]
                              + [(NEEDS_LAYER, c, t) for c, t in need_types.items()], stamp)
            con.execute("UPDATE gpkg_contents SET last_change = ?", (stamp,))
        con.execute("VACUUM")
    finally:
        con.close()


def _site_row(s: Site) -> tuple:
    return (s.site_id, s.name, s.region, s.pdu, s.kind.value, bool(s.women_only), s.desks,
            s.interview_rooms, s.annual_cost_per_desk, s.fit_out_cost,
            None if s.available_from is None else s.available_from.isoformat(),
            s.step_free, None if s.available_until is None else s.available_until.isoformat(),
            s.easting, s.northing)


def _need_row(n: ServiceNeed) -> tuple:
    return (n.need_id, n.provider, n.lot.value, n.region, n.pdu, n.desks, n.interview_rooms,
            n.days_per_week, n.caseload, n.max_travel_km, n.location_source, n.easting,
            n.northing)


_PANDAS_TYPES = {"TEXT": object, "INTEGER": "int64", "REAL": "float64", "BOOLEAN": "boolean"}


def _point_layer(rows: Sequence[tuple], columns: Sequence[tuple[str, str]],
                 extras: Sequence[Mapping[str, object]],
                 extra_types: Mapping[str, str]) -> gpd.GeoDataFrame:
    data: dict[str, pd.Series] = {}
    for i, (name, sql_type) in enumerate(columns):
        values = [r[i] for r in rows]
        dtype = _PANDAS_TYPES[sql_type]
        if sql_type == "REAL":
            values = [math.nan if v is None else float(v) for v in values]
        data[name] = pd.Series(values, dtype=dtype)
    for name, kind in extra_types.items():
        values = [_encode_extra(e.get(name), kind) for e in extras]
        dtype = {"integer": "Int64", "real": "float64", "boolean": "boolean"}.get(kind, object)
        if kind == "real":
            values = [math.nan if v is None else v for v in values]
        data[name] = pd.Series(values, dtype=dtype)
    xs = [r[-2] for r in rows]
    ys = [r[-1] for r in rows]
    geometry = gpd.GeoSeries(shapely.points(xs, ys) if rows else [], crs=BNG_EPSG)
    return gpd.GeoDataFrame(data, geometry=geometry, crs=BNG_EPSG)


def _write_layer(gdf: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    geometry_type = None
    if len(gdf) == 0:
        geometry_type = "Point" if layer in (SITES_LAYER, NEEDS_LAYER, DEMAND_LAYER) \
            else "Unknown"
    pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG", geometry_type=geometry_type)


def _extra_types(extras: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """One storage type per extra column, chosen so that every value comes back exactly.

    A column of one kind of value is stored natively (QGIS shows it as such); a mixed column
    (say numbers and text, or ints and floats) is stored as JSON text.
    """
    kinds: dict[str, set[str]] = {}
    for extra in extras:
        for key, value in extra.items():
            kinds.setdefault(str(key), set()).add(_value_kind(value))
    types: dict[str, str] = {}
    for key, found in kinds.items():
        found.discard("none")
        types[key] = found.pop() if len(found) == 1 else ("text" if not found else "json")
    return types


def _value_kind(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if -(2**63) <= value < 2**63 else "json"
    if isinstance(value, float):
        return "real" if math.isfinite(value) else "json"
    if isinstance(value, str):
        return "text"
    if isinstance(value, date) and not isinstance(value, datetime):
        return "date"
    return "json"


def _encode_extra(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "date":
        return value.isoformat()  # type: ignore[attr-defined]
    if kind == "json":
        return json.dumps(_to_json(value), ensure_ascii=False)
    return value


def _to_json(value: object) -> object:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _from_json(value: object) -> object:
    if isinstance(value, dict):
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
    return value


def _decode_extra(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "boolean":
        return bool(value)
    if kind == "integer":
        return int(value)  # type: ignore[arg-type]
    if kind == "real":
        return float(value)  # type: ignore[arg-type]
    if kind == "date":
        return date.fromisoformat(str(value))
    if kind == "json":
        return _from_json(json.loads(str(value)))
    return str(value)


def _check_extra_names(layer: str, types: Mapping[str, str],
                       columns: Sequence[tuple[str, str]]) -> None:
    taken = {c for c, _ in columns} | {"fid", "geom", "geometry"}
    seen: set[str] = set()
    for name in types:
        low = name.lower()
        if low in taken or low in seen or not name:
            raise ProjectFileError(f"the {layer} have an extra column {name!r} that clashes with "
                                   "a column of the project file; rename it before importing")
        seen.add(low)


def _create_table(con: sqlite3.Connection, name: str, columns: Sequence[tuple[str, str]],
                  rows: Iterable[Sequence[object]], stamp: str, description: str) -> None:
    cols = ", ".join(f'"{c}" {t}' for c, t in columns)
    con.execute(f'CREATE TABLE "{name}" ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
                f"{cols})")
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c, _ in columns)
    con.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', rows)
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                "last_change) VALUES (?, 'attributes', ?, ?, ?)", (name, name, description, stamp))


def _write_own_tables(con: sqlite3.Connection, project: Project, metadata: Mapping[str, str],
                      contents: Sequence[tuple[str, str]],
                      columns: Sequence[tuple[str, str, str]], stamp: str) -> None:
    meta_rows = [(FORMAT_VERSION_KEY, str(FORMAT_VERSION))]
    meta_rows += [(str(k), str(v)) for k, v in metadata.items() if k != FORMAT_VERSION_KEY]
    _create_table(con, METADATA_TABLE, (("key", "TEXT"), ("value", "TEXT")), meta_rows, stamp,
                  "Estates Planner project: format version, app version, title, sources")
    _create_table(con, CONTENTS_TABLE, (("name", "TEXT"), ("role", "TEXT")), contents, stamp,
                  "Which layers are boundaries, the travel network or extra tables")
    _create_table(con, COLUMNS_TABLE, (("layer", "TEXT"), ("column_name", "TEXT"),
                                       ("type", "TEXT")),
                  columns, stamp, "Extra (user) columns of sites and needs and their types")

    scen, pins, closed, barred, overrides, baselines = [], [], [], [], [], []
    for pos, s in enumerate(project.scenarios):
        settings = {k: (v.isoformat() if isinstance(v, date) else v)
                    for k, v in settings_to_dict(s.settings).items()}
        scen.append((pos, s.name, s.description, json.dumps(settings),
                     s.baseline is not None))
        pins += [(s.name, n, site) for n, site in s.pins.items()]
        closed += [(s.name, site) for site in sorted(s.closed_sites)]
        barred += [(s.name, n, site) for n, site in sorted(s.barred)]
        overrides += [(s.name, site, o.desks, o.interview_rooms)
                      for site, o in s.capacity_overrides.items()]
        if s.baseline is not None:
            baselines += [(s.name, n, site) for n, site in s.baseline.items()]
    _create_table(con, SCENARIOS_TABLE, (("position", "INTEGER"), ("name", "TEXT"),
                                         ("description", "TEXT"), ("settings_json", "TEXT"),
                                         ("has_baseline", "BOOLEAN")),
                  scen, stamp, "Scenarios and their settings (JSON, keys as in settings.toml)")
    pair = (("scenario", "TEXT"), ("need_id", "TEXT"), ("site_id", "TEXT"))
    _create_table(con, PINS_TABLE, pair, pins, stamp, "Needs pinned to a site")
    _create_table(con, CLOSED_TABLE, (("scenario", "TEXT"), ("site_id", "TEXT")), closed, stamp,
                  "Sites closed in a scenario")
    _create_table(con, BARRED_TABLE, pair, barred, stamp, "Need/site pairs barred")
    _create_table(con, OVERRIDES_TABLE, (("scenario", "TEXT"), ("site_id", "TEXT"),
                                         ("desks", "INTEGER"), ("interview_rooms", "INTEGER")),
                  overrides, stamp, "Site capacities changed in a scenario")
    _create_table(con, BASELINES_TABLE, pair, baselines, stamp,
                  "Baseline plan of a scenario (site_id empty: unplaced)")

    results, allocations, usage = [], [], []
    for key, r in project.results.items():
        results.append((key, r.scenario_name, _num(r.objective), _num(r.bound), _num(r.gap),
                        r.status, _num(r.seconds),
                        json.dumps({k: float(v) for k, v in r.terms.items()}),
                        json.dumps(list(r.messages), ensure_ascii=False)))
        allocations += [(key, i, a.need_id, a.site_id, _num(a.desk_cost), _num(a.travel_km),
                         _num(a.travel_cost), _num(a.authority_penalty), bool(a.paired),
                         _num(a.pairing_bonus), bool(a.moved), a.unplaced_reason,
                         format_weekdays(a.weekdays), bool(a.same_day),
                         _num(a.same_day_bonus))
                        for i, a in enumerate(r.allocations)]
        usage += [(key, site, u.site_id, u.desk_days_used, u.desk_days_available,
                   u.room_days_used, u.room_days_available, json.dumps(list(u.need_ids)))
                  for site, u in r.site_usage.items()]
    _create_table(con, RESULTS_TABLE, (
        ("scenario", "TEXT"), ("result_scenario_name", "TEXT"), ("objective", "REAL"),
        ("bound", "REAL"), ("gap", "REAL"), ("status", "TEXT"), ("seconds", "REAL"),
        ("terms_json", "TEXT"), ("messages_json", "TEXT")), results, stamp,
        "Latest plan of each scenario: objective, bound, gap, status, terms")
    _create_table(con, ALLOCATIONS_TABLE, (
        ("scenario", "TEXT"), ("position", "INTEGER"), ("need_id", "TEXT"), ("site_id", "TEXT"),
        ("desk_cost", "REAL"), ("travel_km", "REAL"), ("travel_cost", "REAL"),
        ("authority_penalty", "REAL"), ("paired", "BOOLEAN"), ("pairing_bonus", "REAL"),
        ("moved", "BOOLEAN"), ("unplaced_reason", "TEXT"), ("weekdays", "TEXT"),
        ("same_day", "BOOLEAN"), ("same_day_bonus", "REAL")), allocations, stamp,
        "Where each need sits in each scenario's plan, with its cost terms")
    _create_table(con, USAGE_TABLE, (
        ("scenario", "TEXT"), ("key", "TEXT"), ("site_id", "TEXT"), ("desk_days_used", "INTEGER"),
        ("desk_days_available", "INTEGER"), ("room_days_used", "INTEGER"),
        ("room_days_available", "INTEGER"), ("need_ids_json", "TEXT")), usage, stamp,
        "Desk-days and room-days used per site in each plan")


def _num(value: float | None) -> object:
    """Numbers for REAL columns: SQLite turns NaN into NULL, so NaN is kept as the text 'NaN'."""
    if value is None:
        return None
    value = float(value)
    return "NaN" if math.isnan(value) else value


def _unnum(value: object, optional: bool = False) -> float | None:
    if value is None:
        return None if optional else math.nan
    return float(value)  # type: ignore[arg-type]
