"""The weekly rota: which weekdays each placed need is in, and whether a site's week works.

R2 counts desk-days a week (sum of desks x days <= 5 x desks). That accepts sites no weekly
timetable can host: 10 desks and two needs of 8 desks on 3 days each use 48 of 50 desk-days,
yet any two sets of 3 weekdays share a day, when 16 desks are needed. Under the daily rule
(``Settings.daily_capacity``, on by default) a plan is accepted only when every site has a
rota: each placed need with ``days_per_week`` d gets d weekdays (its fixed ``days`` when
given), and on every weekday the desks and interview rooms of the needs in that day fit the
site's.

This module holds what depends on days alone, for a plan already made:

- :class:`DayFit`: does a set of needs have a rota at a site? (fast: a greedy rota, and a
  small exact model only when the greedy one fails; cached) -- used by the greedy fill and
  the local search so that the plans they hand CP-SAT have rotas;
- :func:`build_rota`: the rota of a whole plan, exact: it has no day over capacity whenever
  any rota has none, and among those it gives the most paired wellbeing needs a weekday shared
  with their ETE/accommodation pair (the same-day bonus);
- :func:`max_wellbeing_bonus`: the most a wellbeing need can earn, for bounds and pruning.

The weekday variables of the CP-SAT model are in :mod:`estates_planner.optimise.rota_model`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from estates_planner.model import ServiceNeed, Settings
from estates_planner.optimise.cp_solver import new_cp_solver

DAYS = 5
_EXACT_SITE_S = 0.5  # at most, for the exact rota of one site when the greedy one fails
_EXACT_GROUP_S = 0.5  # at most, for the exact rota of one group of paired sites
_EXACT_BUDGET_S = 1.0  # at most, for all the exact rotas of one plan (its pricing waits)
_LARGE_PLAN_NEEDS = 2_000
_EXACT_BUDGET_LARGE_S = 0.2  # the same for a plan of more needs than that
_HINT_BUDGET_S = 0.2  # at most, for the exact rotas of a part's hint
_EXACT_ENFORCE_S = 0.5  # at most, per site, for the last check of a plan's rotas
_CACHE_LIMIT = 50_000
_EXACT_FIT_S = 0.05  # at most, for one exact "does it fit" model (small sites: milliseconds)
_EXTEND_MAX = 12  # needs at a site, at most, for which a known rota is extended need by need


def daily_rule(settings: Settings) -> bool:
    return bool(settings.daily_capacity)


def same_day_bonus(settings: Settings) -> float:
    """The same-day bonus in GBP (0 when the daily rule is off: without it there is no
    rota to plan with, so the bonus is not in the objective)."""
    return max(settings.same_day_bonus, 0.0) if daily_rule(settings) else 0.0


def max_wellbeing_bonus(settings: Settings) -> float:
    """The most bonus one wellbeing need can earn: pairing plus same day."""
    return max(settings.pairing_bonus, 0.0) + same_day_bonus(settings)


def need_days(need: ServiceNeed) -> int:
    """Days a week, at most 5 (a week has five weekdays here)."""
    return min(max(int(need.days_per_week), 0), DAYS)


def always_share_a_day(a: ServiceNeed, b: ServiceNeed) -> bool:
    """Two needs whose weekdays must overlap whatever the rota (a + b > 5 days, or fixed
    days that meet)."""
    if a.fixed_days and b.fixed_days:
        return bool(set(a.fixed_days) & set(b.fixed_days))
    return need_days(a) + need_days(b) > DAYS


@dataclass(frozen=True)
class _Item:
    """One need at one site, as the rota sees it."""

    index: int
    desks: int
    rooms: int
    days: int
    fixed: tuple[int, ...]


def rota_item(needs: Sequence[ServiceNeed], i: int) -> _Item:
    n = needs[i]
    return _Item(i, int(n.desks), int(n.interview_rooms), need_days(n), tuple(n.fixed_days))


def greedy_site_days(items: Sequence[_Item], desk_cap: int, room_cap: int,
                     prefer: dict[int, set[int]] | None = None,
                     ) -> dict[int, tuple[int, ...]] | None:
    """A rota of one site by a greedy fill, or None when the fill fails (a rota may exist).

    Fixed days first, then the largest needs first, each on its emptiest days that fit
    (``prefer`` gives days a need should take when they fit, e.g. its pair's days).
    """
    desk = np.zeros(DAYS, dtype=np.int64)
    room = np.zeros(DAYS, dtype=np.int64)
    out: dict[int, tuple[int, ...]] = {}
    for it in items:
        if it.fixed:
            for d in it.fixed:
                desk[d] += it.desks
                room[d] += it.rooms
            out[it.index] = it.fixed
    if (desk > desk_cap).any() or (room > room_cap).any():
        return None
    dcap, rcap = max(desk_cap, 1), max(room_cap, 1)
    flexible = sorted((it for it in items if not it.fixed),
                      key=lambda it: (-(it.desks / dcap + it.rooms / rcap), it.index))
    for it in flexible:
        ok = (desk + it.desks <= desk_cap) & (room + it.rooms <= room_cap)
        if int(ok.sum()) < it.days:
            return None
        want = (prefer or {}).get(it.index, set())
        load = np.maximum((desk + it.desks) / dcap, (room + it.rooms) / rcap)
        order = sorted(np.flatnonzero(ok).tolist(),
                       key=lambda d: (d not in want, load[d], d))
        chosen = tuple(sorted(order[:it.days]))
        for d in chosen:
            desk[d] += it.desks
            room[d] += it.rooms
        out[it.index] = chosen
    return out


def exact_site_days(items: Sequence[_Item], desk_cap: int, room_cap: int,
                    time_limit_s: float = _EXACT_SITE_S,
                    ) -> tuple[dict[int, tuple[int, ...]] | None, bool]:
    """(a rota of one site or None, proven): None with proven=True means no rota exists."""
    from ortools.sat.python import cp_model  # loaded when a rota is first solved

    m = cp_model.CpModel()
    lits: dict[int, list] = {}
    for it in items:
        if it.fixed:
            continue
        row = [m.new_bool_var("") for _ in range(DAYS)]
        m.add(sum(row) == it.days)
        lits[it.index] = row
    for d in range(DAYS):
        fixed_desk = sum(it.desks for it in items if it.fixed and d in it.fixed)
        fixed_room = sum(it.rooms for it in items if it.fixed and d in it.fixed)
        if fixed_desk > desk_cap or fixed_room > room_cap:
            return None, True
        flex = [it for it in items if not it.fixed]
        m.add(sum(it.desks * lits[it.index][d] for it in flex) <= desk_cap - fixed_desk)
        m.add(sum(it.rooms * lits[it.index][d] for it in flex) <= room_cap - fixed_room)
    solver = new_cp_solver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    status = solver.solve(m)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out = {it.index: it.fixed for it in items if it.fixed}
        for i, row in lits.items():
            out[i] = tuple(d for d in range(DAYS) if solver.boolean_value(row[d]))
        return out, True
    return None, status == cp_model.INFEASIBLE


class DayFit:
    """Whether a set of needs has a rota at a site, cached (the local search asks often).

    Answers from cheap tests first: every need fits every day together (any rota works); a
    need larger than a day, or the weekly desk-day total exceeded (none does); the known rota
    of the site's needs without the newcomer, with the newcomer on days still free; a greedy
    rota; and only then, when ``exact``, a small exact model. An exact model stopped by its
    time limit, or no exact model, counts as "no rota": the plans of the greedy fill and the
    local search stay on the safe side, and CP-SAT's weekday rows decide such sites exactly.

    Measured on a region of 8,337 needs x 171 sites: the greedy fill asked 2,139 times, and
    an exact model every time the greedy rota failed took 3.0 of its 3.9 s; so the greedy
    fill uses ``exact=False``.
    """

    def __init__(self, needs: Sequence[ServiceNeed], desk_cap_day: np.ndarray,
                 room_cap_day: np.ndarray, *, exact: bool = True,
                 exact_s: float = _EXACT_FIT_S) -> None:
        self.needs = needs
        self.desk_cap = np.asarray(desk_cap_day, dtype=np.int64)
        self.room_cap = np.asarray(room_cap_day, dtype=np.int64)
        self.desks = np.array([n.desks for n in needs], dtype=np.int64)
        self.rooms = np.array([n.interview_rooms for n in needs], dtype=np.int64)
        self.days = np.array([need_days(n) for n in needs], dtype=np.int64)
        self.exact = exact
        self.exact_s = exact_s
        # (site, needs) -> a rota of them (need -> weekdays), or None when none is known
        self.cache: dict[tuple[int, frozenset[int]], dict[int, tuple[int, ...]] | None] = {}
        # once this says stop (the search's deadline or a cancel), questions that need a
        # greedy or exact rota are answered "no" at once: the search is ending, and a
        # local search asking hundreds of them overran a solve's time limit by seconds
        self.stop: Callable[[], bool] = lambda: False

    @classmethod
    def of(cls, arrays, *, exact: bool = True) -> DayFit:  # noqa: ANN001 (an import cycle)
        desk, room = daily_capacities(arrays)
        return cls(arrays.scenario.dataset.needs, desk, room, exact=exact)

    def fits(self, j: int, members: Iterable[int], new: int | None = None) -> bool:
        """True when the needs ``members`` have a rota together at site ``j`` (as far as
        this checker can tell: see the class docstring). ``new``: the one need of
        ``members`` that is joining (its known rota without it is then extended)."""
        group = frozenset(int(i) for i in members)
        if not group:
            return True
        idx = np.fromiter(group, dtype=np.int64, count=len(group))
        dcap, rcap = int(self.desk_cap[j]), int(self.room_cap[j])
        if self.desks[idx].sum() <= dcap and self.rooms[idx].sum() <= rcap:
            return True  # all of them fit on every day
        if (self.desks[idx] > dcap).any() or (self.rooms[idx] > rcap).any() \
                or (self.desks[idx] * self.days[idx]).sum() > DAYS * dcap \
                or (self.rooms[idx] * self.days[idx]).sum() > DAYS * rcap:
            return False
        key = (int(j), group)
        if key in self.cache:
            return self.cache[key] is not None
        if self.stop():
            return False  # not cached: a later question may have the time
        rota = self._extend_known(j, group, dcap, rcap, new)
        if rota is None:
            items = [rota_item(self.needs, int(i)) for i in sorted(group)]
            rota = greedy_site_days(items, dcap, rcap)
            if rota is None and self.exact:
                rota, _ = exact_site_days(items, dcap, rcap, self.exact_s)
        if len(self.cache) > _CACHE_LIMIT:
            self.cache.clear()
        self.cache[key] = rota
        return rota is not None

    def _extend_known(self, j: int, group: frozenset[int], dcap: int, rcap: int,
                      new: int | None) -> dict[int, tuple[int, ...]] | None:
        """A rota of ``group`` from a known rota of all but one of its needs, the last one
        on days with room left (the usual question: may this need join the site?)."""
        if new is not None:
            tries: Iterable[int] = (new,)
        elif len(group) <= _EXTEND_MAX:
            tries = group
        else:
            return None
        for i in tries:
            known = self.cache.get((int(j), group - {i}))
            if not known:
                continue
            desk = np.zeros(DAYS, dtype=np.int64)
            room = np.zeros(DAYS, dtype=np.int64)
            for k, days in known.items():
                for d in days:
                    desk[d] += self.desks[k]
                    room[d] += self.rooms[k]
            ok = (desk + self.desks[i] <= dcap) & (room + self.rooms[i] <= rcap)
            need = self.needs[i]
            if need.fixed_days:
                if all(ok[d] for d in need.fixed_days):
                    return {**known, i: tuple(need.fixed_days)}
                continue
            if int(ok.sum()) >= self.days[i]:
                free = sorted(np.flatnonzero(ok).tolist(), key=lambda d: (desk[d], d))
                return {**known, i: tuple(sorted(free[:int(self.days[i])]))}
        return None


def daily_capacities(arrays) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """(desks, interview rooms) of every site on one weekday, after the scenario's overrides."""
    return arrays.desk_cap // DAYS, arrays.room_cap // DAYS


def fits_a_day(arrays) -> np.ndarray:  # noqa: ANN001
    """Need x site: the need's desks and interview rooms fit the site on one weekday."""
    needs = arrays.scenario.dataset.needs
    desk_day, room_day = daily_capacities(arrays)
    desks = np.array([n.desks for n in needs], dtype=np.int64)
    rooms = np.array([n.interview_rooms for n in needs], dtype=np.int64)
    return (desks[:, None] <= desk_day[None, :]) & (rooms[:, None] <= room_day[None, :])


def never_full_on_a_day(arrays, allowed: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """Per site: every need ``allowed`` there fits on one day together, so any rota works."""
    needs = arrays.scenario.dataset.needs
    desk_day, room_day = daily_capacities(arrays)
    desks = np.array([n.desks for n in needs], dtype=np.int64)
    rooms = np.array([n.interview_rooms for n in needs], dtype=np.int64)
    return ((allowed * desks[:, None]).sum(axis=0) <= desk_day) \
        & ((allowed * rooms[:, None]).sum(axis=0) <= room_day)


@dataclass(frozen=True)
class Rota:
    """The weekdays of every need of a plan (0 = Monday), and what they add up to per site.

    ``days[i]`` is () for an unplaced need. ``same_day[i]`` is True for a paired wellbeing
    need that shares a weekday with an ETE/accommodation need of its PDU at its site or a
    paired site. ``desk_use``/``room_use`` are site x weekday totals; ``over`` lists the
    (site index, weekday) where they exceed the site's (empty under the daily rule).
    """

    days: tuple[tuple[int, ...], ...]
    same_day: np.ndarray
    desk_use: np.ndarray
    room_use: np.ndarray
    over: tuple[tuple[int, int], ...]
    site_of: np.ndarray  # the plan the rota is of (site index per need, -1 unplaced)

    @property
    def days_over_capacity(self) -> int:
        return len(self.over)


def pair_hosts(arrays, site_of: np.ndarray, paired: np.ndarray) -> dict[int, list[int]]:  # noqa: ANN001
    """For each paired wellbeing need, the placed ETE/accommodation needs of its PDU at its
    site or at a site within the pairing radius (those it may share a day with)."""
    from estates_planner.optimise.arrays import UNPLACED

    needs = arrays.scenario.dataset.needs
    hosts: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(needs):
        if n.lot.prefers_authority and site_of[i] != UNPLACED:
            hosts[n.pdu].append(i)
    out: dict[int, list[int]] = {}
    for w in np.flatnonzero(paired).tolist():
        j = int(site_of[w])
        out[w] = [e for e in hosts.get(needs[w].pdu, ()) if arrays.near[j, int(site_of[e])]]
    return out


def rota_budget(arrays) -> float:  # noqa: ANN001 (an import cycle)
    """How long the exact models of one plan's rota may take in all, by default."""
    # with the daily rule off the rota is for information (days over capacity): the
    # greedy one, without exact models (a weekly plan of the sample overbooks 77
    # site-days, and trying to fit them took the whole budget of every pricing)
    # with it on, a plan of many thousand needs gets less: its pricing is waited for
    if not daily_rule(arrays.scenario.settings):
        return 0.0
    n = len(arrays.scenario.dataset.needs)
    return _EXACT_BUDGET_S if n <= _LARGE_PLAN_NEEDS else _EXACT_BUDGET_LARGE_S


def build_rota(arrays, site_of: np.ndarray, paired: np.ndarray | None = None,  # noqa: ANN001
               *, time_limit_s: float = _EXACT_GROUP_S, budget_s: float | None = None,
               ) -> Rota:
    """The rota of a plan: weekdays per placed need, fewest days over capacity, then the
    most paired wellbeing needs sharing a day with their pair.

    Sites are taken in groups linked by pairings (a wellbeing need and the sites of its
    pair); each group is filled greedily and, when that leaves a day over capacity or a
    paired need without a shared day, solved exactly by a small CP-SAT model (stopped at
    ``time_limit_s``, keeping the better of the two). The exact models of one plan take
    ``budget_s`` at most in all; past it the greedy rotas are kept (a plan of many thousand
    needs then may miss a same-day bonus it could have, never a day within capacity that the
    greedy fill found).
    """
    import time

    if budget_s is None:
        budget_s = rota_budget(arrays)
    ends = time.perf_counter() + budget_s
    from estates_planner.optimise.arrays import UNPLACED, paired_needs

    needs = arrays.scenario.dataset.needs
    n, m = len(needs), len(arrays.desk_cap)
    if paired is None:
        paired = paired_needs(arrays, site_of)
    desk_day, room_day = daily_capacities(arrays)
    hosts_of = pair_hosts(arrays, site_of, paired)
    # groups of sites linked by a pairing whose days are not automatically shared
    parent = list(range(m))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    open_pairs: dict[int, list[int]] = {}
    for w, hosts in hosts_of.items():
        if not hosts or any(always_share_a_day(needs[w], needs[e]) for e in hosts):
            continue
        open_pairs[w] = hosts
        for e in hosts:
            a, b = find(int(site_of[w])), find(int(site_of[e]))
            if a != b:
                parent[a] = b
    at_site: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        if site_of[i] != UNPLACED:
            at_site[int(site_of[i])].append(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for j in at_site:
        groups[find(j)].append(j)
    days: list[tuple[int, ...]] = [()] * n
    for sites in groups.values():
        group_pairs = {w: h for w, h in open_pairs.items() if find(int(site_of[w])) ==
                       find(sites[0])}
        left = ends - time.perf_counter()
        chosen = _group_rota(needs, sites, at_site, desk_day, room_day, group_pairs,
                             min(time_limit_s, left) if left > 0.01 else 0.0)
        for i, d in chosen.items():
            days[i] = d
    return _tally(arrays, site_of, days, paired, hosts_of, desk_day, room_day)


def _group_rota(needs: Sequence[ServiceNeed], sites: list[int], at_site: dict[int, list[int]],
                desk_day: np.ndarray, room_day: np.ndarray, pairs: dict[int, list[int]],
                time_limit_s: float) -> dict[int, tuple[int, ...]]:
    out: dict[int, tuple[int, ...]] = {}
    failed = False
    # hosts first (site by site), then the wellbeing needs prefer their hosts' days
    order = sorted(sites, key=lambda j: not any(needs[i].lot.prefers_authority
                                                for i in at_site[j]))
    for j in order:
        items = [rota_item(needs, i) for i in at_site[j]]
        prefer = {w: {d for e in pairs[w] for d in out.get(e, ())}
                  for w in at_site[j] if w in pairs}
        got = greedy_site_days(items, int(desk_day[j]), int(room_day[j]), prefer)
        if got is None:
            failed = True
            got = _spread(items)
        out.update(got)
    shared = sum(_shares(out, w, hosts) for w, hosts in pairs.items())
    if (not failed and shared == len(pairs)) or time_limit_s <= 0:
        return out  # nothing over capacity and every open pair shares a day: the best
    exact = _exact_group(needs, sites, at_site, desk_day, room_day, pairs, time_limit_s,
                         hint=out)
    return exact if exact is not None else out


def _shares(days: dict[int, tuple[int, ...]], w: int, hosts: list[int]) -> bool:
    mine = set(days.get(w, ()))
    return any(mine & set(days.get(e, ())) for e in hosts)


def _spread(items: Sequence[_Item]) -> dict[int, tuple[int, ...]]:
    """Days for a site with no rota within capacity: fixed days, the rest spread evenly
    (what the weekly rule alone plans; the days over capacity are then reported)."""
    load = np.zeros(DAYS)
    out = {}
    for it in sorted(items, key=lambda it: (not it.fixed, -it.desks, it.index)):
        chosen = it.fixed or tuple(sorted(np.argsort(load, kind="stable")[:it.days].tolist()))
        for d in chosen:
            load[d] += it.desks
        out[it.index] = tuple(int(d) for d in chosen)
    return out


def _exact_group(needs: Sequence[ServiceNeed], sites: list[int],
                 at_site: dict[int, list[int]], desk_day: np.ndarray, room_day: np.ndarray,
                 pairs: dict[int, list[int]], time_limit_s: float,
                 hint: dict[int, tuple[int, ...]]) -> dict[int, tuple[int, ...]] | None:
    """Fewest (site, day) units over capacity, then most shared days, by CP-SAT."""
    from ortools.sat.python import cp_model  # loaded when a rota is first solved

    m = cp_model.CpModel()
    lit: dict[tuple[int, int], object] = {}
    members = [i for j in sites for i in at_site[j]]
    for i in members:
        need = needs[i]
        if need.fixed_days:
            for d in range(DAYS):
                lit[i, d] = int(d in need.fixed_days)
            continue
        row = [m.new_bool_var("") for _ in range(DAYS)]
        m.add(sum(row) == need_days(need))
        for d in range(DAYS):
            lit[i, d] = row[d]
            m.add_hint(row[d], int(d in hint.get(i, ())))
    over_vars = []
    for j in sites:
        for d in range(DAYS):
            for size, cap in ((lambda n: n.desks, int(desk_day[j])),
                              (lambda n: n.interview_rooms, int(room_day[j]))):
                terms = [size(needs[i]) * lit[i, d] for i in at_site[j] if size(needs[i])]
                if not terms or sum(size(needs[i]) for i in at_site[j]) <= cap:
                    continue
                slack = m.new_int_var(0, sum(size(needs[i]) for i in at_site[j]), "")
                m.add(sum(terms) <= cap + slack)
                over_vars.append(slack)
    shared_vars = []
    for w, hosts in pairs.items():
        s = m.new_bool_var("")
        by_day = []
        for d in range(DAYS):
            g = m.new_bool_var("")
            m.add(g <= lit[w, d])
            m.add(g <= sum(lit[e, d] for e in hosts))
            by_day.append(g)
        m.add(s <= sum(by_day))
        shared_vars.append(s)
    weight = len(shared_vars) + 1  # one unit over capacity outweighs every shared day
    m.minimize(weight * sum(over_vars) - sum(shared_vars))
    solver = new_cp_solver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {i: tuple(d for d in range(DAYS) if solver.value(lit[i, d]))
            if not needs[i].fixed_days else tuple(needs[i].fixed_days) for i in members}


def _tally(arrays, site_of: np.ndarray, days: list[tuple[int, ...]],  # noqa: ANN001
           paired: np.ndarray, hosts_of: dict[int, list[int]], desk_day: np.ndarray,
           room_day: np.ndarray) -> Rota:
    needs = arrays.scenario.dataset.needs
    m = len(arrays.desk_cap)
    desk_use = np.zeros((m, DAYS), dtype=np.int64)
    room_use = np.zeros((m, DAYS), dtype=np.int64)
    for i, ds in enumerate(days):
        for d in ds:
            desk_use[site_of[i], d] += needs[i].desks
            room_use[site_of[i], d] += needs[i].interview_rooms
    over_mask = (desk_use > desk_day[:, None]) | (room_use > room_day[:, None])
    over = tuple((int(j), int(d)) for j, d in zip(*np.nonzero(over_mask), strict=True))
    same = np.zeros(len(needs), dtype=bool)
    for w, hosts in hosts_of.items():
        mine = set(days[w])
        same[w] = bool(paired[w]) and any(mine & set(days[e]) for e in hosts)
    return Rota(days=tuple(days), same_day=same, desk_use=desk_use, room_use=room_use,
                over=over, site_of=site_of)


def fits_on_days(need: ServiceNeed, desk_free: Sequence[int], room_free: Sequence[int]) -> bool:
    """Whether ``need`` alone finds its days in a site's free room per weekday."""
    ok = (np.asarray(desk_free) >= need.desks) & (np.asarray(room_free) >= need.interview_rooms)
    if need.fixed_days:
        return bool(all(ok[d] for d in need.fixed_days))
    return int(ok.sum()) >= need_days(need)


def residual_day_caps(check: DayFit, at_site: dict[int, set[int]], freed: set[int],
                      sites: Iterable[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per site, the desks and rooms left on each weekday once the needs staying there (all
    but ``freed``) keep the days of a rota of theirs: the capacity a sub-model re-placing the
    freed needs may use. Fixing the others' days only narrows the sub-model, so whatever it
    finds has a rota."""
    out = {}
    for j in sites:
        j = int(j)
        staying = sorted(at_site.get(j, set()) - freed)
        dcap, rcap = int(check.desk_cap[j]), int(check.room_cap[j])
        desk = np.full(DAYS, dcap, dtype=np.int64)
        room = np.full(DAYS, rcap, dtype=np.int64)
        if staying:
            items = [rota_item(check.needs, i) for i in staying]
            days = greedy_site_days(items, dcap, rcap)
            if days is None:
                days, _ = exact_site_days(items, dcap, rcap)
            if days is None:  # no rota known: leave nothing to take
                desk[:] = 0
                room[:] = 0
            else:
                for it in items:
                    for d in days[it.index]:
                        desk[d] -= it.desks
                        room[d] -= it.rooms
        out[j] = (desk, room)
    return out


def rota_hint(arrays, site_of: np.ndarray, members: np.ndarray,  # noqa: ANN001
              budget_s: float = _HINT_BUDGET_S) -> dict[int, tuple[int, ...]]:
    """Weekdays for the needs ``members`` of a plan (one independent part), to hint CP-SAT.

    Without them CP-SAT, given only the sites of a plan and no presolve, often finds no
    plan at all in a part's time (measured on the sample: parts of 47 needs "unknown" after
    0.7 s): completing a partial hint is a search of its own.
    """
    from estates_planner.optimise.arrays import UNPLACED

    only = np.full(len(site_of), UNPLACED, dtype=np.int64)
    idx = np.asarray(members, dtype=np.int64)
    only[idx] = site_of[idx]
    rota = build_rota(arrays, only, budget_s=budget_s, time_limit_s=budget_s)
    return {int(i): rota.days[int(i)] for i in idx if only[int(i)] != UNPLACED}


def enforce_rotas(arrays, site_of: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """``site_of`` with needs left out where a site has no rota (the last guard: a plan is
    never accepted under the daily rule without one). Normally nothing changes: the plans
    of the search have rotas; a starting plan cut short by the time limit may not. At such
    a site the need taking most of a day's desks and rooms is left out first, until the
    site has a rota (a DayFit "no" from an exact model cut short counts as no rota too).
    """
    from estates_planner.optimise.arrays import UNPLACED

    # a longer exact model than the search's: a "no" here leaves a need out
    desk, room = daily_capacities(arrays)
    check = DayFit(arrays.scenario.dataset.needs, desk, room, exact_s=_EXACT_ENFORCE_S)
    site_of = site_of.copy()
    at_site: dict[int, set[int]] = defaultdict(set)
    for i, j in enumerate(site_of.tolist()):
        if j != UNPLACED:
            at_site[j].add(i)
    for j, members in at_site.items():
        while members and not check.fits(j, members):
            # leave out the need that takes most of a day (desks and rooms against the site's)
            i = max(members, key=lambda k: (check.desks[k] / max(check.desk_cap[j], 1)
                                            + check.rooms[k] / max(check.room_cap[j], 1),
                                            check.days[k], -k))
            members.discard(i)
            site_of[i] = UNPLACED
    return site_of
