"""What "All years" of a contract plan shows, Qt-free: each need's site in every year with
its moves, and each site's years of use, for the allocation table and the map; the
need-years not placed or with long journeys, for the unplaced panel; a provider's needs
and partners by year, for the provider view.

A year shown alone is a plan like any other; the whole contract is not (a need may sit at
two sites), so the views ask here rather than pretend one year's placement holds for all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from estates_planner.model import Dataset
from estates_planner.optimise.multiyear.result import MultiYearResult
from estates_planner.report.multiyear import year_title
from estates_planner.travel.colocation import colocation_graph, partners

# a year cell when the need is not active (share 0 in the ramp) and when it is not placed
NOT_ACTIVE = "—"
UNPLACED = "unplaced"
# said wherever a contract plan's figures show once it is out of date
# (:meth:`estates_planner.workspace.Workspace.contract_is_stale` is the rule)
OUT_OF_DATE = "Out of date: plan the contract years again"
OUT_OF_DATE_WHY = ("the scenario or the ramp changed after this plan was made "
                   "(Scenario ▸ Plan contract years…)")


@dataclass(frozen=True, slots=True)
class NeedYears:
    """One need over the contract: its site per year (None when unplaced or not active),
    whether it is active each year, and its moves between years: how many, and the years
    (1-based) it arrives at a new site in."""

    need_id: str
    site_ids: tuple[str | None, ...]
    active: tuple[bool, ...]
    moves: int
    moved_in: tuple[int, ...] = ()

    @property
    def unplaced_years(self) -> tuple[int, ...]:
        """Years (1-based) in which the need is active but has no site."""
        return tuple(k + 1 for k, (site, on) in enumerate(zip(self.site_ids, self.active,
                                                              strict=True))
                     if on and site is None)

    def cell(self, year: int, site_name: Callable[[str], str] = str) -> str:
        """The table's text for ``year`` (1-based): the site's name, "unplaced" or "—"."""
        k = year - 1
        if not self.active[k]:
            return NOT_ACTIVE
        site = self.site_ids[k]
        return UNPLACED if site is None else site_name(site)


@dataclass(frozen=True)
class ContractOverview:
    """A contract plan seen whole.

    Attributes
    ----------
    year_titles
        "Year 1 (2027-28)", … as the year selector's views name them.
    needs
        need_id -> :class:`NeedYears`, for the needs asked about.
    site_years
        site_id -> the years (1-based, ascending) in which some need is placed there; sites
        never used are absent.
    site_peak_utilisation
        site_id -> its highest utilisation (0..1) over the years it is used.
    """

    year_titles: tuple[str, ...]
    needs: Mapping[str, NeedYears]
    site_years: Mapping[str, tuple[int, ...]]
    site_peak_utilisation: Mapping[str, float]

    @property
    def years(self) -> int:
        return len(self.year_titles)

    def site_use_text(self, site_id: str) -> str:
        """"Used in years 2–4 of 4 (peak utilisation 80 %)", "Used in every contract year
        (…)" or "Not used in any contract year"."""
        years = self.site_years.get(site_id, ())
        if not years:
            return "Not used in any contract year"
        peak = f"peak utilisation {self.site_peak_utilisation.get(site_id, 0.0):.0%}"
        if len(years) == self.years:
            return f"Used in every contract year ({peak})"
        return f"Used in {years_text(years)} of {self.years} ({peak})"

    def need_lines(self, need_id: str, site_name: Callable[[str], str] = str) -> list[str]:
        """One line per year ("Year 1 (2027-28): Leeds Office"), then the moves."""
        need = self.needs.get(need_id)
        if need is None:
            return []
        lines = [f"{title}: {need.cell(k, site_name)}"
                 for k, title in enumerate(self.year_titles, start=1)]
        lines.append(f"{need.moves} move{'s' if need.moves != 1 else ''} between years")
        return lines


def years_text(years: Sequence[int]) -> str:
    """Years as a reader says them: "year 3", "years 2–4", "years 1, 3 and 4"."""
    years = sorted(years)
    if len(years) == 1:
        return f"year {years[0]}"
    if years == list(range(years[0], years[-1] + 1)):
        return f"years {years[0]}–{years[-1]}"
    return f"years {', '.join(map(str, years[:-1]))} and {years[-1]}"


def contract_overview(result: MultiYearResult, need_ids: Iterable[str]) -> ContractOverview:
    """Each need's site in every year of ``result`` and each site's years of use.

    A need missing from a year's plan is not active that year (its ramp share is 0); a need
    in the plan with no site is unplaced. Moves are the result's own (a year unplaced or not
    active between two sites is no move).
    """
    plans = [y.result.assignment for y in result.years]
    moved_in: dict[str, list[int]] = {}
    for m in result.moves:
        moved_in.setdefault(m.need_id, []).append(m.year)
    needs = {}
    for need_id in need_ids:
        years = sorted(moved_in.get(need_id, ()))
        needs[need_id] = NeedYears(
            need_id, tuple(plan.get(need_id) for plan in plans),
            tuple(need_id in plan for plan in plans), len(years), tuple(years))
    site_years: dict[str, list[int]] = {}
    peak: dict[str, float] = {}
    for y in result.years:
        for site_id, usage in y.result.site_usage.items():
            if usage.need_ids:
                site_years.setdefault(site_id, []).append(y.year.number)
                peak[site_id] = max(peak.get(site_id, 0.0), usage.utilisation)
    return ContractOverview(
        year_titles=tuple(year_title(y.year) for y in result.years),
        needs=MappingProxyType(needs),
        site_years=MappingProxyType({s: tuple(sorted(ys)) for s, ys in site_years.items()}),
        site_peak_utilisation=MappingProxyType(peak))


# ---------------------------------------------------------------- need-years to look at
@dataclass(frozen=True, slots=True)
class NeedYearIssue:
    """A need in some contract years (1-based, ascending) that the planner should look at:
    not placed (``site_id`` None, ``reason`` the years' own ``unplaced_reason``), or placed
    at ``site_id`` with a journey of ``distance_km`` over the warning. Years alike (the
    same reason, or the same site) are one issue: a need left out of all four years for
    one reason is one line, not four."""

    need_id: str
    years: tuple[int, ...]
    site_id: str | None = None
    distance_km: float | None = None
    reason: str = ""

    @property
    def unplaced(self) -> bool:
        return self.site_id is None


def contract_issues(result: MultiYearResult, warning_km: float
                    ) -> tuple[tuple[NeedYearIssue, ...], tuple[NeedYearIssue, ...]]:
    """The needs not placed in some years and the needs with a journey over ``warning_km``
    in some years, each by need then first year (a need's years side by side: the
    contract is read per need).

    A need not active in a year (ramp share 0) is in neither: it has nothing to place.
    """
    # (need, site, km, reason) -> years: the years a need is alike in
    alike: dict[tuple[str, str | None, float | None, str], list[int]] = {}
    for y in result.years:
        for a in y.result.allocations:
            if a.site_id is None:
                key = (a.need_id, None, None, a.unplaced_reason or "")
            elif a.travel_km is not None and math.isfinite(a.travel_km) \
                    and a.travel_km > warning_km:
                key = (a.need_id, a.site_id, float(a.travel_km), "")
            else:
                continue
            alike.setdefault(key, []).append(y.year.number)
    issues = sorted((NeedYearIssue(need_id, tuple(years), site, km, reason)
                     for (need_id, site, km, reason), years in alike.items()),
                    key=lambda i: (i.need_id, i.years))
    return (tuple(i for i in issues if i.unplaced), tuple(i for i in issues if not i.unplaced))


def issue_row(issue: NeedYearIssue, dataset: Dataset,
              year_titles: Sequence[str]) -> tuple[str, str, str, str, str]:
    """(need, provider, years, issue, detail) as the unplaced panel lists an issue under
    All years: "Not placed" with the years' reason, or "Journey 45.0 km" with from where
    to which site. One year is named with its dates ("Year 2 (2028-29)"), several as a
    reader says them ("Years 1–4")."""
    need = dataset.need(issue.need_id) if dataset.has_need(issue.need_id) else None
    provider = need.provider if need is not None else ""
    if len(issue.years) == 1:
        title = year_titles[issue.years[0] - 1]
    else:
        title = years_text(issue.years).capitalize()
    if issue.unplaced:
        why = issue.reason or "no reason recorded"
        return (issue.need_id, provider, title, "Not placed", why[:1].upper() + why[1:])
    site = issue.site_id or ""
    name = dataset.site(site).name if dataset.has_site(site) else site
    origin = need.pdu if need is not None else "its PDU"
    return (issue.need_id, provider, title, f"Journey {issue.distance_km:,.1f} km",
            f"From {origin} to {name}")


def issues_text(unplaced: Sequence[NeedYearIssue], journeys: Sequence[NeedYearIssue],
                warning_km: float, years: int) -> str:
    """The panel's sentence over the contract: need-years not placed and journeys over the
    warning, each with how many needs they are, and where the per-year advice is."""
    def count(issues: Sequence[NeedYearIssue]) -> str:
        need_years = sum(len(i.years) for i in issues)
        needs = len({i.need_id for i in issues})
        return (f"{need_years} need-year{'' if need_years == 1 else 's'} "
                f"({needs} need{'' if needs == 1 else 's'})")
    text = (f"Over the {years} contract years: {count(unplaced)} not placed; "
            f"{count(journeys)} with a journey over {warning_km:g} km.")
    if unplaced:
        text += (" The smallest change that would place a need is worked out for one "
                 "year: choose it on the toolbar.")
    return text


# ---------------------------------------------------------------- a provider's years
def provider_need_rows(overview: ContractOverview, dataset: Dataset, provider: str,
                       site_name: Callable[[str], str] = str) -> list[tuple[str, ...]]:
    """(need, lot, moves, the site in each year) for ``provider``'s needs in ``overview``
    (the moves first, as in the allocation table): needs unplaced in some year first, then
    by need id."""
    needs = [n for n in dataset.needs if n.provider == provider
             and n.need_id in overview.needs]
    needs.sort(key=lambda n: (not overview.needs[n.need_id].unplaced_years, n.need_id))
    rows = []
    for need in needs:
        years = overview.needs[need.need_id]
        rows.append((need.need_id, need.lot.label, str(years.moves),
                     *(years.cell(k, site_name) for k in range(1, overview.years + 1))))
    return rows


def provider_years_text(overview: ContractOverview, dataset: Dataset,
                        provider: str) -> list[str]:
    """A line per year for ``provider`` ("Year 1 (2027-28): 3 placed at 2 sites, 1 not
    placed"; years alike as one line, "Years 2–4: …"), then its moves between years."""
    ids = [n.need_id for n in dataset.needs if n.provider == provider
           and n.need_id in overview.needs]
    texts = []
    for k in range(overview.years):
        sites = [overview.needs[i].site_ids[k] for i in ids if overview.needs[i].active[k]]
        placed = [s for s in sites if s is not None]
        used = len(set(placed))
        text = f"{len(placed)} placed at {used} site{'' if used == 1 else 's'}" \
            if placed else "none placed"
        if len(sites) > len(placed):
            text += f", {len(sites) - len(placed)} not placed"
        if len(sites) < len(ids):
            text += f", {len(ids) - len(sites)} not active"
        texts.append(text)
    moves = sum(overview.needs[i].moves for i in ids)
    return [*_years_alike(texts, overview.year_titles),
            f"{moves} move{'' if moves == 1 else 's'} between years"]


def provider_partners_by_year(result: MultiYearResult, dataset: Dataset,
                              provider: str) -> list[str]:
    """A line per year naming the providers that share a site with ``provider`` that year
    ("Year 2 (2028-29): Acme at 1 site"), or that it shares none; years alike as one."""
    texts = []
    for y in result.years:
        found = partners(colocation_graph(dataset, y.result), provider)
        texts.append(", ".join(f"{p.provider} at {len(p.site_ids)} site"
                               f"{'' if len(p.site_ids) == 1 else 's'}" for p in found)
                     or "shares no site")
    return _years_alike(texts, tuple(year_title(y.year) for y in result.years))


def _years_alike(texts: Sequence[str], year_titles: Sequence[str]) -> list[str]:
    """``texts`` (one per year) as lines, the years with the same text as one line in the
    order of their first year: "Year 1 (2027-28): …", "Years 2–4: …", "Every year: …"."""
    years: dict[str, list[int]] = {}
    for k, text in enumerate(texts, start=1):
        years.setdefault(text, []).append(k)
    lines = []
    for text, ks in years.items():
        if len(ks) == 1:
            head = year_titles[ks[0] - 1]
        elif len(ks) == len(texts):
            head = "Every year"
        else:
            head = years_text(ks).capitalize()
        lines.append(f"{head}: {text}")
    return lines
