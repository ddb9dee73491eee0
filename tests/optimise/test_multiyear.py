"""The contract plan (issue 15) on hand cases whose optimum is worked out here.

Every case has one region, one PDU and all weights off except those it is about (see
plan_checker.ZERO_WEIGHTS); a need of 1 desk for 5 days costs the site's annual cost per desk
in a year. The contract starts on 2027-04-01, so year 2 ends on 2029-03-31 and year 3 begins
on 2029-04-01. Each result is also checked by the independent multi-year checker.
"""

from __future__ import annotations

import time
from datetime import date
from fractions import Fraction

import numpy as np
import pytest
from multiyear_checker import contract_breaches, contract_objective
from plan_checker import make_scenario, need, site

from estates_planner.model import Lot
from estates_planner.optimise.multiyear import solve_contract
from estates_planner.ramp import Ramp, RampRow

START = date(2027, 4, 1)
END_OF_YEAR_2 = date(2029, 3, 31)
START_OF_YEAR_3 = date(2029, 4, 1)
LIMIT_S = 10.0


def _solve(scenario, ramp=None, shares=None, years=4):  # noqa: ANN001, ANN202
    result = solve_contract(scenario, ramp, years=years, time_limit_s=LIMIT_S)
    plans = [result.plan(k) for k in range(1, years + 1)]
    assert contract_breaches(scenario, shares or {}, plans) == []
    checked = contract_objective(scenario, shares or {}, plans)
    assert result.objective == pytest.approx(checked["total"], abs=1e-6)
    for k, y in enumerate(result.years, start=1):
        assert y.objective == pytest.approx(checked[f"year {k}"], abs=1e-6)
    return result, plans


def _sites_of(plans, need_id):  # noqa: ANN001, ANN202
    return [p.get(need_id) for p in plans]


def _lease_case(move_penalty: float, **settings):  # noqa: ANN003, ANN202
    """A cheap site whose lease ends after year 2 (£1,000 a desk) and a dear open-ended one
    (£3,000), one need of 1 desk all week."""
    sites = [site("A", 1000.0, desks=1), site("B", 3000.0, desks=1)]
    sites[0] = sites[0].__class__(**{**_fields(sites[0]), "available_until": END_OF_YEAR_2})
    return make_scenario(sites, [need("N1")], go_live=START, move_penalty=move_penalty,
                         **settings)


def _fields(obj) -> dict:  # noqa: ANN001
    return {f: getattr(obj, f) for f in obj.__dataclass_fields__}


def test_a_lease_ending_after_year_2_is_worth_moving_out_of():
    # A, A, B, B: 1,000 + 1,000 + 3,000 + 3,000 + one move 500 = 8,500 < B throughout 12,000
    result, plans = _solve(_lease_case(move_penalty=500.0))
    assert _sites_of(plans, "N1") == ["A", "A", "B", "B"]
    assert result.objective == pytest.approx(8500.0)
    assert [(m.need_id, m.year, m.from_site, m.to_site) for m in result.moves] == \
        [("N1", 3, "A", "B")]
    assert result.status == "optimal"


def test_a_large_move_penalty_makes_staying_elsewhere_from_the_start_cheaper():
    # A, A, B, B: 8,000 + 5,000 = 13,000 > B throughout: 12,000
    result, plans = _solve(_lease_case(move_penalty=5000.0))
    assert _sites_of(plans, "N1") == ["B", "B", "B", "B"]
    assert result.objective == pytest.approx(12000.0)
    assert result.moves == ()


def test_keep_sites_across_years_forbids_the_move():
    # the 500 move that pays without the switch is not allowed: B throughout, 12,000
    result, plans = _solve(_lease_case(move_penalty=500.0, keep_sites_across_years=True))
    assert _sites_of(plans, "N1") == ["B", "B", "B", "B"]
    assert result.objective == pytest.approx(12000.0)


def test_a_cheaper_office_opening_in_year_3():
    # N opens on the first day of year 3: £1,000 a desk + fit-out 1,500 once; A £3,000.
    # A, A, N, N: 3,000 + 3,000 + 1,000 + 1,000 + 1,500 + move 1,000 = 10,500 < 12,000
    new = site("N", 1000.0, desks=1, fit_out=1500.0, available_from=START_OF_YEAR_3)
    sc = make_scenario([site("A", 3000.0, desks=1), new], [need("N1")], go_live=START,
                       move_penalty=1000.0)
    result, plans = _solve(sc)
    assert _sites_of(plans, "N1") == ["A", "A", "N", "N"]
    assert result.fit_out_once == pytest.approx(1500.0)
    assert result.objective == pytest.approx(10500.0)
    assert result.moves[0].year == 3


def test_capacity_binds_only_from_year_3_of_the_ramp():
    # two needs of 2 desks all week at half volume in years 1-2 (ceil(2 x 0.5) = 1 desk
    # each): both fit A's 2 desks. At full volume (years 3-4) only one fits; the other goes
    # to B. Years 1-2: 2 x 1,000 each; years 3-4: 2 x 1,000 + 2 x 2,000 = 6,000 each; moving
    # one need in year 3 (300) beats putting it at B from the start (2 x 1,000 more).
    ramp = Ramp(tuple(RampRow(Lot.ETE, "", "", y, Fraction(1, 2)) for y in (1, 2)))
    shares = {(n, y): Fraction(1, 2) for n in ("N1", "N2") for y in (1, 2)}
    sc = make_scenario([site("A", 1000.0, desks=2), site("B", 2000.0, desks=4)],
                       [need("N1", desks=2), need("N2", desks=2)], go_live=START,
                       move_penalty=300.0)
    result, plans = _solve(sc, ramp, shares)
    assert plans[0] == {"N1": "A", "N2": "A"} and plans[1] == plans[0]
    assert sorted(plans[2].values()) == ["A", "B"] and plans[3] == plans[2]
    assert result.objective == pytest.approx(2000 + 2000 + 6000 + 6000 + 300)
    assert len(result.moves) == 1 and result.moves[0].year == 3


def test_fit_out_is_charged_once_for_a_site_used_in_years_2_to_4():
    # the need starts in year 2 (share 0 in year 1). F: £1,000 a desk + 4,000 fit-out once
    # = 7,000 over years 2-4; G: £2,500 a desk = 7,500. Amortised fit-out would be wrong.
    ramp = Ramp((RampRow(Lot.ETE, "", "N1", 1, Fraction(0)),))
    sc = make_scenario([site("F", 1000.0, desks=1, fit_out=4000.0), site("G", 2500.0, desks=1)],
                       [need("N1")], go_live=START)
    result, plans = _solve(sc, ramp, {("N1", 1): Fraction(0)})
    assert plans[0] == {}
    assert _sites_of(plans[1:], "N1") == ["F", "F", "F"]
    assert result.fit_out_once == pytest.approx(4000.0)
    assert [y.result.terms["fit_out"] for y in result.years] == [0.0] * 4
    assert result.objective == pytest.approx(7000.0)
    assert result.fit_out_sites == ("F",)


def test_the_comparisons_are_priced_with_the_same_objective():
    # lease case, move penalty 500: year by year puts N1 at A in years 1-2 then B
    # (8,500, the optimum here); final year kept puts it at B throughout (12,000)
    result, _ = _solve(_lease_case(move_penalty=500.0))
    assert result.comparison["year_by_year"].objective == pytest.approx(8500.0)
    assert result.comparison["final_year_kept"].objective == pytest.approx(12000.0)
    assert result.saving_against("final_year_kept") == pytest.approx((3500.0, 3500.0 / 12000))
    assert result.saving_against("year_by_year") == pytest.approx((0.0, 0.0))


def test_year_by_year_pays_for_its_short_sight():
    # N1 needs 2 desks all week from year 3, 1 desk in years 1-2. C: £1,000 a desk, one desk,
    # fit-out 2,500; B: £3,600 a desk, two desks. Year 1 alone takes C (1,000 + 2,500 <
    # 3,600), year 2 stays (1,000), year 3 must move to B: 2 x 3,600 x 2 years + the move
    # 8,000: 1,000 + 1,000 + 2,500 + 14,400 + 8,000 = 26,900. Planned together: B
    # throughout, 3,600 + 3,600 + 7,200 + 7,200 = 21,600 (the final year's plan kept too).
    ramp = Ramp(tuple(RampRow(Lot.ETE, "", "", y, Fraction(1, 2)) for y in (1, 2)))
    sc = make_scenario([site("B", 3600.0, desks=2), site("C", 1000.0, desks=1, fit_out=2500.0)],
                       [need("N1", desks=2)], go_live=START, move_penalty=8000.0)
    shares = {("N1", y): Fraction(1, 2) for y in (1, 2)}
    result, plans = _solve(sc, ramp, shares)
    assert _sites_of(plans, "N1") == ["B", "B", "B", "B"]
    assert result.objective == pytest.approx(21600.0)
    assert result.comparison["year_by_year"].objective == pytest.approx(26900.0)
    assert result.comparison["final_year_kept"].objective == pytest.approx(21600.0)
    assert result.saving_against("year_by_year") == pytest.approx((5300.0, 5300.0 / 26900))


def test_a_cancelled_contract_plan_comes_back_complete_and_says_so():
    import threading

    cancel = threading.Event()
    cancel.set()
    sc = _lease_case(move_penalty=500.0)
    result = solve_contract(sc, years=4, time_limit_s=10.0, cancel=cancel)
    assert result.status == "cancelled"
    plans = [result.plan(k) for k in range(1, 5)]
    assert contract_breaches(sc, {}, plans) == []
    assert all(set(p) == {"N1"} for p in plans)  # every active need has a row each year


def test_the_years_bounded_alone_bound_the_part(monkeypatch):
    # with no joint round at all (its time share 0), the bound comes from the years alone:
    # the lease case's years alone at their best are A, A, B, B = 8,000 (moves left out),
    # a valid bound below the optimum 8,500
    from estates_planner.optimise.multiyear import search

    real = search.JointPartModel.solve

    def no_plan(self, **kwargs):  # noqa: ANN001, ANN003, ANN202
        kwargs["time_limit_s"] = 0.0
        outcome = real(self, **kwargs)
        outcome.objective, outcome.status, outcome.bound = None, "unknown", 0.0
        return outcome

    monkeypatch.setattr(search.JointPartModel, "solve", no_plan)
    result = solve_contract(_lease_case(move_penalty=500.0), years=4, time_limit_s=3.0)
    assert result.bound == pytest.approx(8000.0)
    assert result.objective == pytest.approx(8500.0)  # the year-by-year plan, kept
    assert result.status == "feasible"


def test_a_lease_end_counts_only_in_a_contract_year():
    # a single-year plan (no period_end) ignores available_until, as before it existed; a
    # contract year ending after the lease rules the site out (R7), in both twins
    from estates_planner.optimise.candidates import allowed_pairs, candidate_distances
    from estates_planner.optimise.rules import pair_blocks

    sc = _lease_case(move_penalty=0.0)
    a, n1 = sc.dataset.site("A"), sc.dataset.need("N1")
    assert allowed_pairs(sc, candidate_distances(sc))[0].tolist() == [True, True]
    assert pair_blocks(sc, n1, a, 0.0) == []
    for end, allowed in ((date(2029, 3, 31), True), (date(2030, 3, 31), False)):
        year = sc.replace(period_end=end)
        assert allowed_pairs(year, candidate_distances(year))[0].tolist() == [allowed, True]
        blocks = pair_blocks(year, n1, a, 0.0)
        assert [b.rule for b in blocks] == ([] if allowed else ["R7"])
    assert str(pair_blocks(sc.replace(period_end=date(2030, 3, 31)), n1, a, 0.0)[0]) == \
        "R7: Site A's lease ends on 2029-03-31, before 2030-03-31"


def test_moves_against_the_baseline_count_in_year_1():
    # the baseline has N1 at B. Move penalty 2,500: A, A, B, B costs 8,000 + 2,500 (year 1
    # away from the baseline) + 2,500 (back to B in year 3) = 13,000 > B throughout, 12,000
    sc = _lease_case(move_penalty=2500.0).replace(baseline={"N1": "B"})
    result, plans = _solve(sc)
    assert _sites_of(plans, "N1") == ["B", "B", "B", "B"]
    assert result.objective == pytest.approx(12000.0)
    # move penalty 500: 8,000 + 500 + 500 = 9,000 < 12,000; year 1 carries the baseline move
    sc = _lease_case(move_penalty=500.0).replace(baseline={"N1": "B"})
    result, plans = _solve(sc)
    assert _sites_of(plans, "N1") == ["A", "A", "B", "B"]
    assert result.years[0].result.terms["moves"] == pytest.approx(500.0)
    assert result.objective == pytest.approx(9000.0)


def test_a_year_bound_stopped_while_built_is_skipped(monkeypatch):
    from estates_planner.errors import CancelledError
    from estates_planner.optimise.multiyear import search

    real = search.JointPartModel.solve

    def no_plan(self, **kwargs):  # noqa: ANN001, ANN003, ANN202
        outcome = real(self, **{**kwargs, "time_limit_s": 0.0})
        outcome.objective, outcome.status, outcome.bound = None, "unknown", 0.0
        return outcome

    def stopped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise CancelledError("stopped while building the model")

    monkeypatch.setattr(search.JointPartModel, "solve", no_plan)
    monkeypatch.setattr(search, "PartModel", stopped)
    result = solve_contract(_lease_case(move_penalty=500.0), years=4, time_limit_s=2.0)
    assert result.objective == pytest.approx(8500.0)  # the starting plan, kept
    assert result.bound == pytest.approx(8000.0)  # searchless: each year at its cheapest
    assert result.status == "feasible"


def test_strict_mode_names_the_need_and_year_no_site_can_take():
    from estates_planner.errors import InfeasibleError

    # only A, whose lease ends after year 2: N1 has no site in years 3 and 4
    sc = make_scenario([site("A", 1000.0, desks=1)], [need("N1")], go_live=START,
                       strict=True)
    a = sc.dataset.sites[0]
    sc = sc.replace(dataset=sc.dataset.__class__(
        (a.__class__(**{**_fields(a), "available_until": END_OF_YEAR_2}),), sc.dataset.needs))
    with pytest.raises(InfeasibleError, match="no site may take N1 in year 3"):
        solve_contract(sc, years=4, time_limit_s=5.0)


def test_whole_pdu_moves_improve_a_plan_by_exact_amounts():
    # two PDUs' needs start at the dear site B (£3,000) in all 3 years; re-placing each PDU
    # alone moves it to A (£1,000, room for both): 2 needs x 3 years x 1,000 + a location
    # (100) per PDU and year = 6,600, where B throughout cost 18,600
    import time

    import numpy as np

    from estates_planner.optimise.multiyear.model import MultiYearModel
    from estates_planner.optimise.multiyear.search import ContractSearch, part_rows
    from estates_planner.optimise.progress import StopWatcher

    sc = make_scenario([site("A", 1000.0, desks=2), site("B", 3000.0, desks=2)],
                       [need("N1", pdu="P1"), need("N2", pdu="P2")], go_live=START,
                       move_penalty=500.0, location_penalty=100.0)
    model = MultiYearModel(sc, None, 3)
    data = model.data
    start = [np.full(len(r), 1, dtype=np.int64) for r in data.base_rows]  # all at B
    deadline = time.perf_counter() + 20.0
    search = ContractSearch(data, model.candidates, model.parts,
                            part_rows(data, model.parts), start, deadline=deadline,
                            cancel=None, workers=1)
    search.best[0].objective = 18600.0
    with StopWatcher(None, deadline) as watcher:
        search.watcher = watcher
        search._improve(0, time.perf_counter() + 10.0)
    sites = [s.site_id for s in sc.dataset.sites]
    plans = [{n.need_id: sites[j] for n, j in zip(data.scenarios[k].dataset.needs,
                                                   search.plan[k].tolist(), strict=True)}
             for k in range(3)]
    assert plans == [{"N1": "A", "N2": "A"}] * 3
    assert contract_objective(sc, {}, plans)["total"] == pytest.approx(6600.0)
    assert search.best[0].objective == pytest.approx(6600.0)


def _left_out_case(keep: bool):  # noqa: ANN202
    """A (£1,000 a desk) and B (£2,000), 1 desk each; N1 and N2 of 1 desk all week. Year 1:
    N1 at B, N2 at A. Year 2: N2 at B, N1 left out (a plan cut short)."""
    from estates_planner.optimise.multiyear.joint import year_candidates
    from estates_planner.optimise.multiyear.pricing import ContractData

    sc = make_scenario([site("A", 1000.0, desks=1), site("B", 2000.0, desks=1)],
                       [need("N1"), need("N2")], go_live=START, move_penalty=500.0,
                       unplaced_penalty=100_000.0, keep_sites_across_years=keep)
    data = ContractData.build(sc, Ramp(), 2)
    candidates = [year_candidates(a) for a in data.arrays]
    return data, candidates, [np.array([1, 0]), np.array([-1, 1])]


def test_a_need_left_out_in_a_year_goes_where_it_fits_and_may_keep_its_site():
    from estates_planner.optimise.multiyear.left_out import place_left_out_by_year

    data, candidates, plan = _left_out_case(keep=False)
    placed = place_left_out_by_year(data, candidates, plan, time.perf_counter() + 5)
    # B, its year-1 site, is taken by N2: A has room (a move, 500, and 1,000 < 100,000)
    assert [p.tolist() for p in placed] == [[1, 0], [0, 1]]
    assert plan[1].tolist() == [-1, 1]  # the plan given is not changed
    data, candidates, plan = _left_out_case(keep=True)
    placed = place_left_out_by_year(data, candidates, plan, time.perf_counter() + 5)
    # keeping sites: N1 may only be at B, which is full: it stays out
    assert [p.tolist() for p in placed] == [[1, 0], [-1, 1]]
    # both left out in year 2: each goes back to its year-1 site (no moves), though N1, the
    # first placed, would otherwise take the cheaper A and send N2 to B (two moves)
    data, candidates, _ = _left_out_case(keep=False)
    placed = place_left_out_by_year(data, candidates, [plan[0], np.array([-1, -1])],
                                    time.perf_counter() + 5)
    assert placed[1].tolist() == [1, 0]
