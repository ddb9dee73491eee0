"""The pairing rows of a PDU, shared by every CP-SAT model that credits the pairing bonus.

A wellbeing need w placed at site j (literal ``x[w, j]``) is *paired* when an ETE or
accommodation need of its PDU (a host) is placed at a site near j. With a literal h[t] per
host site t ("some host is at t") and q[w, j] per placement:

    h[t] <= sum of the hosts' x at t,     q[w, j] <= x[w, j],     q[w, j] <= sum of h[t], t near j

so q can be 1 only when the placement is paired; the objective rewards q. The single-year
part model (:mod:`.cpsat_part`), the contract plan's joint model (:mod:`.multiyear.joint`)
and the late-data study's fixed-work model (:mod:`estates_planner.studies.fixed_work`) all
build these rows, each adding its own objective terms (and the same-day rows) on q.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from estates_planner.model import Lot, ServiceNeed
from estates_planner.optimise.evaluate import UNPLACED

Rows = Sequence[tuple[int, cp_model.IntVar]]  # (site, x literal) of one need


def hosts_and_wellbeing(needs: Sequence[ServiceNeed], members: Iterable[int],
                        ) -> tuple[list[int], list[int]]:
    """The members that can host a pairing (ETE, accommodation) and the wellbeing ones."""
    members = list(members)
    return ([i for i in members if needs[i].lot.prefers_authority],
            [i for i in members if needs[i].lot is Lot.WELLBEING])


class PduPairing:
    """The h literals of one PDU's host sites, made on first use; :meth:`link` gives q.

    ``hints`` collects (literal, hinted value) pairs from ``hint`` (a site per need row).
    """

    def __init__(self, model: cp_model.CpModel, near: np.ndarray, hosts: Sequence[int],
                 rows_of: dict[int, Rows] | Sequence[Rows], hint: np.ndarray,
                 hints: list) -> None:
        self.model = model
        self.near = near
        self.hints = hints
        self.hint = hint
        self.host_x: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        # (host need, its x literal) per site, for the same-day rows
        self.host_at: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for i in hosts:
            for j, v in rows_of[i]:
                self.host_x[j].append(v)
                self.host_at[j].append((i, v))
        self.host_sites = np.array(sorted(self.host_x), dtype=np.int64)
        self.hinted_hosts = {int(hint[i]) for i in hosts if hint[i] != UNPLACED}
        self.h: dict[int, cp_model.IntVar] = {}

    def link(self, w: int, j: int, v: cp_model.IntVar,
             ) -> tuple[cp_model.IntVar, list[int], bool] | None:
        """(q, the host sites near j, whether the hint pairs w at j) for need w's
        placement at j, or None when no host site is near j."""
        if not len(self.host_sites):
            return None
        near = self.host_sites[self.near[j, self.host_sites]].tolist()
        if not near:
            return None
        m = self.model
        for t in near:
            if t not in self.h:
                self.h[t] = m.new_bool_var("")
                m.add(self.h[t] <= LinearExpr.sum(self.host_x[t]))
                self.hints.append((self.h[t], int(t in self.hinted_hosts)))
        q = m.new_bool_var("")
        m.add_implication(q, v)
        m.add(q <= LinearExpr.sum([self.h[t] for t in near]))
        paired = bool(self.hint[w] == j) and any(t in self.hinted_hosts for t in near)
        self.hints.append((q, int(paired)))
        return q, near, paired

    def hosts_near(self, near: Iterable[int]) -> list[tuple[int, int, cp_model.IntVar]]:
        """(host need, site, x literal) of every host placement at the sites ``near``."""
        return [(e, t, x) for t in near for e, x in self.host_at[t]]
