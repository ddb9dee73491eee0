"""Sound pruning of each need's candidate sites, and the split into independent parts.

Pruning keeps every optimal plan (see :func:`prune_candidates` for the arguments), so a part
solved to optimality on the pruned candidates is optimal for the full problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from estates_planner.errors import CancelledError
from estates_planner.model import Lot
from estates_planner.optimise.candidates import fits_alone
from estates_planner.optimise.evaluate import ScenarioArrays
from estates_planner.optimise.rota import (
    daily_rule,
    fits_a_day,
    max_wellbeing_bonus,
    never_full_on_a_day,
)

# relative slack so that float rounding never prunes a tie
_EPS = 1e-9


@dataclass(frozen=True, eq=False)
class Component:
    """An independent part: needs (indices) and the sites (indices) they may use."""

    needs: np.ndarray
    sites: np.ndarray

    @property
    def size(self) -> int:
        return int(len(self.needs) * max(len(self.sites), 1))


def pairing_loss_bound(arrays: ScenarioArrays) -> np.ndarray:
    """Per need, the most pairing bonus the plan can lose if that need moves or leaves.

    A wellbeing need can lose its own bonus; an ETE/accommodation need can unpair every
    wellbeing need of its PDU.
    """
    sc = arrays.scenario
    needs = sc.dataset.needs
    bonus = max_wellbeing_bonus(sc.settings)  # pairing and, under the daily rule, same day
    wellbeing_per_pdu: dict[str, int] = defaultdict(int)
    for n in needs:
        if n.lot is Lot.WELLBEING:
            wellbeing_per_pdu[n.pdu] += 1
    return np.array([bonus if n.lot is Lot.WELLBEING
                     else bonus * wellbeing_per_pdu[n.pdu] if n.lot.prefers_authority else 0.0
                     for n in needs], dtype=float)


def prune_candidates(arrays: ScenarioArrays) -> list[np.ndarray]:
    """Each need's candidate sites (indices), pruned without losing any optimal plan.

    1. Rules R3-R8 and reachability (``arrays.allowed``), and a need larger than a site's
       whole capacity (R2; under the daily rule, larger than one day's desks or rooms).
    2. Not strict: a pair whose own cost exceeds the unplaced penalty plus the most pairing
       bonus the need can carry (:func:`pairing_loss_bound`) is never better than leaving the
       need unplaced, which also frees capacity and can only lower the shared terms.
    3. Dominated sites: a site is *never full* when all needs that may use it fit at once
       (under the daily rule: on one day, so any weekdays fit). If
       need i could instead go to such a site k with own cost c[i,k] and
       c[i,j] > c[i,k] + fit_out[k] + location_penalty + pairing loss bound, moving i from j
       to k always lowers the objective, so no optimal plan uses (i, j).
    """
    sc = arrays.scenario
    st = sc.settings
    ok = arrays.allowed & fits_alone(sc)
    linear = arrays.costs.linear
    loss = pairing_loss_bound(arrays)
    if not st.strict:
        ok &= linear <= st.unplaced_penalty + loss[:, None] + _EPS * st.unplaced_penalty
    if ok.size:
        desk_demand = (ok * arrays.desk_days[:, None]).sum(axis=0)
        room_demand = (ok * arrays.room_days[:, None]).sum(axis=0)
        never_full = (desk_demand <= arrays.desk_cap) & (room_demand <= arrays.room_cap)
        if daily_rule(st):
            ok &= fits_a_day(arrays)
            never_full &= never_full_on_a_day(arrays, ok)
        if never_full.any():
            alt = linear + arrays.costs.fit_out[None, :] + st.location_penalty
            alt = np.where(ok & never_full[None, :], alt, np.inf)
            best_alt = alt.min(axis=1) + loss
            threshold = best_alt + _EPS * np.maximum(np.abs(best_alt), 1.0)
            ok &= ~(linear > threshold[:, None])
    return [np.flatnonzero(row) for row in ok]


def find_components(arrays: ScenarioArrays, candidates: list[np.ndarray],
                    should_stop: Callable[[], bool] | None = None) -> list[Component]:
    """Connected parts of the need-site candidate graph, with a PDU's needs kept together.

    Needs of one PDU share the location penalty and the wellbeing pairing, and needs sharing
    a candidate site share its capacity and fit-out; nothing else links two needs. Needs with
    no candidate are left out (they are unplaced). Largest parts come first.
    """
    needs = arrays.scenario.dataset.needs
    n = len(needs)
    parent = list(range(n + arrays.allowed.shape[1]))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    first_of_pdu: dict[str, int] = {}
    for i, cand in enumerate(candidates):
        if should_stop is not None and i % 1024 == 0 and should_stop():
            raise CancelledError("cancelled while building the model")
        if not len(cand):
            continue
        for j in cand:
            union(i, n + int(j))
        pdu = needs[i].pdu
        if pdu in first_of_pdu:
            union(i, first_of_pdu[pdu])
        else:
            first_of_pdu[pdu] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i, cand in enumerate(candidates):
        if len(cand):
            groups[find(i)].append(i)
    parts = []
    for members in groups.values():
        sites = np.unique(np.concatenate([candidates[i] for i in members]))
        parts.append(Component(needs=np.array(members, dtype=np.int64), sites=sites))
    parts.sort(key=lambda c: (-c.size, int(c.needs[0])))
    return parts
