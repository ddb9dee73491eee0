"""Money, weights and the penalty apart (issue 13): the hand case of ``figures_case`` read
back from the core figures, the KPI rows, the CLI summary and its JSON."""

from __future__ import annotations

import json
import re

import pytest
from figures_case import (
    ANNUAL_COST,
    DESK_COST,
    FIT_OUT,
    LOCATION_POINTS,
    PERSON_KM,
    SCORE,
    TRAVEL_POINTS,
    UNPLACED_PENALTY,
    scenario,
)

from estates_planner.optimise import evaluate_plan, solve_scenario
from estates_planner.report.figures import compute_figures, figure_rows, format_figure
from estates_planner.report.kpis import compute_kpis, format_value, kpi_rows


def test_figures_keep_money_weights_and_penalty_apart():
    sc = scenario()
    f = compute_figures(sc, evaluate_plan(sc, {"E1": "S1", "W1": None}))
    assert (f.desk_cost_gbp, f.fit_out_gbp, f.annual_cost_gbp) == pytest.approx(
        (DESK_COST, FIT_OUT, ANNUAL_COST))
    assert f.travel_person_km == pytest.approx(PERSON_KM)
    assert f.travel_weighted_points == pytest.approx(TRAVEL_POINTS)
    assert f.locations_points == pytest.approx(LOCATION_POINTS)
    assert (f.unplaced_count, f.unplaced_desks) == (1, 3)
    assert f.unplaced_penalty_points == pytest.approx(UNPLACED_PENALTY)
    assert f.score_points == pytest.approx(SCORE)
    shown = {r.label: format_figure(r.value, r.unit) for r in figure_rows(f)}
    assert shown["Annual property cost"] == "£4,000"
    assert shown["Service-user travel"] == "60 person-km"
    assert shown["Travel weight (2.00 points per person-km)"] == "120 points"
    assert shown["Needs not placed"] == "1 need"
    assert shown["Desks of needs not placed"] == "3 desks"
    assert shown["Separate locations"] == "5,000 points"
    assert shown["Unplaced penalty"] == "1,000,000 points"
    assert shown["Optimiser score"] == "1,009,120 points"
    # only money carries a pound sign; the penalty is in the score's section alone
    assert [label for label, text in shown.items() if text.startswith("£")] == [
        "Annual property cost", "Desk cost", "Fit-out (over 4 years)"]
    assert [r.section for r in figure_rows(f) if "penalty" in r.label.lower()] == [
        "Optimiser score (not money)"]


def test_kpi_rows_carry_the_same_figures():
    sc = scenario()
    rows = {r.label: format_value(r.value, r.unit)
            for r in kpi_rows(compute_kpis(sc, evaluate_plan(sc, {"E1": "S1"})))}
    assert rows["Annual property cost"] == "£4,000"
    assert rows["Service-user travel (person-km)"] == "60"
    assert rows["Optimiser score (points)"] == "1,009,120"
    assert rows["Needs not placed"] == "1"


def test_the_solver_finds_the_hand_plan():
    sc = scenario()
    result = solve_scenario(sc, time_limit_s=5)
    assert result.assignment == {"E1": "S1", "W1": None}
    assert result.objective == pytest.approx(SCORE)


def test_cli_summary_and_json_read_the_same_figures(tmp_path, capsys):
    from estates_planner.cli import main
    from estates_planner.project import new_project, save_project

    path = tmp_path / "case.gpkg"
    save_project(new_project(scenario().dataset, title="Hand case"), path)
    summary = tmp_path / "summary.json"
    assert main(["solve", str(path), "--summary", str(summary), "--no-save",
                 "--time-limit", "5"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Annual property cost\s+£4,000\n", out)
    assert re.search(r"Service-user travel\s+60 person-km\n", out)
    assert re.search(r"Needs not placed\s+1 need\n", out)
    assert re.search(r"Unplaced penalty\s+1,000,000 points\n", out)
    assert re.search(r"Optimiser score\s+1,009,120 points\n", out)
    assert "it is not money" in out
    # the only £ figures are money: the annual property cost and its two parts
    assert sorted(re.findall(r"£[\d,]+(?!\.\d\d per)", out)) == ["£2,000", "£2,000", "£4,000"]
    data = json.loads(summary.read_text())
    assert data["objective"] == pytest.approx(SCORE)
    assert data["annual_cost"] == pytest.approx(ANNUAL_COST)
    assert data["travel_person_km"] == pytest.approx(PERSON_KM)
    assert data["unplaced_count"] == 1
    assert data["unplaced_desks"] == 3
    assert data["terms"]["unplaced"] == pytest.approx(UNPLACED_PENALTY)


def test_cli_says_how_travel_is_measured_in_the_pdf_cover_words(tmp_path, capsys):
    from estates_planner.cli import main
    from estates_planner.project import new_project, save_project
    from estates_planner.report.content import build_report_content

    path = tmp_path / "case.gpkg"
    save_project(new_project(scenario().dataset, title="Hand case"), path)
    assert main(["solve", str(path), "--no-save", "--time-limit", "5"]) == 0
    err = capsys.readouterr().err
    assert "Journeys measured as straight lines (British National Grid)." in err
    sc = scenario()
    content = build_report_content(sc, evaluate_plan(sc, {"E1": "S1"}))
    assert "Journeys measured as straight lines (British National Grid)" in content.data_sources
    assert content.travel_text == "Journeys measured as straight lines (British National Grid)"
