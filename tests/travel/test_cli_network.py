"""``estates-planner import ... --network FILE`` stores the network in the project."""

from __future__ import annotations

import argparse

import pytest

from estates_planner.cli import project_commands
from estates_planner.project import open_project
from estates_planner.travel import model_from_project


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    project_commands.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_import_stores_the_sample_network(tmp_path, sample_dir, capsys):
    out = tmp_path / "p.gpkg"
    code = run(["import", str(sample_dir / "sites.csv"), str(sample_dir / "needs.csv"),
                "--demand", str(sample_dir / "demand.csv"),
                "--network", str(sample_dir / "sample_network.gpkg"), "-o", str(out)])
    assert code == 0
    assert "a travel network of" in capsys.readouterr().out
    project = open_project(out)
    assert project.network is not None
    assert "network: sample_network.gpkg" in project.metadata["sources"]
    model = model_from_project(project)
    assert model.network.has_minutes
    assert len(model.network.components()) == 1


def test_import_with_a_bad_network_writes_nothing(tmp_path, sample_dir, capsys):
    out = tmp_path / "p.gpkg"
    code = run(["import", str(sample_dir / "sites.csv"), str(sample_dir / "needs.csv"),
                "--network", str(sample_dir / "boundaries.gpkg"), "-o", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "error: boundaries.gpkg: holds several layers (outline, regions); say which one " \
           "is the road network" in err
    assert not out.exists()


# the river of conftest.py moved into England (the readers check coordinates are in Britain)
E0, N0 = 400_000, 300_000


@pytest.fixture
def river_tables(tmp_path, make_lines):
    roads = [[(E0 + x, N0 + y) for x, y in line] for line in
             ([(0, -500), (3000, -500)], [(3000, -500), (8000, -500)],
              [(8000, -500), (8000, 500)], [(8000, 500), (0, 500)])]
    network = tmp_path / "river.gpkg"
    make_lines(roads).to_file(network, layer="roads", engine="pyogrio")
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "site_id,name,region,pdu,kind,desks,interview_rooms,annual_cost_per_desk,easting,"
        "northing\n"
        f"NORTH,North bank,North,P1,provider,10,2,1000,{E0},{N0 + 500}\n"
        f"SOUTH,South bank,North,P1,provider,10,2,1000,{E0 + 3000},{N0 - 500}\n")
    needs = tmp_path / "needs.csv"
    needs.write_text(
        "need_id,provider,lot,region,pdu,desks,interview_rooms,days_per_week,caseload,"
        "easting,northing\n"
        f"N1,Acme,ete,North,P1,1,0,1,10,{E0},{N0 - 500}\n")
    return sites, needs, network


def solve(argv: list[str], tmp_path) -> dict[str, str]:
    from estates_planner.cli import main

    out = tmp_path / "plan.csv"
    assert main(["solve", *argv, "--time-limit", "2", "--out", str(out)]) == 0
    import csv

    with open(out, newline="", encoding="utf-8-sig") as fh:
        return {row["need_id"]: row["site_id"] for row in csv.DictReader(fh)}


def test_solve_with_network_picks_the_site_on_this_side(river_tables, tmp_path, capsys):
    sites, needs, network = river_tables
    assert solve(["--sites", str(sites), "--needs", str(needs)], tmp_path) == {"N1": "NORTH"}
    road = solve(["--sites", str(sites), "--needs", str(needs), "--network", str(network)],
                 tmp_path)
    assert road == {"N1": "SOUTH"}
    assert "Journeys measured along the road network (river.gpkg)." in capsys.readouterr().err


def test_solve_with_a_bad_network_says_why(river_tables, tmp_path, capsys):
    from estates_planner.cli import main

    sites, needs, _ = river_tables
    code = main(["solve", "--sites", str(sites), "--needs", str(needs),
                 "--network", str(tmp_path / "nowhere.gpkg")])
    assert code == 2
    assert "nowhere.gpkg: file not found" in capsys.readouterr().err


def test_imported_network_is_used_and_cached_by_solve(river_tables, tmp_path):
    from estates_planner.cli import main

    sites, needs, network = river_tables
    project = tmp_path / "river_project.gpkg"
    assert main(["import", str(sites), str(needs), "--network", str(network),
                 "-o", str(project)]) == 0
    assert main(["solve", str(project), "--time-limit", "2"]) == 0
    opened = open_project(project)
    assert opened.results["Baseline"].assignment == {"N1": "SOUTH"}
    assert opened.results["Baseline"].allocation("N1").travel_km == 3.0
    assert len(opened.tables["travel_cache"]) == 1


def test_export_of_an_unsolved_project_solves_along_its_roads(river_tables, tmp_path, capsys):
    """Issue 11: ``export`` solved an unsolved project on straight lines (NORTH, 1 km across
    the river) although it holds a road network; like ``solve`` it must go by road: SOUTH,
    3 km along the bank."""
    from estates_planner.cli import main

    sites, needs, network = river_tables
    project = tmp_path / "river_project.gpkg"
    assert main(["import", str(sites), str(needs), "--network", str(network),
                 "-o", str(project)]) == 0
    out = tmp_path / "exported.csv"
    assert main(["export", str(project), "--csv", str(out)]) == 0
    import csv

    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["need_id"], r["site_id"], r["travel_km"]) for r in rows] == [
        ("N1", "SOUTH", "3.0")]
    assert "has no plan yet: solving it first" in capsys.readouterr().err
    assert "Baseline" not in open_project(project).results  # the plan is not saved
