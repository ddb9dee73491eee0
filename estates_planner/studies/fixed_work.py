"""A solve bounded by a fixed amount of work, so that it gives the same plan on any machine.

The optimiser (:mod:`estates_planner.optimise.solver`) is built for a planner waiting at a
screen: wall-clock limits, parallel parts and threads, a cache of parts solved before. Each
of those makes its answer depend on how busy the machine is. A robustness study runs the
same solve hundreds of times on workers that may be anywhere, and promises the same figures
for the same seed; so each of its solves is one CP-SAT model with one search worker, a fixed
random seed and CP-SAT's *deterministic time* limit (``max_deterministic_time``, a count of
work that does not depend on load), started from the greedy repair of the plan being adapted.

The model is the optimiser's (see :class:`estates_planner.optimise.solver.AllocationModel`)
built from the same building blocks: the scenario's arrays and costs
(:class:`~estates_planner.optimise.evaluate.ScenarioArrays`), the sound pruning of candidate
sites (:func:`~estates_planner.optimise.decompose.prune_candidates`), the greedy fill with a
starting plan (:func:`~estates_planner.optimise.greedy.greedy_assignment`) and the plan's
pricing (:func:`~estates_planner.optimise.evaluate.plan_result`). It leaves out the
optimiser's extra cuts whose construction is itself cut short by wall time.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Mapping

import numpy as np
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from estates_planner.model import Scenario
from estates_planner.optimise.candidates import Distances
from estates_planner.optimise.decompose import find_components, prune_candidates
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays, plan_result
from estates_planner.optimise.greedy import greedy_assignment
from estates_planner.optimise.pairing_rows import PduPairing, hosts_and_wellbeing
from estates_planner.optimise.result import PlanResult

PENCE = 100
# A safety net only: a solve that runs into it is no longer reproducible. Deterministic time
# runs at about 0.3-1 units a second on this machine, so no sane work limit reaches it.
_WALL_SAFETY_S = 600.0
_RANDOM_SEED = 20_261_204


def _pence(value: float) -> int:
    return int(round(value * PENCE))


def solve_fixed_work(scenario: Scenario, work_limit: float, *,
                     start: Mapping[str, str | None] | None = None,
                     distances: Distances | None = None,
                     capacity_share: float = 1.0) -> tuple[PlanResult, np.ndarray]:
    """Plan ``scenario`` with at most ``work_limit`` units of CP-SAT deterministic time.

    Parameters
    ----------
    scenario
        The scenario; with a ``baseline``, moves from it cost ``move_penalty``.
    work_limit
        CP-SAT's ``max_deterministic_time`` (about a second each on an idle core).
    start
        A plan to start from (need_id -> site_id); what no longer fits is re-placed greedily.
    distances
        The scenario's travel matrices, when already known (saves a network's routing).
    capacity_share
        Count each site's capacity at this share (0.9 holds back 10 % headroom); the plan is
        then priced on the scenario as it is.

    Returns
    -------
    (PlanResult, site_of)
        The plan priced by :func:`plan_result` on the full capacities, and the site index per
        need (-1 unplaced).
    """
    t0 = time.perf_counter()
    arrays = ScenarioArrays.build(scenario, distances)
    desk_cap, room_cap = arrays.desk_cap, arrays.room_cap
    if capacity_share != 1.0:
        desk_cap = np.floor(desk_cap * capacity_share + 1e-9).astype(np.int64)
        room_cap = np.floor(room_cap * capacity_share + 1e-9).astype(np.int64)
        solve_arrays = _with_capacity(arrays, desk_cap, room_cap)
    else:
        solve_arrays = arrays
    candidates = prune_candidates(solve_arrays)
    n, m = arrays.allowed.shape
    mask = np.zeros((n, m), dtype=bool)
    for i, cand in enumerate(candidates):
        mask[i, cand] = True
    initial = None
    if start:
        site_index = {s.site_id: j for j, s in enumerate(scenario.dataset.sites)}
        initial = np.array([site_index.get(start.get(nd.need_id) or "", UNPLACED)
                            for nd in scenario.dataset.needs], dtype=np.int64)
    hint = greedy_assignment(solve_arrays, allowed=mask, initial=initial)
    # independent parts (a region, usually) are searched one by one: many small models solve
    # far faster than one large one, and each part's share of the work is fixed by its size
    # (smallest first, so that the work small parts leave over goes to the large ones)
    parts = sorted(find_components(solve_arrays, candidates),
                   key=lambda c: (len(c.needs), int(c.needs[0])))
    needs_left = sum(len(p.needs) for p in parts)
    work_left = float(work_limit)
    site_of = hint.copy()
    bound, proven = 0.0, True
    for part in parts:
        share = max(work_left, 0.0) * len(part.needs) / max(needs_left, 1)
        part_sites, part_proven, part_bound, used = _search(solve_arrays, candidates,
                                                            part.needs, hint, share)
        needs_left -= len(part.needs)
        work_left -= used
        site_of[part.needs] = part_sites
        proven &= part_proven
        bound += part_bound
    # needs without any candidate are unplaced in every plan; the bound counts them
    no_candidate = sum(1 for c in candidates if not len(c))
    bound += 0.0 if scenario.settings.strict else no_candidate * scenario.settings.unplaced_penalty
    status = "optimal" if proven else "feasible"
    result = plan_result(arrays, site_of, status=status, bound=bound,
                         seconds=time.perf_counter() - t0)
    return result, site_of


def _with_capacity(arrays: ScenarioArrays, desk_cap: np.ndarray,
                   room_cap: np.ndarray) -> ScenarioArrays:
    return dataclasses.replace(arrays, desk_cap=desk_cap, room_cap=room_cap)


def _search(arrays: ScenarioArrays, candidates: list[np.ndarray], part_needs: np.ndarray,
            hint: np.ndarray, work_limit: float) -> tuple[np.ndarray, bool, float, float]:
    """CP-SAT on one part: (site of each of its needs, proven optimal, bound in GBP, the
    deterministic time it used)."""
    sc = arrays.scenario
    st = sc.settings
    needs = sc.dataset.needs
    members = [int(i) for i in part_needs]
    m = cp_model.CpModel()
    lin = arrays.costs.linear
    obj_vars: list[cp_model.IntVar] = []
    obj_coefs: list[int] = []
    hints: list[tuple[cp_model.IntVar, int]] = []
    rows: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    by_site: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    unplaced = _pence(st.unplaced_penalty)
    for i in members:
        cand = candidates[i]
        row = []
        for j, c in zip(cand.tolist(), np.rint(lin[i, cand] * PENCE).astype(np.int64).tolist(),
                        strict=True):
            v = m.new_bool_var("")
            row.append((j, v))
            by_site[j].append((i, v))
            obj_vars.append(v)
            obj_coefs.append(c)
            hints.append((v, int(hint[i] == j)))
        rows[i] = row
        if st.strict:
            m.add_exactly_one(v for _, v in row)
        else:
            u = m.new_bool_var("")
            m.add_exactly_one([v for _, v in row] + [u])
            obj_vars.append(u)
            obj_coefs.append(unplaced)
            hints.append((u, int(hint[i] == UNPLACED)))
    used = {int(hint[i]) for i in members if hint[i] != UNPLACED}
    for j in sorted(by_site):
        users = by_site[j]
        y = None
        if arrays.costs.fit_out[j] > 0:
            y = m.new_bool_var("")
            for _, v in users:
                m.add_implication(v, y)
            obj_vars.append(y)
            obj_coefs.append(_pence(arrays.costs.fit_out[j]))
            hints.append((y, int(j in used)))
        for demand, cap in ((arrays.desk_days, int(arrays.desk_cap[j])),
                            (arrays.room_days, int(arrays.room_cap[j]))):
            if sum(int(demand[i]) for i, _ in users) > cap:
                expr = LinearExpr.weighted_sum([v for _, v in users],
                                               [int(demand[i]) for i, _ in users])
                m.add(expr <= (cap * y if y is not None else cap))
    by_pdu: dict[str, list[int]] = defaultdict(list)
    for i in members:
        by_pdu[needs[i].pdu].append(i)
    if st.location_penalty > 0:
        for pdu_needs in by_pdu.values():
            at: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for i in pdu_needs:
                for j, v in rows[i]:
                    at[j].append(v)
            at_hint = {int(hint[i]) for i in pdu_needs}
            for j in sorted(at):
                z = m.new_bool_var("")
                for v in at[j]:
                    m.add_implication(v, z)
                obj_vars.append(z)
                obj_coefs.append(_pence(st.location_penalty))
                hints.append((z, int(j in at_hint)))
    if st.pairing_bonus > 0:
        _add_pairing(m, arrays, by_pdu, rows, hint, obj_vars, obj_coefs, hints)
    m.minimize(LinearExpr.weighted_sum(obj_vars, obj_coefs))
    for v, value in hints:
        m.add_hint(v, value)
    # CP-SAT's own SIGINT handler stays on here (unlike optimise.cp_solver.new_cp_solver):
    # this runs in Dask worker processes, which the cluster stops with SIGINT when a study
    # is cancelled; with the handler off a worker finished its whole sample first, and a
    # Ctrl-C took over a minute to end the study (tests/cli/test_robustness_command.py)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = 1
    p.max_deterministic_time = max(float(work_limit), 0.0)
    p.max_time_in_seconds = _WALL_SAFETY_S
    p.random_seed = _RANDOM_SEED
    p.linearization_level = 2  # as the optimiser: the x <= y, x <= z links in the LP
    # as the optimiser: presolve delays the hinted first plan; measured here on the sample,
    # 0.5 units found a plan 0.2 % better in 1.5 s without it than in 3.2 s with it
    p.cp_model_presolve = False
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint[part_needs].copy(), False, -float("inf"), solver.deterministic_time
    site_of = np.full(len(members), UNPLACED, dtype=np.int64)
    for k, i in enumerate(members):
        for j, v in rows[i]:
            if solver.boolean_value(v):
                site_of[k] = j
                break
    return (site_of, status == cp_model.OPTIMAL, solver.best_objective_bound / PENCE,
            solver.deterministic_time)


def _add_pairing(m: cp_model.CpModel, arrays: ScenarioArrays, by_pdu: dict[str, list[int]],
                 rows: dict[int, list[tuple[int, cp_model.IntVar]]], hint: np.ndarray,
                 obj_vars: list, obj_coefs: list, hints: list) -> None:
    """h[p,k] <= sum of ETE/accommodation x at k; q[w,j] <= x[w,j], q <= sum of h near j."""
    needs = arrays.scenario.dataset.needs
    bonus = _pence(arrays.scenario.settings.pairing_bonus)
    for members in by_pdu.values():
        hosts, wellbeing = hosts_and_wellbeing(needs, members)
        if not hosts or not wellbeing:
            continue
        pairing = PduPairing(m, arrays.near, hosts, rows, hint, hints)
        for w in wellbeing:
            for j, v in rows[w]:
                linked = pairing.link(w, j, v)
                if linked is None:
                    continue
                obj_vars.append(linked[0])
                obj_coefs.append(-bonus)
