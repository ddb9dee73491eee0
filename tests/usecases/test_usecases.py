"""The use-case layer on the shared hand-made plan: export dispatch, import, travel resolution."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest
import shapely

from estates_planner.errors import ExportError, NetworkError, ProjectFileError, ScenarioError
from estates_planner.io.allocation_csv import escape_cell, read_baseline, unescape_cell
from estates_planner.io.coords import frame_to_bng
from estates_planner.travel.resolve import travel_model_for, with_travel
from estates_planner.usecases import export_plan, import_files


def test_export_plan_writes_each_format_and_hands_the_pdf_to_the_writer(tmp_path):
    project = pb.project()
    calls = []

    def pdf_writer(project_arg, name, path, options, progress, cancel):
        calls.append((project_arg is project, name, path, options))
        return 7

    written = export_plan(project, "Baseline", {"pdf": tmp_path / "a.pdf",
                                                "csv": tmp_path / "a.csv"},
                          options="A3", pdf_writer=pdf_writer)
    # the table formats first, the PDF (the slowest) last
    assert [(w.fmt, w.path.name, w.pages) for w in written] == [("csv", "a.csv", None),
                                                                ("pdf", "a.pdf", 7)]
    assert calls == [(True, "Baseline", tmp_path / "a.pdf", "A3")]
    with open(tmp_path / "a.csv", encoding="utf-8-sig", newline="") as fh:
        assert [r["site_id"] for r in csv.DictReader(fh)] == ["S1", "S1", "S3", "S2", "S4", ""]


def test_export_plan_says_what_is_missing(tmp_path):
    project = pb.project()
    with pytest.raises(ExportError, match="unknown export format 'doc'"):
        export_plan(project, "Baseline", {"doc": tmp_path / "a.doc"})
    with pytest.raises(ExportError, match="cannot draw PDFs"):
        export_plan(project, "Baseline", {"pdf": tmp_path / "a.pdf"})
    project.results["Nope"] = project.results.pop("Baseline")  # a plan without its scenario
    with pytest.raises(ExportError, match="'Baseline' has no plan yet"):
        export_plan(project, "Baseline", {"csv": tmp_path / "a.csv"})
    with pytest.raises(ScenarioError, match="no scenario called 'Nope'"):
        export_plan(project, "Nope", {"csv": tmp_path / "a.csv"})


def test_import_files_builds_a_project_or_reports_every_error(sample_dir, tmp_path):
    imported = import_files(sample_dir / "sites.csv", sample_dir / "needs.csv",
                            demand=sample_dir / "demand.csv",
                            boundaries=[sample_dir / "boundaries.gpkg"], title="T")
    assert imported.project is not None and imported.report.ok
    assert imported.layers == ("outline", "regions")
    assert imported.project.scenario_names == ["Baseline"]
    assert imported.project.metadata["sources"] == (
        "sites: sites.csv; needs: needs.csv; demand: demand.csv; boundaries: boundaries.gpkg")
    broken = tmp_path / "needs.csv"
    broken.write_text("need_id\nN1\n", encoding="utf-8")
    failed = import_files(sample_dir / "sites.csv", broken)
    assert failed.project is None and failed.report.errors


def test_the_travel_model_is_cached_on_its_project():
    from estates_planner.travel import store_network

    first, second = pb.project(), pb.project()
    assert travel_model_for(first) is None and with_travel(first, first.scenarios[0]) is \
        first.scenarios[0]
    store_network(first, pb.road_network())
    store_network(second, pb.road_network())
    model = travel_model_for(first)
    assert travel_model_for(first) is model  # held in first.caches
    assert travel_model_for(second) is not model  # no module-level cache shared
    assert with_travel(first, first.scenarios[0]).travel is model


def test_frame_to_bng_has_one_failure_policy():
    wgs = gpd.GeoDataFrame(geometry=[shapely.Point(-3.18, 51.48)], crs=4326)
    bng = frame_to_bng(wgs, "towns")
    assert bng.crs.to_epsg() == 27700 and 318_000 < bng.geometry.iloc[0].x < 319_500
    assert frame_to_bng(bng, "towns") is bng  # already in British National Grid
    with pytest.raises(ProjectFileError, match="towns has no coordinate reference system"):
        frame_to_bng(gpd.GeoDataFrame(geometry=[]), "towns")
    with pytest.raises(NetworkError, match="roads has no coordinate reference system"):
        frame_to_bng(gpd.GeoDataFrame(geometry=[]), "roads", NetworkError)


@pytest.mark.parametrize("text", ["=SUM(A1)", "+44 20", "-3", "@cmd", "\tx", "plain", "'quoted"])
def test_unescape_undoes_escape(text):
    assert unescape_cell(escape_cell(text)) == text


def test_read_baseline_unescapes_and_checks_against_the_data(tmp_path: Path):
    project = pb.project()
    path = tmp_path / "plan.csv"
    path.write_text("need_id,site_id\nN1,S1\nN2,\nN9,S1\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"plan.csv, row 4, column 'need_id': no need 'N9'"):
        read_baseline(path, project.dataset)
    path.write_text("need_id,site_id\nN1,S1\nN2,\n", encoding="utf-8")
    assert read_baseline(path, project.dataset) == {"N1": "S1", "N2": None}
