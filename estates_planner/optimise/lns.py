"""Large-neighbourhood search over whole PDUs: free a few PDUs' needs, re-place them exactly.

Why whole PDUs: the two terms that make good plans hard to reach one need at a time -- the
location penalty (per PDU and site) and the wellbeing pairing (a wellbeing need with an
ETE/accommodation need of its own PDU) -- are per PDU. Once every need of a PDU is free and
everything else is fixed (its capacity taken, its fit-out paid), a small CP-SAT model of the
freed needs prices every plan of them exactly, so its optimum is the best the plan can do by
re-placing them. Several PDUs are freed together when they compete for the same sites (one
PDU can only move into a site another one leaves), and the PDUs using a site are freed
together so that a site can be emptied and its fit-out saved.

The search is a loop over neighbourhoods (sets of PDUs) that starts with single PDUs, most
costly first (cost beyond each need's cheapest option, spare sites, unpaired wellbeing
needs), and grows the neighbourhood once every neighbourhood of the current size has been
tried without gain since the plan last changed. Each sub-solve is short (a fraction of a
second, one CP-SAT worker, hinted with the current plan), registered with the caller's stop
watcher, and applied through :class:`PlanState` moves only when the exact change pays.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from estates_planner.errors import CancelledError
from estates_planner.optimise.cpsat_part import PartModel
from estates_planner.optimise.evaluate import UNPLACED
from estates_planner.optimise.rota import residual_day_caps

if TYPE_CHECKING:
    from estates_planner.optimise.plan_state import PlanState

Hooks = tuple[Callable[[object], None], Callable[[object], None]]

_EPS = 1e-6
_MIN_SOLVE_S = 0.02  # a sub-solve with less time than this left is not started
_SOLVE_BASE_S = 0.05  # per sub-solve, plus _SOLVE_PER_NEED_S a freed need, at most _SOLVE_MAX_S
_SOLVE_PER_NEED_S = 0.002
_SOLVE_MAX_S = 0.25
_MAX_PDUS = 4  # the largest neighbourhood, in PDUs
_DRAWS = 6  # tries to draw a neighbourhood not yet tried, per seed PDU
_STALL_PER_PDU = 3  # sub-solves in a row without gain, per PDU of the part, before giving up
_CHEAPEST = 8  # sites per freed need in a sub-model: its cheapest few, plus those in use


def resolve_exactly(state: PlanState, group: Iterable[int], *, time_limit_s: float,
                    should_stop: Callable[[], bool], hooks: Hooks,
                    candidates: list[np.ndarray] | None = None) -> tuple[float, bool]:
    """Free the needs of ``group``, re-place them by a small CP-SAT model, keep it if it pays.

    Everything outside the group stays where it is: its capacity is taken and the fit-out of
    the sites it uses is paid. The sub-model is exact when the group holds whole PDUs (the
    location penalty and pairing are per PDU); for any other group it may misprice, which is
    why the outcome is applied move by move with :meth:`PlanState.delta` and undone unless
    the plan then costs less.

    Parameters
    ----------
    state
        The plan, changed in place when the re-placement pays.
    group
        Indices of the needs to free.
    time_limit_s
        For the CP-SAT search (one worker, hinted with the current plan).
    should_stop
        Checked while the sub-model is built (which also stops at the time limit).
    hooks
        (register, unregister) for the CP-SAT solver, so a stop watcher can end it.
    candidates
        The sites each need may use in the sub-model (default: all its candidates); a
        shorter list makes a smaller, faster model that may miss the best re-placement.

    Returns
    -------
    (change in GBP, <= 0; proven) -- ``proven`` is True when CP-SAT proved the re-placement
    optimal for its sub-model, so the same group cannot gain until the plan around it moves.
    """
    from estates_planner.optimise.decompose import Component

    a = state.a
    group = np.array(sorted({int(i) for i in group}), dtype=np.int64)
    if not len(group) or time_limit_s < _MIN_SOLVE_S or should_stop():
        return 0.0, False
    # building a large group's model takes a while too: it counts against the same limit
    ends = time.perf_counter() + time_limit_s

    def out_of_time() -> bool:
        return should_stop() or time.perf_counter() > ends

    placed = [int(i) for i in group if state.site_of[i] != UNPLACED]
    # capacity and fit-out as the needs outside the group leave them
    desk_cap = state.desk_free.copy()
    room_cap = state.room_free.copy()
    used_outside = state.used.copy()
    for i in placed:
        j = int(state.site_of[i])
        desk_cap[j] += a.desk_days[i]
        room_cap[j] += a.room_days[i]
        used_outside[j] -= 1
    candidates = state.candidates if candidates is None else candidates
    sites = np.unique(np.concatenate([candidates[i] for i in group]))
    day_caps = None
    if state.day_fit is not None:  # the daily rule: the others keep their weekdays
        day_caps = residual_day_caps(state.day_fit, state.at_site,
                                     {int(i) for i in group}, sites.tolist())
    try:
        model = PartModel(a, Component(needs=group, sites=sites), candidates,
                          state.site_of, out_of_time, desk_cap=desk_cap, room_cap=room_cap,
                          fit_out_paid=used_outside > 0, day_caps=day_caps,
                          daily=state.day_fit is not None)
    except CancelledError:
        return 0.0, False
    remaining = ends - time.perf_counter()
    if remaining < _MIN_SOLVE_S / 2 or should_stop():
        return 0.0, False
    outcome = model.solve(time_limit_s=remaining, workers=1, relative_gap=0.0,
                          register=hooks[0], unregister=hooks[1],
                          on_update=lambda o, b: None)
    if outcome.objective is None:
        return 0.0, False
    return apply_if_better(state, group, outcome.site_of), outcome.status == "optimal"


def apply_if_better(state: PlanState, group: np.ndarray, new_sites: np.ndarray) -> float:
    """Move ``group`` to ``new_sites`` (aligned) if every move fits and the plan gains.

    In strict mode placing more needs is a gain whatever it costs (a plan leaving a need out
    is no plan there: a starting plan cut short may, and only a re-placement can mend it).
    Returns the exact change (< 0, or any sign for more needs placed in strict mode) when
    kept, else 0.0 with the plan as it was.
    """
    before = [(int(i), int(state.site_of[i])) for i in group]
    change = 0.0
    for i in group:
        change += state.delta(int(i), UNPLACED)
        state.move(int(i), UNPLACED)
    fits = True
    # the needs with most desk-days a week first: under the daily rule each move is checked
    # by a greedy rota extended need by need, which a need in every day finds no room in
    # once the one-day needs have filled a day it could have shared (hypothesis found one)
    a = state.a
    order = sorted(range(len(group)), key=lambda k: (-a.desk_days[group[k]],
                                                     -a.room_days[group[k]], k))
    for i, j in ((group[k], new_sites[k]) for k in order):
        if j != UNPLACED:
            if not state.fits(int(i), int(j)):
                fits = False
                break
            change += state.delta(int(i), int(j))
            state.move(int(i), int(j))
    if fits and (change < -_EPS or _places_more(state, before, new_sites)):
        return change
    for i in group:
        state.move(int(i), UNPLACED)
    for i, j in before:
        state.move(i, j)
    return 0.0


def _places_more(state: PlanState, before: list[tuple[int, int]],
                 new_sites: np.ndarray) -> bool:
    """Strict mode, and ``new_sites`` place more of the group than ``before`` did."""
    if not state.st.strict:
        return False
    placed_before = sum(1 for _, j in before if j != UNPLACED)
    return int((np.asarray(new_sites) != UNPLACED).sum()) > placed_before


class PduNeighbourhoods:
    """Chooses the sets of PDUs to free: costliest first, growing when small ones stop paying.

    A neighbourhood is a seed PDU plus PDUs that compete with it for sites (one uses a site
    the other could use), drawn with weights by how many such sites they share, so the freed
    PDUs can trade places. Sets tried without gain are not tried again until a site their
    sub-model uses changes.
    """

    def __init__(self, state: PlanState, members: list[int], seed: int = 0) -> None:
        self.state = state
        self.by_pdu: dict[int, list[int]] = {}
        for i in members:
            self.by_pdu.setdefault(int(state.pdu_of[i]), []).append(int(i))
        self.reach = {p: set(np.concatenate([state.candidates[i] for i in needs]).tolist())
                      for p, needs in self.by_pdu.items()}
        self.cheapest = {}
        for i in members:
            cand = state.candidates[i]
            cost = float(state.a.costs.linear[i, cand].min()) if len(cand) else np.inf
            if not state.st.strict:
                cost = min(cost, state.st.unplaced_penalty)
            self.cheapest[int(i)] = cost
        self.cheap = {}
        for i in members:
            cand = state.candidates[i]
            order = np.argsort(state.a.costs.linear[i, cand], kind="stable")[:_CHEAPEST]
            self.cheap[int(i)] = set(cand[order].tolist())
        self.rng = random.Random(seed)
        self.size = 1
        self.tried: dict[frozenset[int], set[int]] = {}

    def regret(self, p: int) -> float:
        """What PDU p pays beyond its needs' cheapest options: a rough sign of room to gain."""
        st = self.state
        needs = self.by_pdu[p]
        extra = sum(st.own_cost(i, int(st.site_of[i])) - self.cheapest[i] for i in needs)
        extra += st.st.location_penalty * max(int((st.pdu_count[p] > 0).sum()) - 1, 0)
        if st.st.pairing_bonus and st.hosts_of.get(p):
            hosts = np.flatnonzero(st.host_count[p])
            for w in st.wellbeing_of.get(p, ()):
                j = st.site_of[w]
                if j == UNPLACED or not len(hosts) or not st.a.near[j, hosts].any():
                    extra += st.st.pairing_bonus
        return extra

    def rivals(self, p: int) -> dict[int, int]:
        """PDUs competing with p for sites, with how many sites they share that way."""
        st = self.state
        used_p = set(np.flatnonzero(st.pdu_count[p]).tolist())
        out = {}
        for q in self.by_pdu:
            if q == p:
                continue
            used_q = set(np.flatnonzero(st.pdu_count[q]).tolist())
            shared = len(self.reach[p] & used_q) + len(self.reach[q] & used_p)
            if shared:
                out[q] = shared
        return out

    def draw(self, p: int) -> frozenset[int] | None:
        """A neighbourhood of ``self.size`` PDUs around p not yet tried, or None."""
        if self.size == 1:
            key = frozenset((p,))
            return None if key in self.tried else key
        rivals = self.rivals(p)
        if len(rivals) < self.size - 1:
            rivals.update({q: 1 for q in self.by_pdu if q != p and q not in rivals})
        if len(rivals) < self.size - 1:
            return None
        for _ in range(_DRAWS):
            pool = dict(rivals)
            chosen = {p}
            while len(chosen) < self.size:
                qs = list(pool)
                q = self.rng.choices(qs, weights=[pool[k] for k in qs])[0]
                chosen.add(q)
                del pool[q]
            key = frozenset(chosen)
            if key not in self.tried:
                return key
        return None

    def shortlist(self, group: list[int]) -> list[np.ndarray]:
        """Candidate sites for the freed needs: each need's cheapest few and its own site,
        plus every site the group uses now (so PDUs can gather at one of their sites).

        All of a need's candidates make a model of hundreds of variables per PDU that CP-SAT
        takes longer to solve than the whole neighbourhood is worth; the far, dear sites are
        rarely part of a better plan.
        """
        st = self.state
        local = list(st.candidates)
        in_use = {int(st.site_of[i]) for i in group if st.site_of[i] != UNPLACED}
        for i in group:
            cand = st.candidates[i]
            local[i] = cand[np.isin(cand, list(in_use | self.cheap[i]))]
        return local

    def remember(self, key: frozenset[int], sites: set[int]) -> None:
        """Note that neighbourhood ``key`` was tried on ``sites`` (its sub-model's) in vain."""
        self.tried[key] = sites

    def forget_around(self, sites: set[int]) -> None:
        """Forget the tried neighbourhoods whose sub-model uses any of ``sites`` (whose room
        or fit-out just changed). The others would face the very same sub-model as before
        (same needs, sites, free room and paid fit-out), so trying them again is wasted."""
        sites.discard(UNPLACED)
        self.tried = {key: used for key, used in self.tried.items() if not used & sites}

    def order(self) -> list[int]:
        return sorted(self.by_pdu, key=self.regret, reverse=True)

    def needs_of(self, pdus: Iterable[int]) -> list[int]:
        return [i for p in pdus for i in self.by_pdu[p]]


def pdu_lns(state: PlanState, members: list[int], *, deadline: float,
            should_stop: Callable[[], bool], hooks: Hooks, seed: int = 0) -> float:
    """Improve the plan by re-placing whole PDUs exactly, until the deadline or a local optimum.

    Parameters
    ----------
    state
        The plan (changed in place).
    members
        The needs of one part; only they move.
    deadline
        ``time.perf_counter()`` value to stop at; each sub-solve ends by it.
    should_stop
        Cancel check, between sub-solves and while building them.
    hooks
        (register, unregister) for each CP-SAT sub-solve's stop watcher.
    seed
        For the random choice of rival PDUs (the search is deterministic given it, up to
        CP-SAT's time limits).

    Returns
    -------
    The change of the objective in GBP (<= 0; in strict mode it may be more where a need
    left out by the starting plan was placed).
    """
    hoods = PduNeighbourhoods(state, members, seed)
    if not hoods.by_pdu:
        return 0.0
    largest = min(_MAX_PDUS, len(hoods.by_pdu))
    # the caller's CP-SAT search gets whatever time this leaves, and it needs time for its
    # bound: so stop once the search has stalled rather than run to the deadline
    stall_limit = max(_STALL_PER_PDU * len(hoods.by_pdu), 8)
    stalled = 0
    total = 0.0
    while True:
        gained = False
        # one pass: each PDU, costliest first, seeds one neighbourhood of the current size
        for p in hoods.order():
            remaining = deadline - time.perf_counter()
            if remaining < _MIN_SOLVE_S or should_stop():
                return total
            key = hoods.draw(p)
            if key is None:
                continue
            group = hoods.needs_of(sorted(key))
            local = hoods.shortlist(group)
            limit = min(_SOLVE_BASE_S + _SOLVE_PER_NEED_S * len(group), _SOLVE_MAX_S,
                        remaining)
            before = state.site_of[group].copy()
            change, proven = resolve_exactly(state, group, time_limit_s=limit,
                                             should_stop=should_stop, hooks=hooks,
                                             candidates=local)
            placed_more = state.st.strict and (int((state.site_of[group] != UNPLACED).sum())
                                               > int((before != UNPLACED).sum()))
            if change < -_EPS or placed_more:
                total += change
                gained = True
                stalled = 0
                after = state.site_of[group]
                moved = before != after
                hoods.forget_around(set(before[moved].tolist()) | set(after[moved].tolist()))
            else:
                hoods.remember(key, {int(j) for i in group for j in local[i]})
                stalled += 1
                if stalled >= stall_limit:
                    return total
        if gained:
            hoods.size = 1  # the plan moved: small neighbourhoods may pay again
        elif hoods.size >= largest:
            return total
        else:
            hoods.size += 1
