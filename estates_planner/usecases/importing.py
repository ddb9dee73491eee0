"""Import input files: a new project from files (the CLI), one table into a project (the app).

Both read with :mod:`estates_planner.io`; every problem found is collected in one
:class:`ValidationReport` and nothing is made while it holds errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyogrio

from estates_planner.errors import EstatesError, ScenarioError, ValidationReport
from estates_planner.io import load_dataset, read_boundaries
from estates_planner.io.settings_toml import read_settings
from estates_planner.model import Dataset
from estates_planner.project import RESERVED_NAMES, Project, new_project
from estates_planner.travel.network import TravelNetwork
from estates_planner.travel.stored import load_network

# the kinds of table the app imports into an open project, and the dataset part each replaces
TABLE_KINDS = ("sites", "needs", "demand")


@dataclass(frozen=True)
class Imported:
    """What :func:`import_files` made: the project (None when the report holds errors)."""

    project: Project | None
    report: ValidationReport
    layers: tuple[str, ...] = ()
    network: TravelNetwork | None = None


def import_files(sites: Path, needs: Path, *, demand: Path | None = None,
                 boundaries: Sequence[Path] = (), settings: Path | None = None,
                 network: Path | None = None, title: str = "Untitled project") -> Imported:
    """Read and check the input files and build a project with one 'Baseline' scenario.

    The project is not saved (the caller chooses where). Its metadata names the source files.
    """
    scenario_settings = read_settings(settings) if settings is not None else None
    dataset, report = load_dataset(sites, needs, demand)
    layers = read_boundary_layers(boundaries, report)
    travel_network = None
    if network is not None:
        travel_network, network_report = load_network(network, dataset)
        report.extend(network_report)
    if report.errors:
        return Imported(None, report)
    sources = [f"sites: {sites.name}", f"needs: {needs.name}"]
    if demand is not None:
        sources.append(f"demand: {demand.name}")
    sources += [f"boundaries: {b.name}" for b in boundaries]
    if settings is not None:
        sources.append(f"settings: {settings.name}")
    if travel_network is not None:
        sources.append(f"network: {network.name}")
    project = new_project(dataset, layers=layers, title=title, settings=scenario_settings,
                          metadata={"sources": "; ".join(sources)},
                          network=None if travel_network is None else travel_network.to_frame())
    return Imported(project, report, tuple(layers), travel_network)


def read_boundary_layers(paths: Sequence[Path], report: ValidationReport) -> dict:
    """Boundary layers by name: every polygon layer of a GeoPackage, else one per file."""
    layers: dict = {}
    for path in paths:
        names: list[str | None] = [None]
        if path.suffix.lower() == ".gpkg" and path.is_file():
            try:
                found = [str(n) for n, kind in pyogrio.list_layers(path)
                         if kind and "polygon" in str(kind).lower()]
            except (pyogrio.errors.DataSourceError, OSError):
                found = []  # read_boundaries reports the unreadable file
            if len(found) > 1:
                names = list(found)
        for layer in names:
            gdf, part = read_boundaries(path, layer=layer)
            report.extend(part)
            if part.errors:
                continue
            name = layer or path.stem
            if name.lower() in RESERVED_NAMES:
                name = f"boundary_{name}"
            base, n = name, 1
            while name.lower() in {k.lower() for k in layers}:
                n += 1
                name = f"{base}_{n}"
            layers[name] = gdf
    return layers


def dataset_with_table(dataset: Dataset, kind: str, rows: Sequence[object]) -> Dataset:
    """``dataset`` with its sites, needs or demand points (``kind``) replaced by ``rows``."""
    if kind == "sites":
        return Dataset(tuple(rows), dataset.needs, dataset.demand)
    if kind == "needs":
        return Dataset(dataset.sites, tuple(rows), dataset.demand)
    if kind == "demand":
        return Dataset(dataset.sites, dataset.needs, tuple(rows))
    raise ValueError(f"unknown table kind {kind!r}; use one of {', '.join(TABLE_KINDS)}")


# what each kind of input file is called in the multi-file import, in the order it is shown
FILE_KINDS = {"sites": "Sites", "needs": "Needs", "demand": "Demand points",
              "boundaries": "Boundaries", "network": "Road network", "settings": "Settings",
              "ramp": "Contract ramp", "skip": "Do not import"}
_INPUT_SUFFIXES = {".csv", ".txt", ".xlsx", ".gpkg", ".geojson", ".json", ".shp", ".zip",
                   ".toml", ".graphml"}


def input_files(paths: Sequence[Path]) -> list[Path]:
    """The files to consider: each file given, and the input files directly in each folder."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir()
                          if p.is_file() and p.suffix.lower() in _INPUT_SUFFIXES)
        else:
            out.append(path)
    return out


def guess_file_kind(path: Path) -> str:
    """What an input file most likely holds, from its name, its suffix and (for tables) its
    columns; "skip" for a project file. The user confirms or changes every guess."""
    from estates_planner.io.tables import table_columns

    stem, suffix = path.stem.lower(), path.suffix.lower()
    if suffix == ".toml":
        return "settings"
    if suffix == ".graphml" or "network" in stem or "road" in stem:
        return "network"
    if "project" in stem:
        return "skip"
    if "bound" in stem or "region" in stem or suffix in (".shp", ".zip"):
        return "boundaries"
    if "ramp" in stem:
        return "ramp"
    for kind in ("needs", "demand", "sites"):
        if kind.rstrip("s") in stem:
            return kind
    try:
        columns = {c.strip().lower() for c in table_columns(path)}
    except EstatesError:
        return "skip"
    if {"year", "share"} <= columns:
        return "ramp"
    if "need_id" in columns:
        return "needs"
    if "site_id" in columns:
        return "sites"
    if "pdu" in columns:
        return "demand"
    return "boundaries" if suffix in (".gpkg", ".geojson", ".json") else "skip"


def import_chosen_files(kinds: Mapping[Path, str], title: str = "Untitled project") -> Imported:
    """A new project from files each marked with its kind (:data:`FILE_KINDS`): exactly one
    sites and one needs file; at most one demand, network and settings file; any number of
    boundary files; at most one contract ramp (kept in the project's tables). Reads them with
    :func:`import_files`."""
    by_kind: dict[str, list[Path]] = {k: [] for k in FILE_KINDS}
    for path, kind in kinds.items():
        if kind not in FILE_KINDS:
            raise ScenarioError(f"{path.name}: unknown kind {kind!r}; use one of "
                                f"{', '.join(FILE_KINDS)}")
        by_kind[kind].append(path)
    problems = []
    for kind in ("sites", "needs"):
        if len(by_kind[kind]) != 1:
            found = ", ".join(p.name for p in by_kind[kind]) or "none"
            problems.append(f"exactly one {FILE_KINDS[kind].lower()} file is needed "
                            f"(found: {found})")
    for kind in ("demand", "network", "settings", "ramp"):
        if len(by_kind[kind]) > 1:
            problems.append(f"at most one {FILE_KINDS[kind].lower()} file (found: "
                            + ", ".join(p.name for p in by_kind[kind]) + ")")
    if problems:
        raise ScenarioError("; ".join(problems))

    def one(kind: str) -> Path | None:
        return by_kind[kind][0] if by_kind[kind] else None

    imported = import_files(by_kind["sites"][0], by_kind["needs"][0], demand=one("demand"),
                            boundaries=tuple(by_kind["boundaries"]), settings=one("settings"),
                            network=one("network"), title=title)
    ramp_path = one("ramp")
    if ramp_path is not None and imported.project is not None:
        from estates_planner.io.ramp import RAMP_TABLE, ramp_to_frame, read_ramp

        ramp, report = read_ramp(ramp_path, imported.project.dataset.needs)
        imported.report.extend(report)
        if not report.errors:
            imported.project.tables[RAMP_TABLE] = ramp_to_frame(ramp)
        else:
            return dataclasses.replace(imported, project=None)
    return imported
