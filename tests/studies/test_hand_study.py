"""The study on the hand case (see hand_case.py): which placements hold is known by hand."""

from __future__ import annotations

import math

import pytest
from studies.hand_case import hand_scenario

from estates_planner.project import new_project, open_project, save_project
from estates_planner.studies import (
    CHOSEN,
    StudySettings,
    adopt_candidate,
    draw_changes,
    run_study,
    store_study,
    stored_stability,
)


@pytest.fixture(scope="module")
def study():
    sc = hand_scenario()
    settings = StudySettings.from_scenario(sc)
    return sc, settings, run_study(sc, settings, inline=True)


def grown_samples(sc, settings) -> list[int]:
    """Samples in which N1 and N2 outgrow A's 50 desk-days: 7 desks x f rounded up, for 5
    days (N1) and 2 days (N2)."""
    def desk_days(k: int) -> int:
        f1, f2 = draw_changes(sc, settings, k).volume_factor[:2]
        return 5 * math.ceil(7 * f1) + 2 * math.ceil(7 * f2)

    return [k for k in range(settings.samples) if desk_days(k) > 50]


def test_the_full_site_s_cheaper_need_moves_exactly_when_volumes_grow(study):
    sc, settings, result = study
    grown = len(grown_samples(sc, settings))
    assert 0 < grown < settings.samples  # the seed gives both kinds of sample
    needs = result.needs.set_index("need_id")
    assert needs.loc["N1", "stability"] == 1.0
    assert needs.loc["N3", "stability"] == 1.0
    assert needs.loc["N2", "stability"] == pytest.approx(1 - grown / settings.samples)
    assert needs.loc["N2", "most_frequent_new_site"] == "B"
    assert needs.loc["N2", "moved_capacity"] == pytest.approx(grown / settings.samples)
    assert needs.loc["N2", "main_reason"] == "capacity"
    assert needs.loc["N1", "most_frequent_new_site"] == ""
    sites = result.sites.set_index("site_id")
    assert sites.loc["A", "over_capacity_share"] == pytest.approx(grown / settings.samples)
    assert sites.loc["A", "used_share"] == 1.0
    assert sites.loc["B", "used_share"] == pytest.approx(grown / settings.samples)
    assert sites.loc["C", "over_capacity_share"] == 0.0
    assert list(result.least_stable(1)["need_id"]) == ["N2"]


def test_moves_and_money_of_the_chosen_plan(study):
    sc, settings, result = study
    chosen = result.chosen
    assert chosen.name == CHOSEN
    # the plan: N1, N2 at A (7 x 5/5 + 7 x 2/5 desks x £1,000), N3 at C (5 x £1,000)
    assert chosen.plan_money == pytest.approx(7_000 + 2_800 + 5_000)
    grown = len(grown_samples(sc, settings))
    assert chosen.moves_mean == pytest.approx(grown / settings.samples)
    assert chosen.unplaced == (0.0, 0.0, 0.0)


def test_the_headroom_candidate_starts_with_n2_at_b(study):
    sc, settings, result = study
    [headroom] = [c for c in result.candidates if c.headroom_pct == 10.0]
    # A counted at 45 desk-days cannot hold 35 + 14: N2 goes to B (7 x 2/5 x £3,000)
    assert headroom.plan_money == pytest.approx(7_000 + 8_400 + 5_000)
    assert result.plans[headroom.name] == ("A", "B", "C")
    # it moves N2 back to A only where nothing grew (A then has room and is cheaper)
    assert headroom.moves_mean == pytest.approx(1 - len(grown_samples(sc, settings))
                                                / settings.samples)


def test_no_change_means_every_placement_holds():
    sc = hand_scenario(need_change_pct=0.0, samples=3)
    result = run_study(sc, StudySettings.from_scenario(sc), inline=True)
    assert list(result.needs["stability"]) == [1.0, 1.0, 1.0]
    assert list(result.sites["over_capacity_share"]) == [0.0, 0.0, 0.0]
    assert result.chosen.moves == (0.0, 0.0, 0.0)


def test_a_lost_site_is_the_reason_its_needs_move():
    sc = hand_scenario(need_change_pct=0.0, site_loss_prob=1.0, samples=2, headroom_pct=())
    result = run_study(sc, StudySettings.from_scenario(sc), inline=True)
    needs = result.needs.set_index("need_id")
    # every site is lost in every sample: nothing can stay, nothing can be placed
    assert list(needs["stability"]) == [0.0, 0.0, 0.0]
    assert needs.loc["N1", "main_reason"] == "site loss"
    assert needs.loc["N1", "most_frequent_new_site"] == "unplaced"
    assert result.chosen.unplaced == (3.0, 3.0, 3.0)


def test_the_study_is_saved_in_the_project_and_read_back(study, tmp_path):
    sc, settings, result = study
    project = new_project(sc.dataset, settings=sc.settings, scenario_name=sc.name)
    store_study(project, result)
    store_study(project, result)  # a second study of the scenario replaces the first
    save_project(project, tmp_path / "p.gpkg")
    again = open_project(tmp_path / "p.gpkg")
    assert stored_stability(again, sc.name) == pytest.approx(
        {"N1": 1.0, "N2": result.needs.set_index("need_id").loc["N2", "stability"],
         "N3": 1.0})
    assert len(again.tables["robustness_plans"]) == 2


def test_adopting_a_candidate_makes_a_scenario_with_its_plan(study):
    sc, settings, result = study
    new, plan = adopt_candidate(sc, result, "10 % headroom", "Hand with headroom")
    assert new.name == "Hand with headroom"
    assert "10 % capacity headroom" in new.description
    assert plan.assignment == {"N1": "A", "N2": "B", "N3": "C"}
    assert plan.terms["desk_cost"] == pytest.approx(7_000 + 8_400 + 5_000)
