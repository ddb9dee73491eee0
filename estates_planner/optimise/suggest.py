"""For a need a plan leaves unplaced: the nearest site it could use but for one obstacle, and
the smallest single change that would let it be placed.

A planner told "every one of the 27 sites in North East is ruled out" cannot act on it. Here
each site is checked with the rules code (:func:`optimise.rules.pair_blocks`, R3-R8) and the
plan's free capacity (R2); a site stopped by exactly one obstacle gives one candidate change:

==========  ==========================================================================
obstacle    the change (the smallest of its kind over all such sites)
==========  ==========================================================================
R6          raise the need's travel limit to the site's distance (rounded up to 0.1 km)
R2          add the fewest desks and/or interview rooms at the site to fit the need
R8 closed   reopen the site; R8 pinned: unpin the need; R8 barred: lift the bar
R5          allow needs outside their own region (a scenario setting)
R3 / R4     allow women's services at sites that are not women-only / wellbeing at
            authority sites (scenario settings)
R7          move go-live to the date the site becomes available
==========  ==========================================================================

Every candidate is verified: the changed scenario is checked again with the same rules code
and capacities, and only a change under which the need has no obstacle left at the site is
offered. Changes that touch only this need or one site come first (nearest site first), then
the scenario-wide switches, because they also move other needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site
from estates_planner.optimise import rules
from estates_planner.optimise.candidates import capacities
from estates_planner.optimise.evaluate import ScenarioArrays, usage_totals
from estates_planner.optimise.result import PlanResult

DAYS_PER_WEEK = 5  # one desk is five desk-days a week (candidates.capacities)

ChangeKind = Literal["travel_limit", "capacity", "reopen", "unpin", "unbar", "region",
                     "women_only", "wellbeing_authority", "go_live"]

# local changes (one need or one site) before scenario-wide switches
_KIND_ORDER = {"travel_limit": 0, "capacity": 0, "reopen": 0, "unpin": 0, "unbar": 0,
               "go_live": 1, "region": 2, "women_only": 2, "wellbeing_authority": 2}
_SETTING_OF = {"R5": ("region", "same_region"), "R3": ("women_only", "women_only_sites"),
               "R4": ("wellbeing_authority", "wellbeing_outside_authority")}


@dataclass(frozen=True)
class Change:
    """One change to a scenario (or, for a travel limit, to one need's data).

    ``apply`` returns the changed scenario; a travel limit changes the scenario's dataset
    (the app makes that change as an edit of the need, see ``Workspace.edit_need``).
    """

    kind: ChangeKind
    text: str  # "raise its travel limit to 41.3 km"
    need_id: str
    site_id: str
    max_travel_km: float | None = None
    add_desks: int = 0
    add_rooms: int = 0
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def is_data_edit(self) -> bool:
        """True when the change edits the project's data (a need), not only a scenario."""
        return self.kind == "travel_limit"

    def apply(self, scenario: Scenario) -> Scenario:
        if self.kind == "travel_limit":
            need = scenario.dataset.need(self.need_id)
            return scenario.replace(dataset=dataset_with_need(
                scenario.dataset, replace(need, max_travel_km=self.max_travel_km)))
        if self.kind == "capacity":
            site = scenario.dataset.site(self.site_id)
            desks, rooms = scenario.site_capacity(site)
            return scenario.with_capacity(self.site_id, desks + self.add_desks,
                                          rooms + self.add_rooms)
        if self.kind == "reopen":
            return scenario.with_site_closed(self.site_id, False)
        if self.kind == "unpin":
            return scenario.with_pin(self.need_id, None)
        if self.kind == "unbar":
            return scenario.replace(barred=scenario.barred - {(self.need_id, self.site_id)})
        return scenario.with_settings(**self.settings)


@dataclass(frozen=True)
class UnplacedAdvice:
    """What could place one unplaced need.

    ``nearest`` is the nearest site it could use but for one obstacle (None when every site
    has two or more), ``nearest_text`` says which obstacle, how far and how full;
    ``changes`` are the verified single changes, best first (empty when none exists).
    """

    need_id: str
    nearest: str | None
    nearest_text: str
    changes: tuple[Change, ...]

    @property
    def best(self) -> Change | None:
        return self.changes[0] if self.changes else None


def dataset_with_need(dataset: Dataset, need: ServiceNeed) -> Dataset:
    """``dataset`` with the need of the same id replaced by ``need``."""
    return replace(dataset, needs=tuple(need if n.need_id == need.need_id else n
                                        for n in dataset.needs))


def _obstacles(scenario: Scenario, need: ServiceNeed, site: Site, km: float,
               free_desk: int, free_room: int) -> list[rules.Block]:
    blocks = rules.pair_blocks(scenario, need, site, km if math.isfinite(km) else None)
    if not math.isfinite(km):
        blocks.append(rules.Block("unreachable", f"{site.name} cannot be reached on the "
                                                 "travel network"))
    if need.desk_days > free_desk or need.room_days > free_room:
        blocks.append(rules.Block("R2", f"{site.name} has {max(free_desk, 0)} desk-days and "
                                        f"{max(free_room, 0)} room-days a week free"))
    return blocks


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _change_for(scenario: Scenario, need: ServiceNeed, site: Site, block: rules.Block,
                km: float, free_desk: int, free_room: int) -> Change | None:
    """The change that lifts ``block`` (the only obstacle of ``need`` at ``site``)."""
    rule = block.rule
    nid, sid = need.need_id, site.site_id
    if rule == "R6":
        limit = math.ceil(km * 10 - 1e-9) / 10
        return Change("travel_limit", f"raise its travel limit to {limit:g} km (now "
                                      f"{need.max_travel_km:g} km) to use {site.name}",
                      nid, sid, max_travel_km=limit)
    if rule == "R2":
        desks = max(0, math.ceil((need.desk_days - free_desk) / DAYS_PER_WEEK))
        rooms = max(0, math.ceil((need.room_days - free_room) / DAYS_PER_WEEK))
        parts = [p for p in (_plural(desks, "desk") if desks else "",
                             _plural(rooms, "interview room") if rooms else "") if p]
        return Change("capacity", f"add {' and '.join(parts)} at {site.name}", nid, sid,
                      add_desks=desks, add_rooms=rooms)
    if rule == "R8":
        if sid in scenario.closed_sites:
            return Change("reopen", f"reopen {site.name}", nid, sid)
        if scenario.pins.get(nid) not in (None, sid):
            return Change("unpin", f"unpin it (it is pinned to {scenario.pins[nid]}) so it "
                                   f"can use {site.name}", nid, sid)
        if (nid, sid) in scenario.barred:
            return Change("unbar", f"lift its bar from {site.name}", nid, sid)
        return None
    if rule in _SETTING_OF:
        kind, setting = _SETTING_OF[rule]
        words = {"region": f"allow needs outside their own region (to use {site.name} in "
                           f"{site.region})",
                 "women_only": f"allow women's services at sites that are not women-only "
                               f"(to use {site.name})" if need.lot is Lot.WOMENS else
                               f"allow other services at women-only sites (to use "
                               f"{site.name})",
                 "wellbeing_authority": f"allow wellbeing needs at authority sites (to use "
                                        f"{site.name})"}
        return Change(kind, words[kind], nid, sid, settings={setting: False})  # type: ignore[arg-type]
    if rule == "R7" and site.available_from is not None:
        return Change("go_live", f"move go-live to {site.available_from.isoformat()}, when "
                                 f"{site.name} becomes available", nid, sid,
                      settings={"go_live": site.available_from})
    return None


def _verified(change: Change, scenario: Scenario, need_index: int, site_index: int,
              km: float, desk_used: np.ndarray, room_used: np.ndarray) -> bool:
    """True when the changed scenario leaves the need no obstacle at the site (same rules
    code, capacities after the change, the plan's other needs where they are)."""
    changed = change.apply(scenario)
    need = changed.dataset.needs[need_index]
    site = changed.dataset.sites[site_index]
    desk_cap, room_cap = capacities(changed)
    free_desk = int(desk_cap[site_index] - desk_used[site_index])
    free_room = int(room_cap[site_index] - room_used[site_index])
    return not _obstacles(changed, need, site, km, free_desk, free_room)


def _size(change: Change, km: float) -> tuple:
    """How big a change is, to pick the smallest: local changes first, then by the site's
    distance, then by how much is added."""
    return (_KIND_ORDER[change.kind], km, change.add_desks + change.add_rooms,
            change.max_travel_km or 0.0)


def advise_unplaced(scenario: Scenario, result: PlanResult,
                    need_ids: list[str] | None = None,
                    arrays: ScenarioArrays | None = None) -> dict[str, UnplacedAdvice]:
    """Advice for every unplaced need of ``result`` (or those in ``need_ids``).

    The plan's usage gives each site's free capacity; the distances are the scenario's own
    (network km when it has a travel network), as R6 uses them.
    """
    arrays = arrays if arrays is not None else ScenarioArrays.build(scenario)
    ds = scenario.dataset
    site_index = {s.site_id: j for j, s in enumerate(ds.sites)}
    need_index = {n.need_id: i for i, n in enumerate(ds.needs)}
    site_of = np.full(len(ds.needs), -1, dtype=np.int64)
    for a in result.allocations:
        if a.site_id is not None and a.need_id in need_index and a.site_id in site_index:
            site_of[need_index[a.need_id]] = site_index[a.site_id]
    desk_used, room_used = usage_totals(arrays, site_of)
    free_desk = arrays.desk_cap - desk_used
    free_room = arrays.room_cap - room_used
    wanted = need_ids if need_ids is not None else [
        a.need_id for a in result.allocations if a.site_id is None]
    out: dict[str, UnplacedAdvice] = {}
    for need_id in wanted:
        if need_id not in need_index:
            continue
        i = need_index[need_id]
        out[need_id] = _advise_one(scenario, arrays, i, free_desk, free_room, desk_used,
                                   room_used)
    return out


def _advise_one(scenario: Scenario, arrays: ScenarioArrays, i: int, free_desk: np.ndarray,
                free_room: np.ndarray, desk_used: np.ndarray,
                room_used: np.ndarray) -> UnplacedAdvice:
    ds = scenario.dataset
    need = ds.needs[i]
    km_row = arrays.distances.km[i]
    nearest: tuple[float, int, rules.Block] | None = None
    best: dict[str, tuple[tuple, Change]] = {}
    for j in np.argsort(km_row, kind="stable"):
        j = int(j)
        site, km = ds.sites[j], float(km_row[j])
        obstacles = _obstacles(scenario, need, site, km, int(free_desk[j]), int(free_room[j]))
        if len(obstacles) != 1:
            continue
        block = obstacles[0]
        if nearest is None:
            nearest = (km, j, block)
        change = _change_for(scenario, need, site, block, km, int(free_desk[j]),
                             int(free_room[j]))
        if change is None:
            continue
        size = _size(change, km)
        if change.kind in best and best[change.kind][0] <= size:
            continue
        if _verified(change, scenario, i, j, km, desk_used, room_used):
            best[change.kind] = (size, change)
    changes = tuple(c for _, c in sorted(best.values(), key=lambda sc: sc[0]))
    if nearest is None:
        return UnplacedAdvice(need.need_id, None, "every site has two or more obstacles "
                              "(rules or capacity) for it", changes)
    km, j, block = nearest
    site = ds.sites[j]
    cap = int(arrays.desk_cap[j])
    full = (f"{int(desk_used[j])} of {cap} desk-days a week used" if cap else
            "no desks")
    rule = "" if block.rule in ("R2", "unreachable") else f" ({block.rule})"
    text = (f"Nearest site it could use but for one obstacle: {site.name}, {km:,.1f} km "
            f"away, {full}; {block.reason}{rule}.")
    return UnplacedAdvice(need.need_id, site.site_id, text, changes)


@dataclass(frozen=True)
class LongJourney:
    need_id: str
    site_id: str
    distance_km: float


def long_journeys(scenario: Scenario, result: PlanResult,
                  warning_km: float) -> list[LongJourney]:
    """Placed needs whose journey is longer than ``warning_km``, longest first."""
    out = [LongJourney(a.need_id, a.site_id, float(a.travel_km))
           for a in result.allocations
           if a.site_id is not None and a.travel_km is not None
           and math.isfinite(a.travel_km) and a.travel_km > warning_km]
    return sorted(out, key=lambda j: (-j.distance_km, j.need_id))
