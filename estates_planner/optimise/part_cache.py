"""Remember solved parts, so that a what-if re-solves only the parts it changed.

Closing one site changes one region's part; the other parts are the same problems as before,
with the same optimum. A part is identified by a digest of everything its model depends on
(its needs and candidate sites, their costs, capacities, the pairing radius neighbours and the
weights), so a cached answer is used only for an identical problem.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np

from estates_planner.optimise.cpsat_part import PartOutcome
from estates_planner.optimise.decompose import Component
from estates_planner.optimise.evaluate import ScenarioArrays

_MAX_ENTRIES = 512
_cache: OrderedDict[bytes, tuple[np.ndarray, PartOutcome]] = OrderedDict()
_lock = threading.Lock()


def part_key(arrays: ScenarioArrays, part: Component, candidates: list[np.ndarray]) -> bytes:
    """A digest of the part's whole model (not of the rest of the scenario)."""
    sc = arrays.scenario
    st = sc.settings
    needs = sc.dataset.needs
    sites = part.sites
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((st.location_penalty, st.pairing_bonus, st.unplaced_penalty, st.strict,
                   st.amortisation_years, st.daily_capacity, st.same_day_bonus)).encode())
    h.update(sites.tobytes())
    for i in part.needs:
        n = needs[int(i)]
        cand = candidates[int(i)]
        h.update(repr((n.need_id, n.pdu, n.lot.value, n.desks, n.interview_rooms,
                       n.days_per_week, n.fixed_days)).encode())
        h.update(cand.tobytes())
        h.update(np.round(arrays.costs.linear[int(i), cand], 6).tobytes())
    h.update(arrays.desk_days[part.needs].tobytes())
    h.update(arrays.room_days[part.needs].tobytes())
    h.update(arrays.desk_cap[sites].tobytes())
    h.update(arrays.room_cap[sites].tobytes())
    h.update(np.round(arrays.costs.fit_out[sites], 6).tobytes())
    h.update(np.packbits(arrays.near[np.ix_(sites, sites)]).tobytes())
    h.update(repr([s.site_id for s in (sc.dataset.sites[int(j)] for j in sites)]).encode())
    return h.digest()


def lookup(key: bytes, arrays: ScenarioArrays, part: Component) -> PartOutcome | None:
    """The remembered outcome of an identical part, translated to this scenario's indices."""
    with _lock:
        entry = _cache.get(key)
        if entry is None:
            return None
        _cache.move_to_end(key)
    site_ids, outcome = entry
    index = {s.site_id: j for j, s in enumerate(arrays.scenario.dataset.sites)}
    site_of = np.array([index[s] if s else -1 for s in site_ids], dtype=np.int64)
    return PartOutcome(site_of, outcome.objective, outcome.bound, outcome.status,
                       outcome.bound_by, outcome.proven_by)


def remember(key: bytes, arrays: ScenarioArrays, outcome: PartOutcome) -> None:
    if outcome.objective is None:
        return
    sites = arrays.scenario.dataset.sites
    site_ids = np.array([sites[int(j)].site_id if j >= 0 else "" for j in outcome.site_of],
                        dtype=object)
    with _lock:
        _cache[key] = (site_ids, outcome)
        _cache.move_to_end(key)
        while len(_cache) > _MAX_ENTRIES:
            _cache.popitem(last=False)


def clear() -> None:
    """Forget every remembered part (tests use this to time a cold solve)."""
    with _lock:
        _cache.clear()
