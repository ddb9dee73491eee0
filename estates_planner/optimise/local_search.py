"""A fast local search that improves a starting plan before CP-SAT sees it.

Two kinds of move, each priced exactly and incrementally (the tests check the running total
against :func:`evaluate_plan`):

- *relocate*: one need to another allowed site with room (or unplaced, when not strict);
- *make room*: place an unplaced need at a full site by moving one need already there to
  another site with room (an ejection chain of length two);
- *pack*: first, when needs are unplaced, place as many as fit at once (a count-only
  CP-SAT model) around them, kept only if the plan then costs less -- the chains of moves a
  closed women-only site calls for;
- *re-fit*: solve exactly (a small CP-SAT model) the needs at the sites where unplaced needs
  could go, with everything else fixed -- a bin-packing that short chains miss;
- *merge*: move all of a PDU's needs at one site to another site the PDU uses, saving a
  location penalty that no single move can save;
- *pair up*: for a PDU, move one ETE/accommodation need to a site and then each wellbeing
  need of the PDU there that gains by it. A need-by-need greedy fill never finds this,
  because the first step alone costs the authority preference and only the wellbeing needs
  that follow earn the bonus; CP-SAT's own local search finds it slowly;
- *PDU re-fit* (:mod:`estates_planner.optimise.lns`), once the moves above stop paying and
  until the deadline: free every need of one to a few PDUs that compete for sites and re-place
  them exactly with a small CP-SAT model -- the moves of many needs at once that gather a PDU,
  pair it up or let PDUs trade sites, which CP-SAT on the whole part finds only slowly.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from estates_planner.optimise.cpsat_part import pack_most
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays
from estates_planner.optimise.lns import pdu_lns, resolve_exactly
from estates_planner.optimise.plan_state import PlanState
from estates_planner.optimise.rota_search import weekly_then_daily

_EPS = 1e-6


def improve_plan(arrays: ScenarioArrays, candidates: list[np.ndarray], site_of: np.ndarray,
                 need_ids: np.ndarray, *, deadline: float, should_stop: Callable[[], bool],
                 register: Callable[[object], None] | None = None,
                 unregister: Callable[[object], None] | None = None,
                 lns: bool = True) -> tuple[np.ndarray, float]:
    """Improve ``site_of`` on the needs ``need_ids`` (one part); returns (plan, change in GBP).

    Only needs in ``need_ids`` move, so parts can be improved independently. ``register`` and
    ``unregister`` hand the small CP-SAT searches of the re-fit moves to a stop watcher.

    The whole-PDU re-fits go on until ``deadline`` (or until many in a row gain nothing), so
    unlike the cheap moves alone this uses most of the time it is given: the caller decides
    how much of a part's time the plan gets and how much CP-SAT keeps for its bound. With
    ``lns=False`` only the cheap moves run, and it returns as soon as they stop paying.
    """
    hooks = (register or (lambda s: None), unregister or (lambda s: None))
    state = PlanState(arrays, candidates, site_of)
    members = [int(i) for i in need_ids]
    if state.day_fit is not None:
        state.day_fit.stop = lambda: should_stop() or time.perf_counter() > deadline
        # the daily rule: search the weekly rule first, then give each site a rota
        total = weekly_then_daily(state, members, deadline=deadline, should_stop=should_stop,
                                  improve=lambda until, with_lns: search_plan(
                                      state, members, deadline=until,
                                      should_stop=should_stop, hooks=hooks, lns=with_lns),
                                  lns=lns)
        return state.site_of, total
    return state.site_of, search_plan(state, members, deadline=deadline,
                                      should_stop=should_stop, hooks=hooks, lns=lns)


def search_plan(state: PlanState, members: list[int], *, deadline: float,
                should_stop: Callable[[], bool],
                hooks: tuple[Callable[[object], None], Callable[[object], None]],
                lns: bool = True) -> float:
    """The moves of :func:`improve_plan` on ``state`` (changed in place); the change in GBP."""
    candidates = state.candidates
    total = 0.0
    by_pdu: dict[int, list[int]] = defaultdict(list)
    for i in members:
        by_pdu[int(state.pdu_of[i])].append(i)
    if any(state.site_of[i] == UNPLACED and len(candidates[i]) for i in members):
        total += _pack_unplaced(state, members, deadline, should_stop)
    refit = True
    while True:
        total += _local_moves(state, members, by_pdu, deadline, should_stop, hooks, refit)
        refit = False  # once: the whole-PDU re-fits below also free the unplaced needs
        if not lns or time.perf_counter() > deadline or should_stop():
            return total
        # the moves above have converged: spend the time left on whole-PDU re-fits, then
        # let the cheap moves tidy up after them
        gained = pdu_lns(state, members, deadline=deadline, should_stop=should_stop,
                         hooks=hooks)
        total += gained
        if gained >= -_EPS:
            return total


def _moved_pdus(state: PlanState, members: list[int], before: np.ndarray) -> set[int]:
    """The PDUs with a need whose site differs from ``before`` (aligned with ``members``)."""
    return {int(state.pdu_of[i]) for i, j in zip(members, before, strict=True)
            if state.site_of[i] != j}


def _local_moves(state: PlanState, members: list[int], by_pdu: dict[int, list[int]],
                 deadline: float, should_stop: Callable[[], bool],
                 hooks: tuple[Callable[[object], None], Callable[[object], None]],
                 refit: bool = True) -> float:
    """Relocate, pair up, merge, make room and re-fit until none pays (or time is up)."""
    candidates, arrays = state.candidates, state.a
    total = 0.0
    improved = True
    rounds = 0
    # the PDU moves (pair up, merge) cost most of this loop; after the first round they are
    # tried only for PDUs whose needs moved in the round before (the whole-PDU re-fits that
    # follow cover the rest), which leaves those re-fits several times more of the time
    dirty = set(by_pdu)
    while improved and rounds < 20:
        improved = False
        rounds += 1
        snapshot = state.site_of[members].copy()
        for k, i in enumerate(members):
            if k % 50 == 0 and (time.perf_counter() > deadline or should_stop()):
                return total
            best, best_d = None, -_EPS
            cand = candidates[i]
            cand = cand[(cand != state.site_of[i])
                        & (state.desk_free[cand] >= arrays.desk_days[i])
                        & (state.room_free[cand] >= arrays.room_days[i])]
            cand = state.day_fits(i, cand)
            if len(cand):
                ds = state.deltas(i, cand)
                k_best = int(np.argmin(ds))
                if ds[k_best] < best_d:
                    best, best_d = int(cand[k_best]), float(ds[k_best])
            if not state.st.strict and state.site_of[i] != UNPLACED:
                d = state.delta(i, UNPLACED)
                if d < best_d:
                    best, best_d = UNPLACED, d
            if best is not None:
                state.move(i, best)
                total += best_d
                improved = True
        dirty |= _moved_pdus(state, members, snapshot)
        for p in sorted(dirty):
            pm = by_pdu[p]
            if time.perf_counter() > deadline or should_stop():
                return total
            gained = _pair_up(state, p, pm) + _merge_locations(state, p, pm)
            if gained < -_EPS:
                total += gained
                improved = True
        dirty = _moved_pdus(state, members, snapshot)
        for i in members:
            if state.site_of[i] != UNPLACED or not len(candidates[i]):
                continue
            if time.perf_counter() > deadline or should_stop():
                return total
            gained = _make_room(state, i)
            if gained < -_EPS:
                total += gained
                improved = True
        if refit and any(state.site_of[i] == UNPLACED and len(candidates[i])
                         for i in members):
            gained = _refit_around_unplaced(state, members, deadline, should_stop, hooks)
            if gained < -_EPS:
                total += gained
                improved = True
    return total


def _pair_up(state: PlanState, p: int, members: list[int]) -> float:
    """Try each site as the PDU's meeting point; keep every compound move that pays."""
    wellbeing = [i for i in members if state.is_wellbeing[i]]
    hosts = [i for i in members if state.is_host[i]]
    if not wellbeing or not hosts or not state.st.pairing_bonus:
        return 0.0
    sites = np.array(sorted({int(j) for w in wellbeing for j in state.candidates[w]}),
                     dtype=np.int64)
    total = 0.0
    table = _host_table(state, hosts, sites)
    for col, j in enumerate(sites):
        j = int(j)
        if state.host_count[p, j] > 0 or not np.isfinite(table[:, col]).any():
            continue
        row = int(np.argmin(table[:, col]))
        e = hosts[row]
        if not state.fits(e, j):
            continue
        undo = [(e, int(state.site_of[e]))]
        change = state.delta(e, j)
        state.move(e, j)
        for w in wellbeing:
            if state.site_of[w] != j and j in state.candidates[w] and state.fits(w, j):
                d = state.delta(w, j)
                if d < -_EPS:
                    undo.append((w, int(state.site_of[w])))
                    state.move(w, j)
                    change += d
        if change < -_EPS:
            total += change
            table = _host_table(state, hosts, sites)
        else:
            for i, back in reversed(undo):
                state.move(i, back)
    return total


def _host_table(state: PlanState, hosts: list[int], sites: np.ndarray) -> np.ndarray:
    """Cost of moving each host need to each site (inf where not allowed or full)."""
    table = np.full((len(hosts), len(sites)), np.inf)
    for r, e in enumerate(hosts):
        ok = np.isin(sites, state.candidates[e]) & (sites != state.site_of[e]) \
            & (state.desk_free[sites] >= state.a.desk_days[e]) \
            & (state.room_free[sites] >= state.a.room_days[e])
        if ok.any():
            table[r, ok] = state.deltas(e, sites[ok])
    return table


def _make_room(state: PlanState, i: int) -> float:
    """Place unplaced need i by moving one occupant of a candidate site elsewhere."""
    a = state.a
    for j in state.candidates[i]:
        j = int(j)
        if state.fits(i, j):
            d = state.delta(i, j)
            if d < -_EPS:
                state.move(i, j)
                return d
            continue
        occupants = np.flatnonzero(state.site_of == j)
        for k in occupants:
            k = int(k)
            # k must free enough room for i
            if (state.desk_free[j] + a.desk_days[k] < a.desk_days[i]
                    or state.room_free[j] + a.room_days[k] < a.room_days[i]):
                continue
            others = state.candidates[k]
            others = others[(others != j) & (state.desk_free[others] >= a.desk_days[k])
                            & (state.room_free[others] >= a.room_days[k])]
            others = state.day_fits(k, others)
            if not len(others):
                continue
            ds = state.deltas(k, others)
            best = int(np.argmin(ds))
            j2 = int(others[best])
            state.move(k, j2)
            change = float(ds[best])
            if state.fits(i, j):
                d = state.delta(i, j)
                if change + d < -_EPS:
                    state.move(i, j)
                    return change + d
            state.move(k, j)
    return 0.0


_REFIT_LIMIT_S = 0.5
_PACK_LIMIT_S = 0.2


def _pack_unplaced(state: PlanState, members: list[int], deadline: float,
                   should_stop: Callable[[], bool]) -> float:
    """Place as many needs as fit (a count-only packing) around the unplaced ones; keep it if
    the plan then costs less.

    A need left unplaced costs the whole unplaced penalty, and which needs fit together is a
    bin-packing that moves of one or two needs miss (e.g. after a women-only site closes).
    The group is the unplaced needs and the needs at the sites they could use; everything
    else keeps its place and its capacity.
    """

    a = state.a
    lost = [i for i in members if state.site_of[i] == UNPLACED and len(state.candidates[i])]
    sites = set(np.concatenate([state.candidates[i] for i in lost]).tolist())
    at_sites = [i for i in members if int(state.site_of[i]) in sites]
    group = sorted(set(lost) | set(at_sites))
    desk_cap = state.desk_free.copy()
    room_cap = state.room_free.copy()
    for i in at_sites:
        desk_cap[state.site_of[i]] += a.desk_days[i]
        room_cap[state.site_of[i]] += a.room_days[i]
    remaining = min(deadline - time.perf_counter(), _PACK_LIMIT_S)
    if remaining <= 0.02 or should_stop():
        return 0.0
    # only the group's own candidate sites inside ``sites`` or where they sit now
    local = list(state.candidates)
    for i in group:
        cand = state.candidates[i]
        local[i] = cand[np.isin(cand, list(sites | {int(state.site_of[i])}))]
    _, packing = pack_most(a, group, local, desk_cap, room_cap, remaining)
    if packing is None or len(packing) <= len(at_sites):
        return 0.0
    before = {i: int(state.site_of[i]) for i in group}
    change = 0.0
    for i in group:
        change += state.delta(i, UNPLACED)
        state.move(i, UNPLACED)
    ok = True
    for i, j in packing.items():
        if not state.fits(i, j):
            ok = False
            break
        change += state.delta(i, j)
        state.move(i, j)
    if ok and change < -_EPS:
        return change
    for i in group:
        state.move(i, UNPLACED)
    for i, j in before.items():
        state.move(i, j)
    return 0.0


def _refit_around_unplaced(state: PlanState, members: list[int], deadline: float,
                           should_stop: Callable[[], bool],
                           hooks: tuple[Callable[[object], None], Callable[[object], None]],
                           ) -> float:
    """Re-place, exactly, the needs at the sites unplaced needs could use; keep if it pays.

    The needs there may also move to their other sites, freeing room where it is needed.
    """
    lost = [i for i in members if state.site_of[i] == UNPLACED and len(state.candidates[i])]
    sites = set(np.concatenate([state.candidates[i] for i in lost]).tolist())
    group = set(lost) | {i for i in members if int(state.site_of[i]) in sites}
    remaining = min(deadline - time.perf_counter(), _REFIT_LIMIT_S)
    if remaining <= 0.05:
        return 0.0
    change, _ = resolve_exactly(state, group, time_limit_s=remaining,
                                should_stop=should_stop, hooks=hooks)
    return change


def _merge_locations(state: PlanState, p: int, members: list[int]) -> float:
    """Move all of PDU p's needs at one of its sites to another of its sites, if it pays."""
    if not state.st.location_penalty:
        return 0.0
    total = 0.0
    used = sorted({int(state.site_of[i]) for i in members if state.site_of[i] != UNPLACED})
    for s in used:
        movers = [i for i in members if state.site_of[i] == s]
        if not movers:
            continue
        for target in used:
            if target == s or state.pdu_count[p, target] == 0:
                continue
            if not all(target in state.candidates[i] for i in movers):
                continue
            undo: list[int] = []
            change = 0.0
            for i in movers:
                if not state.fits(i, target):
                    break
                change += state.delta(i, target)
                state.move(i, target)
                undo.append(i)
            else:
                if change < -_EPS:
                    total += change
                    break
            for i in reversed(undo):
                state.move(i, s)
    return total


def place_left_out(arrays: ScenarioArrays, candidates: list[np.ndarray], site_of: np.ndarray,
                   *, deadline: float, prefer: np.ndarray | None = None) -> np.ndarray:
    """``site_of`` with each need it leaves out placed at its cheapest site with room, where
    that costs less than leaving it out; a new array.

    The last step of a solve cut short: a part stopped before its search placed them keeps
    its starting plan, and measured on the sample's year-2 volumes (the four-year plan's
    comparisons give each year 1.5 s), a solve of 1.5 s left 4-5 women's needs out at
    £1,000,000 each although 3-4 of them had a site with room and a rota. Needs taking most
    desk-days go first. Under the daily rule a site is taken only with a rota (the exact
    check), so the plan keeps one at every site. ``prefer`` (a site index per need, or -1)
    is tried first when it fits: the four-year plan places a need where it sits in a
    neighbouring year, which saves a move. Stops at ``deadline``.
    """
    state = PlanState(arrays, candidates, site_of)
    lost = [int(i) for i in np.flatnonzero(state.site_of == UNPLACED) if len(candidates[i])]
    lost.sort(key=lambda i: (-arrays.desk_days[i], -arrays.room_days[i], i))
    for k, i in enumerate(lost):
        if k and k % 20 == 0 and time.perf_counter() > deadline:
            break
        cand = candidates[i]
        cand = cand[(state.desk_free[cand] >= arrays.desk_days[i])
                    & (state.room_free[cand] >= arrays.room_days[i])]
        if prefer is not None and prefer[i] in cand and state.fits(i, int(prefer[i])):
            if state.delta(i, int(prefer[i])) < -_EPS:
                state.move(i, int(prefer[i]))
                continue
        cand = state.day_fits(i, cand)
        if not len(cand):
            continue
        ds = state.deltas(i, cand)
        k_best = int(np.argmin(ds))
        if ds[k_best] < -_EPS:
            state.move(i, int(cand[k_best]))
    return state.site_of
