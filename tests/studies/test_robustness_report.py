"""The "Robustness to late changes" section: its Qt-free rows and its text in the PDF."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from studies.hand_case import hand_scenario

from estates_planner.report.robustness import percentiles, robustness_content


def test_percentiles_interpolate_between_samples():
    # 5 values: P10 sits 0.4 of the way from 100 to 200, P90 0.6 of the way from 400 to 500
    assert percentiles([500, 100, 300, 200, 400]) == pytest.approx((140.0, 300.0, 460.0))


def _tables():
    plans = pd.DataFrame([
        {"scenario": "S", "candidate": "chosen", "headroom_pct": 0.0, "samples": 5, "seed": 7,
         "money_p10": 140.0, "money_p50": 300.0, "money_p90": 460.0,
         "moves_p10": 0.0, "moves_p50": 1.0, "moves_p90": 2.6,
         "unplaced_p10": 0.0, "unplaced_p50": 0.0, "unplaced_p90": 1.0, "score_mean": 12345.0},
        {"scenario": "S", "candidate": "headroom 10 %", "headroom_pct": 10.0, "samples": 5,
         "seed": 7, "money_p10": 150.0, "money_p50": 1320.0, "money_p90": 480.0,
         "moves_p10": 0.0, "moves_p50": 0.0, "moves_p90": 1.0,
         "unplaced_p10": 0.0, "unplaced_p50": 0.0, "unplaced_p90": 0.0, "score_mean": 99.0},
        {"scenario": "Other", "candidate": "chosen", "headroom_pct": 0.0, "samples": 9,
         "seed": 1, **{f"{k}_p{p}": 0.0 for k in ("money", "moves", "unplaced")
                       for p in (10, 50, 90)}, "score_mean": 0.0}])
    needs = pd.DataFrame([
        {"scenario": "S", "need_id": "N1", "provider": "Acme", "site_id": "A",
         "stability": 0.4, "most_frequent_new_site": "B", "main_reason": "over_capacity"},
        {"scenario": "S", "need_id": "N2", "provider": "Acme", "site_id": "A",
         "stability": 1.0, "most_frequent_new_site": "", "main_reason": ""}])
    sites = pd.DataFrame([
        {"scenario": "S", "site_id": "A", "site_name": "Alpha", "used_share": 1.0,
         "p90_desk_use_pct": 112.0, "over_capacity_share": 0.6},
        {"scenario": "S", "site_id": "B", "site_name": "Beta", "used_share": 0.4,
         "p90_desk_use_pct": 30.0, "over_capacity_share": 0.0}])
    return {"robustness_plans": plans, "robustness_needs": needs, "robustness_sites": sites}


def test_content_rows_money_in_pounds_score_in_points():
    c = robustness_content(SimpleNamespace(tables=_tables()), "S")
    assert (c.samples, c.seed) == (5, 7)
    assert c.plan_rows[0] == ["Property cost a year (£)", "£140", "£300", "£460"]
    assert c.plan_rows[1] == ["Needs moved", "0", "1", "2.6"]
    # only the need that moves, with site names and the reason in words
    assert c.least_stable == [["N1", "Acme", "Alpha", "40%", "Beta", "over capacity"]]
    assert c.over_capacity == [["Alpha (A)", "60%", "112 %"]]
    assert c.candidates[1] == ["headroom 10 %", "10 %", "£1,320", "0", "0", "99 pts"]


def test_no_study_no_content():
    assert robustness_content(SimpleNamespace(tables={}), "S") is None
    assert robustness_content(SimpleNamespace(tables=_tables()), "Missing") is None


def test_pdf_has_the_section_only_with_a_study(tmp_path, qapp):
    from pypdf import PdfReader

    from estates_planner.optimise.solver import solve_scenario
    from estates_planner.project import new_project
    from estates_planner.render.pdf.document import PdfOptions
    from estates_planner.render.site_plan import write_site_plan
    from estates_planner.studies import StudySettings, run_study, store_study

    sc = hand_scenario(samples=4)
    project = new_project(sc.dataset, settings=sc.settings, scenario_name=sc.name)
    project.results[sc.name] = solve_scenario(sc)

    def text(layout: str) -> str:
        path = tmp_path / f"{layout}.pdf"
        write_site_plan(project, sc.name, path, PdfOptions(layout=layout))
        return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())

    assert "Robustness to late changes" not in text("summary")
    result = run_study(sc, StudySettings.from_scenario(sc), inline=True)
    store_study(project, result)
    for layout in ("summary", "full"):
        words = text(layout)
        assert "Robustness to late changes" in words
        assert "Candidate plans compared" in words
        assert f"£{result.chosen.money[1]:,.0f}" in words


def test_table_names_agree_with_the_study():
    from estates_planner.report import robustness as report
    from estates_planner.studies import aggregate

    assert (report.NEEDS_TABLE, report.SITES_TABLE, report.PLANS_TABLE) == \
        (aggregate.NEEDS_TABLE, aggregate.SITES_TABLE, aggregate.PLANS_TABLE)
