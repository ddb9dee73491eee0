"""A project's travel network and matrix cache, to and from its ``network`` and ``tables``.

Works on a :class:`estates_planner.project.Project`'s ``network`` (a line GeoDataFrame or None)
and ``tables`` (a dict of DataFrames); the project is above travel, so it is named for types only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from estates_planner.errors import NetworkError, ValidationReport
from estates_planner.travel.matrix import NetworkTravelModel
from estates_planner.travel.network import TravelNetwork, network_from_stored_layer, read_network

if TYPE_CHECKING:  # the project is above travel; its type only
    from estates_planner.project import Project

CACHE_TABLE = "travel_cache"


def model_from_project(project: Project, **kwargs) -> NetworkTravelModel | None:
    """The travel model of a project's stored network, primed with its cached matrices.

    None when the project has no network. ``kwargs`` go to :class:`NetworkTravelModel`.
    """
    if project.network is None:
        return None
    network = network_from_stored_layer(project.network)
    return NetworkTravelModel.from_table(network, project.tables.get(CACHE_TABLE), **kwargs)


def store_network(project: Project, network: TravelNetwork) -> None:
    """Put a network's lines in the project; drops a travel cache made for another network."""
    project.network = network.to_frame()
    project.tables.pop(CACHE_TABLE, None)


def store_cache(project: Project, model: NetworkTravelModel) -> None:
    """Keep the model's matrices in ``project.tables["travel_cache"]`` for the next opening."""
    table = model.to_table()
    if len(table):
        project.tables[CACHE_TABLE] = table
    else:
        project.tables.pop(CACHE_TABLE, None)


def load_network(path: str | Path, dataset=None,
                 **kwargs) -> tuple[TravelNetwork | None, ValidationReport]:
    """Read a network for a command or a dialog: problems as a report, never an exception.

    A fatal problem gives ``(None, report)`` with one error; otherwise the network and its
    warnings, plus, when ``dataset`` is given, warnings about sites and service-user points
    far from the roads or in separate parts of the network. ``kwargs`` go to
    :func:`read_network`.
    """
    report = ValidationReport()
    name = Path(path).name
    try:
        network = read_network(path, **kwargs)
    except NetworkError as exc:
        message = str(exc)
        report.error(name, message[len(name) + 2:] if message.startswith(f"{name}: ")
                     else message)
        return None, report
    report.extend(network.report)
    if dataset is not None:
        report.extend(NetworkTravelModel(network).check(dataset.needs, dataset.sites))
    return network, report
