"""Sampled futures: pure functions of (scenario, settings, index), drawn as the issue says."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from studies.hand_case import hand_scenario

from estates_planner.io.settings_toml import read_settings, settings_from_dict, write_settings
from estates_planner.model import Settings
from estates_planner.studies import StudySettings, draw_changes
from estates_planner.studies.samples import _months_later, sample_scenario


def test_the_same_index_draws_the_same_sample_and_others_differ():
    sc = hand_scenario()
    study = StudySettings.from_scenario(sc)
    assert draw_changes(sc, study, 3) == draw_changes(sc, study, 3)
    assert draw_changes(sc, study, 3).volume_factor != draw_changes(sc, study, 4).volume_factor
    other_seed = dataclasses.replace(study, seed=8)
    assert draw_changes(sc, other_seed, 3).volume_factor \
        != draw_changes(sc, study, 3).volume_factor


def test_volumes_scale_within_the_spread_and_desks_round_up():
    sc = hand_scenario()
    study = StudySettings.from_scenario(sc)
    for k in range(20):
        changes = draw_changes(sc, study, k)
        sample = sample_scenario(sc, changes, None)
        for before, after, f in zip(sc.dataset.needs, sample.dataset.needs,
                                    changes.volume_factor, strict=True):
            assert 0.8 <= f <= 1.2
            # 7 desks x 1.05 = 7.35 desks: 8 desks are needed
            assert after.desks == -(-before.desks * f // 1)
            assert after.caseload == pytest.approx(before.caseload * f)
            assert after.interview_rooms == before.interview_rooms


def test_late_needs_copy_a_need_and_sites_slip_or_drop_out():
    sc = hand_scenario(late_need_rate=1.0, site_loss_prob=1.0)
    # every site of the hand case is available now: none can slip
    sc = sc.with_settings(site_delay_prob=1.0, go_live=date(2027, 4, 1))
    changes = draw_changes(sc, StudySettings.from_scenario(sc), 0)
    assert len(changes.late_copies) == 3  # rate 1: one late need per need
    assert changes.delayed_sites == frozenset()
    assert changes.lost_sites == {0, 1, 2}
    sample = sample_scenario(sc, changes, None)
    late = sample.dataset.needs[3:]
    for k, (need, i) in enumerate(zip(late, changes.late_copies, strict=True)):
        original = sample.dataset.needs[i]
        assert need.need_id == f"{original.need_id}+late{k}"
        assert (need.pdu, need.lot, need.desks) == (original.pdu, original.lot, original.desks)
    assert sample.closed_sites == {"A", "B", "C"}


def test_a_site_not_yet_available_slips_six_months_past_go_live():
    sc = hand_scenario(site_delay_prob=1.0)
    sites = list(sc.dataset.sites)
    # A opens 2027-01-15: six months later (2027-07-15) is after go-live 2027-04-01
    sites[0] = dataclasses.replace(sites[0], available_from=date(2027, 1, 15))
    # B opens 2026-06-01: six months later is still before go-live
    sites[1] = dataclasses.replace(sites[1], available_from=date(2026, 6, 1))
    sc = sc.replace(dataset=dataclasses.replace(sc.dataset, sites=tuple(sites)),
                    settings=sc.settings.replace(go_live=date(2027, 4, 1)))
    changes = draw_changes(sc, StudySettings.from_scenario(sc), 0)
    assert changes.delayed_sites == {0}
    sample = sample_scenario(sc, changes, None)
    assert sample.dataset.sites[0].available_from == date(2027, 7, 15)


def test_months_later_keeps_the_day_or_takes_the_months_last():
    assert _months_later(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert _months_later(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert _months_later(date(2027, 9, 30), 6) == date(2028, 3, 30)


def test_study_settings_round_trip_through_toml(tmp_path):
    settings = Settings(samples=40, seed=9, need_change_pct=10.0, late_need_rate=0.1,
                        site_delay_prob=0.3, site_loss_prob=0.01, sample_work_limit=1.5,
                        headroom_pct=(5.0, 12.5))
    write_settings(settings, tmp_path / "s.toml")
    assert "headroom_pct = [5.0, 12.5]" in (tmp_path / "s.toml").read_text()
    assert read_settings(tmp_path / "s.toml") == settings
    study = StudySettings.from_scenario(hand_scenario().replace(settings=settings), samples=3)
    assert (study.samples, study.seed, study.headroom_pct) == (3, 9, (5.0, 12.5))


def test_bad_study_settings_are_named():
    with pytest.raises(Exception) as err:
        settings_from_dict({"samples": 0, "site_loss_prob": 1.5, "need_change_pct": 100,
                            "headroom_pct": [5, "ten"], "seed": -1})
    text = str(err.value)
    for expected in ("'samples': expected a whole number ≥ 1, got 0",
                     "'site_loss_prob': expected a share from 0 to 1, got 1.5",
                     "'need_change_pct': expected a percentage below 100, got 100",
                     "'headroom_pct': expected a list of percentages",
                     "'seed': expected a whole number ≥ 0, got -1"):
        assert expected in text
