"""The daily rule solved assignment first with rota cuts (optimise/rota_cuts.py).

Each case is worked out by hand and checked against the brute force of ``plan_checker``
(every assignment, every rota). The loop is called directly, so that the test also sees
which cuts it needed; the solver's own use of it is checked at the end.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from plan_checker import brute_force, check_plan, make_scenario, need, site

from estates_planner.model import Lot
from estates_planner.optimise import solve_scenario
from estates_planner.optimise.rota import build_rota
from estates_planner.optimise.rota_start import solve_with_rota_cuts
from estates_planner.optimise.solver import AllocationModel, _Run


def run_cuts(sc):  # noqa: ANN001, ANN201
    """The rota-cut loop on the scenario's one part, from the greedy start."""
    model = AllocationModel(sc)
    run = _Run(model, 10, None, None, None, 1, 0.0)
    start = run._hint()
    assert len(model.components) == 1
    part = model.components[0]
    out = solve_with_rota_cuts(
        model.arrays, part, model.candidates, start, until=time.perf_counter() + 10,
        should_stop=lambda: False, register=lambda s: None, unregister=lambda s: None,
        price=lambda p: run._part_objectives(p, [part])[0])
    sites = sc.dataset.sites
    plan = {n.need_id: None if out.plan[i] < 0 else sites[int(out.plan[i])].site_id
            for i, n in enumerate(sc.dataset.needs)}
    return out, plan, model


def test_pairs_that_cannot_meet_need_no_cut() -> None:
    # the example: two needs of 8 desks on 3 days; S has 10 desks a day, F costs
    # three times as much. Any two sets of 3 weekdays meet, when 16 desks would be needed:
    # the master's pairwise row ("never both at S") settles it in the first solve
    sc = make_scenario([site("S", 1000, desks=10, rooms=0),
                        site("F", 3000, desks=10, rooms=0, x=20_000)],
                       [need("A", desks=8, days=3), need("B", desks=8, days=3)])
    out, plan, _ = run_cuts(sc)
    assert out.proven and out.rounds == 1 and out.cuts == 0
    assert sorted(plan.values()) == ["F", "S"]
    # 8 x 3/5 x 1,000 at S and 8 x 3/5 x 3,000 at F
    assert out.objective == pytest.approx(4800 + 14_400)
    assert brute_force(sc)[0] == pytest.approx(out.objective)


def test_a_site_with_no_rota_is_cut_off_and_the_optimum_proven() -> None:
    # a and b (6 desks, 2 days) never share a day at S (12 > 10), nor does c (5 desks, 2
    # days) with either (11 > 10): four of the five days go to a and b, one is left for c's
    # two. No pair must meet (2 + 2 days) and the weekly total fits (34 of 50 desk-days), so
    # no row of the master sees it: the check finds S has no rota and cuts {a, b, c} at S.
    # Cheapest repair: c to F, 5 x 2/5 x (3,000 - 1,000) = 4,000 more (a or b: 4,800).
    sc = make_scenario([site("S", 1000, desks=10, rooms=0),
                        site("F", 3000, desks=10, rooms=0, x=20_000)],
                       [need("a", desks=6, days=2), need("b", desks=6, days=2),
                        need("c", desks=5, days=2)])
    out, plan, _ = run_cuts(sc)
    assert out.proven
    assert out.cuts == 1 and out.rounds == 2
    assert plan == {"a": "S", "b": "S", "c": "F"}
    assert out.objective == pytest.approx(2400 + 2400 + 6000)
    assert out.bound == pytest.approx(out.objective, abs=1)
    assert brute_force(sc)[0] == pytest.approx(out.objective)


def same_day_case(cost_b: float):  # noqa: ANN201
    """A wellbeing need W and its PDU's ETE need E (4 desks, 2 days each) fit one day at A
    (10 desks) together, but not beside F (3 desks every day, another PDU): 11 > 10. F can
    go to B at ``cost_b`` a desk instead of 1,000."""
    sites = [site("A", 1000, desks=10, rooms=0), site("B", cost_b, desks=10, rooms=0,
                                                      x=30_000)]
    needs = [need("W", Lot.WELLBEING, desks=4, days=2),
             need("E", Lot.ETE, desks=4, days=2),
             need("F", Lot.ETE, desks=3, days=5, pdu="P2")]
    return make_scenario(sites, needs, same_day_bonus=2000.0)


@pytest.mark.parametrize("cost_b, f_site", [(1500.0, "B"), (2000.0, "A")])
def test_a_same_day_bonus_no_rota_gives_is_cut_off(cost_b: float, f_site: str) -> None:
    # the master first credits W's shared day with F at A as well (W and E fit one day
    # together); the rota cannot give it (3 + 4 + 4 > 10), so a same-day cut follows.
    # F at B costs 3 x (cost_b - 1,000) more a year: 1,500 < the 2,000 bonus, so F moves;
    # 3,000 > 2,000, so F stays and W goes without the shared day.
    sc = same_day_case(cost_b)
    out, plan, model = run_cuts(sc)
    assert out.proven
    assert out.cuts >= 1
    assert plan == {"W": "A", "E": "A", "F": f_site}
    desks = 4 * 2 / 5 * 1000 * 2  # W and E at A
    f_cost = 3 * cost_b if f_site == "B" else 3 * 1000
    bonus = 2000.0 if f_site == "B" else 0.0
    assert out.objective == pytest.approx(desks + f_cost - bonus)
    assert brute_force(sc)[0] == pytest.approx(out.objective)
    rota = build_rota(model.arrays, out.plan)
    assert bool(rota.same_day[0]) == (f_site == "B")


def test_the_solver_proves_with_the_cuts_and_reports_them() -> None:
    sc = same_day_case(1500.0)
    result = solve_scenario(sc, time_limit_s=10, workers=1)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(brute_force(sc)[0])
    check_plan(sc, result)
    assert any("rota cuts" in m for m in result.messages if m.startswith("Bounds by part"))


def test_the_master_is_a_relaxation_of_the_daily_rule() -> None:
    # the master's rows without any cut: its optimum is at most the daily optimum (here the
    # same-day case, where it is strictly less: it credits the bonus no rota gives)
    from estates_planner.optimise.cpsat_part import PENCE, PartModel

    sc = same_day_case(2000.0)
    model = AllocationModel(sc)
    run = _Run(model, 10, None, None, None, 1, 0.0)
    pm = PartModel(model.arrays, model.components[0], model.candidates, run._hint(),
                   lambda: False, daily=False, relaxed_days=True)
    out = pm.solve(time_limit_s=5, workers=1, relative_gap=0.0, register=lambda s: None,
                   unregister=lambda s: None, on_update=lambda o, b: None)
    assert out.status == "optimal"
    best = brute_force(sc)[0]
    assert out.objective == pytest.approx(best - 2000.0)
    assert not math.isnan(out.bound) and out.bound <= best
    assert np.all(out.site_of >= 0)
    assert PENCE == 100
