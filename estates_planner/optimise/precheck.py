"""Check demand against capacity before solving (spopt-style obvious infeasibility).

Each check is a relaxation of the real problem: if it fails, no plan can place every need, so
strict mode stops here with these sentences, and a normal solve reports them as messages.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from estates_planner.model import Lot, Scenario, SiteKind
from estates_planner.optimise.candidates import (
    allowed_pairs,
    candidate_distances,
    capacities,
    fits_alone,
)

_MAX_NEED_SENTENCES = 10


def check_capacity(scenario: Scenario) -> list[str]:
    """Sentences for every region and group of lots whose demand exceeds the capacity open to it.

    For each region (the whole country when R5 is off) and each group of lots, the desk-days
    and room-days a week the group's needs ask for are compared with 5 x desks and
    5 x interview rooms of the sites any of those lots may use there (open, available by
    go-live, and allowed by R3 and R4). Only the smallest failing groups are reported. Needs
    too large for every site they may use are listed too (at most ten, then a count).

    Returns
    -------
    list[str]
        Empty when nothing is obviously short.
    """
    ds, st = scenario.dataset, scenario.settings
    sites, needs = ds.sites, ds.needs
    desk_cap, room_cap = capacities(scenario)
    open_site = np.array([
        s.site_id not in scenario.closed_sites
        and not (st.go_live is not None and s.available_from is not None
                 and s.available_from > st.go_live)
        for s in sites], dtype=bool)
    usable = {lot: open_site & np.array([_lot_may_use(scenario, lot, s) for s in sites],
                                        dtype=bool) for lot in Lot}
    regions = sorted({n.region for n in needs}) if st.same_region else [None]
    out: list[str] = []
    for region in regions:
        in_region = np.array([region is None or s.region == region for s in sites], dtype=bool)
        region_needs = [n for n in needs if region is None or n.region == region]
        lots = [lot for lot in Lot if any(n.lot is lot for n in region_needs)]
        failing: list[tuple[Lot, ...]] = []
        for size in range(1, len(lots) + 1):
            for group in combinations(lots, size):
                if any(set(f) <= set(group) for f in failing):
                    continue
                group_needs = [n for n in region_needs if n.lot in group]
                mask = in_region & np.logical_or.reduce([usable[lot] for lot in group])
                for what, demand, cap in (
                        ("desk-days", sum(n.desk_days for n in group_needs),
                         int(desk_cap[mask].sum())),
                        ("room-days", sum(n.room_days for n in group_needs),
                         int(room_cap[mask].sum()))):
                    if demand > cap:
                        failing.append(group)
                        out.append(_sentence(region, group, what, demand, cap,
                                             int(mask.sum())))
                        break
    out.extend(_oversized_needs(scenario))
    return out


def _lot_may_use(scenario: Scenario, lot: Lot, site) -> bool:  # noqa: ANN001 (Site)
    st = scenario.settings
    if st.women_only_sites and (lot is Lot.WOMENS) != site.women_only:
        return False
    return not (st.wellbeing_outside_authority and lot is Lot.WELLBEING
                and site.kind is SiteKind.AUTHORITY)


def _sentence(region: str | None, group: tuple[Lot, ...], what: str, demand: int, cap: int,
              n_sites: int) -> str:
    names = [lot.label for lot in group]
    label = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    together = " together" if len(group) > 1 else ""
    where = f"{region}: " if region is not None else "All regions: "
    there = " there" if region is not None else ""
    if n_sites == 0:
        return (f"{where}{label} needs{together} ask for {demand} {what} a week, but there is "
                f"no open site they may use{there}")
    sites = "the only open site" if n_sites == 1 else f"the {n_sites} open sites"
    return (f"{where}{label} needs{together} ask for {demand} {what} a week, but {sites} they "
            f"may use{there} offer{'s' if n_sites == 1 else ''} only {cap} "
            f"(5 days x {'desks' if what == 'desk-days' else 'interview rooms'})")


def _oversized_needs(scenario: Scenario) -> list[str]:
    needs, sites = scenario.dataset.needs, scenario.dataset.sites
    if not needs or not sites:
        return []
    allowed = allowed_pairs(scenario, candidate_distances(scenario))
    fits = fits_alone(scenario)
    out = []
    for i in np.flatnonzero(allowed.any(axis=1) & ~(allowed & fits).any(axis=1)):
        n = needs[i]
        out.append(f"need {n.need_id} ({_plural(n.desks, 'desk')}, "
                   f"{_plural(n.interview_rooms, 'interview room')}, "
                   f"{_plural(n.days_per_week, 'day')} a week) is larger than every site it "
                   "may use")
    if len(out) > _MAX_NEED_SENTENCES:
        out = out[:_MAX_NEED_SENTENCES] + [f"... and {len(out) - _MAX_NEED_SENTENCES} more "
                                           "needs larger than every site they may use"]
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
