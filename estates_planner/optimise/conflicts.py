"""Why a strict-mode scenario has no plan: a small set of conflicting rules, in words.

CP-SAT is given one assumption literal per *coarse* switch -- per rule and region, per site
for capacity, availability and closure, per need for pins -- rather than one per constraint,
whose cores are long and unhelpful. The core it returns is then shrunk by deletion: each
switch is dropped in turn and kept out if the rest is still infeasible.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np
from ortools.sat.python import cp_model

from estates_planner.optimise import rules
from estates_planner.optimise.cp_solver import new_cp_solver
from estates_planner.optimise.decompose import Component
from estates_planner.optimise.evaluate import ScenarioArrays
from estates_planner.optimise.reasons import unplaced_reason

_MAX_SENTENCES = 10
_MAX_PAIRS_ALL_SITES = 60_000  # beyond this, R5 is not relaxed (too many cross-region pairs)


def explain_no_site(arrays: ScenarioArrays, need_indices: Iterable[int]) -> list[str]:
    """One sentence per need that no site may take (at most ten, then a count)."""
    needs = arrays.scenario.dataset.needs
    zero = np.zeros(len(arrays.desk_cap), dtype=np.int64)
    idx = list(need_indices)
    out = [f"need {needs[i].need_id} ({needs[i].lot.label}, {needs[i].region}) has no site it "
           f"may use: {unplaced_reason(arrays, i, zero, zero)}" for i in idx[:_MAX_SENTENCES]]
    if len(idx) > _MAX_SENTENCES:
        out.append(f"... and {len(idx) - _MAX_SENTENCES} more needs with no site they may use")
    return out


def explain_infeasible(arrays: ScenarioArrays, parts: list[Component], *,
                       deadline: float) -> list[str]:
    """Sentences for a small set of rule switches that together leave no strict plan."""
    builder = _ConflictModel(arrays, parts)
    status, core = builder.solve(builder.all_literals(), deadline)
    if status != cp_model.INFEASIBLE:
        return ["the rules conflict, but no smaller explanation was found in time"]
    core = builder.shrink(core, deadline)
    return [builder.sentence(lit) for lit in core]


class _ConflictModel:
    def __init__(self, arrays: ScenarioArrays, parts: list[Component]) -> None:
        self.arrays = arrays
        sc = arrays.scenario
        st = sc.settings
        needs, sites = sc.dataset.needs, sc.dataset.sites
        need_idx = sorted({int(i) for p in parts for i in p.needs})
        regions = {needs[i].region for i in need_idx}
        if len(need_idx) * len(sites) <= _MAX_PAIRS_ALL_SITES:
            scope = list(range(len(sites)))
        else:
            scope = [j for j, s in enumerate(sites) if s.region in regions]
        self.model = m = cp_model.CpModel()
        self.groups: dict[tuple[str, str], cp_model.IntVar] = {}
        self.words: dict[int, str] = {}
        by_site: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        for i in need_idx:
            need = needs[i]
            row = []
            for j in scope:
                if not np.isfinite(arrays.distances.km[i, j]):
                    continue
                keys = self._group_keys(i, j)
                x = m.new_bool_var("")
                for key in keys:
                    m.add_implication(self._literal(key), x.Not())
                row.append(x)
                by_site.setdefault(j, []).append((i, x))
            m.add_at_most_one(row)
            m.add(sum(row) == 1).only_enforce_if(self._literal(("R1", need.region)))
        for j, users in by_site.items():
            for demand, cap in ((arrays.desk_days, int(arrays.desk_cap[j])),
                                (arrays.room_days, int(arrays.room_cap[j]))):
                if sum(int(demand[i]) for i, _ in users) > cap:
                    m.add(sum(int(demand[i]) * x for i, x in users) <= cap).only_enforce_if(
                        self._literal(("R2", sites[j].site_id)))
        del st

    def _group_keys(self, i: int, j: int) -> list[tuple[str, str]]:
        sc = self.arrays.scenario
        need, site = sc.dataset.needs[i], sc.dataset.sites[j]
        keys = []
        for block in rules.pair_blocks(sc, need, site, float(self.arrays.distances.km[i, j])):
            if block.rule in ("R3", "R4", "R5", "R6"):
                keys.append((block.rule, need.region))
            elif block.rule == "R7":
                keys.append(("R7", site.site_id))
        if site.site_id in sc.closed_sites:
            keys.append(("R8 closed", site.site_id))
        if (need.need_id, site.site_id) in sc.barred:
            keys.append(("R8 barred", need.region))
        pinned = sc.pins.get(need.need_id)
        if pinned is not None and pinned != site.site_id:
            keys.append(("R8 pin", need.need_id))
        return keys

    def _literal(self, key: tuple[str, str]) -> cp_model.IntVar:
        lit = self.groups.get(key)
        if lit is None:
            lit = self.model.new_bool_var(f"{key[0]}:{key[1]}")
            self.groups[key] = lit
            self.words[lit.index] = self._words(key)
        return lit

    def _words(self, key: tuple[str, str]) -> str:
        rule, what = key
        sc = self.arrays.scenario
        st = sc.settings
        if rule == "R1":
            return f"every need in {what} must be placed (strict mode, R1)"
        if rule == "R2":
            site = sc.dataset.site(what)
            desks, rooms = sc.site_capacity(site)
            return (f"{site.name} holds at most {_n(desks, 'desk')} and "
                    f"{_n(rooms, 'interview room')} a day, "
                    f"{5 * desks} desk-days and {5 * rooms} room-days a week (R2)")
        if rule == "R3":
            return f"in {what}, women's services only at women-only sites, and only they there (R3)"
        if rule == "R4":
            return f"in {what}, wellbeing needs are not placed at authority sites (R4)"
        if rule == "R5":
            return f"needs in {what} are placed in {what} (R5)"
        if rule == "R6":
            return f"needs in {what} stay within their maximum travel distance (R6)"
        if rule == "R7":
            site = sc.dataset.site(what)
            return (f"{site.name} is available only from {site.available_from}, after go-live "
                    f"{st.go_live} (R7)")
        if rule == "R8 closed":
            return f"{sc.dataset.site(what).name} is closed in this scenario (R8)"
        if rule == "R8 barred":
            return f"the need/site bars in {what} (R8)"
        site_id = sc.pins[what]
        name = sc.dataset.site(site_id).name if sc.dataset.has_site(site_id) else site_id
        return f"{what} is pinned to {name} (R8)"

    def all_literals(self) -> list[cp_model.IntVar]:
        return list(self.groups.values())

    def sentence(self, lit: cp_model.IntVar) -> str:
        return self.words[lit.index]

    def solve(self, assumptions: list[cp_model.IntVar],
              deadline: float) -> tuple[int, list[cp_model.IntVar]]:
        self.model.clear_assumptions()
        self.model.add_assumptions(assumptions)
        solver = new_cp_solver()
        solver.parameters.num_workers = 1  # cores need the single sequential search
        solver.parameters.cp_model_presolve = False  # presolve can report foreign literals
        solver.parameters.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        status = solver.solve(self.model)
        if status != cp_model.INFEASIBLE:
            return status, []
        by_index = {lit.index: lit for lit in assumptions}
        core = [by_index[k] for k in solver.sufficient_assumptions_for_infeasibility()
                if k in by_index]
        return status, core or list(assumptions)

    def shrink(self, core: list[cp_model.IntVar], deadline: float) -> list[cp_model.IntVar]:
        """Drop each switch in turn while the rest stays infeasible (deletion filter)."""
        by_index = {lit.index: lit for lit in core}
        # try the broad R1 switches last, so that sites, rules and pins are dropped first
        order = sorted(by_index, key=lambda k: self.words[k].startswith("every need"))
        kept = list(order)
        for k in order:
            if time.perf_counter() >= deadline or k not in kept or len(kept) == 1:
                continue
            trial = [x for x in kept if x != k]
            status, smaller = self.solve([by_index[x] for x in trial], deadline)
            if status == cp_model.INFEASIBLE:
                small = {lit.index for lit in smaller}
                kept = [x for x in trial if x in small] or trial
        return [by_index[k] for k in kept]


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
