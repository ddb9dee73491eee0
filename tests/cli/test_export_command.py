"""``estates-planner export``: every format from a saved project, solving first when needed."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import plan_builders as pb  # the shared hand-made plan (tests/ is on the path)
import pytest

from estates_planner.cli import main
from estates_planner.project import save_project

# the real CLI frame in a fresh interpreter (where a test can block Qt's widgets)
RUN_CLI = (
    "import sys\n"
    "import estates_planner.cli as cli\n"
    "sys.exit(cli.main(sys.argv[1:]))\n"
)


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "project.gpkg"
    save_project(pb.project(), path)
    return path


def test_exports_csv_xlsx_gpkg(project_file, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    code = main(["export", str(project_file), "--csv", str(out / "a.csv"),
                 "--xlsx", str(out / "a.xlsx"), "--gpkg", str(out / "a.gpkg")])
    assert code == 0
    printed = capsys.readouterr().out
    for name in ("a.csv", "a.xlsx", "a.gpkg"):
        assert f"Wrote {out / name}" in printed
        assert (out / name).stat().st_size > 0
    with open(out / "a.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["site_id"] for r in rows] == ["S1", "S1", "S3", "S2", "S4", ""]


def test_exports_the_weekly_rota(tmp_path, capsys):
    """The plan costed with its rota (issue 17): at Leeds (S1) N1 keeps its fixed Mon, Wed,
    Fri and N2 (5 days) is in every day; 3 + 5 + 2 + 4 + 2 need-days in all."""
    from estates_planner.optimise import evaluate_plan

    project = pb.project()
    sc = project.scenarios[0]
    project.results[sc.name] = evaluate_plan(sc, {n: s for n, s in pb.PLAN.items() if s})
    path = tmp_path / "rota-project.gpkg"
    save_project(project, path)
    assert main(["export", str(path), "--rota", str(tmp_path / "rota.csv")]) == 0
    assert f"Wrote {tmp_path / 'rota.csv'}" in capsys.readouterr().out
    with open(tmp_path / "rota.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["site_id", "site_name", "weekday", "need_id", "provider", "lot",
                             "desks", "interview_rooms"]
    assert [(r["weekday"], r["need_id"]) for r in rows if r["site_id"] == "S1"] == [
        ("Mon", "N1"), ("Mon", "N2"), ("Tue", "N2"), ("Wed", "N1"), ("Wed", "N2"),
        ("Thu", "N2"), ("Fri", "N1"), ("Fri", "N2")]
    assert len(rows) == 16
    assert [r["weekday"] for r in rows if r["need_id"] == "N5"] == ["Tue", "Thu"]


def test_pdf_with_region_and_paper(project_file, tmp_path, capsys, qapp):
    pdf = tmp_path / "plan.pdf"
    code = main(["export", str(project_file), "--pdf", str(pdf), "--paper", "a3",
                 "--landscape", "--region", pb.YORKS])
    assert code == 0
    assert "pages" in capsys.readouterr().out
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Hope House" in text and "Desks in use of 4" in text  # its card's week


def test_pdf_layouts_from_the_command_line(project_file, tmp_path, capsys, qapp):
    """--layout with its --provider: the pack is written and the command says so, with how
    journeys are measured in the PDF's own words."""
    pdf = tmp_path / "pack.pdf"
    code = main(["export", str(project_file), "--pdf", str(pdf), "--layout", "provider",
                 "--provider", "Bright Futures"])
    assert code == 0
    out = capsys.readouterr().out
    assert "provider layout" in out
    assert "Journeys measured as straight lines (British National Grid)." in out
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Provider pack: Bright Futures" in text
    assert "Journeys measured as straight lines (British National Grid)." in text


def test_solves_first_when_there_is_no_plan(tmp_path, capsys):
    project = pb.project()
    project.results.clear()
    path = tmp_path / "unsolved.gpkg"
    save_project(project, path)
    code = main(["export", str(path), "--csv", str(tmp_path / "a.csv")])
    assert code == 0
    err = capsys.readouterr().err
    assert "has no plan yet: solving it first" in err
    assert "Solved:" in err
    assert (tmp_path / "a.csv").exists()


@pytest.mark.parametrize("args, message", [
    ([], "nothing to export"),
    (["--csv", "x.txt"], "should end in .csv"),
    (["--rota", "rota.txt"], "--rota rota.txt: the file name should end in .csv"),
    (["--csv", "nowhere/x.csv"], "does not exist"),
    (["--csv", "x.csv", "--scenario", "Nope"], "no scenario 'Nope'; it has: Baseline"),
    (["--csv", "x.csv", "--region", "Narnia"], "unknown region"),
    (["--pdf", "x.pdf", "--layout", "provider"], "needs a provider: give --provider NAME"),
    (["--pdf", "x.pdf", "--layout", "region"], "needs one region: give --region NAME"),
    (["--pdf", "x.pdf", "--layout", "provider", "--provider", "Nobody"],
     "no provider 'Nobody' in the project"),
])
def test_user_errors_are_messages(project_file, tmp_path, capsys, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(["export", str(project_file), *args])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_cli_pdf_without_display(project_file, tmp_path):
    """A fresh process with no display and no QT_QPA_PLATFORM still writes the PDF."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    pdf = tmp_path / "plan.pdf"
    proc = subprocess.run([sys.executable, "-c", RUN_CLI, "export",
                           str(project_file), "--pdf", str(pdf)], capture_output=True,
                          text=True, env=env, cwd=Path(__file__).parents[2], timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "pages" in proc.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
