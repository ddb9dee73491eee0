"""Cancel, time limit, progress, warm start and decomposition on larger instances."""

from __future__ import annotations

import threading
import time

import pytest
from cancelling import cancelled_solves
from plan_checker import check_plan

from estates_planner.model import Settings
from estates_planner.optimise import AllocationModel, ProgressEvent, solve_scenario
from estates_planner.optimise.synthetic import generate_national_instance


@pytest.fixture(scope="module")
def national():  # noqa: ANN201
    return generate_national_instance(500, 1200, seed=1)


@pytest.mark.slow
def test_cancel_returns_quickly_with_a_usable_plan(national) -> None:  # noqa: ANN001
    tries = cancelled_solves(lambda cancel: solve_scenario(national, time_limit_s=60,
                                                           cancel=cancel))
    for result, latency_s in tries:
        assert latency_s is not None, "the solve finished before it could be cancelled"
        assert result.status == "cancelled"
        check_plan(national, result, abs_tol=1e-3)
    latencies = [latency_s for _, latency_s in tries]
    assert min(latencies) < 0.5, latencies


@pytest.mark.slow
def test_time_limit_is_honoured(national) -> None:  # noqa: ANN001
    for _ in range(2):  # one late wake-up of a shared CI machine is the OS's, not ours
        events: list[ProgressEvent] = []
        start = time.perf_counter()
        result = solve_scenario(national, time_limit_s=2.0, progress=events.append)
        elapsed = time.perf_counter() - start
        if elapsed < 2.5:
            break
    assert elapsed < 2.5
    assert result.status in ("feasible", "optimal")
    check_plan(national, result, abs_tol=1e-3)
    stages = [e.stage for e in events]
    assert stages[0] == "checking" and stages[-1] == "done"
    assert {"building", "solving"} <= set(stages)
    assert events[-1].objective == pytest.approx(result.objective)
    assert result.bound <= result.objective
    assert result.gap == pytest.approx((result.objective - result.bound) / result.objective)


@pytest.mark.slow
def test_time_limit_is_honoured_by_a_region_of_eight_thousand_needs() -> None:
    """A region of 100,000 needs' instance (8,337 needs x 171 sites, 760,000 pairs): its
    model is never finished in 3 s, and putting its plan together (pricing, a reason for each
    of ~6,900 unplaced needs) takes about 0.4 s. The search stops early enough for both, and
    the build stops at the limit however many sites a need has."""
    from estates_planner.optimise.regional import region_scenario

    big = generate_national_instance(2000, 100_000)
    region = region_scenario(big, sorted({n.region for n in big.dataset.needs})[0])
    assert len(region.dataset.needs) > 8000
    for _ in range(3):  # a late wake-up of a shared CI machine is the OS's, not ours
        start = time.perf_counter()
        result = solve_scenario(region, time_limit_s=3.0)
        elapsed = time.perf_counter() - start
        if elapsed < 3.5:
            break
    assert elapsed < 3.5
    assert result.status == "feasible" and result.bound <= result.objective
    assert all(a.site_id or a.unplaced_reason for a in result.allocations)


def test_cancel_before_start_still_gives_a_plan() -> None:
    sc = generate_national_instance(40, 100, seed=2, n_regions=2)
    cancel = threading.Event()
    cancel.set()
    result = solve_scenario(sc, time_limit_s=10, cancel=cancel)
    assert result.status == "cancelled"
    check_plan(sc, result, abs_tol=1e-3)


def test_regions_are_solved_as_independent_parts() -> None:
    # the weekly rule: the two solves below agree because each proves its optimum within
    # 10 s; under the daily rule this instance is not always proven in 10 s on a shared
    # machine (issue 17, docs/optimiser.md "The weekly rota"), and two unproven plans differ
    sc = generate_national_instance(40, 100, seed=2, n_regions=3,
                                    settings=Settings(daily_capacity=False))
    model = AllocationModel(sc)
    regions = [{sc.dataset.needs[i].region for i in part.needs} for part in model.components]
    assert all(len(r) == 1 for r in regions)
    assert len(model.components) == 3
    # without R5 needs may cross regions: the parts merge, and a PDU's needs stay together
    joined = AllocationModel(sc.with_settings(same_region=False))
    assert len(joined.components) == 1
    for part in model.components:
        pdus = {sc.dataset.needs[i].pdu for i in part.needs}
        others = [p for p in model.components if p is not part]
        assert not any(pdus & {sc.dataset.needs[i].pdu for i in o.needs} for o in others)
    assert not hasattr(model, "result")  # solve() returns a new result, the model is unchanged
    first = model.solve(time_limit_s=10)
    second = model.solve(time_limit_s=10)
    assert first.objective == pytest.approx(second.objective)


def test_warm_start_after_closing_a_site() -> None:
    sc = generate_national_instance(40, 100, seed=4, n_regions=2)
    before = solve_scenario(sc, time_limit_s=10)
    busiest = max(before.site_usage.values(), key=lambda u: len(u.need_ids)).site_id
    closed = sc.with_site_closed(busiest)
    warm = solve_scenario(closed, time_limit_s=10, warm_start=before.assignment)
    cold = solve_scenario(closed, time_limit_s=10)
    check_plan(closed, warm, abs_tol=1e-3)
    assert busiest not in warm.used_site_ids
    if warm.status == cold.status == "optimal":
        assert warm.objective == pytest.approx(cold.objective, abs=1.0)


def test_a_what_if_reuses_the_parts_it_did_not_change() -> None:
    from estates_planner.optimise import part_cache

    sc = generate_national_instance(40, 100, seed=2, n_regions=3)
    first = solve_scenario(sc, time_limit_s=20)
    if first.status != "optimal":
        pytest.skip("the machine is too busy to prove the first plan optimal in 20 s")
    site = next(s for s in sc.dataset.sites if first.site_usage[s.site_id].need_ids)
    closed = sc.with_site_closed(site.site_id)
    warm = solve_scenario(closed, time_limit_s=20, warm_start=first.assignment)
    part_cache.clear()
    cold = solve_scenario(closed, time_limit_s=20)
    check_plan(closed, warm, abs_tol=1e-3)
    assert warm.status == cold.status == "optimal"
    assert warm.objective == pytest.approx(cold.objective, abs=1.0)
    # the regions the closure did not touch keep their plan
    region = site.region
    for a in warm.allocations:
        if sc.dataset.need(a.need_id).region != region:
            assert a.site_id == first.allocation(a.need_id).site_id


def test_local_search_prices_its_moves_exactly() -> None:
    import numpy as np

    from estates_planner.optimise.evaluate import plan_result
    from estates_planner.optimise.local_search import improve_plan
    from estates_planner.optimise.solver import _Run

    sc = generate_national_instance(60, 160, seed=6, n_regions=2)
    model = AllocationModel(sc)
    start = _Run(model, 10, None, None, None, None, 0.0)._hint()
    plan = start
    total = 0.0
    for part in model.components:
        plan, change = improve_plan(model.arrays, model.candidates, plan, part.needs,
                                    deadline=time.perf_counter() + 1, should_stop=lambda: False)
        total += change
    before = plan_result(model.arrays, start, status="x", bound=np.nan, seconds=0).objective
    after = plan_result(model.arrays, plan, status="x", bound=np.nan, seconds=0)
    assert total < 0  # it found something on this instance
    # the moves price every term but the same-day bonus, which depends on the rota that
    # plan_result builds afterwards (issue 17); so compare without it
    before_terms = plan_result(model.arrays, start, status="x", bound=np.nan, seconds=0).terms
    assert (after.objective - after.terms["same_day"]) - (before - before_terms["same_day"]) \
        == pytest.approx(total, abs=1e-6)
    check_plan(sc, after, abs_tol=1e-3)
