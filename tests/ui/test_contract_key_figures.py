"""Key figures of a contract plan (issue 15) say which year they show, and cost a year with
that year's volumes from the ramp.

Hand case: one need N1 of 2 desks all week, caseload 10, 3 km from site A (£1,000 a desk);
ETE at half volume in year 1. Year 1: 1 desk, £1,000, 5 people x 3 km = 15 person-km;
year 2: 2 desks, £2,000, 30 person-km.
"""

from __future__ import annotations

import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "optimise"))
from plan_checker import make_scenario, need, site  # noqa: E402

from estates_planner.io.ramp import ramp_to_frame  # noqa: E402
from estates_planner.model import Lot  # noqa: E402
from estates_planner.ramp import Ramp, RampRow  # noqa: E402
from estates_planner.usecases.multiyear import plan_contract_in_project  # noqa: E402


def _project():
    from estates_planner.project import new_project

    scenario = make_scenario([site("A", 1000.0, x=3000.0, desks=2)],
                             [need("N1", desks=2, caseload=10.0)], go_live=date(2027, 4, 1),
                             travel_weight=1.0)
    project = new_project(scenario.dataset, title="Ramped")
    project.put_scenario(scenario.replace(name=project.scenario_names[0],
                                          dataset=project.dataset))
    project.tables["ramp"] = ramp_to_frame(Ramp((RampRow(Lot.ETE, "", "", 1,
                                                         Fraction(1, 2)),)))
    return project


def test_key_figures_name_the_year_shown_and_use_its_volumes(make_window):
    project = _project()
    window = make_window(project)
    run = plan_contract_in_project(project, window.workspace.current_name, years=2,
                                   time_limit_s=10.0)
    window.contract.finished(run)
    panel = window.kpi_panel
    _all_years_shown(panel)
    window.contract.selector.choose(1)
    assert panel.status.text().startswith("<b>Baseline</b> · <b>Year 1 (2027-28)</b>: optimal")
    assert "fit-out is charged once over the contract" in panel.status.text()
    rows = dict(panel.rows())
    assert rows["Desk cost"] == "£1,000"
    assert rows["Service-user travel"] == "15 person-km"
    window.contract.selector.choose(2)
    assert "<b>Year 2 (2028-29)</b>" in panel.status.text()
    rows = dict(panel.rows())
    assert rows["Desk cost"] == "£2,000"
    assert rows["Service-user travel"] == "30 person-km"
    window.contract.selector.choose(0)
    _all_years_shown(panel)


def _all_years_shown(panel):
    """All years: the contract's own figures, £1,000 + £2,000, 15 + 30 person-km; the score
    is the years' terms: 1,000 + 15 + 2,000 + 30 = 3,045 points."""
    assert panel.status.text().startswith(
        "<b>Baseline</b> · <b>All years</b>: the contract plan (optimal, 2 years).")
    assert panel.rows() == [
        ("Property cost", "£3,000"),
        ("Year 1 (2027-28)", "£1,000"),
        ("Year 2 (2028-29)", "£2,000"),
        ("Over the contract", "45 person-km"),
        ("Placed", "2 need-years"),
        ("Not placed", "0 need-years"),
        ("Moves between years", "0 moves"),
        ("Total score", "3,045 points"),
    ]


def test_a_one_year_scenario_names_no_year(make_window, project):
    window = make_window(project)
    assert "·" not in window.kpi_panel.status.text()
    assert window.workspace.shown_label() == ""
