"""Projects: one GeoPackage holding the data, the scenarios and their plans.

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

import contextlib
import dataclasses
import json
import math
import os
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from estates_planner import PROJECT_FORMAT_VERSION, __version__
from estates_planner.errors import EstatesError, ProjectFileError, ScenarioError
from estates_planner.io.weekdays import WeekdayError, format_weekdays, parse_weekdays
from estates_planner.model import (
    BNG_EPSG,
    Allocation,
    CapacityOverride,
    Dataset,
    DemandPoint,
    Lot,
    Scenario,
    ServiceNeed,
    Settings,
    Site,
    SiteKind,
)
from estates_planner.optimise.result import PlanResult, SiteUsage
from estates_planner.settings_io import settings_from_dict, settings_to_dict

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

DEFAULT_SCENARIO_NAME = "Baseline"

_SQLITE_MAGIC = b"SQLite format 3\x00"

# the fixed columns of the point layers, in file order, with their SQL types
_SITE_COLUMNS = (
    ("site_id", "TEXT"), ("name", "TEXT"), ("region", "TEXT"), ("pdu", "TEXT"),
    ("kind", "TEXT"), ("women_only", "BOOLEAN"), ("desks", "INTEGER"),
    ("interview_rooms", "INTEGER"), ("annual_cost_per_desk", "REAL"), ("fit_out_cost", "REAL"),
    ("available_from", "TEXT"), ("step_free", "BOOLEAN"), ("easting", "REAL"),
    ("northing", "REAL"),
)
_NEED_COLUMNS = (
    ("need_id", "TEXT"), ("provider", "TEXT"), ("lot", "TEXT"), ("region", "TEXT"),
    ("pdu", "TEXT"), ("desks", "INTEGER"), ("interview_rooms", "INTEGER"),
    ("days_per_week", "INTEGER"), ("caseload", "REAL"), ("max_travel_km", "REAL"),
    ("location_source", "TEXT"), ("easting", "REAL"), ("northing", "REAL"),
)
_DEMAND_COLUMNS = (("pdu", "TEXT"), ("easting", "REAL"), ("northing", "REAL"))


@dataclass(eq=False)
class Project:
    """Everything a planner works on, as one mutable container that a save writes out.

    Scenarios and results are immutable values; the project holds the current ones and is
    edited by replacing them (:meth:`put_scenario`, ``results[name] = ...``). Every scenario
    refers to ``dataset``.

    Attributes
    ----------
    dataset : the imported sites, needs and demand points.
    scenarios : in the order the app lists them; names are unique.
    results : the latest plan of each scenario, by scenario name.
    layers : polygon layers in EPSG:27700 by name, e.g. ``"regions"``, ``"outline"``.
    network : travel network lines (EPSG:27700), or None.
    tables : extra attribute tables by name, e.g. travel caches.
    metadata : title, created, sources, notes (text values).
    path : where the project was opened from or last saved to.
    """

    dataset: Dataset
    scenarios: list[Scenario] = field(default_factory=list)
    results: dict[str, PlanResult] = field(default_factory=dict)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    network: gpd.GeoDataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def title(self) -> str:
        return self.metadata.get("title", "") or (self.path.stem if self.path else "Untitled")

    @property
    def scenario_names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    def scenario(self, name: str) -> Scenario:
        """The scenario called ``name``; ScenarioError naming the known ones otherwise."""
        for s in self.scenarios:
            if s.name == name:
                return s
        known = ", ".join(repr(n) for n in self.scenario_names) or "none"
        raise ScenarioError(f"there is no scenario called {name!r}; the project has {known}")

    def has_scenario(self, name: str) -> bool:
        return any(s.name == name for s in self.scenarios)

    def unique_name(self, base: str) -> str:
        """``base``, or ``base (2)``, ``base (3)``... whichever is not yet a scenario name."""
        name, n = base, 1
        while self.has_scenario(name):
            n += 1
            name = f"{base} ({n})"
        return name

    def add_scenario(self, scenario: Scenario) -> Scenario:
        """Append a scenario; its name must be new and its data the project's dataset."""
        _check_scenario_name(scenario.name)
        if self.has_scenario(scenario.name):
            raise ScenarioError(f"a scenario called {scenario.name!r} already exists")
        self.scenarios.append(self._own(scenario))
        return self.scenarios[-1]

    def put_scenario(self, scenario: Scenario) -> Scenario:
        """Replace the scenario of the same name (an edit), or append it if it is new.

        A stored result stays: the app compares it with the edited scenario to show that the
        plan is out of date.
        """
        scenario = self._own(scenario)
        for i, s in enumerate(self.scenarios):
            if s.name == scenario.name:
                self.scenarios[i] = scenario
                return scenario
        return self.add_scenario(scenario)

    def rename_scenario(self, old: str, new: str) -> Scenario:
        """Rename a scenario and its result; a no-op when the name does not change."""
        current = self.scenario(old)
        if new == old:
            return current
        _check_scenario_name(new)
        if self.has_scenario(new):
            raise ScenarioError(f"a scenario called {new!r} already exists")
        renamed = current.replace(name=new)
        self.scenarios[self.scenarios.index(current)] = renamed
        if old in self.results:
            result = self.results.pop(old)
            self.results[new] = dataclasses.replace(result, scenario_name=new)
        return renamed

    def remove_scenario(self, name: str) -> Scenario:
        """Take a scenario and its result out of the project; returns the scenario."""
        current = self.scenario(name)
        self.scenarios.remove(current)
        self.results.pop(name, None)
        return current

    def duplicate_scenario(self, name: str, new_name: str | None = None) -> Scenario:
        """Copy a scenario (not its result) under a new name, placed right after it."""
        current = self.scenario(name)
        new_name = new_name or self.unique_name(f"{name} (copy)")
        _check_scenario_name(new_name)
        if self.has_scenario(new_name):
            raise ScenarioError(f"a scenario called {new_name!r} already exists")
        copy = current.replace(name=new_name)
        self.scenarios.insert(self.scenarios.index(current) + 1, copy)
        return copy

    def _own(self, scenario: Scenario) -> Scenario:
        if scenario.dataset is self.dataset:
            return scenario
        if scenario.dataset == self.dataset:
            return scenario.replace(dataset=self.dataset)
        raise ScenarioError(f"scenario {scenario.name!r} is built on different data from "
                            "this project's sites and needs")


def _check_scenario_name(name: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError("a scenario needs a name")


def new_project(dataset: Dataset, layers: Mapping[str, gpd.GeoDataFrame] | None = None,
                title: str = "Untitled project", *, settings: Settings | None = None,
                scenario_name: str = DEFAULT_SCENARIO_NAME,
                metadata: Mapping[str, str] | None = None,
                network: gpd.GeoDataFrame | None = None) -> Project:
    """A new, unsaved project with one scenario (default settings unless given).

    Parameters
    ----------
    dataset : the validated sites, needs and demand points (e.g. from ``io.load_dataset``).
    layers : boundary polygon layers by name; reprojected to EPSG:27700 if needed.
    title : shown in the window title and reports.
    settings : the first scenario's settings.
    metadata : more metadata (``sources``, ``note``...); ``created`` defaults to now (UTC).
    """
    meta = {"title": title, "created": datetime.now(UTC).replace(microsecond=0).isoformat()}
    meta.update(metadata or {})
    return Project(
        dataset=dataset,
        scenarios=[Scenario(scenario_name, dataset, settings or Settings())],
        layers={name: _to_bng(gdf, name) for name, gdf in (layers or {}).items()},
        network=None if network is None else _to_bng(network, NETWORK_LAYER),
        metadata=meta,
    )


def _to_bng(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise ProjectFileError(f"layer {name!r} has no coordinate reference system; "
                               "set one before adding it to the project")
    return gdf if gdf.crs.to_epsg() == BNG_EPSG else gdf.to_crs(BNG_EPSG)


# ----------------------------------------------------------------------------- saving


def save_project(project: Project, path: str | Path | None = None, *,
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
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp.gpkg",
                                        dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()  # GDAL creates the file itself
    except OSError as exc:
        raise ProjectFileError(f"cannot save the project in {folder}: "
                               f"{exc.strerror or exc}") from exc
    try:
        _write_project(project, metadata, tmp, stamp)
        if path.exists():
            bak = path.with_name(path.name + ".bak")
            shutil.copyfile(path, tmp.with_suffix(".bak"))
            os.replace(tmp.with_suffix(".bak"), bak)
        os.replace(tmp, path)
    except EstatesError:
        _remove_quietly(tmp, tmp.with_suffix(".bak"))
        raise
    except (OSError, sqlite3.Error, pyogrio.errors.DataSourceError,
            pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
            pyogrio.errors.GeometryError, pyogrio.errors.CRSError, ValueError, TypeError) as exc:
        _remove_quietly(tmp, tmp.with_suffix(".bak"))
        raise ProjectFileError(f"cannot save the project to {path}: {exc}") from exc
    except BaseException:
        _remove_quietly(tmp, tmp.with_suffix(".bak"))
        raise
    project.path = path
    project.metadata[APP_VERSION_KEY] = __version__
    return path


def _remove_quietly(*paths: Path) -> None:
    for p in paths:
        for q in (p, p.with_name(p.name + "-journal"), p.with_name(p.name + "-wal"),
                  p.with_name(p.name + "-shm")):
            with contextlib.suppress(OSError):
                q.unlink()


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
        _write_layer(_to_bng(gdf, name), path, name)
        contents.append((name, "boundary"))
    if project.network is not None:
        _write_layer(_to_bng(project.network, NETWORK_LAYER), path, NETWORK_LAYER)
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
            s.step_free, s.easting, s.northing)


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


# ----------------------------------------------------------------------------- opening


def open_project(path: str | Path) -> Project:
    """Read a project file written by :func:`save_project`.

    Raises
    ------
    ProjectFileError
        with a message a planner can act on: the file is missing, not a GeoPackage, damaged
        or truncated, a GeoPackage that is not a project, or written by a newer version.
    """
    path = Path(path)
    name = path.name
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except FileNotFoundError as exc:
        raise ProjectFileError(f"{path}: no such project file") from exc
    except IsADirectoryError as exc:
        raise ProjectFileError(f"{path} is a folder, not a project file") from exc
    except OSError as exc:
        raise ProjectFileError(f"cannot open {path}: {exc.strerror or exc}") from exc
    if not head:
        raise ProjectFileError(f"{name} is empty; it is not an Estates Planner project")
    if not head.startswith(_SQLITE_MAGIC):
        raise ProjectFileError(f"{name} is not a GeoPackage (an Estates Planner project is a "
                               ".gpkg file saved by the app)")
    page_size = struct.unpack(">H", head[16:18])[0] if len(head) >= 28 else 0
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", head[28:32])[0] if len(head) >= 32 else 0
    if len(head) < 100 or (page_size and page_count
                           and path.stat().st_size < page_size * page_count):
        raise ProjectFileError(f"{name} is damaged: the file is shorter than it should be "
                               "(was it copied or downloaded completely?); try its .bak copy")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ProjectFileError(f"cannot open {name}: {exc}") from exc
    try:
        check = con.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise ProjectFileError(f"{name} is damaged ({check[0] if check else 'no answer'}); "
                                   "try its .bak copy")
        project = _read_project(con, path)
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"{name} is damaged or not a GeoPackage ({exc}); try its .bak "
                               "copy") from exc
    finally:
        con.close()
    project.path = path
    return project


def _tables(con: sqlite3.Connection) -> set[str]:
    rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0].lower() for r in rows}


def _read_project(con: sqlite3.Connection, path: Path) -> Project:
    name = path.name
    tables = _tables(con)
    if "gpkg_contents" not in tables:
        raise ProjectFileError(f"{name} is an SQLite database but not a GeoPackage, so not an "
                               "Estates Planner project")
    if METADATA_TABLE not in tables:
        raise ProjectFileError(f"{name} is a GeoPackage but not an Estates Planner project (it "
                               f"has no '{METADATA_TABLE}' table); to use its data, import the "
                               "sites and needs layers instead")
    metadata = dict(_select(con, name, METADATA_TABLE, ("key", "value")))
    version_text = metadata.pop(FORMAT_VERSION_KEY, None)
    try:
        version = int(str(version_text))
    except ValueError as exc:
        raise ProjectFileError(f"{name} is damaged: its format version is {version_text!r}, "
                               "not a number") from exc
    if version > FORMAT_VERSION:
        raise ProjectFileError(
            f"{name} was saved by a newer Estates Planner (project format {version}, "
            f"app {metadata.get(APP_VERSION_KEY, 'unknown')}); this app ({__version__}) reads "
            f"project format {FORMAT_VERSION} or older. Please update Estates Planner.")
    for required in (SITES_LAYER, NEEDS_LAYER, DEMAND_LAYER, SCENARIOS_TABLE):
        if required not in tables:
            raise ProjectFileError(f"{name} is damaged: the '{required}' layer is missing")
    columns = {}
    if COLUMNS_TABLE in tables:
        for layer, column, kind in _select(con, name, COLUMNS_TABLE,
                                             ("layer", "column_name", "type")):
            columns.setdefault(layer, {})[column] = kind
    dataset = Dataset(
        sites=tuple(_read_sites(con, name, columns.get(SITES_LAYER, {}))),
        needs=tuple(_read_needs(con, name, columns.get(NEEDS_LAYER, {}))),
        demand=tuple(_read_demand(con, name)),
    )
    scenarios = _read_scenarios(con, name, dataset, tables)
    results = _read_results(con, name, tables)
    contents = list(_select(con, name, CONTENTS_TABLE, ("name", "role"))) \
        if CONTENTS_TABLE in tables else []
    layers: dict[str, gpd.GeoDataFrame] = {}
    network = None
    extra_tables: dict[str, pd.DataFrame] = {}
    for layer, role in contents:
        frame = _read_ogr(path, layer)
        if role == "boundary":
            layers[layer] = frame
        elif role == "network":
            network = frame
        elif role == "table":
            extra_tables[layer] = pd.DataFrame(frame)
    return Project(dataset=dataset, scenarios=scenarios, results=results, layers=layers,
                   network=network, tables=extra_tables, metadata=metadata)


def _select(con: sqlite3.Connection, file: str, table: str,
            columns: Sequence[str]) -> list[tuple]:
    have = {r[1].lower() for r in con.execute(f'PRAGMA table_info("{table}")')}
    for c in columns:
        if c.lower() not in have:
            raise ProjectFileError(f"{file} is damaged: table '{table}' has no column '{c}'")
    names = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f'SELECT {names} FROM "{table}" ORDER BY "fid"').fetchall()


_GEOM_KEY = "__geometry__"


def _rows(con, file, table, columns, extra_types):
    """Rows as dicts (fixed columns, extra columns, the geometry), with the fid for messages."""
    found = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE "
                        "lower(table_name) = lower(?)", (table,)).fetchone()
    geom = [found[0]] if found else []
    names = ["fid", *columns, *extra_types, *geom]
    for row in _select(con, file, table, names):
        values = dict(zip(names[1:], row[1:], strict=True))
        values[_GEOM_KEY] = values.pop(geom[0]) if geom else None
        yield row[0], values


def _xy(row: Mapping[str, object]) -> tuple[float, float]:
    """The point of a feature: its geometry (so that a point moved in QGIS moves), else the
    easting/northing columns."""
    blob = row.get(_GEOM_KEY)
    if blob is not None:
        geometry = _gpkg_geometry(bytes(blob))  # type: ignore[arg-type]
        if geometry is not None and not geometry.is_empty:
            point = geometry if geometry.geom_type == "Point" else \
                geometry.representative_point()
            return float(point.x), float(point.y)
    return float(_req(row, "easting")), float(_req(row, "northing"))  # type: ignore[arg-type]


_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _gpkg_geometry(blob: bytes) -> shapely.Geometry | None:
    """Decode a GeoPackage geometry blob: 'GP', version, flags, srs id, envelope, WKB."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("the geometry is not a GeoPackage geometry")
    flags = blob[3]
    if flags & 0x10:  # empty geometry
        return None
    start = 8 + _ENVELOPE_BYTES.get((flags >> 1) & 0x07, 0)
    try:
        return shapely.from_wkb(blob[start:])
    except shapely.errors.GEOSException as exc:
        raise ValueError(f"the geometry cannot be read ({exc})") from exc


def _extras(row: Mapping[str, object], extra_types: Mapping[str, str]) -> dict[str, object]:
    return {k: _decode_extra(row[k], t) for k, t in extra_types.items()}


def _fixed_days(row: Mapping[str, object], extra_types: Mapping[str, str]) -> tuple[int, ...]:
    """A need's fixed weekdays from its extra 'days' column (checked when it was imported)."""
    key = next((k for k in extra_types if k.strip().casefold() == "days"), None)
    if key is None:
        return ()
    try:
        return parse_weekdays(row[key])
    except WeekdayError:
        return ()


def _bad_row(file: str, table: str, fid: object, exc: Exception) -> ProjectFileError:
    return ProjectFileError(f"{file}, layer '{table}', feature {fid}: {exc} (was the file "
                            "edited outside Estates Planner?)")


def _req(row: Mapping[str, object], key: str) -> object:
    value = row[key]
    if value is None:
        raise ValueError(f"'{key}' is empty")
    return value


def _read_sites(con, file, extra_types) -> list[Site]:
    sites = []
    for fid, r in _rows(con, file, SITES_LAYER, [c for c, _ in _SITE_COLUMNS], extra_types):
        try:
            x, y = _xy(r)
            sites.append(Site(
                site_id=str(_req(r, "site_id")), name=str(r["name"] or ""),
                region=str(r["region"] or ""), pdu=str(r["pdu"] or ""),
                kind=SiteKind(r["kind"]), women_only=bool(r["women_only"]),
                desks=int(_req(r, "desks")), interview_rooms=int(_req(r, "interview_rooms")),
                annual_cost_per_desk=float(_req(r, "annual_cost_per_desk")),
                easting=x, northing=y,
                fit_out_cost=float(r["fit_out_cost"] or 0.0),
                available_from=None if r["available_from"] is None
                else date.fromisoformat(str(r["available_from"])),
                step_free=None if r["step_free"] is None else bool(r["step_free"]),
                extra=_extras(r, extra_types)))
        except (ValueError, TypeError) as exc:
            raise _bad_row(file, SITES_LAYER, fid, exc) from exc
    return sites


def _read_needs(con, file, extra_types) -> list[ServiceNeed]:
    needs = []
    for fid, r in _rows(con, file, NEEDS_LAYER, [c for c, _ in _NEED_COLUMNS], extra_types):
        try:
            x, y = _xy(r)
            needs.append(ServiceNeed(
                need_id=str(_req(r, "need_id")), provider=str(r["provider"] or ""),
                lot=Lot(r["lot"]), region=str(r["region"] or ""), pdu=str(r["pdu"] or ""),
                desks=int(_req(r, "desks")), interview_rooms=int(_req(r, "interview_rooms")),
                days_per_week=int(_req(r, "days_per_week")), caseload=float(_req(r, "caseload")),
                easting=x, northing=y,
                max_travel_km=None if r["max_travel_km"] is None else float(r["max_travel_km"]),
                location_source=str(r["location_source"] or "own"),
                fixed_days=_fixed_days(r, extra_types),
                extra=_extras(r, extra_types)))
        except (ValueError, TypeError) as exc:
            raise _bad_row(file, NEEDS_LAYER, fid, exc) from exc
    return needs


def _read_demand(con, file) -> list[DemandPoint]:
    points = []
    for fid, r in _rows(con, file, DEMAND_LAYER, [c for c, _ in _DEMAND_COLUMNS], {}):
        try:
            x, y = _xy(r)
            points.append(DemandPoint(str(_req(r, "pdu")), x, y))
        except (ValueError, TypeError) as exc:
            raise _bad_row(file, DEMAND_LAYER, fid, exc) from exc
    return points


def _read_scenarios(con, file, dataset, tables) -> list[Scenario]:
    def by_scenario(table: str, columns: Sequence[str]) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {}
        if table in tables:
            for row in _select(con, file, table, ("scenario", *columns)):
                out.setdefault(row[0], []).append(row[1:])
        return out

    pins = by_scenario(PINS_TABLE, ("need_id", "site_id"))
    closed = by_scenario(CLOSED_TABLE, ("site_id",))
    barred = by_scenario(BARRED_TABLE, ("need_id", "site_id"))
    overrides = by_scenario(OVERRIDES_TABLE, ("site_id", "desks", "interview_rooms"))
    baselines = by_scenario(BASELINES_TABLE, ("need_id", "site_id"))
    rows = _select(con, file, SCENARIOS_TABLE,
                   ("position", "name", "description", "settings_json", "has_baseline"))
    scenarios = []
    for _, name, description, settings_json, has_baseline in sorted(rows, key=lambda r: r[0]):
        try:
            settings = settings_from_dict(json.loads(settings_json),
                                          source=f"{file}, scenario {name!r}")
        except (ValueError, TypeError, EstatesError) as exc:
            raise ProjectFileError(f"{file}: the settings of scenario {name!r} are damaged: "
                                   f"{exc}") from exc
        scenarios.append(Scenario(
            name=str(name), dataset=dataset, settings=settings,
            pins={n: s for n, s in pins.get(name, [])},
            closed_sites=frozenset(s for (s,) in closed.get(name, [])),
            barred=frozenset((n, s) for n, s in barred.get(name, [])),
            capacity_overrides={s: CapacityOverride(d, r) for s, d, r in overrides.get(name, [])},
            baseline={n: s for n, s in baselines.get(name, [])} if has_baseline else None,
            description=description or ""))
    return scenarios


def _read_rota(con, file, allocations: dict[str, list[Allocation]]) -> None:
    """The weekdays and same-day flags of the allocations (issue 17), when the file has them
    (files saved before have none: their plans then have no rota until solved again)."""
    have = {r[1].lower() for r in con.execute(f'PRAGMA table_info("{ALLOCATIONS_TABLE}")')}
    if not {"weekdays", "same_day", "same_day_bonus"} <= have:
        return
    rows = _select(con, file, ALLOCATIONS_TABLE, ("scenario", "weekdays", "same_day",
                                                  "same_day_bonus"))
    seen: dict[str, int] = {}
    for key, days, same, bonus in rows:
        k = seen.get(key, 0)
        seen[key] = k + 1
        a = allocations[key][k]
        try:
            weekdays = parse_weekdays(days)
        except WeekdayError:
            weekdays = ()
        allocations[key][k] = dataclasses.replace(
            a, weekdays=weekdays, same_day=bool(same), same_day_bonus=_unnum(bonus or 0.0))


def _read_results(con, file, tables) -> dict[str, PlanResult]:
    if RESULTS_TABLE not in tables:
        return {}
    allocations: dict[str, list[Allocation]] = {}
    for row in _select(con, file, ALLOCATIONS_TABLE, (
            "scenario", "need_id", "site_id", "desk_cost", "travel_km", "travel_cost",
            "authority_penalty", "paired", "pairing_bonus", "moved", "unplaced_reason",
            "position")):
        key, need_id, site_id, desk, km, travel, auth, paired, bonus, moved, reason, _ = row
        allocations.setdefault(key, []).append(Allocation(
            need_id, site_id, _unnum(desk), _unnum(km, optional=True), _unnum(travel),
            _unnum(auth), bool(paired), _unnum(bonus), bool(moved), reason or ""))
    _read_rota(con, file, allocations)
    usage: dict[str, dict[str, SiteUsage]] = {}
    for key, k, site_id, du, da, ru, ra, ids in _select(con, file, USAGE_TABLE, (
            "scenario", "key", "site_id", "desk_days_used", "desk_days_available",
            "room_days_used", "room_days_available", "need_ids_json")):
        usage.setdefault(key, {})[k] = SiteUsage(site_id, du, da, ru, ra, tuple(json.loads(ids)))
    results = {}
    for key, name, objective, bound, gap, status, seconds, terms, messages in _select(
            con, file, RESULTS_TABLE, ("scenario", "result_scenario_name", "objective", "bound",
                                       "gap", "status", "seconds", "terms_json",
                                       "messages_json")):
        try:
            results[key] = PlanResult(
                scenario_name=name, allocations=tuple(allocations.get(key, [])),
                terms={k: float(v) for k, v in json.loads(terms).items()},
                objective=_unnum(objective), bound=_unnum(bound), gap=_unnum(gap),
                status=status, seconds=_unnum(seconds), site_usage=usage.get(key, {}),
                messages=tuple(json.loads(messages)))
        except (ValueError, TypeError) as exc:
            raise ProjectFileError(f"{file}: the plan of scenario {key!r} is damaged: "
                                   f"{exc}") from exc
    return results


def _read_ogr(path: Path, layer: str) -> gpd.GeoDataFrame | pd.DataFrame:
    try:
        return pyogrio.read_dataframe(path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError, pyogrio.errors.CRSError,
            OSError) as exc:
        raise ProjectFileError(f"{path.name}: cannot read layer '{layer}': {exc}") from exc
