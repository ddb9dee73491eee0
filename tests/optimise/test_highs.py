"""HiGHS beside CP-SAT: the same part model, the same optimum, a sound bound, and worker
processes that give what a thread gives and stop on cancel."""

from __future__ import annotations

import time

import pytest
from cancelling import cancelled_solves
from plan_checker import brute_force, check_plan, make_scenario, need, site

from estates_planner.optimise import AllocationModel, solve_scenario
from estates_planner.optimise import solver as solver_module
from estates_planner.optimise.cpsat_part import PENCE, PartModel
from estates_planner.optimise.greedy import greedy_assignment
from estates_planner.optimise.highs_part import milp_from_cp_model, solve_milp
from estates_planner.optimise.part_pool import MilpPool, ready_pool, start_pool
from estates_planner.optimise.regional import region_scenario
from estates_planner.optimise.synthetic import generate_national_instance


def part_model(scenario, k: int = 0) -> PartModel:  # noqa: ANN001
    """The CP-SAT model of part k, hinted with the greedy fill (as the solver starts)."""
    model = AllocationModel(scenario)
    hint = greedy_assignment(model.arrays)
    return PartModel(model.arrays, model.components[k], model.candidates, hint,
                     lambda: False)


def both_optima(scenario) -> tuple[float, float]:  # noqa: ANN001
    """(HiGHS's optimum, CP-SAT's optimum) of the scenario's single part, in pounds."""
    pm = part_model(scenario)
    highs = solve_milp(milp_from_cp_model(pm.model), time_limit_s=10)
    assert highs.optimal
    cpsat = pm.solve(time_limit_s=10, workers=1, relative_gap=0.0, register=lambda s: None,
                     unregister=lambda s: None, on_update=lambda o, b: None)
    assert cpsat.status == "optimal"
    return highs.objective / PENCE, cpsat.objective


def test_highs_and_cp_sat_agree_on_fit_out() -> None:
    # F: £600 a desk plus 8,000 / 4 years = £2,000 a year once; G: £1,000 a desk.
    # Six needs at F: 6 x 600 + 2,000 = 5,600 < 6 x 1,000 at G.
    sc = make_scenario([site("F", 600, fit_out=8000), site("G", 1000)],
                       [need(f"n{k}") for k in range(6)])
    assert both_optima(sc) == pytest.approx((5600, 5600))


def test_highs_and_cp_sat_agree_on_the_location_penalty() -> None:
    # one PDU, A has room for one only: both at B (2 x 1,200 + 5,000 = 7,400) beat the split
    # (1,000 + 1,200 + 2 x 5,000 = 12,200)
    sc = make_scenario([site("A", 1000, desks=1), site("B", 1200)],
                       [need("n1"), need("n2")], location_penalty=5000)
    assert both_optima(sc) == pytest.approx((7400, 7400))


def test_highs_and_cp_sat_agree_on_capacity_and_unplaced() -> None:
    # A holds 5 desk-days: one five-day need at £1,000; B (£3,000) takes a second; a third
    # does not fit anywhere (B holds one) and pays the unplaced penalty of £50,000
    sc = make_scenario([site("A", 1000, desks=1), site("B", 3000, desks=1)],
                       [need("n1"), need("n2"), need("n3")], unplaced_penalty=50_000)
    assert both_optima(sc) == pytest.approx((54_000, 54_000))
    assert brute_force(sc)[0] == pytest.approx(54_000)


def test_highs_bound_never_exceeds_a_feasible_plan() -> None:
    national = generate_national_instance(500, 1200, seed=1)
    model = AllocationModel(national)
    hint = greedy_assignment(model.arrays)
    part = model.components[0]
    # the weekly relaxation, as the solver gives HiGHS under the daily rule (issue 17)
    pm = PartModel(model.arrays, part, model.candidates, hint, lambda: False, daily=False)
    milp = milp_from_cp_model(pm.model)
    # the greedy fill is a feasible plan: its objective in the same pence
    greedy_pence = float(milp.cost @ milp.start_values + milp.offset)
    out = solve_milp(milp, time_limit_s=1.0)
    assert out.bound <= greedy_pence
    if out.objective is not None:
        assert out.bound <= out.objective <= greedy_pence
    cpsat = pm.solve(time_limit_s=1.0, workers=1, relative_gap=0.0, register=lambda s: None,
                     unregister=lambda s: None, on_update=lambda o, b: None)
    if cpsat.objective is not None:  # CP-SAT's plans are feasible plans too
        assert out.bound / PENCE <= cpsat.objective + 1e-6
    # and on a hand case whose optimum is known: 7,400 (see the location penalty test)
    sc = make_scenario([site("A", 1000, desks=1), site("B", 1200)],
                       [need("n1"), need("n2")], location_penalty=5000)
    small = solve_milp(milp_from_cp_model(part_model(sc).model), time_limit_s=0.001)
    assert small.bound / PENCE <= 7400 + 1e-6


def test_a_worker_process_gives_what_a_thread_gives() -> None:
    sc = make_scenario([site("A", 1000, desks=1), site("B", 1200), site("C", 1500)],
                       [need("n1"), need("n2", days=3), need("n3", pdu="P2")],
                       location_penalty=5000)
    pm = part_model(sc)
    milp = milp_from_cp_model(pm.model)
    here = solve_milp(milp, time_limit_s=10)
    pool = MilpPool(1)
    try:
        job = pool.submit(milp, time_limit_s=10, relative_gap=0.0)
        there = job.future.result(timeout=120)
    finally:
        pool.shutdown()
    assert there.optimal and here.optimal
    assert there.objective == here.objective
    assert (there.values == here.values).all()
    assert pm.plan_from_values(there.values).tolist() == pm.plan_from_values(here.values).tolist()


def _pool_ready() -> None:
    start_pool()
    deadline = time.perf_counter() + 120
    while ready_pool() is None:
        assert time.perf_counter() < deadline, "the HiGHS worker processes did not start"
        time.sleep(0.05)


def test_solving_with_worker_processes_gives_the_in_process_plan(monkeypatch) -> None:  # noqa: ANN001
    sc = make_scenario([site("A", 1000, desks=1), site("B", 1200), site("C", 900, desks=1,
                                                                            fit_out=2000)],
                       [need("n1"), need("n2"), need("n3", pdu="P2")],
                       location_penalty=5000)
    monkeypatch.setattr(solver_module, "_PROCESS_NEEDS", 10**9)
    in_process = solve_scenario(sc, time_limit_s=10)
    _pool_ready()
    monkeypatch.setattr(solver_module, "_PROCESS_NEEDS", 0)
    with_workers = solve_scenario(sc, time_limit_s=10)
    check_plan(sc, with_workers)
    assert with_workers.status == in_process.status == "optimal"
    assert with_workers.objective == pytest.approx(in_process.objective)
    assert with_workers.objective == pytest.approx(brute_force(sc)[0])


def test_cancel_within_half_a_second_with_worker_processes(monkeypatch) -> None:  # noqa: ANN001
    # one region of the generated instance: one hard part, so HiGHS runs in a worker beside
    # the plan search and CP-SAT (a core is free for it)
    national = generate_national_instance(500, 1200, seed=1)
    region = national.dataset.needs[0].region
    sc = region_scenario(national, region)
    _pool_ready()
    monkeypatch.setattr(solver_module, "_PROCESS_NEEDS", 0)
    tries = cancelled_solves(lambda cancel: solve_scenario(sc, time_limit_s=60, cancel=cancel,
                                                           workers=2))
    for result, latency_s in tries:
        assert latency_s is not None, "the solve finished before it could be cancelled"
        assert result.status == "cancelled"
        check_plan(sc, result, abs_tol=1e-3)
    latencies = [latency_s for _, latency_s in tries]
    assert min(latencies) < 0.5, latencies


def test_the_messages_say_where_each_part_bound_came_from() -> None:
    import numpy as np

    from estates_planner.optimise.cpsat_part import PartOutcome
    from estates_planner.optimise.decompose import Component
    from estates_planner.optimise.part_results import bound_sources, merge_outcomes

    parts = [Component(np.arange(3), np.arange(2)), Component(np.arange(2), np.arange(1)),
             Component(np.arange(1), np.arange(1))]
    # part 1: CP-SAT's plan 10 / bound 7.5 merged with HiGHS's plan 11 / bound 8: the
    # cheaper plan (CP-SAT's) with the higher bound (HiGHS's); part 2 proven by CP-SAT;
    # part 3 has nothing but its searchless bound
    cpsat = PartOutcome(np.zeros(3), 10.0, 7.5, "feasible")
    highs = PartOutcome(np.ones(3), 11.0, 8.0, "feasible", bound_by="HiGHS")
    first = merge_outcomes(cpsat, highs)
    assert (first.objective, first.bound, first.bound_by, first.status) == \
        (10.0, 8.0, "HiGHS", "feasible")
    proven = merge_outcomes(PartOutcome(np.zeros(2), 5.0, 4.0, "feasible", bound_by="HiGHS"),
                            PartOutcome(np.zeros(2), 5.0, 5.0, "optimal", proven_by="CP-SAT"))
    assert proven.status == "optimal" and proven.proven_by == "CP-SAT"
    line = bound_sources(parts, [first, proven, None], [7.0, 1.0, 2.0])
    assert line == ("Bounds by part: 1 from CP-SAT, 1 from HiGHS, 1 from searchless; proven "
                    "optimal by CP-SAT: part 2; open: 1 (3 needs) HiGHS; 3 (1 needs) "
                    "searchless.")
