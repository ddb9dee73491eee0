"""The weekly rota of a plan as content (Qt-free): who is in on which day, per site.

A site manager needs the rota itself ("who is in on Monday"), and the site plan's card shows
the week as a grid: for each weekday the providers in, and desks and interview rooms used
against the site's. :func:`site_week` builds that grid for one site (``rota.csv`` is
written by :mod:`estates_planner.io.rota_csv`). A PDF page or the inspector draws it;
nothing here knows how.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from estates_planner.io.weekdays import WEEKDAYS
from estates_planner.model import Allocation, Scenario, ServiceNeed
from estates_planner.optimise.result import PlanResult


@dataclass(frozen=True)
class DayInSite:
    """One weekday at one site: the needs in (need_id, provider, lot label, desks, rooms),
    and desks and interview rooms used against the site's."""

    weekday: str
    needs: tuple[tuple[str, str, str, int, int], ...]
    desks_used: int
    desks: int
    rooms_used: int
    rooms: int

    @property
    def over(self) -> bool:
        return self.desks_used > self.desks or self.rooms_used > self.rooms

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(sorted({provider for _, provider, _, _, _ in self.needs}))


@dataclass(frozen=True)
class SiteWeek:
    """A site's week, Monday to Friday (:class:`DayInSite` each), and the needs whose
    weekdays the plan does not give (a plan from an older file)."""

    site_id: str
    site_name: str
    days: tuple[DayInSite, ...]
    without_days: tuple[str, ...] = ()

    @property
    def days_over_capacity(self) -> int:
        return sum(1 for d in self.days if d.over)

    @property
    def rooms_bind(self) -> bool:
        """Whether some day uses every interview room of the site (or more): only then do
        rooms limit the week, and the site plan's grid gives them a row."""
        return any(d.rooms_used and d.rooms_used >= d.rooms for d in self.days)

    def days_of(self, need_id: str) -> tuple[int, ...]:
        """The weekdays (0 = Monday) ``need_id`` is in at this site."""
        return tuple(i for i, d in enumerate(self.days)
                     if any(n[0] == need_id for n in d.needs))


def site_week(scenario: Scenario, result: PlanResult, site_id: str) -> SiteWeek:
    """The week of ``site_id`` in the plan ``result``."""
    ds = scenario.dataset
    site = ds.site(site_id)
    desks, rooms = scenario.site_capacity(site)
    by_day: dict[int, list[tuple[str, str, str, int, int]]] = defaultdict(list)
    missing = []
    for a in result.allocations:
        if a.site_id != site_id or not ds.has_need(a.need_id):
            continue
        need = ds.need(a.need_id)
        if not a.weekdays:
            missing.append(need.need_id)
        for d in a.weekdays:
            by_day[d].append((need.need_id, need.provider, need.lot.label, need.desks,
                              need.interview_rooms))
    days = tuple(
        DayInSite(WEEKDAYS[d], tuple(sorted(by_day[d], key=lambda r: (r[1], r[0]))),
                  sum(r[3] for r in by_day[d]), max(desks, 0),
                  sum(r[4] for r in by_day[d]), max(rooms, 0))
        for d in range(len(WEEKDAYS)))
    return SiteWeek(site.site_id, site.name, days, tuple(missing))


def same_day_count(result: PlanResult) -> int:
    """Paired wellbeing needs of the plan sharing a weekday with their pair."""
    return sum(1 for a in result.allocations if a.same_day)


def need_days_text(need: ServiceNeed, allocation: Allocation | None) -> str:
    """A need's weekdays as the provider pack and the provider view print them.

    "Mon, Wed (fixed)" when its data fixes them (placed or not); "Tue, Thu, Fri" as the
    plan's rota gives them; "" for a need the plan gives no days (not placed, or a plan made
    before the weekly rota) and whose data fixes none.
    """
    days = allocation.weekdays if allocation is not None and allocation.weekdays else ()
    days = days or need.fixed_days
    if not days:
        return ""
    return ", ".join(WEEKDAYS[d] for d in sorted(days)) + (" (fixed)" if need.fixed_days
                                                            else "")
