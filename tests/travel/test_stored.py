"""A network and its matrix cache saved in a project file and used again after opening."""

from __future__ import annotations

import numpy as np

from estates_planner.project import new_project, open_project, save_project
from estates_planner.travel import (
    CACHE_TABLE,
    NetworkTravelModel,
    load_network,
    model_from_project,
    read_network,
    store_cache,
    store_network,
)


def test_network_and_cache_survive_the_project_file(tmp_path, river_file, river_dataset,
                                                    monkeypatch):
    network = read_network(river_file, speed_column="speed")
    project = new_project(river_dataset, title="river")
    assert model_from_project(project) is None
    store_network(project, network)
    model = NetworkTravelModel(network)
    km = model.distance_km(river_dataset.needs, river_dataset.sites)
    store_cache(project, model)
    path = tmp_path / "river_project.gpkg"
    save_project(project, path)

    opened = open_project(path)
    assert CACHE_TABLE in opened.tables
    again = model_from_project(opened)
    assert again.network.fingerprint == network.fingerprint
    assert again.network.has_minutes

    def no_compute(*args, **kwargs):
        raise AssertionError("the cached matrix should have been used")

    monkeypatch.setattr(again, "_compute", no_compute)
    assert np.array_equal(again.distance_km(river_dataset.needs, river_dataset.sites), km)


def test_storing_another_network_drops_the_cache(river_file, river_dataset, make_lines):
    from estates_planner.travel import network_from_frame

    project = new_project(river_dataset)
    network = read_network(river_file)
    store_network(project, network)
    model = NetworkTravelModel(network)
    model.distance_km(river_dataset.needs, river_dataset.sites)
    store_cache(project, model)
    assert CACHE_TABLE in project.tables
    store_network(project, network_from_frame(make_lines([[(0, 0), (1000, 0)]])))
    assert CACHE_TABLE not in project.tables


def test_load_network_turns_errors_into_a_report(tmp_path, river_file, river_dataset,
                                                 make_site):
    network, report = load_network(tmp_path / "missing.gpkg")
    assert network is None
    assert [str(p) for p in report.errors] == [
        f"missing.gpkg: file not found ({tmp_path / 'missing.gpkg'})"]
    far = river_dataset.__class__(river_dataset.sites + (make_site("FAR", 0, 9000),),
                                  river_dataset.needs)
    network, report = load_network(river_file, far)
    assert network is not None and report.ok
    assert [p.message for p in report.warnings] == [
        "site FAR (Site FAR) is 8.5 km from the nearest junction of the network (more than "
        "2 km); its journeys start with that straight line"]
