r"""Weekday variables of the CP-SAT model: capacity per weekday and the same-day bonus.

Given the assignment literals :math:`x_{ns}` of a part model (see
:class:`estates_planner.optimise.solver.AllocationModel`), the daily rule adds, for a need n
with d_n < 5 flexible days and a site s where the daily rows can bind,

- :math:`v_{nsd} \in \{0,1\}` for the weekdays d = Mon..Fri, :math:`v_{nsd} \le x_{ns}` and
  :math:`\sum_d v_{nsd} = d_n x_{ns}` (so v is x's weekdays: all zero when n is elsewhere);
  a need on 5 days has :math:`v_{nsd} = x_{ns}`, a need with fixed days has
  :math:`v_{nsd} = x_{ns}` on them and 0 on the others, with no new variable;
- for every site and weekday: :math:`\sum_n D_n v_{nsd} \le D_s\,y_s` and
  :math:`\sum_n R_n v_{nsd} \le R_s` (desks and interview rooms of that day), and at most one
  of the needs larger than half a day's capacity on each day. Summed over the days these give
  the weekly R2 rows, so the LP bound is never weaker than the weekly model's.

A site whose candidate needs fit on every day together gets no rows (it can never be full on
a day). The same-day bonus: for a wellbeing need w at s earning the pairing bonus
(:math:`q_{ws}`), :math:`t_{ws} \le q_{ws}`, :math:`t_{ws} \le \sum_d g_{wsd}`,
:math:`g_{wsd} \le v_{wsd}`, :math:`g_{wsd} \le \sum_{k\ near\ s} h_{pkd}` and
:math:`h_{pkd} \le \sum_{e \in E_p} v_{ekd}`; the objective gets :math:`-S\,t_{ws}`. Where every
ETE/accommodation need of the PDU must share a day with w whatever the rota (days adding up to
more than 5, or fixed days that meet), :math:`t_{ws} = q_{ws}` and no day variable is needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from estates_planner.model import ServiceNeed
from estates_planner.optimise.rota import DAYS, always_share_a_day, need_days

DayCaps = Mapping[int, tuple[np.ndarray, np.ndarray]]
_CONFLICT_MAX_USERS = 300  # needs at a site, at most, for the pairwise conflict search
_MAX_CLIQUES_PER_SITE = 60  # site -> (desks, rooms) per weekday


class WeekdayRows:
    """The weekday literals of one CP-SAT model, made on first use per need and site."""

    def __init__(self, model: cp_model.CpModel, needs: Sequence[ServiceNeed],
                 desk_day: np.ndarray, room_day: np.ndarray,
                 day_caps: DayCaps | None = None) -> None:
        """``desk_day``/``room_day``: every site's capacity on one weekday; ``day_caps``
        overrides it per site and weekday (a sub-model inside a plan whose other needs keep
        their days)."""
        self.model = model
        self.needs = needs
        self.desk_day = desk_day
        self.room_day = room_day
        self.day_caps = day_caps or {}
        self.lits: dict[tuple[int, int], list] = {}
        self.host_day: dict[tuple[str, int, int], cp_model.IntVar] = {}
        # the hinted plan: need -> weekdays at its hinted site ``hint_site[need]``
        self.hint: dict[int, tuple[int, ...]] = {}
        self.hint_site: np.ndarray | None = None
        # (variable, value) hints, written in bulk by the part model (a call per variable
        # took 0.4 s of a 105-need part's build)
        self.hints: list[tuple[cp_model.IntVar, int]] = []

    def caps(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        if j in self.day_caps:
            desk, room = self.day_caps[j]
            return np.maximum(np.asarray(desk), 0), np.maximum(np.asarray(room), 0)
        return (np.full(DAYS, int(self.desk_day[j])), np.full(DAYS, int(self.room_day[j])))

    def day_lits(self, i: int, j: int, x: cp_model.IntVar) -> list:
        """Per weekday, the literal "need i is at site j that day" (None: never that day)."""
        key = (i, j)
        if key in self.lits:
            return self.lits[key]
        need = self.needs[i]
        days = need_days(need)
        if need.fixed_days:
            row = [x if d in need.fixed_days else None for d in range(DAYS)]
        elif days >= DAYS:
            row = [x] * DAYS
        else:
            m = self.model
            row = [m.new_bool_var("") for _ in range(DAYS)]
            for v in row:
                m.add_implication(v, x)
            m.add(LinearExpr.sum(row) == days * x)
            hinted = self.hint.get(i)
            if hinted is not None and self.hint_site is not None:
                at = int(self.hint_site[i]) == j  # the need's days are at its hinted site
                self.hints.extend((v, int(at and d in hinted)) for d, v in enumerate(row))
        self.lits[key] = row
        return row

    def add_site(self, j: int, users: list[tuple[int, cp_model.IntVar]],
                 y: cp_model.IntVar | None) -> None:
        """Desks and rooms of every weekday at site j within its capacity (x <= y kept)."""
        desk_cap, room_cap = self.caps(j)
        needs = self.needs
        self.add_week_conflicts(users, y, int(desk_cap.min()), int(room_cap.min()))
        rows = None  # each user's weekday literals, made once for both resources
        for size_of, cap in ((lambda n: int(n.desks), desk_cap),
                             (lambda n: int(n.interview_rooms), room_cap)):
            sizes = [size_of(needs[i]) for i, _ in users]
            if sum(sizes) <= int(cap.min()):
                continue  # all of them fit on every day: never binding
            if rows is None:
                rows = [self.day_lits(i, j, x) for i, x in users]
            for d in range(DAYS):
                c = int(cap[d])
                lits = [row[d] for row in rows]
                terms = [(v, sz) for v, sz in zip(lits, sizes, strict=True)
                         if sz and v is not None]
                if sum(sz for _, sz in terms) <= c:
                    continue
                expr = LinearExpr.weighted_sum([v for v, _ in terms], [sz for _, sz in terms])
                self.model.add(expr <= (c * y if y is not None else c))
                big = [v for v, sz in terms if 2 * sz > c]
                if len(big) > 1:  # no two of these fit on one day
                    self.model.add(LinearExpr.sum(big) <= (y if y is not None else 1))

    def add_same_day(self, w: int, j: int, x_w: cp_model.IntVar, q: cp_model.IntVar,
                     hosts_near: list[tuple[int, int, cp_model.IntVar]], pdu: str,
                     all_hosts: Sequence[int]) -> cp_model.IntVar | None:
        """The same-day literal of wellbeing need w at site j, or None when it is ``q``
        itself (every host of the PDU must share a day with w whatever the rota).

        ``hosts_near``: (host need, its site k within the pairing radius of j, x[e, k]).
        """
        needs = self.needs
        if all(always_share_a_day(needs[w], needs[e]) for e in all_hosts):
            return None
        m = self.model
        t = m.new_bool_var("")
        m.add_implication(t, q)
        mine = self.day_lits(w, j, x_w)
        # hints for the new variables, from the hinted plan and its weekdays (a complete
        # hint lets CP-SAT start from the plan at once)
        at = self.hint_site
        my_days = set(self.hint.get(w, ())) if at is not None and int(at[w]) == j else set()

        def host_days(k: int, hosts: list[tuple[int, cp_model.IntVar]]) -> set[int]:
            if at is None:
                return set()
            return {d for e, _ in hosts if int(at[e]) == k for d in self.hint.get(e, ())}
        by_site: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
        for e, k, x in hosts_near:
            by_site.setdefault(k, []).append((e, x))
        per_day = []
        for d in range(DAYS):
            if mine[d] is None:
                continue
            hosts_today = []
            for k, hosts in by_site.items():
                key = (pdu, k, d)
                if key not in self.host_day:
                    lits = [self.day_lits(e, k, x)[d] for e, x in hosts]
                    lits = [v for v in lits if v is not None]
                    h = m.new_bool_var("")
                    m.add(h <= LinearExpr.sum(lits)) if lits else m.add(h == 0)
                    self.hints.append((h, int(bool(lits) and d in host_days(k, hosts))))
                    self.host_day[key] = h
                hosts_today.append((self.host_day[key], d in host_days(k, hosts)))
            g = m.new_bool_var("")
            m.add_implication(g, mine[d])
            m.add(g <= LinearExpr.sum([h for h, _ in hosts_today]))
            shared = d in my_days and any(on for _, on in hosts_today)
            self.hints.append((g, int(shared)))
            per_day.append((g, shared))
        if per_day:
            m.add(t <= LinearExpr.sum([g for g, _ in per_day]))
        else:
            m.add(t == 0)
        self.hints.append((t, int(any(on for _, on in per_day))))
        return t

    def add_week_conflicts(self, users: list[tuple[int, cp_model.IntVar]],
                            y: cp_model.IntVar | None, desk_cap: int, room_cap: int) -> None:
        """At most one of a group of needs no two of which have a rota together at the site:
        two needs that cannot share a day (their desks or rooms add up to more than a day's)
        and whose days must meet (more than 5 together, or fixed days that meet).

        Every whole-number plan satisfies these (redundant rows); the LP does not: its
        weekday variables spread each need over the week as a fraction, which makes the
        daily rows no tighter than the weekly total (measured on the sample: gap 2.1 % after
        20 s without them).
        """
        needs = self.needs
        k = len(users)
        if k < 2 or k > _CONFLICT_MAX_USERS:
            return
        group = [needs[i] for i, _ in users]
        desks = np.array([n.desks for n in group], dtype=np.int64)
        rooms = np.array([n.interview_rooms for n in group], dtype=np.int64)
        days = np.array([need_days(n) for n in group], dtype=np.int64)
        mask = np.array([sum(1 << d for d in n.fixed_days) for n in group], dtype=np.int64)
        fixed = mask > 0
        too_big = (desks[:, None] + desks[None, :] > desk_cap) \
            | (rooms[:, None] + rooms[None, :] > room_cap)
        if not too_big.any():
            return
        # days that must meet: more than 5 together, or fixed days that overlap
        meet = np.where(fixed[:, None] & fixed[None, :], (mask[:, None] & mask[None, :]) > 0,
                        days[:, None] + days[None, :] > DAYS)
        adjacent = too_big & meet
        np.fill_diagonal(adjacent, False)
        # greedy clique cover of the conflict edges, largest needs first (numpy rows: a
        # site of a hundred needs took 1.4 s with Python sets)
        order = np.argsort(-(desks + rooms), kind="stable")
        rank = np.empty(k, dtype=np.int64)
        rank[order] = np.arange(k)
        left = adjacent.copy()
        cliques = 0
        for p in order.tolist():
            while left[p].any() and cliques < _MAX_CLIQUES_PER_SITE:
                q = int(np.flatnonzero(left[p])[0])
                clique = [p, q]
                cand = adjacent[p] & adjacent[q]
                while cand.any():
                    r = int(np.flatnonzero(cand)[np.argmin(rank[cand])])
                    clique.append(r)
                    cand &= adjacent[r]
                    cand[r] = False
                idx = np.array(clique)
                left[np.ix_(idx, idx)] = False
                cliques += 1
                self.model.add(LinearExpr.sum([users[c][1] for c in clique])
                               <= (y if y is not None else 1))
