"""The daily rule and the same-day bonus in explanations and messages (issue 17).

Kept beside :mod:`estates_planner.optimise.explain`, which prices single moves from a few
per-plan tallies: a move's same-day change is estimated the same way (see
:func:`same_day_change`), and a site whose weekly total has room but no weekday does is
blocked with a sentence such as "no day has 8 free desks at Leeds Hub".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from estates_planner.model import WEEKDAYS, Lot, Scenario, ServiceNeed, Site, format_weekdays
from estates_planner.optimise.candidates import capacities
from estates_planner.optimise.rota import (
    DAYS,
    DayFit,
    Rota,
    daily_capacities,
    daily_rule,
    need_days,
    same_day_bonus,
)
from estates_planner.optimise.rules import Block

if TYPE_CHECKING:
    from estates_planner.optimise.result import PlanResult


def same_day_change(tallies, need: ServiceNeed, new_id: str,  # noqa: ANN001 (_PlanTallies)
                    paired_change: int) -> float:
    """Change of the same-day term if ``need`` alone moves to ``new_id`` (GBP, <= 0 a gain).

    Estimated as the explanations price every move, without re-planning the rota: a wellbeing
    need that is paired after the move shares a day with its pair (days can be chosen so,
    unless its site's week is full), and one that loses its pairing loses its shared day; an
    ETE/accommodation need's move changes the same-day count as it changes the pairing count.
    Exact whenever the rota has room to put paired needs on a common day (the usual case);
    the optimiser itself prices the rota exactly.
    """
    bonus = same_day_bonus(tallies.settings)
    if not bonus:
        return 0.0
    had = tallies.same_day.get(need.need_id, False)
    if need.lot is Lot.WELLBEING:
        anchors = tallies.anchors.get(need.pdu, {})
        after = tallies.is_paired(new_id, anchors)
        return -bonus * (int(after) - int(had))
    if need.lot.prefers_authority:
        return -bonus * paired_change
    return 0.0


class DailyCheck:
    """Whether a need finds a weekly rota at a site of a plan, with the sentence when not."""

    def __init__(self, scenario: Scenario, site_needs: Mapping[str, list[str]]) -> None:
        self.scenario = scenario
        self.on = daily_rule(scenario.settings)
        self.site_needs = site_needs
        self._fit: DayFit | None = None
        self._index: dict[str, int] = {}
        self._site_index: dict[str, int] = {}

    def _checker(self) -> DayFit:
        if self._fit is None:
            ds = self.scenario.dataset
            desk, room = capacities(self.scenario)
            self._fit = DayFit(ds.needs, desk // DAYS, room // DAYS)
            self._index = {n.need_id: i for i, n in enumerate(ds.needs)}
            self._site_index = {s.site_id: j for j, s in enumerate(ds.sites)}
        return self._fit

    def blocks(self, need: ServiceNeed, site: Site, result: PlanResult) -> list[Block]:
        """[] when the need, joining the site's needs of the plan, leaves them a rota; else
        the R2 block naming the weekday shortage."""
        if not self.on:
            return []
        fit = self._checker()
        j = self._site_index[site.site_id]
        others = [self._index[o] for o in self.site_needs.get(site.site_id, ())
                  if o != need.need_id]
        i = self._index[need.need_id]
        if fit.fits(j, [*others, i], new=i):
            return []
        desk = np.full(DAYS, int(fit.desk_cap[j]), dtype=np.int64)
        room = np.full(DAYS, int(fit.room_cap[j]), dtype=np.int64)
        ds = self.scenario.dataset
        for o in self.site_needs.get(site.site_id, ()):
            if o == need.need_id:
                continue
            other = ds.need(o)
            for d in result.allocation(o).weekdays:
                desk[d] -= other.desks
                room[d] -= other.interview_rooms
        return [Block("R2", day_sentence(need, site.name, desk, room)
                      + " (the weekly total has room, but no weekly rota fits it)")]


def day_sentence(need: ServiceNeed, site_name: str, desk_free: Sequence[int],
                 room_free: Sequence[int]) -> str:
    """Why the daily rule, not the weekly total, keeps ``need`` from a site: e.g. "no day has
    8 free desks at Leeds Hub (most free on a day: 5, on Tue)"."""
    desk_free = np.asarray(desk_free)
    room_free = np.asarray(room_free)
    if need.fixed_days:
        fixed = list(need.fixed_days)
        short_desk = [d for d in fixed if desk_free[d] < need.desks]
        what = f"{need.desks} free desk{'s' if need.desks != 1 else ''}" if short_desk else \
            f"{need.interview_rooms} free interview room{'s' if need.interview_rooms != 1 else ''}"
        return (f"its fixed days {format_weekdays(fixed)} do not all have {what} at "
                f"{site_name}")
    ok_desk = desk_free >= need.desks
    ok_room = room_free >= need.interview_rooms
    days = need_days(need)
    count = int((ok_desk & ok_room).sum())
    if int(ok_desk.sum()) < days:
        best = int(np.argmax(desk_free))
        if count:
            return (f"only {count} of the {days} days it needs have {need.desks} free desks "
                    f"at {site_name} ({format_weekdays(np.flatnonzero(ok_desk & ok_room))})")
        return (f"no day has {need.desks} free desk{'s' if need.desks != 1 else ''} at "
                f"{site_name} (most free on a day: {max(int(desk_free[best]), 0)}, on "
                f"{WEEKDAYS[best]})")
    best = int(np.argmax(room_free))
    if count:
        return (f"only {count} of the {days} days it needs have {need.interview_rooms} free "
                f"interview rooms at {site_name} "
                f"({format_weekdays(np.flatnonzero(ok_desk & ok_room))})")
    return (f"no day has {need.interview_rooms} free interview room"
            f"{'s' if need.interview_rooms != 1 else ''} at {site_name} (most free on a day: "
            f"{max(int(room_free[best]), 0)}, on {WEEKDAYS[best]})")


def rota_messages(arrays, rota: Rota) -> list[str]:  # noqa: ANN001
    """A sentence per site with a weekday over capacity in ``rota`` (a plan the weekly rule
    alone accepts, or a plan given from outside)."""
    sites = arrays.scenario.dataset.sites
    desk_day, room_day = daily_capacities(arrays)
    by_site: dict[int, list[int]] = defaultdict(list)
    for j, d in rota.over:
        by_site[j].append(d)
    out = []
    for j, days in sorted(by_site.items()):
        parts = []
        for d in days:
            bits = []
            if rota.desk_use[j, d] > desk_day[j]:
                bits.append(f"{rota.desk_use[j, d]} desks of {desk_day[j]}")
            if rota.room_use[j, d] > room_day[j]:
                bits.append(f"{rota.room_use[j, d]} interview rooms of {room_day[j]}")
            parts.append(f"{WEEKDAYS[d]} {' and '.join(bits)}")
        out.append(f"R2 (daily): {sites[j].name} has no weekly rota within its capacity; "
                   f"over on " + "; ".join(parts))
    return out
