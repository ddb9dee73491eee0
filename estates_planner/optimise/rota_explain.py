"""The daily rule and the same-day bonus in explanations (issue 17).

Kept beside :mod:`estates_planner.optimise.explain`, which prices single moves from a few
per-plan tallies: a move's same-day change is estimated the same way (see
:func:`same_day_change`), and a site whose weekly total has room but no weekday does is
blocked with a sentence such as "no day has 8 free desks at Leeds Hub".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from estates_planner.model import Lot, Scenario, ServiceNeed, Site
from estates_planner.optimise.candidates import capacities
from estates_planner.optimise.rota import DAYS, DayFit, day_sentence, daily_rule, same_day_bonus
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
