"""One independent part of the allocation as a CP-SAT model (see AllocationModel for maths).

Costs are integers in pence; everything reported to users is re-priced in float pounds by
:mod:`estates_planner.optimise.evaluate`.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from estates_planner.errors import CancelledError
from estates_planner.model import Lot
from estates_planner.optimise.decompose import Component
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays

PENCE = 100
_CHECK_EVERY = 200  # needs between cancel checks while building


def pence(value: float) -> int:
    return int(round(value * PENCE))


@dataclass
class PartOutcome:
    """What solving one part gave: site index per need of the part, objective and bound (GBP)."""

    site_of: np.ndarray
    objective: float | None
    bound: float
    status: str  # "optimal", "feasible", "infeasible", "unknown"


class PartModel:
    """The CP-SAT model of one :class:`Component`, with hints from a full plan."""

    def __init__(self, arrays: ScenarioArrays, part: Component, candidates: list[np.ndarray],
                 hint: np.ndarray, should_stop: Callable[[], bool], *,
                 desk_cap: np.ndarray | None = None, room_cap: np.ndarray | None = None,
                 fit_out_paid: np.ndarray | None = None) -> None:
        """``desk_cap``/``room_cap`` override the capacities and ``fit_out_paid`` marks sites
        whose fit-out is already paid (used when re-fitting a few needs inside a plan)."""
        desk_cap = arrays.desk_cap if desk_cap is None else desk_cap
        room_cap = arrays.room_cap if room_cap is None else room_cap
        self.part = part
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.rows: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        st = arrays.scenario.settings
        self.strict = st.strict
        needs = arrays.scenario.dataset.needs
        m = self.model
        lin = arrays.costs.linear
        unplaced = pence(st.unplaced_penalty)
        self.offset = 0  # pence, constant part of the objective
        obj_vars: list[cp_model.IntVar] = []
        obj_coefs: list[int] = []
        hint_x: dict[tuple[int, int], int] = {}
        hint_u: list[tuple[cp_model.IntVar, int]] = []
        trivial = self.offset  # pence; a valid lower bound that needs no search
        by_site: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for count, i in enumerate(part.needs):
            if count % _CHECK_EVERY == 0 and should_stop():
                raise CancelledError("stopped while building the model")
            i = int(i)
            row = []
            best: int | None = None if self.strict else unplaced
            for j in candidates[i]:
                j = int(j)
                v = m.new_bool_var("")
                self.x[i, j] = v
                row.append((j, v))
                by_site[j].append((i, v))
                c = pence(lin[i, j])
                best = c if best is None else min(best, c)
                obj_vars.append(v)
                obj_coefs.append(c)
                hint_x[i, j] = int(hint[i] == j)
            best = 0 if best is None else best
            if needs[i].lot is Lot.WELLBEING:
                best -= pence(max(st.pairing_bonus, 0.0))
            trivial += best
            self.rows[i] = row
            if self.strict:
                m.add_exactly_one(v for _, v in row)
            else:
                u = m.new_bool_var("")  # unplaced
                m.add_exactly_one([v for _, v in row] + [u])
                obj_vars.append(u)
                obj_coefs.append(unplaced)
                hint_u.append((u, int(hint[i] == UNPLACED)))
        # capacity (R2) and fit-out: x[i,j] <= y[j], sum desk_days x <= cap y
        fit_out = arrays.costs.fit_out
        hint_used = {int(hint[i]) for i in part.needs if hint[i] != UNPLACED}
        hint_vals: list[tuple[cp_model.IntVar, int]] = []
        for j, users in by_site.items():
            y = None
            if fit_out[j] > 0 and (fit_out_paid is None or not fit_out_paid[j]):
                y = m.new_bool_var("")
                for _, v in users:
                    m.add_implication(v, y)
                obj_vars.append(y)
                obj_coefs.append(pence(fit_out[j]))
                hint_vals.append((y, int(j in hint_used)))
            for demand, cap in ((arrays.desk_days, int(desk_cap[j])),
                                (arrays.room_days, int(room_cap[j]))):
                if sum(int(demand[i]) for i, _ in users) <= cap:
                    continue  # never binding
                expr = sum(int(demand[i]) * v for i, v in users if demand[i])
                m.add(expr <= (cap * y if y is not None else cap))
        if should_stop():
            raise CancelledError("stopped while building the model")
        # separate locations: x[i,j] <= z[pdu,j]
        by_pdu: dict[str, list[int]] = defaultdict(list)
        for i in part.needs:
            by_pdu[needs[int(i)].pdu].append(int(i))
        if st.location_penalty > 0:
            for members in by_pdu.values():
                at: dict[int, list[cp_model.IntVar]] = defaultdict(list)
                for i in members:
                    for j, v in self.rows[i]:
                        at[j].append(v)
                hint_at = {int(hint[i]) for i in members if hint[i] != UNPLACED}
                for j, vs in at.items():
                    z = m.new_bool_var("")
                    for v in vs:
                        m.add_implication(v, z)
                    obj_vars.append(z)
                    obj_coefs.append(pence(st.location_penalty))
                    hint_vals.append((z, int(j in hint_at)))
        if st.pairing_bonus > 0:
            self._add_pairing(arrays, by_pdu, hint, obj_vars, obj_coefs, hint_vals)
        m.minimize(cp_model.LinearExpr.weighted_sum(obj_vars, obj_coefs))
        self.trivial_bound = trivial
        # one bulk write instead of a call per variable (thousands of them)
        hinted = [(v, hint_x[key]) for key, v in self.x.items()] + hint_vals + hint_u
        m.proto.solution_hint.vars.extend([v.index for v, _ in hinted])
        m.proto.solution_hint.values.extend([val for _, val in hinted])

    def _add_pairing(self, arrays: ScenarioArrays, by_pdu: dict[str, list[int]],
                     hint: np.ndarray, obj_vars: list, obj_coefs: list,
                     hint_vals: list) -> None:
        """h[p,k] <= sum of ETE/accommodation x at k; q[w,j] <= x[w,j], q <= sum h near j."""
        st = arrays.scenario.settings
        needs = arrays.scenario.dataset.needs
        m = self.model
        bonus = pence(st.pairing_bonus)
        for members in by_pdu.values():
            hosts = [i for i in members if needs[i].lot.prefers_authority]
            wellbeing = [i for i in members if needs[i].lot is Lot.WELLBEING]
            if not hosts or not wellbeing:
                continue
            host_x: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for i in hosts:
                for j, v in self.rows[i]:
                    host_x[j].append(v)
            host_sites = np.array(sorted(host_x), dtype=np.int64)
            hinted_hosts = {int(hint[i]) for i in hosts if hint[i] != UNPLACED}
            h: dict[int, cp_model.IntVar] = {}
            for w in wellbeing:
                for j, v in self.rows[w]:
                    near = host_sites[arrays.near[j, host_sites]]
                    if not len(near):
                        continue
                    for k in near:
                        k = int(k)
                        if k not in h:
                            h[k] = m.new_bool_var("")
                            m.add(h[k] <= sum(host_x[k]))
                            hint_vals.append((h[k], int(k in hinted_hosts)))
                    q = m.new_bool_var("")
                    m.add_implication(q, v)
                    m.add(q <= sum(h[int(k)] for k in near))
                    obj_vars.append(q)
                    obj_coefs.append(-bonus)
                    paired = hint[w] == j and any(int(k) in hinted_hosts for k in near)
                    hint_vals.append((q, int(paired)))

    def solve(self, *, time_limit_s: float, workers: int, relative_gap: float,
              register: Callable[[object], None], unregister: Callable[[object], None],
              on_update: Callable[[float | None, float], None]) -> PartOutcome:
        """Run CP-SAT; ``on_update(objective_pence, bound_pence)`` is called on improvements."""
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(time_limit_s, 0.001)
        p.num_workers = max(1, workers)
        p.relative_gap_limit = relative_gap
        p.log_search_progress = False
        # put the x <= y, x <= z and pairing links in the LP: without them a single worker's
        # bound is far too weak to prove anything on facility-location structure
        p.linearization_level = 2
        # presolve delays the first (hinted) solution by a second or more on a busy machine;
        # with short, shared time limits a plan in hand matters more than a tighter model
        p.cp_model_presolve = False
        lock = threading.Lock()
        state = {"objective": None, "bound": float(self.trivial_bound)}

        class Reporter(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                with lock:
                    state["objective"] = self.objective_value + self_offset
                    state["bound"] = max(state["bound"], self.best_objective_bound + self_offset)
                on_update(state["objective"], state["bound"])

        def on_bound(bound: float) -> None:
            with lock:
                state["bound"] = max(state["bound"], bound + self_offset)
            on_update(state["objective"], state["bound"])

        self_offset = self.offset
        solver.best_bound_callback = on_bound
        register(solver)
        try:
            status = solver.solve(self.model, Reporter())
        finally:
            unregister(solver)
        site_of = np.full(len(self.part.needs), UNPLACED, dtype=np.int64)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            for k, i in enumerate(self.part.needs):
                for j, v in self.rows[int(i)]:
                    if solver.boolean_value(v):
                        site_of[k] = j
                        break
            objective = (solver.objective_value + self.offset) / PENCE
            bound = max(solver.best_objective_bound + self.offset, self.trivial_bound) / PENCE
            return PartOutcome(site_of, objective, bound,
                               "optimal" if status == cp_model.OPTIMAL else "feasible")
        if status == cp_model.INFEASIBLE:
            return PartOutcome(site_of, None, float("inf"), "infeasible")
        bound = float(self.trivial_bound)
        if np.isfinite(solver.best_objective_bound):
            bound = max(bound, solver.best_objective_bound + self.offset)
        return PartOutcome(site_of, None, bound / PENCE, "unknown")


def elapsed_since(start: float) -> float:
    return time.perf_counter() - start
