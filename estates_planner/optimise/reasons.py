"""Why a need is unplaced, in one sentence a planner can act on.

Built from :func:`estates_planner.optimise.rules.pair_blocks` (R3-R8) for every site, and from
the plan's free capacity (R2) for the sites the rules allow.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from estates_planner.model import Lot, ServiceNeed
from estates_planner.optimise import rules
from estates_planner.optimise.rota import DayFit, Rota, daily_capacities
from estates_planner.optimise.rota_explain import day_sentence

if TYPE_CHECKING:
    from estates_planner.optimise.arrays import ScenarioArrays

_DAILY_REASONS_S = 0.3  # at most, for the weekday analysis of one plan's unplaced needs

# how a rule reads when it rules out several sites of a need
_RULE_PHRASES = {
    "R3": "{n} not women-only",
    "R4": "{n} authority (wellbeing is kept out of probation offices)",
    "R5": "{n} in another region",
    "R6": "{n} beyond its {limit} km travel limit",
    "R7": "{n} not available by go-live",
    "R8": "{n} closed, barred or not its pinned site",
    "unreachable": "{n} not reachable on the travel network",
}


class UnplacedReasons:
    """:func:`unplaced_reason` for the needs of one plan, each kind of need worked out once.

    A scenario short of room can leave tens of thousands of needs unplaced, most of them
    alike; the sentence depends only on what :func:`_alike` keys on and the plan's usage.
    """

    def __init__(self, arrays: ScenarioArrays, desk_used: np.ndarray,
                 room_used: np.ndarray, rota: Rota | None = None,
                 until: float | None = None) -> None:
        """``rota``: the plan's weekly rota under the daily rule (None: the weekly rule);
        ``until``: a ``time.perf_counter()`` value past which the weekday analysis stops."""
        self.arrays = arrays
        self.desk_used = desk_used
        self.room_used = room_used
        self.rota = rota
        self.day_fit = DayFit.of(arrays) if rota is not None else None
        if self.day_fit is not None:
            # the weekday analysis of the reasons is skipped past this (a region of 8,337
            # needs with 6,900 unplaced waited seconds for it); the weekly sentence remains
            ends = time.perf_counter() + _DAILY_REASONS_S
            if until is not None:
                ends = min(ends, until)
            self.day_fit.stop = lambda: time.perf_counter() > ends
        self.said: dict[tuple, str] = {}
        sc = arrays.scenario
        self.own_rules = set(sc.pins) | {need_id for need_id, _ in sc.barred}

    def __call__(self, i: int) -> str:
        key = _alike(self.arrays, i, self.own_rules)
        if key not in self.said:
            self.said[key] = unplaced_reason(self.arrays, i, self.desk_used, self.room_used,
                                             self.rota, self.day_fit)
        return self.said[key]


def _alike(arrays: ScenarioArrays, i: int, own_rules: set[str]) -> tuple:
    """What the rules and the sentence look at for need ``i``: its lot, region, size, travel
    limit, own pins and bars (``own_rules``: the needs that have any), the sites it is
    allowed, can reach and has within its limit."""
    need = arrays.scenario.dataset.needs[i]
    own = need.need_id if need.need_id in own_rules else None
    km = arrays.distances.km[i]
    within = (km <= need.max_travel_km).tobytes() if need.max_travel_km is not None else b""
    return (need.lot, need.region, need.max_travel_km, need.desks, need.interview_rooms,
            need.days_per_week, need.fixed_days, own, arrays.allowed[i].tobytes(),
            np.isfinite(km).tobytes(), within)


def unplaced_reason(arrays: ScenarioArrays, i: int, desk_used: np.ndarray,
                    room_used: np.ndarray, rota: Rota | None = None,
                    day_fit: DayFit | None = None) -> str:
    """The sentence for need index ``i`` left unplaced in a plan with the given usage.

    With ``rota`` (the daily rule), a site whose weekly total has room but no weekday does
    is named as such: "no day has 8 free desks at ..." (issue 17).
    """
    sc = arrays.scenario
    need = sc.dataset.needs[i]
    sites = sc.dataset.sites
    allowed = np.flatnonzero(arrays.allowed[i])
    if len(allowed):
        free_desk = arrays.desk_cap[allowed] - desk_used[allowed]
        free_room = arrays.room_cap[allowed] - room_used[allowed]
        fits = (free_desk >= arrays.desk_days[i]) & (free_room >= arrays.room_days[i])
        weekly_only: list[int] = []
        if rota is not None and fits.any() and not (day_fit is not None and day_fit.stop()):
            # exact: is there any rota of the site's needs with this one added?
            check = day_fit or DayFit.of(arrays)
            day_ok = np.array([check.fits(int(j), [*np.flatnonzero(rota.site_of == j), i])
                               for j in allowed[fits]], dtype=bool)
            weekly_only = allowed[fits][~day_ok].tolist()
            fits[np.flatnonzero(fits)[~day_ok]] = False
        if weekly_only and not fits.any():
            return _daily_reason(arrays, i, weekly_only, rota)
        if fits.any():
            site = sites[allowed[np.flatnonzero(fits)[0]]]
            return (f"not placed although {site.name} is allowed and has room: placing it "
                    "would cost more than leaving it unplaced, or the solver stopped first")
        best = int(np.argmax(free_desk))
        text = (f"no {_kind_phrase(sc.settings, need)}site{_where(sc.settings, need)} has "
                f"{_room_phrase(need)} free for {need.days_per_week} day"
                f"{'s' if need.days_per_week != 1 else ''} a week (most free: "
                f"{max(int(free_desk[best]), 0)} desk-days and {max(int(free_room[best]), 0)} "
                f"room-days a week at {sites[allowed[best]].name})")
        scope, where = _scope(arrays, i)
        idx = np.asarray(scope, dtype=np.int64)
        others = idx[~arrays.allowed[i, idx]].tolist() if len(idx) else []
        if others and len(others) <= 50:
            text += (f"; the other {len(others)} site{'s' if len(others) != 1 else ''}"
                     f"{where} are ruled out: " + _rule_counts(arrays, i, others))
        return text
    return _blocked_everywhere(arrays, i)


def _daily_reason(arrays: ScenarioArrays, i: int, sites_idx: list[int], rota: Rota) -> str:
    """The daily rule, not the weekly total, stops the need: say so for the site with the
    most free desk-days (and how many more sites are in the same state)."""
    sc = arrays.scenario
    need = sc.dataset.needs[i]
    desk_day, room_day = daily_capacities(arrays)
    j = max(sites_idx, key=lambda k: (int((desk_day[k] - rota.desk_use[k]).sum()), -k))
    text = day_sentence(need, sc.dataset.sites[j].name, desk_day[j] - rota.desk_use[j],
                        room_day[j] - rota.room_use[j])
    others = len(sites_idx) - 1
    more = (f"; {others} other allowed site{'s' if others != 1 else ''} with room in the "
            "week have no such day either" if others else "")
    return (f"{text}{more}: the weekly total has room, but no weekly rota fits it "
            f"({need.days_per_week} day{'s' if need.days_per_week != 1 else ''} a week, "
            "daily capacity rule)")


def _scope(arrays: ScenarioArrays, i: int) -> tuple[list[int], str]:
    """The sites a need could be considered for, and how to say where they are."""
    sc = arrays.scenario
    need = sc.dataset.needs[i]
    if sc.settings.same_region:
        return ([j for j, s in enumerate(sc.dataset.sites) if s.region == need.region],
                f" in {need.region}")
    return list(range(len(sc.dataset.sites))), ""


def _rule_counts(arrays: ScenarioArrays, i: int, scope: list[int]) -> str:
    sc = arrays.scenario
    need = sc.dataset.needs[i]
    counts: Counter[str] = Counter()
    for j in scope:
        blocks = rules.pair_blocks(sc, need, sc.dataset.sites[j], float(arrays.distances.km[i, j]))
        counts.update({b.rule for b in blocks} or {"unreachable"})
    limit = f"{need.max_travel_km:g}" if need.max_travel_km is not None else "?"
    phrases = dict(_RULE_PHRASES)
    if need.lot is not Lot.WOMENS:
        phrases["R3"] = "{n} women-only (for women's services only)"
    return "; ".join(f"{phrases[r].format(n=_count(counts[r]), limit=limit)}"
                     + ("" if r == "unreachable" else f" ({r})") for r in sorted(counts))


def _kind_phrase(settings, need: ServiceNeed) -> str:  # noqa: ANN001 (Settings)
    if need.lot is Lot.WOMENS and settings.women_only_sites:
        return "women-only "
    if need.lot is Lot.WELLBEING and settings.wellbeing_outside_authority:
        return "non-authority "
    return "allowed "


def _where(settings, need: ServiceNeed) -> str:  # noqa: ANN001
    text = f" in {need.region}" if settings.same_region else ""
    if need.max_travel_km is not None:
        text += f" within {need.max_travel_km:g} km"
    return text


def _room_phrase(need: ServiceNeed) -> str:
    text = f"{need.desks} desk{'s' if need.desks != 1 else ''}"
    if need.interview_rooms:
        text += (f" and {need.interview_rooms} interview room"
                 f"{'s' if need.interview_rooms != 1 else ''}")
    return text


def _blocked_everywhere(arrays: ScenarioArrays, i: int) -> str:
    sc = arrays.scenario
    need = sc.dataset.needs[i]
    sites = sc.dataset.sites
    pinned = sc.pins.get(need.need_id)
    if pinned is not None and sc.dataset.has_site(pinned):
        site = sc.dataset.site(pinned)
        j = sites.index(site)
        own = [b for b in rules.pair_blocks(sc, need, site, float(arrays.distances.km[i, j]))
               if not b.reason.endswith(f"pinned to another site ({pinned})")]
        why = "; ".join(f"{b.reason} ({b.rule})" for b in own) or \
            f"{site.name} cannot be reached on the travel network"
        return f"pinned to {site.name}, but {why}"
    scope, where = _scope(arrays, i)
    if not scope:
        return (f"there is no site in {need.region} (R5: needs are placed in their region)"
                if sc.settings.same_region else "there are no sites")
    if len(scope) == 1:
        j = scope[0]
        blocks = rules.pair_blocks(sc, need, sites[j], float(arrays.distances.km[i, j]))
        why = "; ".join(f"{b.reason} ({b.rule})" for b in blocks) or \
            "it cannot be reached on the travel network"
        return f"the only site{where}, {sites[j].name}: {why}"
    summary = _rule_counts(arrays, i, scope)
    if summary.endswith("(R8)") and ";" not in summary:
        return f"every site{where} is closed or barred for it (R8)"
    return f"every one of the {len(scope)} sites{where} is ruled out: " + summary


def _count(n: int) -> str:
    return f"{n} {'is' if n == 1 else 'are'}"
