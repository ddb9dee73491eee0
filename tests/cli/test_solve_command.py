"""``estates-planner solve``: from tables or a project, CSV and JSON outputs, clear errors."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from estates_planner.cli import main


def test_solve_from_tables_writes_csv_and_summary(tables, tmp_path, capsys) -> None:  # noqa: ANN001
    sites, needs = tables
    out, summary = tmp_path / "plan.csv", tmp_path / "summary.json"
    rota = tmp_path / "rota.csv"
    code = main(["solve", "--sites", str(sites), "--needs", str(needs), "--time-limit", "5",
                 "--out", str(out), "--summary", str(summary), "--rota", str(rota)])
    assert code == 0
    # e1 at authority A (£1,000); w1 at B, 0.3 km away: paired (£500 + £6 travel - £5,000),
    # and both in on all five days, so sharing a day (-£2,000); f1 at W (£800); P1 uses
    # three sites (£15,000)
    data = json.loads(summary.read_text())
    assert {"objective", "bound", "gap", "terms", "status", "seconds", "annual_cost",
            "travel_person_km", "unplaced_count", "days_over_capacity",
            "needs_sharing_a_day"} <= set(data)
    assert data["annual_cost"] == pytest.approx(1000 + 500 + 800)  # desks, no fit-out
    assert data["travel_person_km"] == pytest.approx(3.0)  # w1: caseload 10 x 0.3 km
    assert data["unplaced_count"] == 0
    assert data["status"] == "optimal"
    assert data["terms"]["pairing"] == -5000
    assert data["terms"]["same_day"] == -2000
    assert (data["days_over_capacity"], data["needs_sharing_a_day"]) == (0, 1)
    assert data["objective"] == pytest.approx(1000 + 500 + 6 + 800 + 15_000 - 5000 - 2000)
    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["need_id", "provider", "lot", "region", "pdu", "site_id",
                             "site_name", "site_kind", "desks", "interview_rooms",
                             "days_per_week", "desk_cost", "travel_km", "travel_cost", "paired",
                             "unplaced_reason", "weekdays"]
    by_need = {r["need_id"]: r for r in rows}
    assert by_need["e1"]["weekdays"] == "Mon,Tue,Wed,Thu,Fri"
    with open(rota, newline="", encoding="utf-8-sig") as fh:
        days = list(csv.DictReader(fh))
    assert list(days[0]) == ["site_id", "site_name", "weekday", "need_id", "provider", "lot",
                             "desks", "interview_rooms"]
    assert len(days) == 15  # three needs in on five days each
    assert days[0] == {"site_id": "A", "site_name": "'=Alpha House", "weekday": "Mon",
                       "need_id": "e1", "provider": "Jobs Ltd", "lot": "ete", "desks": "1",
                       "interview_rooms": "0"}
    assert by_need["e1"]["site_name"] == "'=Alpha House"  # a formula is escaped
    assert by_need["w1"]["paired"] == "true"
    printed = capsys.readouterr()
    assert "Optimiser score" in printed.out and "Gap" in printed.out and "optimal" in printed.out
    # money apart: desks £1,000 + £500 + £800; the score in points with no £ sign
    assert re.search(r"Annual property cost\s+£2,300\n", printed.out)
    assert re.search(r"Optimiser score\s+10,306 points\n", printed.out)
    assert "£10,306" not in printed.out
    assert "Proven optimal: no plan under these rules and weights scores less." in printed.out
    assert "Days over capacity" in printed.out
    assert "1 of 1 paired needs" in printed.out
    assert "done" in printed.err  # progress lines


def test_baseline_moves_and_bad_baseline_rows(tables, tmp_path, capsys) -> None:  # noqa: ANN001
    sites, needs = tables
    baseline = tmp_path / "before.csv"
    baseline.write_text("need_id,site_id\ne1,A\nw1,B\nf1,W\n", encoding="utf-8")
    summary = tmp_path / "s.json"
    assert main(["solve", "--sites", str(sites), "--needs", str(needs), "--baseline",
                 str(baseline), "--summary", str(summary), "--time-limit", "5"]) == 0
    assert json.loads(summary.read_text())["terms"]["moves"] == 0
    baseline.write_text("need_id,site_id\ne1,A\nzz,B\nf1,Q\n", encoding="utf-8")
    assert main(["solve", "--sites", str(sites), "--needs", str(needs), "--baseline",
                 str(baseline)]) == 2
    err = capsys.readouterr().err
    assert "before.csv, row 3, column 'need_id': no need 'zz' in the data" in err
    assert "before.csv, row 4, column 'site_id': no site 'Q' in the data" in err
    assert "Traceback" not in err


def test_bad_arguments_give_a_message_not_a_traceback(tables, capsys) -> None:  # noqa: ANN001
    assert main(["solve"]) == 2
    assert "give a project file, or both --sites FILE and --needs FILE" in capsys.readouterr().err
    sites, needs = tables
    assert main(["solve", "--sites", str(sites), "--needs", str(needs),
                 "--time-limit", "0"]) == 2
    assert "--time-limit must be a number of seconds above 0" in capsys.readouterr().err


def test_input_errors_are_listed(tables, capsys) -> None:  # noqa: ANN001
    sites, needs = tables
    sites.write_text(sites.read_text(encoding="utf-8").replace("400300", "east-ish"),
                     encoding="utf-8")
    assert main(["solve", "--sites", str(sites), "--needs", str(needs)]) == 2
    err = capsys.readouterr().err
    assert "sites.csv, row 3" in err and "Traceback" not in err


@pytest.mark.slow
def test_solve_a_project_saves_the_plan(repo_dir: Path, tmp_path: Path) -> None:
    from estates_planner.project import open_project

    source = repo_dir / "data" / "sample_project.gpkg"
    if not source.exists():
        pytest.skip("the sample project is generated by estates_planner.sample_data")
    project_path = tmp_path / "p.gpkg"
    shutil.copy(source, project_path)
    name = open_project(project_path).scenarios[0].name
    assert main(["solve", str(project_path), "--time-limit", "3"]) == 0
    saved = open_project(project_path)
    assert name in saved.results
    assert len(saved.results[name].allocations) == len(saved.dataset.needs)
    assert main(["solve", str(project_path), "--time-limit", "1", "--no-save",
                 "--scenario", "nope"]) == 2


def test_solving_a_project_again_starts_from_its_saved_plan(repo_dir: Path, tmp_path: Path,
                                                             monkeypatch) -> None:
    import estates_planner.optimise as optimise
    from estates_planner.project import open_project

    project_path = tmp_path / "p.gpkg"
    shutil.copy(repo_dir / "data" / "sample_project.gpkg", project_path)
    real = optimise.solve_scenario
    starts = []

    def spy(scenario, **kwargs):
        starts.append(kwargs.get("warm_start"))
        return real(scenario, **kwargs)

    monkeypatch.setattr(optimise, "solve_scenario", spy)
    assert main(["solve", str(project_path), "--time-limit", "3"]) == 0
    saved = open_project(project_path).results["Baseline"].assignment
    assert main(["solve", str(project_path), "--time-limit", "3", "--no-save"]) == 0
    assert starts == [None, saved]


def test_settings_file_changes_the_weights(tables, tmp_path, capsys) -> None:  # noqa: ANN001
    sites, needs = tables
    settings = tmp_path / "weights.toml"
    settings.write_text("pairing_bonus = 0\nlocation_penalty = 0\nsame_day_bonus = 0\n",
                        encoding="utf-8")
    summary = tmp_path / "s.json"
    assert main(["solve", "--sites", str(sites), "--needs", str(needs), "--settings",
                 str(settings), "--summary", str(summary), "--time-limit", "5"]) == 0
    data = json.loads(summary.read_text())
    assert data["terms"]["pairing"] == 0 and data["terms"]["locations"] == 0
    assert data["terms"]["same_day"] == 0
    # without pairing w1 goes to the cheapest site it may use, B, all the same:
    # 1,000 (e1 at A) + 500 + 6 travel (w1 at B) + 800 (f1 at W)
    assert data["objective"] == pytest.approx(2306)
    settings.write_text("pairing_bonus = 'lots'\n", encoding="utf-8")
    assert main(["solve", "--sites", str(sites), "--needs", str(needs), "--settings",
                 str(settings)]) == 2
    assert "weights.toml" in capsys.readouterr().err
