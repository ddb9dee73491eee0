"""The study's units of work, each a pure function returning a small result.

Workers receive the :class:`StudyInput` once (the runner scatters it) and then only a
candidate plan and a sample index per task, so a task's message is a few hundred bytes and
its answer (a :class:`SampleOutcome`) a few kilobytes. Nothing here depends on which worker
runs it, when, or how loaded it is: see :mod:`estates_planner.studies.fixed_work`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estates_planner.model import Scenario
from estates_planner.optimise.candidates import Distances, candidate_distances, capacities
from estates_planner.optimise.evaluate import UNPLACED
from estates_planner.optimise.result import PlanResult
from estates_planner.studies.fixed_work import solve_fixed_work
from estates_planner.studies.samples import (
    SampleChanges,
    StudySettings,
    draw_changes,
    sample_scenario,
)

CHOSEN = "chosen plan"
# a candidate plan is solved once per study and then adapted in every sample, so it gets
# more work than one sample's solve
PLAN_WORK_FACTOR = 4.0
# why a need leaves its site in a sample, most compelling first
REASONS = ("site loss", "site delay", "capacity", "cost")


@dataclass(frozen=True, eq=False)
class StudyInput:
    """What every task needs, sent to each worker once."""

    scenario: Scenario  # without its travel model: ``distances`` carries the journeys
    distances: Distances
    study: StudySettings


@dataclass(frozen=True)
class CandidatePlan:
    """A plan the samples test: the chosen one, or one solved with capacity headroom."""

    name: str
    headroom_pct: float
    site_of: tuple[int, ...]  # site index per need of the scenario, -1 unplaced
    money: float  # annual GBP: desk cost plus amortised fit-out
    score: float  # the planning objective (weights and penalties included; not money)
    unplaced: int


@dataclass(frozen=True)
class SampleOutcome:
    """One sample of one candidate, adapted."""

    candidate: str
    index: int
    site_of: tuple[int, ...]  # after adapting, per need of the scenario (late needs left out)
    reasons: tuple[tuple[int, str], ...]  # (need index, reason) of each need that moved
    over_capacity: tuple[int, ...]  # sites over capacity before adapting
    desk_use_pct: tuple[tuple[int, float], ...]  # (site, desk-days used %) of sites in use
    money: float
    score: float  # the adapted plan's planning objective, move penalties included
    moves: int
    unplaced: int
    late_needs: int
    delayed_sites: int
    lost_sites: int
    fresh_score: float | None = None  # the sample's own best plan, when asked for


def prepare_input(scenario: Scenario, study: StudySettings) -> StudyInput:
    """The scenario and its journeys, worked out once (a road network is routed here)."""
    distances = candidate_distances(scenario)
    return StudyInput(scenario.replace(travel=None), distances, study)


def money_of(result: PlanResult) -> float:
    """What a plan costs in money: desks and amortised fit-out (annual GBP)."""
    return float(result.terms.get("desk_cost", 0.0) + result.terms.get("fit_out", 0.0))


def solve_candidate(inp: StudyInput, headroom_pct: float) -> CandidatePlan:
    """Plan the scenario counting each site's capacity at ``100 - headroom_pct`` %."""
    result, site_of = solve_fixed_work(
        inp.scenario, inp.study.sample_work_limit * PLAN_WORK_FACTOR,
        distances=inp.distances, capacity_share=1.0 - headroom_pct / 100.0)
    name = CHOSEN if headroom_pct == 0 else f"{headroom_pct:g} % headroom"
    return CandidatePlan(name, headroom_pct, tuple(int(j) for j in site_of),
                         money_of(result), float(result.objective), len(result.unplaced))


def candidate_from_plan(inp: StudyInput, assignment: dict[str, str | None]) -> CandidatePlan:
    """The planner's own plan (need_id -> site_id) as the study's chosen plan."""
    from estates_planner.optimise.evaluate import ScenarioArrays, plan_result

    sc = inp.scenario
    site_index = {s.site_id: j for j, s in enumerate(sc.dataset.sites)}
    site_of = np.array([site_index.get(assignment.get(nd.need_id) or "", UNPLACED)
                        for nd in sc.dataset.needs], dtype=np.int64)
    arrays = ScenarioArrays.build(sc, inp.distances)
    result = plan_result(arrays, site_of, status="evaluated", bound=float("nan"), seconds=0.0)
    return CandidatePlan(CHOSEN, 0.0, tuple(int(j) for j in site_of), money_of(result),
                         float(result.objective), len(result.unplaced))


def sample_distances(distances: Distances, changes: SampleChanges) -> Distances:
    """The journeys of a sample: late needs travel as the needs they copy."""
    if not changes.late_copies:
        return distances
    rows = np.concatenate([np.arange(distances.km.shape[0]),
                           np.asarray(changes.late_copies, dtype=np.int64)])
    return Distances(km=distances.km[rows], travel=distances.travel[rows],
                     measure=distances.measure)


def run_sample(inp: StudyInput, plan: CandidatePlan, index: int) -> SampleOutcome:
    """Draw sample ``index``, adapt ``plan`` to it (moves cost ``move_penalty``), and say
    what moved and why; optionally also solve the sample afresh (``study.fresh``)."""
    sc, study = inp.scenario, inp.study
    ds = sc.dataset
    changes = draw_changes(sc, study, index)
    planned = np.asarray(plan.site_of, dtype=np.int64)
    baseline = {nd.need_id: ds.sites[j].site_id
                for nd, j in zip(ds.needs, plan.site_of, strict=True) if j != UNPLACED}
    sample = sample_scenario(sc, changes, baseline)
    distances = sample_distances(inp.distances, changes)
    over = _over_capacity_before(sample, planned, changes)
    result, site_of = solve_fixed_work(sample, study.sample_work_limit, start=baseline,
                                       distances=distances)
    n = len(ds.needs)
    adapted = site_of[:n]
    reasons = []
    for i in np.flatnonzero((planned != UNPLACED) & (adapted != planned)).tolist():
        j = int(planned[i])
        why = "site loss" if j in changes.lost_sites else "site delay" \
            if j in changes.delayed_sites else "capacity" if j in over else "cost"
        reasons.append((i, why))
    use = tuple((j, round(100.0 * u.desk_days_used / u.desk_days_available, 6))
                for j, u in enumerate(result.site_usage.values())
                if u.desk_days_used and u.desk_days_available)
    fresh = None
    if study.fresh:
        fresh_result, _ = solve_fixed_work(sample.replace(baseline=None),
                                           study.sample_work_limit, distances=distances)
        fresh = float(fresh_result.objective)
    return SampleOutcome(
        candidate=plan.name, index=index, site_of=tuple(int(j) for j in adapted),
        reasons=tuple(reasons), over_capacity=tuple(sorted(over)), desk_use_pct=use,
        money=money_of(result), score=float(result.objective),
        moves=sum(1 for a in result.allocations if a.moved), unplaced=len(result.unplaced),
        late_needs=len(changes.late_copies), delayed_sites=len(changes.delayed_sites),
        lost_sites=len(changes.lost_sites), fresh_score=fresh)


def _over_capacity_before(sample: Scenario, planned: np.ndarray,
                          changes: SampleChanges) -> set[int]:
    """Sites that the plan, kept as it was, fills beyond capacity with the sample's volumes
    (lost and delayed sites are counted under their own reasons, not here)."""
    needs = sample.dataset.needs[:len(planned)]
    desk_cap, room_cap = capacities(sample)
    placed = planned != UNPLACED
    m = len(desk_cap)
    desk = np.bincount(planned[placed], minlength=m,
                       weights=np.array([nd.desk_days for nd in needs])[placed])
    room = np.bincount(planned[placed], minlength=m,
                       weights=np.array([nd.room_days for nd in needs])[placed])
    over = np.flatnonzero((desk > desk_cap) | (room > room_cap)).tolist()
    return set(over) - changes.lost_sites - changes.delayed_sites
