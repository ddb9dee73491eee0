"""``estates-planner robustness``: the stability CSV, the summary, saving, and Ctrl+C."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from studies.hand_case import hand_scenario

from estates_planner.cli import main
from estates_planner.project import new_project, open_project, save_project
from estates_planner.studies import StudySettings, draw_changes

ROOT = Path(__file__).resolve().parents[2]


def hand_project(path: Path, **study: object) -> Path:
    sc = hand_scenario(**study)
    needs = list(sc.dataset.needs)
    needs[2] = dataclasses.replace(needs[2], provider="=Evil Ltd")  # a formula to escape
    dataset = dataclasses.replace(sc.dataset, needs=tuple(needs))
    save_project(new_project(dataset, settings=sc.settings, scenario_name="Hand"), path)
    return path


def test_robustness_writes_the_stability_csv_and_summary_and_saves(tmp_path, capsys):
    project = hand_project(tmp_path / "hand.gpkg")
    out, summary = tmp_path / "stability.csv", tmp_path / "study.json"
    code = main(["robustness", str(project), "--samples", "12", "--seed", "3", "--workers", "1",
                 "--out", str(out), "--summary", str(summary)])
    assert code == 0
    sc = hand_scenario()
    settings = StudySettings.from_scenario(sc, samples=12, seed=3)
    # N2 moves whenever A's 50 desk-days are outgrown (see tests/studies/hand_case.py)
    grown = sum(1 for k in range(12)
                if 5 * math.ceil(7 * draw_changes(sc, settings, k).volume_factor[0])
                + 2 * math.ceil(7 * draw_changes(sc, settings, k).volume_factor[1]) > 50)
    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["need_id", "provider", "lot", "site_id", "stability",
                       "most_frequent_new_site"]
    assert rows[1] == ["N1", "Acme", "ete", "A", "1.0000", ""]
    assert rows[2] == ["N2", "Acme", "accommodation", "A", f"{1 - grown / 12:.4f}",
                       "B" if grown else ""]
    assert rows[3] == ["N3", "'=Evil Ltd", "ete", "C", "1.0000", ""]
    data = json.loads(summary.read_text())
    assert [c["name"] for c in data["candidates"]] == ["chosen plan", "10 % headroom"]
    assert data["settings"]["samples"] == 12 and data["settings"]["seed"] == 3
    assert data["candidates"][0]["moves_mean"] == round(grown / 12, 2)
    printed = capsys.readouterr()
    assert "Late-data study of 'Hand': 12 samples, seed 3" in printed.out
    # A is overfilled exactly when N2 has to move
    assert f"Site A                         in {100 * grown / 12:5.1f} % of samples; " \
        "used in 100.0 %" in printed.out
    saved = open_project(project)
    assert set(saved.tables) >= {"robustness_needs", "robustness_sites", "robustness_plans"}


def test_bad_arguments_are_named(tmp_path, capsys):
    project = hand_project(tmp_path / "hand.gpkg")
    assert main(["robustness", str(project), "--samples", "0"]) == 2
    assert "--samples must be a whole number ≥ 1, got 0" in capsys.readouterr().err
    assert main(["robustness", str(project), "--scheduler", "localhost"]) == 2
    assert "--scheduler must be an address such as tcp://HOST:8786" in capsys.readouterr().err


def test_ctrl_c_cancels_the_study_and_saves_nothing(tmp_path):
    project = hand_project(tmp_path / "hand.gpkg")
    before = project.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-m", "estates_planner", "robustness", str(project), "--samples",
         "5000", "--workers", "1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        for line in proc.stderr:
            lines.append((time.monotonic(), line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while not any(" tasks " in line for _, line in lines) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(" tasks " in line for _, line in lines), "no progress was shown"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("no exit within 60 s of Ctrl+C; it printed:\n"
                             + "".join(f"{t - sent:+.2f} s {line}" for t, line in lines)) from None
    assert code == 130
    reader.join(5)
    [(when, _)] = [(t, line) for t, line in lines if "cancelled" in line]
    # the study stops within 2 s (the local cluster closes in the background after that)
    assert when - sent < 2.0
    assert project.read_bytes() == before
