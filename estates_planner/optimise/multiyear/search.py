"""Searching the independent parts of a contract plan under one time limit.

Round 1 gives every part its joint model (all years at once, :mod:`.joint`) with a share of
the time by size. Most parts of the sample are proven there in a second or two; a hard part
is not, and CP-SAT's bound on its joint model stays weak (the root LP of four years of a
region takes longer than the part's share). So for each part left unproven, each year is then
bounded (and planned) on its own with the single-year part model
(:class:`~estates_planner.optimise.cpsat_part.PartModel`, the year's volumes and
availability; the last year paying the whole fit-out of its sites, the others none): every
contract plan of the part restricted to year k is a plan of that year's part with the same
year terms, the sites it uses in the last year cost at most the fit-out it pays once, and
moves are never negative, so the sum of those bounds bounds the part; the years' own plans
replace the part's plan when they cost less, moves and fit-out counted. Then whole PDUs (all
their needs in every year) are re-placed inside the rest of the plan by small joint models,
and the time left goes to further joint rounds for the parts still unproven, each starting
from the part's best plan.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from estates_planner.errors import CancelledError, InfeasibleError
from estates_planner.optimise.candidates import Distances
from estates_planner.optimise.cpsat_part import PENCE, PartModel
from estates_planner.optimise.decompose import Component
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays
from estates_planner.optimise.multiyear.joint import JointPartModel, searchless_bound
from estates_planner.optimise.multiyear.left_out import place_left_out_by_year
from estates_planner.optimise.multiyear.pricing import (
    ContractData,
    plan_breaches,
    price_site_ofs,
)
from estates_planner.optimise.multiyear.years import FIT_OUT_FULL, year_scenario
from estates_planner.optimise.plan_state import PlanState
from estates_planner.optimise.progress import Cancel, StopWatcher
from estates_planner.optimise.rota import (
    DAYS,
    daily_capacities,
    daily_rule,
    enforce_rotas,
    rota_hint,
)
from estates_planner.optimise.rota_model import DayCaps
from estates_planner.optimise.rota_search import repair_rotas

_FIRST_ROUND_SHARE = 0.7  # of the joint phase's time, for round 1
_YEAR_BOUND_MAX_S = 3.0  # at most per year of a part
_YEAR_BOUND_SHARE = 0.6  # of the time left after round 1, at most, for the year bounds
_MIN_ROUND_S = 0.5  # no further round with less time left than this
_MIN_PART_S = 0.3  # no model of a part is built with less time left than this
_PROVEN = 1e-6  # relative: a part whose plan is this close to its bound is proven
_NEIGHBOURHOOD_SHARE = 0.6  # of the time left after the year bounds, for whole-PDU moves
_NEIGHBOURHOOD_S = 0.25  # at most per whole-PDU sub-model
_WEEKLY_SHARE = 0.4  # of a part's round-1 time under the daily rule, for its weekly model
_LEFT_OUT_S = 0.2  # at most, to place a part's left-out need-years before its plan is priced


@dataclass
class _Best:
    site_of: list[np.ndarray] | None
    objective: float | None
    joint_bound: float
    year_bound: float
    proven: bool

    @property
    def bound(self) -> float:
        return max(self.joint_bound, self.year_bound)


class ContractSearch:
    """The search of a contract plan's parts (see the module docstring).

    ``rows[p][k]`` are the rows of year k's arrays that belong to part p; ``hint`` a site
    index per row of each year (the starting plan, complete and rule-abiding where
    possible). :meth:`run` returns the plan, the proven bound, the status and notes.
    """

    def __init__(self, data: ContractData, candidates: Sequence[list[np.ndarray]],
                 parts: Sequence[Component], rows: Sequence[list[np.ndarray]],
                 hint: Sequence[np.ndarray], *, deadline: float, cancel: Cancel | None,
                 workers: int | None, on_round: Callable[[float, float], None] | None = None
                 ) -> None:
        self.data = data
        self.candidates = candidates
        self.parts = parts
        self.rows = rows
        self.plan = [np.array(h, dtype=np.int64, copy=True) for h in hint]
        self.deadline = deadline
        self.cancel = cancel
        self.pool = max(1, min(workers or os.cpu_count() or 1, len(parts) or 1))
        self.on_round = on_round
        self.sizes = [sum(len(r) for r in rows_p) * max(len(p.sites), 1)
                      for rows_p, p in zip(rows, parts, strict=True)]
        self.best = [_Best(None, None, searchless_bound(data, rows_p, candidates), 0.0, False)
                     for rows_p in rows]
        self._lock = threading.Lock()
        self._last_arrays: ScenarioArrays | None = None
        self.daily = daily_rule(data.scenario.settings)

    # --- rounds ----------------------------------------------------------------------------

    def run(self) -> tuple[list[np.ndarray], float, bool, bool]:
        """(plan, bound, every part proven, cancelled)."""
        with StopWatcher(self.cancel, self.deadline) as watcher:
            self.watcher = watcher
            first_end = time.perf_counter() + _FIRST_ROUND_SHARE * self._left()
            self._joint_round(list(range(len(self.parts))), first_end, presolve=False)
            self._report()
            open_parts = self._unproven()
            if open_parts and not watcher.should_stop:
                self._year_bounds(open_parts)
                self._report()
            open_parts = self._unproven()
            if open_parts and not watcher.should_stop:
                end = time.perf_counter() + _NEIGHBOURHOOD_SHARE * self._left()
                self._map(lambda p: self._improve(p, end), open_parts)
                self._report()
            while not watcher.should_stop and self._left() >= _MIN_ROUND_S:
                open_parts = self._unproven()
                if not open_parts:
                    break
                self._joint_round(open_parts, self.deadline, presolve=True)
                self._report()
            cancelled = watcher.cancelled
        bound = sum(b.bound for b in self.best)
        return self.plan, bound, all(b.proven for b in self.best), cancelled

    def _left(self) -> float:
        return max(self.deadline - time.perf_counter(), 0.0)

    def _unproven(self) -> list[int]:
        return [p for p, b in enumerate(self.best) if not b.proven]

    def _report(self) -> None:
        if self.on_round is not None:
            objective = sum(b.objective if b.objective is not None else math.nan
                            for b in self.best)
            self.on_round(objective, sum(b.bound for b in self.best))

    def _map(self, work: Callable, items: list) -> None:  # noqa: ANN001
        if self.pool == 1 or len(items) == 1:
            for item in items:
                work(item)
        else:
            with ThreadPoolExecutor(max_workers=self.pool,
                                    thread_name_prefix="contract-part") as ex:
                list(ex.map(work, items))

    def _joint_round(self, parts: list[int], end: float, *, presolve: bool) -> None:
        waiting = [sum(self.sizes[p] for p in parts)]
        width = min(self.pool, len(parts))

        def work(p: int) -> None:
            # building a part's model cannot be interrupted (about a second for a region of
            # the generated instance): not started without time to use it
            if self.watcher.should_stop or self._left() < _MIN_PART_S:
                return
            with self._lock:
                # this part's share of the round's time left, the pool working on the
                # waiting parts side by side (building the model comes out of it)
                share = max(end - time.perf_counter(), 0.0) * width * self.sizes[p] \
                    / max(waiting[0], 1)
                waiting[0] -= self.sizes[p]
                hint = [h.copy() for h in self.plan]
            began = time.perf_counter()
            if self.daily and not presolve:
                hint = self._weekly_first(p, hint, _WEEKLY_SHARE * share)
                share -= time.perf_counter() - began
                began = time.perf_counter()
            model = JointPartModel(self.data, self.rows[p], self.candidates, hint)
            share = min(share - (time.perf_counter() - began), self._left())
            outcome = model.solve(time_limit_s=max(share, 0.05),
                                  register=self.watcher.register,
                                  unregister=self.watcher.unregister, presolve=presolve)
            if outcome.status == "infeasible":
                raise InfeasibleError(
                    "No contract plan places every need in every year (strict mode): the "
                    "capacities, availability or keeping sites forbid it.", conflicts=[])
            with self._lock:
                best = self.best[p]
                best.joint_bound = max(best.joint_bound, outcome.bound)
                if self.daily and best.objective is None:
                    # the part keeps its plan, the model's hint (with a rota in every year),
                    # unless the model finds a cheaper one
                    best.objective = model.hint_objective / PENCE
                if outcome.objective is not None and (best.objective is None
                                                      or outcome.objective < best.objective):
                    best.objective = outcome.objective
                    best.site_of = outcome.site_of
                    for k, r in enumerate(self.rows[p]):
                        self.plan[k][r] = outcome.site_of[k]
                best.proven = outcome.status == "optimal" or (
                    best.objective is not None
                    and best.objective - best.bound <= _PROVEN * max(abs(best.objective), 1.0))

        self._map(work, parts)

    def _weekly_first(self, p: int, hint: list[np.ndarray], limit_s: float,
                      ) -> list[np.ndarray]:
        """Under the daily rule, part p's weekly relaxation first; the plan to hint the
        daily model with.

        The joint model without weekday rows, each paired wellbeing need counted as sharing
        a day, is a relaxation of the daily one: its optimum bounds the part, and CP-SAT
        proves it in about a second a part of the sample, where the daily model with the
        comparisons' plan as its hint found no plan at all in its share of 30 s (measured:
        8 of the sample's 12 parts "unknown"). Its plan, each year's sites without a rota
        repaired (:func:`~estates_planner.optimise.rota_search.repair_rotas`: the cheapest
        move out to a site with a rota, else unplaced), becomes the part's plan and starts
        the daily model (see :meth:`_take_part_plan`). As for a single-year part
        (:mod:`estates_planner.optimise.rota_start`).
        """
        if limit_s < _MIN_PART_S or self.watcher.should_stop:
            return hint
        model = JointPartModel(self.data, self.rows[p], self.candidates, hint, daily=False)
        outcome = model.solve(time_limit_s=limit_s, register=self.watcher.register,
                              unregister=self.watcher.unregister)
        if outcome.status == "infeasible":
            return hint  # the daily model says so too
        with self._lock:
            self.best[p].joint_bound = max(self.best[p].joint_bound, outcome.bound)
        if outcome.objective is None:
            return hint
        repaired = self._repaired(p, hint, outcome.site_of)
        self._take_part_plan(p, [repaired[k][r] for k, r in enumerate(self.rows[p])])
        with self._lock:
            return [h.copy() for h in self.plan]

    def _repaired(self, p: int, plan: list[np.ndarray],
                  site_of: list[np.ndarray]) -> list[np.ndarray]:
        """``plan`` with part p's rows at ``site_of``, each year's sites given a rota."""
        out = [h.copy() for h in plan]
        stop = lambda: self.watcher.should_stop  # noqa: E731
        for k, r in enumerate(self.rows[p]):
            out[k][r] = site_of[k]
            arrays = self.data.arrays[k]
            state = PlanState(arrays, list(self.candidates[k]), out[k])
            if state.day_fit is not None:
                state.day_fit.stop = stop
            repair_rotas(state, r.tolist(), stop)
            # the last guard, as for every plan: a repair stopped early leaves needs out
            out[k] = enforce_rotas(arrays, state.site_of)
        return out

    def _take_part_plan(self, p: int, part_site_of: list[np.ndarray]) -> None:
        """Part p's rows at ``part_site_of`` in the plan, its left-out need-years placed
        where they fit (:mod:`.left_out`), when that breaks no rule over the years (keeping
        sites) and costs less than the part's plan now. Priced on the part alone (the
        parts share no site): the whole plan's pricing builds every year's rota at every
        site (0.4 s for the sample). Measured on the sample at 30 s: without the pricing,
        repaired weekly plans that left needs out (£1 M each) replaced the comparisons' plan
        on most parts, £41.0 M against its £38.4 M."""
        data = self.data
        with self._lock:
            candidate = [h.copy() for h in self.plan]
        for k, r in enumerate(self.rows[p]):
            candidate[k][r] = part_site_of[k]
        mine = place_left_out_by_year(data, self.candidates, self._part_only(p, candidate),
                                      time.perf_counter() + _LEFT_OUT_S)
        for k, r in enumerate(self.rows[p]):
            candidate[k][r] = mine[k][r]
        if plan_breaches(data, candidate):
            return  # e.g. a need at two sites with keep_sites_across_years
        with self._lock:
            now = self._part_only(p, self.plan)
        before = price_site_ofs(data, now, status="", bound=math.nan, seconds=0.0).objective
        after = price_site_ofs(data, mine, status="", bound=math.nan, seconds=0.0).objective
        if after >= before - 1e-6:
            return
        with self._lock:
            for k, r in enumerate(self.rows[p]):
                self.plan[k][r] = candidate[k][r]
            best = self.best[p]
            if best.objective is not None:
                best.objective -= before - after

    # --- whole PDUs re-placed inside the plan ---------------------------------------------

    def _improve(self, p: int, end: float) -> None:
        """Free one PDU's needs (two once single PDUs stop paying) in every year and re-place
        them by a small joint model inside the rest of the plan; keep it when it costs less.

        A PDU's needs share its location penalty and pairing, and a need's years share its
        moves, so the sub-model prices every re-placement of the freed needs exactly (the
        others' capacity taken, their sites' fit-out paid), as the single-year search over
        whole PDUs does (:mod:`estates_planner.optimise.lns`).
        """
        data, rows = self.data, self.rows[p]
        by_pdu: dict[str, list[list[int]]] = {}
        for k, r in enumerate(rows):
            needs = data.scenarios[k].dataset.needs
            for i in r.tolist():
                by_pdu.setdefault(needs[i].pdu, [[] for _ in rows])[k].append(i)
        pdus = sorted(by_pdu)
        rng = random.Random(p)
        idle = 0
        while idle < 3 * len(pdus) and not self.watcher.should_stop:
            limit = min(_NEIGHBOURHOOD_S, end - time.perf_counter())
            if limit < 0.05:
                break
            chosen = rng.sample(pdus, min(1 if idle < len(pdus) else 2, len(pdus)))
            free = [np.array(sorted(i for q in chosen for i in by_pdu[q][k]), dtype=np.int64)
                    for k in range(len(rows))]
            with self._lock:
                plan = [h.copy() for h in self.plan]
            capacity, paid = self._left_over(rows, free, plan)
            day_caps, day_hint = self._days_left_over(rows, free, plan)
            model = JointPartModel(data, free, self.candidates, plan, capacity=capacity,
                                   fit_out_paid=paid, day_caps=day_caps, day_hint=day_hint)
            outcome = model.solve(time_limit_s=limit, register=self.watcher.register,
                                  unregister=self.watcher.unregister)
            gain = (model.hint_objective / PENCE - outcome.objective
                    if outcome.objective is not None else 0.0)
            if gain < 0.01:
                idle += 1
                continue
            idle = 0
            with self._lock:
                for k, r in enumerate(free):
                    self.plan[k][r] = outcome.site_of[k]
                best = self.best[p]
                if best.objective is not None:
                    best.objective -= gain

    def _left_over(self, rows: list[np.ndarray], free: list[np.ndarray],
                   plan: list[np.ndarray]) -> tuple[list[tuple[np.ndarray, np.ndarray]],
                                                    np.ndarray]:
        """(desk-days, room-days left per site and year; sites whose fit-out is paid) by
        the part's needs that are not freed."""
        data = self.data
        capacity = []
        paid = np.zeros(len(data.fit_out), dtype=bool)
        for k, r in enumerate(rows):
            arrays = data.arrays[k]
            fixed = np.setdiff1d(r, free[k], assume_unique=True)
            at = plan[k][fixed]
            placed = at != UNPLACED
            m = len(arrays.desk_cap)
            desk = np.bincount(at[placed], weights=arrays.desk_days[fixed][placed], minlength=m)
            room = np.bincount(at[placed], weights=arrays.room_days[fixed][placed], minlength=m)
            capacity.append((np.maximum(arrays.desk_cap - desk.astype(np.int64), 0),
                             np.maximum(arrays.room_cap - room.astype(np.int64), 0)))
            paid[at[placed]] = True
        return capacity, paid

    def _days_left_over(self, rows: list[np.ndarray], free: list[np.ndarray],
                        plan: list[np.ndarray]) -> tuple[list[DayCaps] | None,
                                                         list[dict[int, tuple[int, ...]]] | None]:
        """Under the daily rule, per year: the desks and rooms left on each weekday at the
        sites of the needs not freed, once they keep the days of a rota of the part's plan,
        and the freed needs' days in that rota (so the sub-model's hint is whole and keeps
        to the capacity left). Fixing the others' days only narrows the sub-model, so what
        it finds has a rota. (None, None) under the weekly rule."""
        data = self.data
        if not daily_rule(data.scenario.settings):
            return None, None
        caps_by_year: list[DayCaps] = []
        hints_by_year: list[dict[int, tuple[int, ...]]] = []
        for k, r in enumerate(rows):
            arrays = data.arrays[k]
            needs = data.scenarios[k].dataset.needs
            days = rota_hint(arrays, plan[k], r)
            desk_day, room_day = daily_capacities(arrays)
            freed = set(free[k].tolist())
            caps: dict[int, tuple[np.ndarray, np.ndarray]] = {}
            for i in r.tolist():
                j = int(plan[k][i])
                if i in freed or j == UNPLACED:
                    continue
                desk, room = caps.setdefault(j, (np.full(DAYS, int(desk_day[j])),
                                                 np.full(DAYS, int(room_day[j]))))
                for d in days.get(i, ()):
                    desk[d] -= needs[i].desks
                    room[d] -= needs[i].interview_rooms
            caps_by_year.append(caps)
            hints_by_year.append({i: days[i] for i in freed if i in days})
        return caps_by_year, hints_by_year

    # --- the years one by one ----------------------------------------------------------------

    def _year_bounds(self, parts: list[int]) -> None:
        years = len(self.data.years)
        pairs = [(p, k) for p in parts for k in range(years)]
        per_solve = min(_YEAR_BOUND_MAX_S, _YEAR_BOUND_SHARE * self._left()
                        * min(self.pool, len(pairs)) / max(len(pairs), 1))
        found: dict[tuple[int, int], tuple[float, np.ndarray | None]] = {}

        def work(pair: tuple[int, int]) -> None:
            if not self.watcher.should_stop and self._left() >= _MIN_PART_S:
                try:
                    found[pair] = self._year_bound(pair[0], pair[1], per_solve)
                except CancelledError:
                    pass  # the deadline or a cancel came while its model was built

        self._map(work, pairs)  # type: ignore[arg-type]
        for p in parts:
            if any((p, k) not in found for k in range(years)):
                continue  # stopped before every year was bounded
            best = self.best[p]
            best.year_bound = max(best.year_bound, sum(found[p, k][0] for k in range(years)))
            self._try_years_plan(p, [found[p, k][1] for k in range(years)])
            best.proven = best.objective is not None and \
                best.objective - best.bound <= _PROVEN * max(abs(best.objective), 1.0)

    def _try_years_plan(self, p: int, plans: list[np.ndarray | None]) -> None:
        """Take the years' own plans for part p where, moves and fit-out counted, they cost
        less than its best plan (priced exactly, the other parts unchanged)."""
        if any(plan is None for plan in plans):
            return
        candidate = [h.copy() for h in self.plan]
        for k, r in enumerate(self.rows[p]):
            candidate[k][r] = plans[k]
        if plan_breaches(self.data, candidate):
            return  # e.g. a need at two sites with keep_sites_across_years
        if self.watcher.should_stop:
            return
        # the parts share no site, so the plans differ by part p's own terms: priced with
        # the other parts left out (each whole plan's pricing builds every year's rota at
        # every site: measured 0.4 s for the sample, twice a part, past the time limit)
        now = price_site_ofs(self.data, self._part_only(p, self.plan), status="",
                             bound=math.nan, seconds=0.0)
        new = price_site_ofs(self.data, self._part_only(p, candidate), status="",
                             bound=math.nan, seconds=0.0)
        saving = now.objective - new.objective
        best = self.best[p]
        if saving > 1e-6 and best.objective is not None:
            best.objective -= saving
            self.plan = candidate

    def _part_only(self, p: int, plan: list[np.ndarray]) -> list[np.ndarray]:
        """``plan`` with every need outside part p left out."""
        out = []
        for k, r in enumerate(self.rows[p]):
            year = np.full(len(plan[k]), UNPLACED, dtype=np.int64)
            year[r] = plan[k][r]
            out.append(year)
        return out

    def _year_bound(self, p: int, k: int, limit_s: float) -> tuple[float, np.ndarray | None]:
        """(bound, plan of the part's rows or None) of year k of part p alone."""
        rows = self.rows[p][k]
        if not len(rows):
            return 0.0, np.empty(0, dtype=np.int64)
        arrays = self._arrays_for_bound(k)
        cands = self.candidates[k]
        sites = np.unique(np.concatenate([cands[int(i)] for i in rows] + [np.empty(0, int)]))
        part = Component(needs=rows, sites=sites.astype(np.int64))
        hint = self.plan[k].copy()
        model = PartModel(arrays, part, list(cands), hint, lambda: self.watcher.should_stop)
        outcome = model.solve(time_limit_s=limit_s, workers=1, relative_gap=0.0,
                              register=self.watcher.register,
                              unregister=self.watcher.unregister,
                              on_update=lambda objective, bound: None)
        if outcome.status == "infeasible":
            return math.inf, None
        return outcome.bound, (outcome.site_of if outcome.objective is not None else None)

    def _arrays_for_bound(self, k: int) -> ScenarioArrays:
        """Year k's arrays; the last year's with the whole fit-out of its sites."""
        data = self.data
        if k < len(data.years) - 1:
            return data.arrays[k]
        with self._lock:
            if self._last_arrays is None:
                sc = year_scenario(data.scenario, data.ramp, data.years[k],
                                   fit_out=FIT_OUT_FULL)
                r = data.base_rows[k]
                d = data.distances
                self._last_arrays = ScenarioArrays.build(
                    sc, Distances(km=d.km[r], travel=d.travel[r], measure=d.measure))
            return self._last_arrays


def part_rows(data: ContractData, parts: Sequence[Component]) -> list[list[np.ndarray]]:
    """For each part, the rows of each year's arrays that belong to it."""
    needs = data.scenario.dataset.needs
    out = []
    for part in parts:
        members = sorted({needs[int(i)].need_id for i in part.needs})
        out.append([np.array(sorted(data.need_index[k][n] for n in members
                                    if n in data.need_index[k]), dtype=np.int64)
                    for k in range(len(data.years))])
    return out


def unreachable_penalty(data: ContractData, parts: Sequence[Component]) -> float:
    """The unplaced penalties of needs with no site in any year (in every plan)."""
    in_parts = {int(i) for part in parts for i in part.needs}
    count = sum(1 for rows in data.base_rows for base in rows.tolist() if base not in in_parts)
    return data.scenario.settings.unplaced_penalty * count

