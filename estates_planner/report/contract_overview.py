"""What "All years" of a contract plan shows, Qt-free: each need's site in every year with
its moves, and each site's years of use, for the allocation table and the map.

A year shown alone is a plan like any other; the whole contract is not (a need may sit at
two sites), so the views ask here rather than pretend one year's placement holds for all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from estates_planner.optimise.multiyear.result import MultiYearResult
from estates_planner.report.multiyear import year_title

# a year cell when the need is not active (share 0 in the ramp) and when it is not placed
NOT_ACTIVE = "—"
UNPLACED = "unplaced"


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
