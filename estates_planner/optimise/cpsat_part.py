"""One independent part of the allocation as a CP-SAT model (see AllocationModel for maths).

Costs are integers in pence; everything reported to users is re-priced in float pounds by
:mod:`estates_planner.optimise.evaluate`.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from estates_planner.errors import CancelledError
from estates_planner.model import Lot
from estates_planner.optimise.bounds import most_that_fit
from estates_planner.optimise.cp_solver import new_cp_solver
from estates_planner.optimise.decompose import Component
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays
from estates_planner.optimise.pairing_rows import PduPairing, hosts_and_wellbeing
from estates_planner.optimise.rota import (
    daily_capacities,
    daily_rule,
    max_wellbeing_bonus,
    rota_hint,
)
from estates_planner.optimise.rota_cuts import RelaxedDays
from estates_planner.optimise.rota_model import DayCaps, WeekdayRows

PENCE = 100
_CHECK_PAIRS = 5_000  # need/site pairs (variables) built between cancel checks


def _weighted(users: list[tuple[int, cp_model.IntVar]], demand: np.ndarray) -> LinearExpr:
    """sum of demand[i] * x over (i, x) in ``users``, built in one call (a Python sum of
    thousands of terms is a large share of building a model)."""
    pairs = [(v, int(demand[i])) for i, v in users if demand[i]]
    return LinearExpr.weighted_sum([v for v, _ in pairs], [c for _, c in pairs])


class _WorkCheck:
    """Calls ``should_stop`` once every :data:`_CHECK_PAIRS` units of work added, and raises
    :class:`CancelledError` when it says stop (the time limit or a cancel)."""

    def __init__(self, should_stop: Callable[[], bool]) -> None:
        self.should_stop = should_stop
        self.done = _CHECK_PAIRS  # check at the first call

    def add(self, units: int) -> None:
        self.done += units
        if self.done >= _CHECK_PAIRS:
            self.done = 0
            if self.should_stop():
                raise CancelledError("stopped while building the model")


def pence(value: float) -> int:
    return int(round(value * PENCE))


@dataclass
class PartOutcome:
    """What solving one part gave: site index per need of the part, objective and bound (GBP)."""

    site_of: np.ndarray
    objective: float | None
    bound: float
    status: str  # "optimal", "feasible", "infeasible", "unknown"
    # which solver gave the bound ("CP-SAT", "HiGHS", "searchless") and proved the optimum
    bound_by: str = "CP-SAT"
    proven_by: str = ""


class PartModel:
    """The CP-SAT model of one :class:`Component`, with hints from a full plan."""

    def __init__(self, arrays: ScenarioArrays, part: Component, candidates: list[np.ndarray],
                 hint: np.ndarray, should_stop: Callable[[], bool], *,
                 desk_cap: np.ndarray | None = None, room_cap: np.ndarray | None = None,
                 fit_out_paid: np.ndarray | None = None, day_caps: DayCaps | None = None,
                 day_hint: dict[int, tuple[int, ...]] | None = None,
                 daily: bool = True, relaxed_days: bool = False) -> None:
        """``desk_cap``/``room_cap`` override the capacities and ``fit_out_paid`` marks sites
        whose fit-out is already paid (used when re-fitting a few needs inside a plan);
        ``day_caps`` does the same per weekday under the daily rule, and ``day_hint`` gives
        the hinted plan's weekdays by need; ``daily=False`` leaves the daily rule out (the
        local search's weekly phase); with ``relaxed_days`` as well, the rows of the daily
        rule that need no weekday variables are kept (the master of
        :mod:`estates_planner.optimise.rota_cuts`, a tighter relaxation)."""
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
        # the daily rule (issue 17): weekday variables and rows, in rota_model
        self.weekdays: WeekdayRows | None = None
        if daily and daily_rule(st):
            self.weekdays = WeekdayRows(m, needs, *daily_capacities(arrays), day_caps)
            if day_hint is None and day_caps is None:
                day_hint = rota_hint(arrays, hint, part.needs)
            self.weekdays.hint = dict(day_hint or {})
            self.weekdays.hint_site = hint
        self.relaxed: RelaxedDays | None = None
        if not daily and relaxed_days and daily_rule(st):
            self.relaxed = RelaxedDays(self.model, needs, *daily_capacities(arrays))
        lin = arrays.costs.linear
        unplaced = pence(st.unplaced_penalty)
        self.offset = 0  # pence, constant part of the objective
        obj_vars: list[cp_model.IntVar] = []
        obj_coefs: list[int] = []
        hint_x: dict[tuple[int, int], int] = {}
        hint_u: list[tuple[cp_model.IntVar, int]] = []
        trivial = self.offset  # pence; a valid lower bound that needs no search
        self.u: dict[int, cp_model.IntVar] = {}
        by_site: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        # the checks count work, not needs: a need of a large region has hundreds of sites
        work = _WorkCheck(should_stop)
        for i in part.needs:
            i = int(i)
            work.add(len(candidates[i]))
            row = []
            best: int | None = None if self.strict else unplaced
            cand = candidates[i]
            # pence of the whole row at once (np.rint rounds halves to even, as round() does)
            costs = np.rint(lin[i, cand] * PENCE).astype(np.int64).tolist()
            for j, c in zip(cand.tolist(), costs, strict=True):
                v = m.new_bool_var("")
                self.x[i, j] = v
                row.append((j, v))
                by_site[j].append((i, v))
                best = c if best is None else min(best, c)
                obj_vars.append(v)
                obj_coefs.append(c)
                hint_x[i, j] = int(hint[i] == j)
            best = 0 if best is None else best
            if needs[i].lot is Lot.WELLBEING:
                best -= pence(max_wellbeing_bonus(st))
            trivial += best
            self.rows[i] = row
            if self.strict:
                m.add_exactly_one(v for _, v in row)
            else:
                u = m.new_bool_var("")  # unplaced
                self.u[i] = u
                m.add_exactly_one([v for _, v in row] + [u])
                obj_vars.append(u)
                obj_coefs.append(unplaced)
                hint_u.append((u, int(hint[i] == UNPLACED)))
        # capacity (R2) and fit-out: x[i,j] <= y[j], sum desk_days x <= cap y
        fit_out = arrays.costs.fit_out
        hint_used = {int(hint[i]) for i in part.needs if hint[i] != UNPLACED}
        hint_vals: list[tuple[cp_model.IntVar, int]] = []
        for j, users in by_site.items():
            work.add(len(users))
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
                expr = _weighted(users, demand)
                m.add(expr <= (cap * y if y is not None else cap))
                for clique in conflict_cliques([int(demand[i]) for i, _ in users], cap):
                    if y is None:
                        m.add_at_most_one(users[k][1] for k in clique)
                    else:  # at most one, and only at a site in use
                        m.add(LinearExpr.sum([users[k][1] for k in clique]) <= y)
            if self.weekdays is not None:
                self.weekdays.add_site(j, users, y)
            elif self.relaxed is not None:
                self.relaxed.add_site(j, users, y)
        work.add(_CHECK_PAIRS)  # check now
        # separate locations: x[i,j] <= z[pdu,j]
        by_pdu: dict[str, list[int]] = defaultdict(list)
        for i in part.needs:
            by_pdu[needs[int(i)].pdu].append(int(i))
        if st.location_penalty > 0:
            for members in by_pdu.values():
                at: dict[int, list[cp_model.IntVar]] = defaultdict(list)
                at_need: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
                for i in members:
                    for j, v in self.rows[i]:
                        at[j].append(v)
                        at_need[j].append((i, v))
                hint_at = {int(hint[i]) for i in members if hint[i] != UNPLACED}
                for j, vs in at.items():
                    work.add(len(vs))
                    z = m.new_bool_var("")
                    for v in vs:
                        m.add_implication(v, z)
                    self._add_pdu_capacity(arrays, at_need[j], z, desk_cap[j], room_cap[j])
                    obj_vars.append(z)
                    obj_coefs.append(pence(st.location_penalty))
                    hint_vals.append((z, int(j in hint_at)))
        if not self.strict:
            self._add_unplaced_cuts(arrays, candidates, hint, desk_cap, room_cap, should_stop)
        if max_wellbeing_bonus(st) > 0:
            self._add_pairing(arrays, by_pdu, hint, obj_vars, obj_coefs, hint_vals)
        m.minimize(LinearExpr.weighted_sum(obj_vars, obj_coefs))
        self.trivial_bound = trivial
        # one bulk write instead of a call per variable (thousands of them)
        hinted = [(v, hint_x[key]) for key, v in self.x.items()] + hint_vals + hint_u
        if self.weekdays is not None:
            hinted += self.weekdays.hints
        m.proto.solution_hint.vars.extend([v.index for v, _ in hinted])
        m.proto.solution_hint.values.extend([val for _, val in hinted])

    def _add_pdu_capacity(self, arrays: ScenarioArrays, users: list, z: cp_model.IntVar,
                          desk_cap: int, room_cap: int) -> None:
        """sum of a PDU's demand at a site <= the site's capacity x z[pdu, site], and the
        PDU's needs that cannot share the site: at most one of them, and only if z = 1.

        Implied by the site's own capacity row and x <= z in whole numbers, but not in the LP:
        without them the LP spreads a PDU's needs thinly over one site's worth of z and pays a
        single location penalty for a PDU that needs several sites.
        """
        for demand, cap in ((arrays.desk_days, int(desk_cap)), (arrays.room_days, int(room_cap))):
            if sum(int(demand[i]) for i, _ in users) > cap:
                self.model.add(_weighted(users, demand) <= cap * z)
                for clique in conflict_cliques([int(demand[i]) for i, _ in users], cap):
                    self.model.add(LinearExpr.sum([users[k][1] for k in clique]) <= z)

    def _add_unplaced_cuts(self, arrays: ScenarioArrays, candidates: list[np.ndarray],
                           hint: np.ndarray, desk_cap: np.ndarray, room_cap: np.ndarray,
                           should_stop: Callable[[], bool]) -> None:
        """Sum of u over a group of needs >= the group's size minus the most of them that fit.

        The LP packs needs fractionally, so it leaves fewer needs unplaced than any plan can
        (a women's need that does not fit anywhere costs the whole unplaced penalty). The most
        needs of a group that fit at once, ignoring every other need, is an upper bound on how
        many of them any plan places, so the cut is valid; it is found by a small CP-SAT
        model (count only, capacities only) whose proven bound is used even when it is cut
        short. Groups: the women's needs (R3 gives them sites of their own) and the other
        needs, each only when the starting plan leaves some of it unplaced.
        """
        needs = arrays.scenario.dataset.needs
        members = [int(i) for i in self.part.needs]
        womens = [i for i in members if needs[i].lot is Lot.WOMENS]
        others = [i for i in members if needs[i].lot is not Lot.WOMENS]
        for group in (womens, others):
            if not group or should_stop() or not any(hint[i] == UNPLACED for i in group):
                continue
            most = most_placeable(arrays, group, candidates, desk_cap, room_cap)
            missing = len(group) - most
            if missing > 0:
                self.model.add(LinearExpr.sum([self.u[i] for i in group]) >= missing)

    def _add_pairing(self, arrays: ScenarioArrays, by_pdu: dict[str, list[int]],
                     hint: np.ndarray, obj_vars: list, obj_coefs: list,
                     hint_vals: list) -> None:
        """h[p,k] <= sum of ETE/accommodation x at k; q[w,j] <= x[w,j], q <= sum h near j."""
        st = arrays.scenario.settings
        needs = arrays.scenario.dataset.needs
        m = self.model
        bonus = pence(max(st.pairing_bonus, 0.0))
        same_day = pence(max_wellbeing_bonus(st)) - bonus
        for members in by_pdu.values():
            hosts, wellbeing = hosts_and_wellbeing(needs, members)
            if not hosts or not wellbeing:
                continue
            pairing = PduPairing(m, arrays.near, hosts, self.rows, hint, hint_vals)
            for w in wellbeing:
                for j, v in self.rows[w]:
                    linked = pairing.link(w, j, v)
                    if linked is None:
                        continue
                    q, near, paired = linked
                    t = None
                    if same_day and self.weekdays is not None:
                        t = self.weekdays.add_same_day(
                            w, j, v, q, pairing.hosts_near(near), needs[w].pdu, hosts)
                    elif same_day and self.relaxed is not None:
                        t, able = self.relaxed.add_same_day(
                            w, j, q, pairing.hosts_near(near), hosts)
                        if t is not None:
                            hint_vals.append((t, int(paired and able)))
                    obj_vars.append(q)
                    obj_coefs.append(-bonus - (same_day if t is None else 0))
                    if t is not None:
                        obj_vars.append(t)
                        obj_coefs.append(-same_day)

    def plan_from_values(self, values: np.ndarray) -> np.ndarray:
        """Site index per need of the part from 0/1 values of the model's variables (as
        HiGHS returns them for the same model): UNPLACED where no x is 1."""
        site_of = np.full(len(self.part.needs), UNPLACED, dtype=np.int64)
        for k, i in enumerate(self.part.needs):
            for j, v in self.rows[int(i)]:
                if values[v.index] > 0:
                    site_of[k] = j
                    break
        return site_of

    def solve(self, *, time_limit_s: float, workers: int, relative_gap: float,
              register: Callable[[object], None], unregister: Callable[[object], None],
              on_update: Callable[[float | None, float], None]) -> PartOutcome:
        """Run CP-SAT; ``on_update(objective_pence, bound_pence)`` is called on improvements."""
        solver = new_cp_solver()
        p = solver.parameters
        p.max_time_in_seconds = max(time_limit_s, 0.001)
        p.num_workers = max(1, workers)
        p.relative_gap_limit = relative_gap
        p.log_search_progress = False
        # OR-Tools would install its own SIGINT handler for the search and leave it behind
        # empty: a Ctrl-C after a search (or with SIGINT inherited as ignored) then aborted
        # the process with "std::bad_function_call". Interrupts are the caller's to handle,
        # through the cancel flag (cli/interrupts.py)
        p.catch_sigint_signal = False
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
            optimal = status == cp_model.OPTIMAL
            return PartOutcome(site_of, objective, bound, "optimal" if optimal else "feasible",
                               proven_by="CP-SAT" if optimal else "")
        if status == cp_model.INFEASIBLE:
            return PartOutcome(site_of, None, float("inf"), "infeasible")
        bound = float(self.trivial_bound)
        if np.isfinite(solver.best_objective_bound):
            bound = max(bound, solver.best_objective_bound + self.offset)
        return PartOutcome(site_of, None, bound / PENCE, "unknown")


_MOST_PLACEABLE_S = 0.15  # at most, to count the most needs of a group that fit
_PACK_MAX_PAIRS = 60_000  # need/site pairs from which the count-only model is not built


def conflict_cliques(sizes: list[int], cap: int) -> list[list[int]]:
    """Groups of items (indices into ``sizes``) of which no two fit ``cap`` together.

    Every pair of items whose sizes add up to more than the capacity lies in one of these
    groups: the items larger than half the capacity, and each smaller item with the items too
    large to go with it. Each group becomes an at-most-one constraint, which cuts off the LP's
    fractional packings (the generalised-assignment part of the model's weak bound).
    """
    big = [k for k, d in enumerate(sizes) if 2 * d > cap]
    cliques = [big] if len(big) > 1 else []
    for k, d in enumerate(sizes):
        if d and 2 * d <= cap:
            clique = [k] + [b for b in big if sizes[b] > cap - d]
            if len(clique) > 1:
                cliques.append(clique)
    return cliques


def most_placeable(arrays: ScenarioArrays, group: list[int], candidates: list[np.ndarray],
                   desk_cap: np.ndarray, room_cap: np.ndarray,
                   time_limit_s: float = _MOST_PLACEABLE_S) -> int:
    """An upper bound on how many needs of ``group`` fit their candidate sites at once.

    Exact when the small model is solved in time, else CP-SAT's proven bound (never less
    than the true maximum, so cuts built from it stay valid).
    """
    return pack_most(arrays, group, candidates, desk_cap, room_cap, time_limit_s)[0]


def pack_most(arrays: ScenarioArrays, group: list[int], candidates: list[np.ndarray],
              desk_cap: np.ndarray, room_cap: np.ndarray, time_limit_s: float,
              ) -> tuple[int, dict[int, int] | None]:
    """(upper bound on the needs of ``group`` that fit at once, the best packing found as
    need -> site for the needs it places, or None when none was found in time).

    Costs are ignored: this only counts. The local search uses the packing to place needs
    that a cost-driven search leaves out, and keeps it only if the whole plan costs less.
    """
    ceiling = smallest_first_count(arrays, group, candidates, desk_cap, room_cap)
    if sum(len(candidates[i]) for i in group) > _PACK_MAX_PAIRS:
        # a model this size is not even built in the fraction of a second it may take (a
        # region of 8,000 needs short of room took 50 s just to build it)
        return ceiling, None
    m = cp_model.CpModel()
    by_site: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    rows: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    placed = []
    for i in group:
        row = []
        for j in candidates[i]:
            v = m.new_bool_var("")
            row.append((int(j), v))
            by_site[int(j)].append((i, v))
        rows[i] = row
        if row:
            m.add_at_most_one(v for _, v in row)
            placed.extend(v for _, v in row)
    for j, users in by_site.items():
        for demand, cap in ((arrays.desk_days, int(desk_cap[j])),
                            (arrays.room_days, int(room_cap[j]))):
            if sum(int(demand[i]) for i, _ in users) > cap:
                m.add(_weighted(users, demand) <= cap)
    m.maximize(LinearExpr.sum(placed))
    solver = new_cp_solver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.001)
    solver.parameters.num_workers = 1
    if placed:
        m.add(LinearExpr.sum(placed) <= ceiling)
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ceiling, None
    packing = {i: j for i, row in rows.items() for j, v in row if solver.boolean_value(v)}
    if status == cp_model.OPTIMAL:
        return int(round(solver.objective_value)), packing
    bound = solver.best_objective_bound
    most = ceiling if not np.isfinite(bound) else int(np.floor(bound + 1e-6))
    return min(ceiling, most), packing


def smallest_first_count(arrays: ScenarioArrays, group: list[int],
                         candidates: list[np.ndarray], desk_cap: np.ndarray,
                         room_cap: np.ndarray) -> int:
    """An upper bound on how many needs of ``group`` fit at once, by counting alone.

    All the sites the group may use hold at most their total desk-days (and room-days); the
    most needs that can fit in a total are the smallest ones first. A packing model alone
    often cannot prove this within its fraction of a second (its LP relaxation counts the
    needs fractionally), and a women's lot short of interview rooms then looked as if every
    need could be placed, leaving the whole unplaced penalty of the needs that cannot in the
    gap.
    """
    placeable = [i for i in group if len(candidates[i])]
    if not placeable:
        return 0
    sites = np.unique(np.concatenate([np.asarray(candidates[i]) for i in placeable]))
    return most_that_fit(arrays.desk_days[placeable], arrays.room_days[placeable],
                         int(np.asarray(desk_cap)[sites].sum()),
                         int(np.asarray(room_cap)[sites].sum()))

