"""One independent part of a contract plan as a single CP-SAT model over all its years.

The rows are those of the single-year model (:mod:`estates_planner.optimise.cpsat_part`)
written once per year with that year's volumes and availability, sharing one fit-out
variable per site across the years, plus one move variable per need and pair of
consecutive years. The maths is in :class:`~estates_planner.optimise.multiyear.model.
MultiYearModel`. Costs are integers in pence.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from estates_planner.model import Lot
from estates_planner.optimise.candidates import fits_alone
from estates_planner.optimise.cp_solver import new_cp_solver
from estates_planner.optimise.cpsat_part import PENCE, conflict_cliques, pence
from estates_planner.optimise.decompose import pairing_loss_bound
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays
from estates_planner.optimise.multiyear.pricing import ContractData
from estates_planner.optimise.pairing_rows import PduPairing, hosts_and_wellbeing
from estates_planner.optimise.rota import (
    daily_capacities,
    daily_rule,
    max_wellbeing_bonus,
    rota_hint,
    same_day_bonus,
)
from estates_planner.optimise.rota_model import DayCaps, WeekdayRows

_EPS = 1e-9


def year_candidates(arrays: ScenarioArrays) -> list[np.ndarray]:
    """Each need's candidate sites in one year: the rules R3-R8 of that year, the need alone
    fits the site, and (not strict) the pair's own cost is at most the unplaced penalty plus
    the most pairing bonus the need can carry.

    The last test stays sound over several years: leaving a need unplaced in a year never
    adds a move (an unplaced year between is not a move), a fit-out or a location. The
    single-year "dominated site" pruning is not used: moving one need in one year can add
    moves, so it is not always an improvement.
    """
    st = arrays.scenario.settings
    ok = arrays.allowed & fits_alone(arrays.scenario)
    if not st.strict:
        loss = pairing_loss_bound(arrays)
        ok &= arrays.costs.linear <= st.unplaced_penalty + loss[:, None] \
            + _EPS * st.unplaced_penalty
    return [np.flatnonzero(row) for row in ok]


def searchless_bound(data: ContractData, rows: Sequence[np.ndarray],
                     candidates: Sequence[list[np.ndarray]]) -> float:
    """A lower bound on a part's objective that needs no search (GBP): each need in each
    year at its cheapest option (or unplaced), every wellbeing need paired; fit-out,
    locations and moves at 0."""
    st = data.scenario.settings
    total = 0.0
    for k, r in enumerate(rows):
        lin = data.arrays[k].costs.linear
        needs = data.scenarios[k].dataset.needs
        for i in np.asarray(r).tolist():
            cand = candidates[k][i]
            best = float(lin[i, cand].min()) if len(cand) else math.inf
            if not st.strict:
                best = min(best, st.unplaced_penalty)
            if needs[i].lot is Lot.WELLBEING:
                best -= max_wellbeing_bonus(st)  # pairing and, daily rule, same day
            total += best
    return total


@dataclass
class JointOutcome:
    """Site index per row of each year for the part's needs (``rows[k]``), objective and
    bound in GBP (objective None when no plan was found), and the CP-SAT status."""

    site_of: list[np.ndarray]
    objective: float | None
    bound: float
    status: str


def _weighted(users: list[tuple[int, cp_model.IntVar]], demand: np.ndarray) -> LinearExpr:
    pairs = [(v, int(demand[i])) for i, v in users if demand[i]]
    return LinearExpr.weighted_sum([v for v, _ in pairs], [c for _, c in pairs])


class JointPartModel:
    """The CP-SAT model of one part over every contract year, hinted with a whole plan.

    Parameters
    ----------
    data
        The contract's year scenarios and arrays.
    rows
        Per year, the rows (of that year's arrays) of the part's needs active that year.
    candidates
        Per year, each row's candidate sites (:func:`year_candidates`).
    hint
        Per year, a site index per row of that year's arrays (UNPLACED for none).
    """

    def __init__(self, data: ContractData, rows: Sequence[np.ndarray],
                 candidates: Sequence[list[np.ndarray]], hint: Sequence[np.ndarray], *,
                 capacity: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
                 fit_out_paid: np.ndarray | None = None,
                 day_caps: Sequence[DayCaps] | None = None,
                 day_hint: Sequence[dict[int, tuple[int, ...]]] | None = None,
                 daily: bool = True) -> None:
        """``capacity`` (desk-days, room-days per site, per year) and ``fit_out_paid`` (per
        site) describe what needs outside ``rows`` leave and pay: the model then re-places
        ``rows`` inside a fixed plan (the whole-PDU neighbourhoods of :mod:`.search`);
        under the daily rule ``day_caps`` (per year: site -> desks and rooms left on each
        weekday) and ``day_hint`` (per year: the hinted weekdays by row) do the same for
        the weekdays.

        Under the daily rule each year has its own weekday variables and rows
        (:class:`~estates_planner.optimise.rota_model.WeekdayRows`, as in the single-year
        part model): every plan of the model has a rota in every year, with that year's
        volumes, and the same-day bonus is counted exactly. ``daily=False`` leaves the
        weekdays out and counts the same-day bonus on every paired need: the weekly
        relaxation, whose optimum bounds the daily model's (its plans may have no rota)."""
        self.data = data
        self.capacity = capacity if capacity is not None else \
            [(a.desk_cap, a.room_cap) for a in data.arrays]
        self.rows = [np.asarray(r, dtype=np.int64) for r in rows]
        st = data.scenario.settings
        self.strict = st.strict
        m = self.model = cp_model.CpModel()
        obj_vars: list[cp_model.IntVar] = []
        obj_coefs: list[int] = []
        hints: list[tuple[cp_model.IntVar, int]] = []
        self.x: list[dict[int, list[tuple[int, cp_model.IntVar]]]] = []
        self.u: list[dict[int, cp_model.IntVar]] = []
        unplaced = pence(st.unplaced_penalty)
        trivial = 0
        y: dict[int, cp_model.IntVar] = {}
        used_in_hint: set[int] = set()
        for k, r in enumerate(self.rows):
            used_in_hint.update(int(hint[k][i]) for i in r if hint[k][i] != UNPLACED)
        # the daily rule (issue 17): each contract year has its own rota
        self.weekdays: list[WeekdayRows | None] = []
        for k, r in enumerate(self.rows):
            if not (daily and daily_rule(st)):
                self.weekdays.append(None)
                continue
            arrays = data.arrays[k]
            caps = None if day_caps is None else day_caps[k]
            rows_k = WeekdayRows(m, data.scenarios[k].dataset.needs,
                                 *daily_capacities(arrays), caps)
            if day_hint is not None:
                rows_k.hint = dict(day_hint[k])
            elif caps is None:
                rows_k.hint = rota_hint(arrays, np.asarray(hint[k]), r)
            rows_k.hint_site = np.asarray(hint[k])
            self.weekdays.append(rows_k)

        def fit_out_var(j: int) -> cp_model.IntVar | None:
            if self.data.fit_out[j] <= 0 or (fit_out_paid is not None and fit_out_paid[j]):
                return None
            if j not in y:
                y[j] = m.new_bool_var("")
                obj_vars.append(y[j])
                obj_coefs.append(pence(self.data.fit_out[j]))
                hints.append((y[j], int(j in used_in_hint)))
            return y[j]

        for k, r in enumerate(self.rows):
            arrays = data.arrays[k]
            needs = data.scenarios[k].dataset.needs
            lin = arrays.costs.linear
            xk: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
            uk: dict[int, cp_model.IntVar] = {}
            by_site: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
            for i in r.tolist():
                cand = candidates[k][i]
                costs = np.rint(lin[i, cand] * PENCE).astype(np.int64).tolist()
                row = []
                best = None if self.strict else unplaced
                for j, c in zip(cand.tolist(), costs, strict=True):
                    v = m.new_bool_var("")
                    row.append((j, v))
                    by_site[j].append((i, v))
                    obj_vars.append(v)
                    obj_coefs.append(c)
                    hints.append((v, int(hint[k][i] == j)))
                    best = c if best is None else min(best, c)
                trivial += 0 if best is None else best
                if needs[i].lot is Lot.WELLBEING:
                    trivial -= pence(max_wellbeing_bonus(st))
                xk[i] = row
                if self.strict:
                    m.add_exactly_one(v for _, v in row)
                else:
                    u = m.new_bool_var("")
                    uk[i] = u
                    m.add_exactly_one([v for _, v in row] + [u])
                    obj_vars.append(u)
                    obj_coefs.append(unplaced)
                    hints.append((u, int(hint[k][i] == UNPLACED)))
            self.x.append(xk)
            self.u.append(uk)
            for j, users in by_site.items():
                yj = fit_out_var(j)
                if yj is not None:
                    for _, v in users:
                        m.add_implication(v, yj)
                desk_cap, room_cap = self.capacity[k]
                for demand, cap in ((arrays.desk_days, int(desk_cap[j])),
                                    (arrays.room_days, int(room_cap[j]))):
                    if sum(int(demand[i]) for i, _ in users) <= cap:
                        continue
                    m.add(_weighted(users, demand) <= (cap * yj if yj is not None else cap))
                    for clique in conflict_cliques([int(demand[i]) for i, _ in users], cap):
                        if yj is None:
                            m.add_at_most_one(users[c][1] for c in clique)
                        else:
                            m.add(LinearExpr.sum([users[c][1] for c in clique]) <= yj)
                if self.weekdays[k] is not None:
                    self.weekdays[k].add_site(j, users, yj)
            by_pdu: dict[str, list[int]] = defaultdict(list)
            for i in r.tolist():
                by_pdu[needs[i].pdu].append(i)
            if st.location_penalty > 0:
                self._locations(k, by_pdu, hint[k], obj_vars, obj_coefs, hints)
            if max_wellbeing_bonus(st) > 0:
                self._pairing(k, by_pdu, hint[k], obj_vars, obj_coefs, hints)
        self._moves(hint, obj_vars, obj_coefs, hints)
        if st.keep_sites_across_years:
            self._keep_sites(hint, hints)
        for rows_k in self.weekdays:
            if rows_k is not None:
                hints.extend(rows_k.hints)
        m.minimize(LinearExpr.weighted_sum(obj_vars, obj_coefs))
        self.trivial_bound = trivial
        # the hinted plan's objective (pence): every variable is hinted
        value = {v.index: val for v, val in hints}
        self.hint_objective = sum(c * value.get(v.index, 0)
                                  for v, c in zip(obj_vars, obj_coefs, strict=True))
        m.proto.solution_hint.vars.extend([v.index for v, _ in hints])
        m.proto.solution_hint.values.extend([val for _, val in hints])

    def _locations(self, k: int, by_pdu: dict[str, list[int]], hint: np.ndarray,
                   obj_vars: list, obj_coefs: list, hints: list) -> None:
        """x <= z[pdu, site] per year, and the PDU capacity rows that tighten the LP."""
        arrays = self.data.arrays[k]
        desk_cap, room_cap = self.capacity[k]
        st = self.data.scenario.settings
        m = self.model
        for members in by_pdu.values():
            at: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
            for i in members:
                for j, v in self.x[k][i]:
                    at[j].append((i, v))
            hinted = {int(hint[i]) for i in members if hint[i] != UNPLACED}
            for j, users in at.items():
                z = m.new_bool_var("")
                for _, v in users:
                    m.add_implication(v, z)
                for demand, cap in ((arrays.desk_days, int(desk_cap[j])),
                                    (arrays.room_days, int(room_cap[j]))):
                    if sum(int(demand[i]) for i, _ in users) > cap:
                        m.add(_weighted(users, demand) <= cap * z)
                        for clique in conflict_cliques([int(demand[i]) for i, _ in users], cap):
                            m.add(LinearExpr.sum([users[c][1] for c in clique]) <= z)
                obj_vars.append(z)
                obj_coefs.append(pence(st.location_penalty))
                hints.append((z, int(j in hinted)))

    def _pairing(self, k: int, by_pdu: dict[str, list[int]], hint: np.ndarray,
                 obj_vars: list, obj_coefs: list, hints: list) -> None:
        """h[p, t] <= ETE/accommodation x at t; q[w, s] <= x[w, s], q <= sum of h near s."""
        arrays = self.data.arrays[k]
        needs = self.data.scenarios[k].dataset.needs
        m = self.model
        st = self.data.scenario.settings
        bonus = pence(max(st.pairing_bonus, 0.0))
        # the same-day bonus on the year's weekday literals (0 without the daily rule)
        same_day = pence(same_day_bonus(st))
        weekdays = self.weekdays[k]
        for members in by_pdu.values():
            hosts, wellbeing = hosts_and_wellbeing(needs, members)
            if not hosts or not wellbeing:
                continue
            pairing = PduPairing(m, arrays.near, hosts, self.x[k], hint, hints)
            for w in wellbeing:
                for j, v in self.x[k][w]:
                    linked = pairing.link(w, j, v)
                    if linked is None:
                        continue
                    q, near, _paired = linked
                    shares = None
                    if same_day and weekdays is not None:
                        shares = weekdays.add_same_day(
                            w, j, v, q, pairing.hosts_near(near), needs[w].pdu, hosts)
                    obj_vars.append(q)
                    obj_coefs.append(-bonus - (same_day if shares is None else 0))
                    if shares is not None:
                        obj_vars.append(shares)
                        obj_coefs.append(-same_day)

    def _moves(self, hint: Sequence[np.ndarray], obj_vars: list, obj_coefs: list,
               hints: list) -> None:
        """mv >= x[k-1, n, s] - x[k, n, s] - u[k, n] for every site s of year k-1: placed at
        s before, placed now, and not at s."""
        penalty = pence(self.data.scenario.settings.move_penalty)
        if penalty <= 0:
            return
        m = self.model
        for k in range(1, len(self.rows)):
            before = self.data.need_index[k - 1]
            needs = self.data.scenarios[k].dataset.needs
            for i in self.rows[k].tolist():
                p = before.get(needs[i].need_id)
                if p is None or p not in self.x[k - 1] or not self.x[k - 1][p] \
                        or not self.x[k][i]:
                    continue
                now = dict(self.x[k][i])
                u = self.u[k].get(i)
                mv = m.new_bool_var("")
                for s, v in self.x[k - 1][p]:
                    expr = v - now[s] if s in now else v
                    if u is not None:
                        m.add(mv >= expr - u)
                    else:
                        m.add(mv >= expr)
                obj_vars.append(mv)
                obj_coefs.append(penalty)
                was, then = int(hint[k - 1][p]), int(hint[k][i])
                hints.append((mv, int(was != UNPLACED and then != UNPLACED and was != then)))

    def _keep_sites(self, hint: Sequence[np.ndarray], hints: list) -> None:
        """One site per need over the years: x[k, n, s] <= w[n, s], sum over s of w <= 1."""
        m = self.model
        by_need: dict[str, dict[int, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list))
        hinted: dict[str, int] = {}
        for k, r in enumerate(self.rows):
            needs = self.data.scenarios[k].dataset.needs
            for i in r.tolist():
                for j, v in self.x[k][i]:
                    by_need[needs[i].need_id][j].append(v)
                if hint[k][i] != UNPLACED:
                    hinted.setdefault(needs[i].need_id, int(hint[k][i]))
        for need_id, at in by_need.items():
            ws = []
            for j, vs in at.items():
                w = m.new_bool_var("")
                for v in vs:
                    m.add_implication(v, w)
                ws.append(w)
                hints.append((w, int(hinted.get(need_id) == j)))
            m.add_at_most_one(ws)

    def solve(self, *, time_limit_s: float, register: Callable[[object], None],
              unregister: Callable[[object], None], relative_gap: float = 0.0,
              on_update: Callable[[float | None, float], None] | None = None,
              presolve: bool = False) -> JointOutcome:
        """Run CP-SAT (one worker, as the single-year parts: a second displaces the LP).

        ``presolve``: off, the hinted plan is in hand at once (a first search); on, the
        bound is much better on a hard part (the sample's London part over 4 years, 8 s,
        one worker, the same hint: bound 5.15 M with it, 2.65 M without, the plan 5.77 M
        either way) but a first plan may come too late for a short share of time.
        """
        solver = new_cp_solver()
        p = solver.parameters
        p.max_time_in_seconds = max(time_limit_s, 0.001)
        p.num_workers = 1
        p.relative_gap_limit = relative_gap
        p.linearization_level = 2
        p.cp_model_presolve = presolve
        lock = threading.Lock()

        class Reporter(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if on_update is not None:
                    with lock:
                        on_update(self.objective_value / PENCE,
                                  self.best_objective_bound / PENCE)

        register(solver)
        try:
            status = solver.solve(self.model, Reporter())
        finally:
            unregister(solver)
        site_of = [np.full(len(r), UNPLACED, dtype=np.int64) for r in self.rows]
        trivial = self.trivial_bound / PENCE
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            for k, r in enumerate(self.rows):
                for pos, i in enumerate(r.tolist()):
                    for j, v in self.x[k][i]:
                        if solver.boolean_value(v):
                            site_of[k][pos] = j
                            break
            return JointOutcome(site_of, solver.objective_value / PENCE,
                                max(solver.best_objective_bound / PENCE, trivial),
                                "optimal" if status == cp_model.OPTIMAL else "feasible")
        if status == cp_model.INFEASIBLE:
            return JointOutcome(site_of, None, float("inf"), "infeasible")
        bound = solver.best_objective_bound / PENCE
        return JointOutcome(site_of, None, max(bound, trivial) if np.isfinite(bound)
                            else trivial, "unknown")
