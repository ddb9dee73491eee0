"""Reading the project file (:mod:`estates_planner.io.project_gpkg` describes its layout).

Every table is read with sqlite3, which gives back exactly the stored values; the boundary
layers, the network and extra tables with pyogrio.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import struct
import warnings
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from estates_planner import __version__
from estates_planner.errors import EstatesError, ProjectFileError
from estates_planner.io.atomic import clean_stale_temporaries
from estates_planner.io.contract_tables import adopt_unowned_plans
from estates_planner.io.project_gpkg import (
    _DEMAND_COLUMNS,
    _NEED_COLUMNS,
    _SITE_COLUMNS,
    _SQLITE_MAGIC,
    ALLOCATIONS_TABLE,
    APP_VERSION_KEY,
    BARRED_TABLE,
    BASELINES_TABLE,
    CLOSED_TABLE,
    COLUMNS_TABLE,
    CONTENTS_TABLE,
    DEMAND_LAYER,
    FORMAT_VERSION,
    FORMAT_VERSION_KEY,
    METADATA_TABLE,
    NEEDS_LAYER,
    OVERRIDES_TABLE,
    PINS_TABLE,
    RESULTS_TABLE,
    SCENARIOS_TABLE,
    SITES_LAYER,
    USAGE_TABLE,
    _decode_extra,
    _unnum,
)
from estates_planner.io.settings_toml import settings_from_dict
from estates_planner.io.weekdays import WeekdayError, parse_weekdays
from estates_planner.model import (
    Allocation,
    CapacityOverride,
    Dataset,
    DemandPoint,
    Lot,
    Scenario,
    ServiceNeed,
    Site,
    SiteKind,
)
from estates_planner.optimise.result import PlanResult, SiteUsage


def read_project_file(path: str | Path) -> dict[str, object]:
    """Read a project file written by :func:`write_project_file`: the ``Project`` fields.

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
    clean_stale_temporaries(path.resolve().parent)  # left by saves killed long ago
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
            # SQLite's own report ("*** in database main *** Page 7: btreeInitPage() ...")
            # means nothing to a planner
            raise ProjectFileError(f"{name} is damaged (its internal consistency check "
                                   "failed); try its .bak copy")
        fields = _read_project(con, path)
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"{name} is damaged or not a GeoPackage ({exc}); try its .bak "
                               "copy") from exc
    finally:
        con.close()
    fields["path"] = path
    return fields


def _tables(con: sqlite3.Connection) -> set[str]:
    rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0].lower() for r in rows}


def _read_project(con: sqlite3.Connection, path: Path) -> dict[str, object]:
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
    # a file saved before contract plans were kept per scenario: its one plan is given to
    # the scenario it was planned for
    adopt_unowned_plans(extra_tables, scenarios)
    return dict(dataset=dataset, scenarios=scenarios, results=results, layers=layers,
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
    # files saved before the lease end was kept have no available_until column: no lease end
    have = {r[1].lower() for r in con.execute(f'PRAGMA table_info("{SITES_LAYER}")')}
    fixed = [c for c, _ in _SITE_COLUMNS if c != "available_until" or c in have]
    for fid, r in _rows(con, file, SITES_LAYER, fixed, extra_types):
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
                available_until=None if r.get("available_until") is None
                else date.fromisoformat(str(r["available_until"])),
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
        with warnings.catch_warnings():
            # the backup a save keeps is named NAME.gpkg.bak on purpose; GDAL warns that a
            # GeoPackage should end in .gpkg, which tells the user nothing
            warnings.filterwarnings("ignore", message=".*non conformant file extension",
                                    category=RuntimeWarning)
            return pyogrio.read_dataframe(path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError, pyogrio.errors.CRSError,
            OSError) as exc:
        raise ProjectFileError(f"{path.name}: cannot read layer '{layer}': {exc}") from exc
