"""Import input files: a new project from files (the CLI), one table into a project (the app).

Both read with :mod:`estates_planner.io`; every problem found is collected in one
:class:`ValidationReport` and nothing is made while it holds errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyogrio

from estates_planner.errors import ValidationReport
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
