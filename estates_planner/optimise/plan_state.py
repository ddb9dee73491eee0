"""A plan with the tallies that price a move exactly and incrementally.

Used by the local search (:mod:`estates_planner.optimise.local_search`) and the whole-PDU
search (:mod:`estates_planner.optimise.lns`); in a module of its own so that neither of the
two imports the other for it.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from estates_planner.model import Lot
from estates_planner.optimise.evaluate import UNPLACED, ScenarioArrays
from estates_planner.optimise.rota import DayFit, daily_rule


class PlanState:
    """A plan with the tallies needed to price a move in O(needs of one PDU)."""

    def __init__(self, arrays: ScenarioArrays, candidates: list[np.ndarray],
                 site_of: np.ndarray) -> None:
        self.a = arrays
        self.candidates = candidates
        sc = arrays.scenario
        self.st = sc.settings
        needs = sc.dataset.needs
        self.site_of = site_of.copy()
        m = len(arrays.desk_cap)
        pdus = sorted({n.pdu for n in needs})
        self.pdu_index = {p: k for k, p in enumerate(pdus)}
        self.pdu_of = np.array([self.pdu_index[n.pdu] for n in needs], dtype=np.int64)
        self.is_host = np.array([n.lot.prefers_authority for n in needs], dtype=bool)
        self.is_wellbeing = np.array([n.lot is Lot.WELLBEING for n in needs], dtype=bool)
        self.wellbeing_of: dict[int, list[int]] = defaultdict(list)
        self.hosts_of: dict[int, list[int]] = defaultdict(list)
        for i in range(len(needs)):
            if self.is_wellbeing[i]:
                self.wellbeing_of[int(self.pdu_of[i])].append(i)
            if self.is_host[i]:
                self.hosts_of[int(self.pdu_of[i])].append(i)
        self.used = np.zeros(m, dtype=np.int64)
        self.pdu_count = np.zeros((len(pdus), m), dtype=np.int64)
        self.host_count = np.zeros((len(pdus), m), dtype=np.int64)
        self.desk_free = arrays.desk_cap.astype(np.int64).copy()
        self.room_free = arrays.room_cap.astype(np.int64).copy()
        # the daily rule: a move is allowed only when the site then still has a rota
        self.day_fit = DayFit.of(arrays) if daily_rule(self.st) else None
        self.at_site: dict[int, set[int]] = defaultdict(set)
        for i, j in enumerate(self.site_of):
            if j != UNPLACED:
                self._book(i, int(j), +1)

    def _book(self, i: int, j: int, sign: int) -> None:
        p = self.pdu_of[i]
        self.used[j] += sign
        self.pdu_count[p, j] += sign
        if self.is_host[i]:
            self.host_count[p, j] += sign
        self.desk_free[j] -= sign * self.a.desk_days[i]
        self.room_free[j] -= sign * self.a.room_days[i]
        (self.at_site[j].add if sign > 0 else self.at_site[j].discard)(i)

    def own_cost(self, i: int, j: int) -> float:
        return self.st.unplaced_penalty if j == UNPLACED else float(self.a.costs.linear[i, j])

    def _paired_count(self, p: int, host_sites: np.ndarray, moved: int = -1,
                      moved_to: int = UNPLACED) -> int:
        count = 0
        for w in self.wellbeing_of.get(p, ()):
            j = moved_to if w == moved else self.site_of[w]
            if j != UNPLACED and len(host_sites) and self.a.near[j, host_sites].any():
                count += 1
        return count

    def delta(self, i: int, b: int) -> float:
        """Objective change if need i moved to site b (or UNPLACED)."""
        a = int(self.site_of[i])
        if a == b:
            return 0.0
        st, fo = self.st, self.a.costs.fit_out
        p = int(self.pdu_of[i])
        d = self.own_cost(i, b) - self.own_cost(i, a)
        if b != UNPLACED:
            d += fo[b] if self.used[b] == 0 else 0.0
            d += st.location_penalty if self.pdu_count[p, b] == 0 else 0.0
        if a != UNPLACED:
            d -= fo[a] if self.used[a] == 1 else 0.0
            d -= st.location_penalty if self.pdu_count[p, a] == 1 else 0.0
        if st.pairing_bonus and self.wellbeing_of.get(p):
            hosts_now = np.flatnonzero(self.host_count[p])
            if self.is_wellbeing[i]:
                before = a != UNPLACED and len(hosts_now) and self.a.near[a, hosts_now].any()
                after = b != UNPLACED and len(hosts_now) and self.a.near[b, hosts_now].any()
                d -= st.pairing_bonus * (int(bool(after)) - int(bool(before)))
            elif self.is_host[i]:
                counts = self.host_count[p].copy()
                if a != UNPLACED:
                    counts[a] -= 1
                if b != UNPLACED:
                    counts[b] += 1
                before = self._paired_count(p, hosts_now)
                after = self._paired_count(p, np.flatnonzero(counts))
                d -= st.pairing_bonus * (after - before)
        return float(d)

    def deltas(self, i: int, sites: np.ndarray) -> np.ndarray:
        """Objective change if need i moved to each of ``sites`` (vectorised :meth:`delta`).

        ``sites`` must not contain UNPLACED or the need's own site.
        """
        a = int(self.site_of[i])
        st, fo = self.st, self.a.costs.fit_out
        p = int(self.pdu_of[i])
        d = self.a.costs.linear[i, sites] - self.own_cost(i, a)
        d = d + np.where(self.used[sites] == 0, fo[sites], 0.0)
        d = d + np.where(self.pdu_count[p, sites] == 0, st.location_penalty, 0.0)
        if a != UNPLACED:
            d = d - (fo[a] if self.used[a] == 1 else 0.0)
            d = d - (st.location_penalty if self.pdu_count[p, a] == 1 else 0.0)
        wellbeing = self.wellbeing_of.get(p)
        if st.pairing_bonus and wellbeing:
            near = self.a.near
            if self.is_wellbeing[i]:
                hosts_now = np.flatnonzero(self.host_count[p])
                if len(hosts_now):
                    before = a != UNPLACED and near[a, hosts_now].any()
                    after = near[np.ix_(sites, hosts_now)].any(axis=1)
                    d = d - st.pairing_bonus * (after.astype(float) - float(bool(before)))
            elif self.is_host[i]:
                counts = self.host_count[p].copy()
                hosts_now = np.flatnonzero(counts)
                if a != UNPLACED:
                    counts[a] -= 1
                hosts_rest = np.flatnonzero(counts)
                w_sites = np.array([self.site_of[w] for w in wellbeing], dtype=np.int64)
                placed = w_sites != UNPLACED
                w_sites = w_sites[placed]
                if len(w_sites):
                    before = near[np.ix_(w_sites, hosts_now)].any(axis=1).sum() \
                        if len(hosts_now) else 0
                    base = near[np.ix_(w_sites, hosts_rest)].any(axis=1) if len(hosts_rest) \
                        else np.zeros(len(w_sites), dtype=bool)
                    after = (base[:, None] | near[np.ix_(w_sites, sites)]).sum(axis=0)
                    d = d - st.pairing_bonus * (after - before)
        return d

    def fits(self, i: int, b: int) -> bool:
        if b == UNPLACED:
            return not self.st.strict
        if b == self.site_of[i]:
            return True
        return bool(self.desk_free[b] >= self.a.desk_days[i]
                    and self.room_free[b] >= self.a.room_days[i]
                    and (self.day_fit is None
                         or self.day_fit.fits(b, self.at_site[b] | {i}, new=i)))

    def day_fits(self, i: int, sites: np.ndarray) -> np.ndarray:
        """``sites`` (with weekly room already) where need i also finds a rota."""
        if self.day_fit is None or not len(sites):
            return sites
        members = self.at_site
        keep = [self.day_fit.fits(int(j), members[int(j)] | {i}, new=i) for j in sites]
        return sites[np.array(keep, dtype=bool)]

    def move(self, i: int, b: int) -> None:
        a = int(self.site_of[i])
        if a != UNPLACED:
            self._book(i, a, -1)
        if b != UNPLACED:
            self._book(i, b, +1)
        self.site_of[i] = b
