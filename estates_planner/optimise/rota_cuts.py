r"""The daily rule solved assignment first: the weekly model, tightened, with rota cuts.

Issue 17 allows two exact ways to plan under the daily rule: weekday variables in the model
(:mod:`estates_planner.optimise.rota_model`), or the assignment first with a per-site rota
check that cuts off assignments no rota can host, re-solved until none is left. This module
is the second. It is the start of every part's search under the daily rule: on the sample's
parts it proves in 0.03-4.4 s what the weekday model had not proven in 10 s.

The **master** is the part's model without weekday variables (``PartModel(...,
relaxed_days=True)``), made a tighter relaxation of the daily model by rows every plan with a
rota satisfies (:class:`RelaxedDays`):

- *pairs that cannot meet*: two needs whose desks (or rooms) add up to more than a day's at
  the site and whose days must overlap (more than five together, or fixed days that meet) are
  never at the site together -- the clique cover of :class:`WeekdayRows`;
- *day counts*: needs larger than a day's capacity / (k + 1) are at most k on any day, so
  :math:`\sum_n d_n x_{ns} \le 5k\,y_s` over them (k = 1, 2, 3);
- *same day*: a wellbeing need w at s earns the same-day bonus (:math:`t_{ws}`, objective
  :math:`-S\,t_{ws}`) only with a host need e of its PDU it could share a day with:
  :math:`t_{ws} \le q_{ws}` and :math:`t_{ws} \le \sum x_{ek}` over hosts e at sites k near s
  with their fixed days compatible and, at s itself, desks and rooms fitting one day together.

Each master plan is checked site by site (:func:`~estates_planner.optimise.rota.
exact_site_days`); a site without a rota gets a cut removing a smallest set of its needs that
has none (a deletion filter): :math:`\sum_{n \in M} x_{ns} \le |M| - 1`, and the master is
solved again from the plan. Every cut is valid for every daily plan, so the master's bound
is a lower bound of the daily optimum. When every site has a rota, the plan is priced with
its rota's same-day bonuses; if that meets the master's proven optimum the part is proven
optimal. Otherwise some paired wellbeing need w earns in the master a same-day bonus that no
rota gives it (the shared days are full). When a small exact model proves that no rota of the
needs now at w's site and its hosts' sites lets w share a day, the cut says so: :math:`t_{ws}
\le (1 - x_{ws}) + \sum_{i \in G} (1 - x_{i\,s(i)}) + \sum x_{ek}` over G, the other needs at
those sites, and every host placement near s not in the plan (a need joining those sites
only takes room, unless it is a host). The master is solved again; if the clock stops the
loop first, the plan and the bound go on to the weekday model.

The loop is :func:`estates_planner.optimise.rota_start.solve_with_rota_cuts`; this module
holds the master's rows (imported by the part model).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from estates_planner.model import ServiceNeed
from estates_planner.optimise.rota import DAYS, always_share_a_day, need_days
from estates_planner.optimise.rota_model import WeekdayRows

_DAY_COUNT_LEVELS = (1, 2, 3)  # k: at most k needs larger than a day / (k + 1) on a day


class RelaxedDays:
    """The rows of the daily rule that need no weekday variables (see the module)."""

    def __init__(self, model: cp_model.CpModel, needs: Sequence[ServiceNeed],
                 desk_day: np.ndarray, room_day: np.ndarray) -> None:
        self.model = model
        self.needs = needs
        self.desk_day = desk_day
        self.room_day = room_day
        # the pairwise conflicts are those of the weekday model (one implementation)
        self._conflicts = WeekdayRows(model, needs, desk_day, room_day)
        # (wellbeing need, site) -> its same-day literal t (for the same-day cuts)
        self.same_day: dict[tuple[int, int], cp_model.IntVar] = {}

    def add_site(self, j: int, users: list[tuple[int, cp_model.IntVar]],
                 y: cp_model.IntVar | None) -> None:
        desk_cap, room_cap = int(self.desk_day[j]), int(self.room_day[j])
        self._conflicts.add_week_conflicts(users, y, desk_cap, room_cap)
        needs = self.needs
        for cap, size_of in ((desk_cap, lambda n: int(n.desks)),
                             (room_cap, lambda n: int(n.interview_rooms))):
            sizes = [size_of(needs[i]) for i, _ in users]
            if sum(sizes) <= cap:
                continue  # they all fit on every day
            for k in _DAY_COUNT_LEVELS:
                big = [(i, v) for (i, v), sz in zip(users, sizes, strict=True)
                       if sz > 0 and sz * (k + 1) > cap]
                days = [need_days(needs[i]) for i, _ in big]
                if len(big) <= k or sum(days) <= DAYS * k:
                    continue
                expr = LinearExpr.weighted_sum([v for _, v in big], days)
                self.model.add(expr <= (DAYS * k * y if y is not None else DAYS * k))

    def could_share(self, w: int, j: int, e: int, k: int) -> bool:
        """Whether wellbeing need w at site j and host need e at site k can ever be in on
        one weekday: fixed days that allow it and, at one site, room for both that day."""
        a, b = self.needs[w], self.needs[e]
        if a.fixed_days and b.fixed_days and not set(a.fixed_days) & set(b.fixed_days):
            return False
        if j == k and (a.desks + b.desks > int(self.desk_day[j])
                       or a.interview_rooms + b.interview_rooms > int(self.room_day[j])):
            return False
        return need_days(a) > 0 and need_days(b) > 0

    def add_same_day(self, w: int, j: int, q: cp_model.IntVar,
                     hosts_near: list[tuple[int, int, cp_model.IntVar]],
                     all_hosts: Sequence[int]) -> tuple[cp_model.IntVar | None, bool]:
        """(t, hint) for wellbeing need w at site j: t None when it is q itself (every host
        of the PDU shares a day with w whatever the rota, and can sit beside it)."""
        able = [(e, k, x) for e, k, x in hosts_near if self.could_share(w, j, e, k)]
        if len(able) == len(hosts_near) \
                and all(always_share_a_day(self.needs[w], self.needs[e]) for e in all_hosts):
            return None, False
        t = self.model.new_bool_var("")
        self.model.add_implication(t, q)
        self.same_day[w, j] = t
        if able:
            self.model.add(t <= LinearExpr.sum([x for _, _, x in able]))
        else:
            self.model.add(t == 0)
        return t, bool(able)
