"""The PDF's "Contract years" section (issue 15) on the hand case of tests/contract_case.py:
terms by year in points, property cost by year in £, the comparison, occupancy and moves."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from contract_case import contract_project

from estates_planner.optimise import evaluate_plan
from estates_planner.usecases.multiyear import plan_contract_in_project

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")


def _text(pdf) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    return " ".join(out.split())


def _planned_project():
    project = contract_project()
    name = project.scenario_names[0]
    plan_contract_in_project(project, name, years=2, time_limit_s=10.0)
    scenario = project.scenario(name)
    project.results[name] = evaluate_plan(scenario, {"N1": "A"})
    return project, name


def _write(project, name, path, layout):
    from estates_planner.render.site_plan import PdfOptions, write_site_plan

    write_site_plan(project, name, path, PdfOptions(created=date(2026, 11, 25), layout=layout))
    return _text(path)


@pytest.mark.parametrize("layout", ["full", "summary"])
def test_contract_section_in_both_layouts(qapp, tmp_path, layout):
    project, name = _planned_project()
    text = _write(project, name, tmp_path / "plan.pdf", layout)
    start = text.index("Contract years 2 contract years")
    section = text[start:text.index("Two contract years ·", start)]  # to the page's footer
    assert "optimiser score 4,500 pts over the horizon, 1 moves between years" in section
    # property cost in £: 1,000 in year 1, 3,000 in year 2, 4,000 in total
    assert "£1,000 £3,000 £4,000" in section
    # the comparison: the final year kept (B throughout) scores 6,000, saving 1,500 (25 %)
    assert "6,000 pts 1,500 pts 25.0 %" in section
    assert "Year 2 N1 Site A → Site B Site A's lease ends on 2028-03-31" in section
    assert ("Site A 5/5 closed" in section) is (layout == "full")
    assert ("Site B 0/5 5/5" in section) is (layout == "full")
    pounds = [w for w in section.split() if w.startswith("£")]
    assert pounds == ["£1,000", "£3,000", "£4,000"]


def test_no_contract_plan_no_section(qapp, tmp_path):
    project = contract_project()
    name = project.scenario_names[0]
    project.results[name] = evaluate_plan(project.scenario(name), {"N1": "A"})
    assert "Contract years" not in _write(project, name, tmp_path / "plan.pdf", "summary")
