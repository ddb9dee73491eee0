"""``estates-planner import`` and ``info`` through the real CLI frame."""

from __future__ import annotations

from datetime import date

import pytest

import estates_planner.cli as cli
from estates_planner.io import load_dataset
from estates_planner.model import Allocation
from estates_planner.optimise.result import PlanResult
from estates_planner.project import open_project, save_project

SITES = """\
site_id,name,region,pdu,kind,women_only,desks,interview_rooms,annual_cost_per_desk,lon,lat
S1,Cardiff Probation Office,Wales,Cardiff and Vale,authority,no,20,4,3000,-3.1791,51.4816
S2,Canolfan Merched Abertawe,Wales,Swansea,provider,yes,6,2,2500,-3.9436,51.6214
S3,"Unit 4, Newport",Wales,Gwent,market,no,10,2,4000,-2.9984,51.5842
"""
NEEDS = """need_id,provider,lot,region,pdu,desks,interview_rooms,days_per_week,caseload,lon,lat
N1,Llwybrau Gwaith,ete,Wales,Cardiff and Vale,2,1,5,120,-3.18,51.48
N2,Merched Ymlaen,womens,Wales,Swansea,1,1,3,60,-3.94,51.62
N3,Lles Cymunedol,wellbeing,Wales,Gwent,2,0,2,90,-3.0,51.58
"""


@pytest.fixture
def run(monkeypatch, capsys):
    """Run the CLI with only this module's commands (the others are other people's)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("project_commands",))

    def run_cli(*argv: str) -> tuple[int, str, str]:
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run_cli


@pytest.fixture
def small_files(tmp_path):
    (tmp_path / "sites.csv").write_text(SITES, encoding="utf-8")
    (tmp_path / "needs.csv").write_text(NEEDS, encoding="utf-8")
    return tmp_path


def test_import_sample_writes_a_project_equal_to_what_io_loads(run, sample_dir, tmp_path):
    settings = tmp_path / "s.toml"
    settings.write_text("go_live = 2027-04-01\ntravel_weight = 3.5\n", encoding="utf-8")
    out = tmp_path / "national.gpkg"
    code, stdout, stderr = run("import", sample_dir / "sites.csv", sample_dir / "needs.csv",
                               "--demand", sample_dir / "demand.csv",
                               "--boundaries", sample_dir / "boundaries.gpkg",
                               "--settings", settings, "-o", out)
    assert (code, stderr) == (0, "")
    assert stdout.startswith(f"Wrote {out}: 349 sites, 509 needs, 106 demand points, "
                             "layers outline, regions; scenario 'Baseline'")
    project = open_project(out)
    dataset, _ = load_dataset(sample_dir / "sites.csv", sample_dir / "needs.csv",
                              sample_dir / "demand.csv")
    assert project.dataset == dataset
    assert sorted(project.layers) == ["outline", "regions"]
    assert project.scenario_names == ["Baseline"]
    settings = project.scenario("Baseline").settings
    assert (settings.go_live, settings.travel_weight) == (date(2027, 4, 1), 3.5)
    assert project.metadata["title"] == "national"
    assert "boundaries: boundaries.gpkg" in project.metadata["sources"]


def test_import_refuses_files_with_errors(run, small_files):
    sites = small_files / "sites.csv"
    sites.write_text(SITES.replace(",20,4,", ",twenty,4,"), encoding="utf-8")
    out = small_files / "p.gpkg"
    code, stdout, stderr = run("import", sites, small_files / "needs.csv", "-o", out)
    assert code == 1 and stdout == ""
    assert "sites.csv, row 2, column 'desks'" in stderr
    assert f"FAILED: 1 error, 0 warnings; {out} was not written" in stderr
    assert not out.exists()


def test_import_small_files_and_overwrite_keeps_backup(run, small_files):
    out = small_files / "p.gpkg"
    code, stdout, _ = run("import", small_files / "sites.csv", small_files / "needs.csv",
                          "--title", "Cymru", "-o", out)
    assert code == 0
    assert stdout == f"Wrote {out}: 3 sites, 3 needs, 0 demand points; scenario 'Baseline'\n"
    assert open_project(out).metadata["title"] == "Cymru"
    code, stdout, _ = run("import", small_files / "sites.csv", small_files / "needs.csv",
                          "-o", out)
    assert code == 0 and stdout.endswith("The previous version is kept as p.gpkg.bak\n")
    assert (small_files / "p.gpkg.bak").exists()


def test_import_with_bad_settings_is_a_clear_error(run, small_files):
    settings = small_files / "s.toml"
    settings.write_text("travel_wieght = 1\n", encoding="utf-8")
    out = small_files / "p.gpkg"
    code, stdout, stderr = run("import", small_files / "sites.csv", small_files / "needs.csv",
                               "--settings", settings, "-o", out)
    assert code == 2 and stdout == ""
    assert "s.toml: unknown setting 'travel_wieght' (did you mean 'travel_weight'?)" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_import_needs_a_gpkg_name(run, small_files):
    code, _, stderr = run("import", small_files / "sites.csv", small_files / "needs.csv",
                          "-o", small_files / "p.csv")
    assert code == 2
    assert stderr == "estates-planner: p.csv: the project file name must end in .gpkg\n"


def test_info_on_the_sample(run, sample_dir):
    code, stdout, stderr = run("info", sample_dir / "sample_project.gpkg")
    assert (code, stderr) == (0, "")
    lines = stdout.splitlines()
    assert lines[0] == "Project: England and Wales sample (illustrative)"
    assert "Sites: 349" in lines and "Needs: 509" in lines
    assert any(line.split() == ["Wales", "10", "9", "7", "3", "26"] for line in lines)
    assert "  Close one office: What if Middlesbrough Probation Office (NE-014) closes?" \
        in lines
    assert "    closed sites: NE-014" in lines
    assert "    settings: go_live = 2027-04-01 (default none)" in lines
    assert "Results: none (not solved yet)" in lines
    assert "Map layers: regions (12 features), outline (1 feature)" in lines


def test_info_shows_settings_changes_and_results(run, small_files):
    dataset, report = load_dataset(small_files / "sites.csv", small_files / "needs.csv")
    assert report.ok
    from estates_planner.project import new_project

    project = new_project(dataset, title="Small")
    base = project.scenario("Baseline")
    project.put_scenario(base.with_settings(same_region=False, location_penalty=7500.0)
                         .with_pin("N1", "S1").with_capacity("S3", desks=4))
    project.results["Baseline"] = PlanResult(
        "Baseline", (Allocation("N1", "S1", 1200.0), Allocation("N2", "S2", 750.0),
                     Allocation("N3", None, unplaced_reason="R2")),
        terms={"desk_cost": 1950.0, "unplaced": 1e6}, objective=1_001_950.0,
        bound=1_001_900.0, gap=0.00005, status="feasible", seconds=1.25)
    path = save_project(project, small_files / "small.gpkg")
    code, stdout, _ = run("info", path)
    assert code == 0
    assert ("    settings: location_penalty = 7,500 (default 5,000); same_region = false "
            "(default true)") in stdout
    assert "    pins: N1 -> S1" in stdout
    assert "    capacity changes: S3: 4 desks" in stdout
    assert ("  Baseline: feasible, objective £1,001,950 (bound £1,001,900, gap 0.01%); "
            "2 placed, 1 unplaced; 1.2 s") in stdout


def test_info_on_a_file_that_is_not_a_project(run, small_files):
    code, stdout, stderr = run("info", small_files / "sites.csv")
    assert code == 2 and stdout == ""
    assert stderr.startswith("estates-planner: sites.csv is not a GeoPackage")


@pytest.mark.parametrize("command, words", [
    ("import", ["--demand", "--boundaries", "--settings", "--title", "PROJECT.gpkg",
                "exit status 1", "Baseline", ".bak"]),
    ("info", ["scenario", "objective", "metadata"]),
])
def test_help_texts(run, capsys, command, words):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for word in words:
        assert word in text


def test_import_boundary_files_become_named_layers(run, small_files):
    import geopandas as gpd
    import shapely

    wales = gpd.GeoDataFrame({"name": ["Wales"]},
                             geometry=[shapely.box(-5.5, 51.3, -2.6, 53.5)], crs=4326)
    wales.to_file(small_files / "regions.geojson", driver="GeoJSON")
    wales.to_file(small_files / "needs.geojson", driver="GeoJSON")  # a reserved layer name
    out = small_files / "p.gpkg"
    code, stdout, _ = run("import", small_files / "sites.csv", small_files / "needs.csv",
                          "--boundaries", small_files / "regions.geojson",
                          small_files / "needs.geojson", "-o", out)
    assert code == 0, stdout
    project = open_project(out)
    assert list(project.layers) == ["regions", "boundary_needs"]
    assert project.layers["regions"].crs.to_epsg() == 27700
    assert list(project.layers["regions"]["name"]) == ["Wales"]


def test_import_refuses_an_unreadable_boundary_file(run, small_files):
    out = small_files / "p.gpkg"
    code, _, stderr = run("import", small_files / "sites.csv", small_files / "needs.csv",
                          "--boundaries", small_files / "missing.gpkg", "-o", out)
    assert code == 1
    assert "missing.gpkg" in stderr and "was not written" in stderr
    assert not out.exists()
