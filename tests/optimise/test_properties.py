"""Property tests: on random small instances the solver matches brute-force enumeration."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_checker import brute_force, check_plan, terms

from estates_planner.errors import InfeasibleError
from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Settings, Site, SiteKind
from estates_planner.optimise import evaluate_plan, greedy_plan, solve_scenario

# a 1 km grid in 250 m steps, so that the 0.5 km pairing radius and travel limits bite
coords = st.integers(0, 4).map(lambda k: k * 250.0)


@st.composite
def sites(draw, k: int) -> Site:  # noqa: ANN001
    return Site(
        site_id=f"S{k}", name=f"Site {k}", region=draw(st.sampled_from(["A", "B"])),
        pdu="P1", kind=draw(st.sampled_from(list(SiteKind))),
        women_only=draw(st.sampled_from([False, False, False, True])),
        desks=draw(st.integers(0, 3)), interview_rooms=draw(st.integers(0, 2)),
        annual_cost_per_desk=float(draw(st.integers(1, 20)) * 100),
        easting=draw(coords), northing=draw(coords),
        fit_out_cost=float(draw(st.sampled_from([0, 0, 4000, 20000]))),
        available_from=draw(st.sampled_from([None, None, date(2027, 1, 1)])))


@st.composite
def needs(draw, k: int) -> ServiceNeed:  # noqa: ANN001
    return ServiceNeed(
        need_id=f"n{k}", provider="P", lot=draw(st.sampled_from(list(Lot))),
        region=draw(st.sampled_from(["A", "B"])), pdu=draw(st.sampled_from(["P1", "P2"])),
        desks=draw(st.integers(1, 2)), interview_rooms=draw(st.integers(0, 1)),
        days_per_week=draw(st.integers(1, 5)), caseload=float(draw(st.integers(0, 50))),
        easting=draw(coords), northing=draw(coords),
        max_travel_km=draw(st.sampled_from([None, None, 0.3, 0.6])))


@st.composite
def scenarios(draw) -> Scenario:  # noqa: ANN001
    n_sites = draw(st.integers(1, 4))
    n_needs = draw(st.integers(1, 5))
    site_list = [draw(sites(k)) for k in range(n_sites)]
    need_list = [draw(needs(k)) for k in range(n_needs)]
    s = Settings(
        travel_weight=draw(st.sampled_from([0.0, 2.0])),
        location_penalty=draw(st.sampled_from([0.0, 500.0, 5000.0])),
        authority_preference=draw(st.sampled_from([0.0, 1000.0, 10000.0])),
        pairing_bonus=draw(st.sampled_from([0.0, 2000.0, 5000.0])),
        pairing_radius_km=draw(st.sampled_from([0.0, 0.25, 0.5])),
        unplaced_penalty=draw(st.sampled_from([3000.0, 1_000_000.0])),
        move_penalty=draw(st.sampled_from([0.0, 2000.0])),
        go_live=draw(st.sampled_from([None, date(2026, 6, 1)])),
        women_only_sites=draw(st.booleans()), wellbeing_outside_authority=draw(st.booleans()),
        same_region=draw(st.booleans()), strict=draw(st.booleans()))
    site_ids = [x.site_id for x in site_list]
    pins, barred, baseline = {}, set(), None
    if draw(st.booleans()):
        pins[need_list[0].need_id] = draw(st.sampled_from(site_ids))
    if draw(st.booleans()):
        barred.add((need_list[-1].need_id, draw(st.sampled_from(site_ids))))
    if draw(st.booleans()):
        baseline = {n.need_id: draw(st.sampled_from([*site_ids, None])) for n in need_list}
    closed = frozenset(draw(st.sets(st.sampled_from(site_ids), max_size=1)))
    return Scenario("random", Dataset(tuple(site_list), tuple(need_list)), settings=s,
                    pins=pins, barred=frozenset(barred), baseline=baseline,
                    closed_sites=closed)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_solver_matches_brute_force(sc: Scenario) -> None:
    best = brute_force(sc)
    if best is None:  # only possible in strict mode
        assert sc.settings.strict
        with pytest.raises(InfeasibleError) as info:
            solve_scenario(sc, time_limit_s=5, workers=1)
        assert info.value.conflicts
        return
    result = solve_scenario(sc, time_limit_s=5, workers=1)
    assert result.status == "optimal"
    found = check_plan(sc, result)
    # CP-SAT works in pence: allow a penny per need of rounding
    assert found == pytest.approx(best[0], abs=0.01 * len(sc.dataset.needs) + 1e-6)
    assert result.bound <= found + 1e-6


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_evaluate_and_greedy_agree_with_the_checker(sc: Scenario) -> None:
    best = brute_force(sc)
    if best is not None:
        assert evaluate_plan(sc, best[1]).objective == pytest.approx(best[0])
    greedy = greedy_plan(sc)
    assignment = greedy.assignment
    # priced with the plan's own rota: the same-day bonus needs its weekdays
    weekdays = {a.need_id: tuple(a.weekdays) for a in greedy.allocations}
    assert greedy.objective == pytest.approx(sum(terms(sc, assignment, weekdays).values()))
    relaxed = sc.with_settings(strict=False)
    check_plan(relaxed, evaluate_plan(relaxed, assignment))


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_the_searchless_bound_is_a_lower_bound(sc: Scenario) -> None:
    from estates_planner.optimise import AllocationModel
    from estates_planner.optimise.solver import _Run

    best = brute_force(sc)
    if best is None:
        return
    model = AllocationModel(sc)
    run = _Run(model, 5, None, None, None, None, 0.0)
    fixed = 0.0 if sc.settings.strict else sc.settings.unplaced_penalty * sum(
        1 for c in model.candidates if not len(c))
    bound = fixed + sum(run._trivial_bound(part) for part in model.components)
    assert bound <= best[0] + 1e-6
