"""What a site plan says, as plain data: the PDF (and anything else) only lays it out.

Keeping the content free of Qt means it can be tested without a display and that the PDF,
the spreadsheets and the app say the same thing. :func:`build_report_content` gathers, for
one scenario and its plan: the KPI lines (from :mod:`estates_planner.report.kpis`), the
summary tables, one :class:`SiteSection` per used site grouped by region, the allocation
appendix, the rules and weights used, and the data sources.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from estates_planner.model import (
    WEEKDAYS,
    Dataset,
    Lot,
    Scenario,
    ServiceNeed,
    Settings,
    Site,
    SiteKind,
)
from estates_planner.optimise.result import PlanResult
from estates_planner.optimise.rules import RULE_TITLES
from estates_planner.report.exports import allocation_rows
from estates_planner.report.figures import PlanFigures
from estates_planner.report.kpis import Kpis, compute_kpis, format_value, kpi_rows
from estates_planner.report.rota import SiteWeek, site_week

# the weights a planner can change, with how they read in a report
# the settings' weights and penalties in points: they steer the optimiser, nobody pays them
WEIGHT_LABELS: Mapping[str, tuple[str, str]] = {
    "travel_weight": ("Travel weight", "{:,.2f} points per person-km"),
    "amortisation_years": ("Fit-out amortised over", "{:g} years"),
    "location_penalty": ("Separate location penalty", "{:,.0f} points per site per PDU"),
    "authority_preference": ("ETE/accommodation not in authority property",
                             "{:,.0f} points per need"),
    "pairing_bonus": ("Wellbeing pairing bonus", "{:,.0f} points per paired need"),
    "pairing_radius_km": ("Pairing radius", "{:g} km"),
    "unplaced_penalty": ("Unplaced need penalty", "{:,.0f} points per need"),
    "move_penalty": ("Move from baseline penalty", "{:,.0f} points per need"),
}
SHORT_LOT: Mapping[Lot, str] = {Lot.ETE: "ETE", Lot.ACCOMMODATION: "Accommodation",
                                Lot.WELLBEING: "Wellbeing", Lot.WOMENS: "Women's"}
_RULE_SWITCHES = {"R3": "women_only_sites", "R4": "wellbeing_outside_authority",
                  "R5": "same_region", "R1": "strict"}


@dataclass(frozen=True, slots=True)
class KpiLine:
    """One line of the KPI table: ``text`` is what is printed, ``value`` the number behind it."""

    label: str
    text: str
    value: float | None = None
    group: str = ""


@dataclass(frozen=True, slots=True)
class Occupant:
    """One need placed at a site, as the site section lists it."""

    need_id: str
    provider: str
    lot: str
    pdu: str
    desks: int
    interview_rooms: int
    days_per_week: int
    days: str  # "Mon, Wed" when the need's data fixes its weekdays, else "" (any days)
    desk_days: int
    travel_km: float | None
    paired: bool
    # the weekdays (0 = Monday) the need's data fixes; the plan's are in the section's week
    fixed_days: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Partner:
    provider: str
    lot: str
    where: str  # "same site" or "<site name>, 0.3 km"


@dataclass(frozen=True, slots=True)
class PduJourneyLine:
    """One PDU seen by its service users: separate places attended and the mean journey.

    ``mean_km`` is None when nothing of the PDU is placed (or no placed site can be reached
    by road); ``mean_minutes`` is None when the travel model has no times.
    """

    region: str
    pdu: str
    locations: int
    needs: int
    mean_km: float | None
    mean_minutes: float | None
    longest_km: float | None
    unreachable: int = 0


@dataclass(frozen=True)
class SiteSection:
    site: Site
    facts: list[tuple[str, str]]
    occupants: list[Occupant]
    desk_days_used: int
    desk_days_available: int
    room_days_used: int
    room_days_available: int
    partners: list[Partner]
    # the plan's rota at the site: who is in each weekday, desks and rooms used (issue 17)
    week: SiteWeek

    @property
    def region(self) -> str:
        return self.site.region


@dataclass(frozen=True)
class RegionGroup:
    name: str
    sections: list[SiteSection]


@dataclass(frozen=True)
class ReportContent:
    """Everything a site plan report shows, ready to lay out."""

    title: str
    project_name: str
    scenario_name: str
    scenario_description: str
    created: date
    status_text: str
    data_sources: list[str]
    scope_text: str
    kpis: list[KpiLine]
    placed_by_lot_kind: list[list[str]]  # header row first
    authority_share: tuple[int, int]  # ETE/accommodation needs in authority sites, placed
    wellbeing_paired: tuple[int, int]  # paired wellbeing needs, placed wellbeing needs
    locations_per_pdu: list[tuple[str, str, int, int]]  # region, pdu, sites, needs
    unplaced: list[tuple[str, str, str, str, str]]  # need_id, provider, lot, region, reason
    rules: list[tuple[str, str, str]]  # rule, title, "on"/"off"/"always"
    weights: list[tuple[str, str]]
    edits: list[str]
    regions: list[RegionGroup]
    appendix_header: list[str]
    appendix: list[list[str]]
    included_regions: list[str] = field(default_factory=list)
    service_users: list[PduJourneyLine] = field(default_factory=list)
    service_user_travel: str = ""  # how the journeys were measured, e.g. "road network (...)"
    summary_for: str = "the whole plan (all regions)"  # what the summary's figures count
    summary_note: str = ""  # e.g. needs of the chosen regions placed at sites outside them
    whole_plan: bool = True  # False when the summary counts only part of the plan
    sites_chosen: bool = False  # the report covers chosen sites, not whole regions
    travel_text: str = ""  # how journeys are measured, the one wording (travel_measure_text)
    figures: PlanFigures | None = None  # the summary's money, weights and score (same scope)
    summary_need_ids: frozenset[str] = frozenset()  # the needs the summary counts

    @property
    def service_user_groups(self) -> list[tuple[str, list[PduJourneyLine]]]:
        """The service-user lines under their regions, in order: (region, lines)."""
        groups: dict[str, list[PduJourneyLine]] = {}
        for line in self.service_users:
            groups.setdefault(line.region, []).append(line)
        return list(groups.items())

    @property
    def has_journey_minutes(self) -> bool:
        return any(line.mean_minutes is not None for line in self.service_users)

    @property
    def sections(self) -> list[SiteSection]:
        return [s for g in self.regions for s in g.sections]


# --- small helpers ---------------------------------------------------------------------------

def plural(count: int, word: str) -> str:
    """"1 interview room", "2 interview rooms", "0 desks"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def money(value: float) -> str:
    """£ with thousands separators and no pence: how every report figure reads."""
    sign = "−" if value < -0.5 else ""
    return f"{sign}£{abs(value):,.0f}"


def percent(part: float, whole: float) -> str:
    return "–" if whole <= 0 else f"{100.0 * part / whole:.0f}%"


def kpi_lines(scenario: Scenario, result: PlanResult) -> list[KpiLine]:
    """The KPI table, from :func:`estates_planner.report.kpis.kpi_rows` so the app agrees.

    Rows are grouped by their section (money, service-user travel, needs, planning weights,
    optimiser score, then "Plan"); ``text`` is
    :func:`~estates_planner.report.kpis.format_value` of the row.
    """
    return _kpi_lines(compute_kpis(scenario, result))


def _kpi_lines(kpis: Kpis) -> list[KpiLine]:
    return [KpiLine(row.label, format_value(row.value, row.unit),
                    float(row.value) if isinstance(row.value, int | float) else None,
                    row.section)
            for row in kpi_rows(kpis)]


def travel_measure_text(travel_name: str | None) -> str:
    """How journeys are measured, in the one wording every page of the PDF and the CLI use:
    "Journeys measured along the road network (roads.gpkg)" or "... as straight lines"."""
    if not travel_name or travel_name.startswith("straight line"):
        return "Journeys measured as straight lines (British National Grid)"
    return f"Journeys measured along the {travel_name}"


def data_sources(metadata: Mapping[str, str] | None, scenario: Scenario,
                 travel_model=None) -> list[str]:
    """Where the figures come from, for the cover: the project's source notes, what the data
    holds and how journeys are measured (``travel_model``, else the scenario's own, in the
    words of :func:`travel_measure_text`), then any notes (such as "illustrative")."""
    sources: list[str] = []
    notes: list[str] = []
    for key, value in sorted((metadata or {}).items()):
        k = key.lower()
        label = f"{key.replace('_', ' ').capitalize()}: {value}"
        if value and any(w in k for w in ("source", "file", "imported", "origin")):
            sources.append(label)
        elif value and "note" in k:
            notes.append(label)
    ds = scenario.dataset
    sources.append(f"{len(ds.sites)} sites, {len(ds.needs)} service needs, "
                   f"{len(ds.providers)} providers in {len(ds.regions)} regions")
    model = travel_model if travel_model is not None else scenario.travel
    sources.append(travel_measure_text(getattr(model, "name", None)))
    return sources + notes


def service_user_lines(scenario: Scenario, result: PlanResult,
                       travel_model=None) -> tuple[list[PduJourneyLine], str]:
    """Per PDU (by region): separate sites attended and the mean journey; and the model name.

    From :func:`estates_planner.travel.service_user_view`, so the app and the PDF agree.
    Journeys no road joins are left out of the means and counted in ``unreachable``.
    """
    from estates_planner.travel import service_user_view

    view = service_user_view(scenario, result, travel_model)
    needs: Counter[str] = Counter(n.pdu for n in scenario.dataset.needs)
    lines = []
    for p in view.pdus:
        reachable = [j for j in p.journeys if math.isfinite(j.distance_km)]
        km = [j.distance_km for j in reachable]
        minutes = [j.minutes for j in reachable if j.minutes is not None]
        lines.append(PduJourneyLine(
            region=p.region, pdu=p.pdu, locations=p.location_count, needs=needs[p.pdu],
            mean_km=sum(km) / len(km) if km else None,
            mean_minutes=sum(minutes) / len(minutes) if minutes else None,
            longest_km=max(km) if km else None,
            unreachable=len(p.journeys) - len(reachable)))
    lines.sort(key=lambda line: (line.region, line.pdu))
    return lines, view.travel_name


# --- the content -----------------------------------------------------------------------------

def build_report_content(
    scenario: Scenario,
    result: PlanResult,
    *,
    project_name: str = "",
    metadata: Mapping[str, str] | None = None,
    regions: Iterable[str] | None = None,
    site_ids: Iterable[str] | None = None,
    created: date | None = None,
    title: str = "Site plan",
    travel_model=None,
) -> ReportContent:
    """Gather the content of a site plan for ``scenario`` and its plan ``result``.

    Parameters
    ----------
    regions, site_ids
        Limit the report to these regions and/or sites; None means all. The site sections,
        the appendix and the summary then all count the same needs (see
        :func:`summary_plan`), so the summary's figures add up to the pages after it; with
        no limit the summary is the whole plan's and equals the app's figures.
    created
        The date printed on the report; today when None.
    travel_model
        How the service-user journeys are measured (e.g. the project's road network, from
        :func:`estates_planner.travel.resolve.travel_model_for`), named in the data sources;
        by default the scenario's own, else straight lines.
    """
    ds = scenario.dataset
    region_filter = set(regions) if regions else None
    site_filter = set(site_ids) if site_ids else None
    if region_filter is not None:
        unknown = region_filter - set(ds.regions)
        if unknown:
            from estates_planner.errors import ExportError

            raise ExportError(f"unknown region(s) {', '.join(sorted(unknown))}; the project "
                              f"has: {', '.join(ds.regions)}")

    def site_included(site: Site) -> bool:
        if site_filter is not None and site.site_id not in site_filter:
            return False
        return region_filter is None or site.region in region_filter

    def unplaced_included(need: ServiceNeed) -> bool:
        # an unplaced need is at no site: it belongs to its region, and to no site choice
        return site_filter is None and (region_filter is None or need.region in region_filter)

    limited = region_filter is not None or site_filter is not None
    summary_result = (summary_plan(scenario, result, site_included, unplaced_included)
                      if limited else result)
    kpis = compute_kpis(scenario, summary_result)
    in_scope = {a.need_id for a in summary_result.allocations}

    by_site: dict[str, list[ServiceNeed]] = defaultdict(list)
    for a in result.allocations:
        if a.site_id is not None and ds.has_site(a.site_id) and ds.has_need(a.need_id):
            by_site[a.site_id].append(ds.need(a.need_id))

    used_sites = [ds.site(sid) for sid in by_site if ds.has_site(sid)]
    groups: dict[str, list[SiteSection]] = defaultdict(list)
    for site in sorted(used_sites, key=lambda s: (s.region, s.name, s.site_id)):
        if site_included(site):
            groups[site.region].append(_site_section(scenario, result, site, by_site,
                                                     used_sites))
    region_groups = [RegionGroup(name, groups[name]) for name in sorted(groups)]

    # appendix: the needs the summary counts (placed at included sites, or unplaced in an
    # included region), so its rows add up to the summary's needs placed and unplaced
    header = ["Need", "Provider", "Lot", "PDU", "Site", "Kind", "Desks", "Rooms", "Days",
              "Travel km", "Notes"]
    appendix: list[list[str]] = []
    for row, need in zip(allocation_rows(scenario, result), ds.needs, strict=True):
        if limited and need.need_id not in in_scope:
            continue
        km = row["travel_km"]
        note = "paired" if row["paired"] else str(row["unplaced_reason"] or "")
        appendix.append([
            str(row["need_id"]), str(row["provider"]), SHORT_LOT[need.lot],
            str(row["pdu"]),
            str(row["site_name"]) or "— unplaced —",
            SiteKind(row["site_kind"]).value.capitalize() if row["site_kind"] else "",
            str(row["desks"]), str(row["interview_rooms"]), str(row["days_per_week"]),
            f"{km:.1f}" if isinstance(km, float) else "", note,
        ])

    scope = ("All regions" if region_filter is None
             else "Regions: " + ", ".join(sorted(region_filter)))
    if site_filter is not None:
        scope += f"; {len(site_filter)} selected site(s)"

    journeys, travel_name = service_user_lines(scenario, result, travel_model)
    summary_for, note = "the whole plan (all regions)", ""
    if limited:
        pdus = {ds.need(nid).pdu for nid in in_scope}
        journeys = [line for line in journeys if line.pdu in pdus]
        summary_for = _summary_for(region_filter, site_filter, ds)
        note = _scope_note(scenario, result, in_scope, region_filter)
    return ReportContent(
        title=title,
        project_name=project_name or "Estates Planner project",
        scenario_name=scenario.name,
        scenario_description=scenario.description,
        created=created or date.today(),
        status_text=_status_text(result),
        data_sources=data_sources(metadata, scenario, travel_model),
        scope_text=scope,
        kpis=_kpi_lines(kpis),
        placed_by_lot_kind=[[str(c) for c in row] for row in kpis.placed_table()],
        authority_share=(kpis.ete_acc_in_authority, kpis.ete_acc_placed),
        wellbeing_paired=(kpis.wellbeing_paired, kpis.wellbeing_placed),
        locations_per_pdu=_locations_per_pdu(scenario, kpis, in_scope if limited else None),
        unplaced=[(u.need_id, u.provider, u.lot.label, u.region,
                   u.reason or "no allowed site with room") for u in kpis.unplaced],
        rules=_rules(scenario.settings),
        weights=_weights(scenario.settings),
        edits=_edits(scenario),
        regions=region_groups,
        appendix_header=header,
        appendix=appendix,
        included_regions=sorted(region_filter) if region_filter else [],
        service_users=journeys,
        service_user_travel=travel_name,
        summary_for=summary_for,
        summary_note=note,
        whole_plan=not limited,
        sites_chosen=site_filter is not None,
        travel_text=travel_measure_text(travel_name),
        figures=kpis.figures,
        summary_need_ids=frozenset(in_scope),
    )


def summary_plan(scenario: Scenario, result: PlanResult,
                 site_included: Callable[[Site], bool],
                 unplaced_included: Callable[[ServiceNeed], bool]) -> PlanResult:
    """The part of ``result`` a report limited to some regions or sites counts.

    A placed need counts when its site is included (so the summary adds up to the site
    sections), an unplaced one when ``unplaced_included`` says so (its region is chosen).
    The objective terms are those of the counted part, priced as the optimiser prices them:
    each need's own desk cost, travel, authority penalty, pairing bonus and move; the
    fit-out of the included sites used; the separate-location penalty once per (PDU, site)
    pair counted; the unplaced penalty per counted unplaced need. Over a split of the plan
    into regions the parts' terms add up to the whole plan's. Status and gap stay the whole
    plan's: the optimiser proves nothing about a part.
    """
    ds, st = scenario.dataset, scenario.settings
    allocations = []
    for a in result.allocations:
        if not ds.has_need(a.need_id):
            continue  # compute_kpis names the mismatch for the whole plan
        if a.site_id is None:
            if unplaced_included(ds.need(a.need_id)):
                allocations.append(a)
        elif ds.has_site(a.site_id) and site_included(ds.site(a.site_id)):
            allocations.append(a)
    placed = [a for a in allocations if a.site_id is not None]
    used = {a.site_id for a in placed}
    pairs = {(ds.need(a.need_id).pdu, a.site_id) for a in placed}
    terms = {
        "desk_cost": sum(a.desk_cost for a in placed),
        "fit_out": sum(ds.site(sid).fit_out_cost for sid in used) / st.amortisation_years,
        "travel": sum(a.travel_cost for a in placed),
        "locations": st.location_penalty * len(pairs),
        "authority_preference": sum(a.authority_penalty for a in placed),
        "pairing": -sum(a.pairing_bonus for a in placed),
        "same_day": -sum(a.same_day_bonus for a in placed),
        "unplaced": st.unplaced_penalty * (len(allocations) - len(placed)),
        "moves": st.move_penalty * sum(a.moved for a in placed),
    }
    return dataclasses.replace(
        result, allocations=tuple(allocations), terms=terms,
        objective=float(sum(terms.values())),
        site_usage={sid: u for sid, u in result.site_usage.items() if sid in used})


def _summary_for(regions: set[str] | None, sites: set[str] | None, ds: Dataset) -> str:
    """What a limited summary covers, as its page says: "London, South West; 3 sites"."""
    parts = []
    if regions is not None:
        parts.append(", ".join(sorted(regions)))
    if sites is not None:
        names = sorted(ds.site(s).name for s in sites if ds.has_site(s))
        parts.append(", ".join(names) if len(names) <= 3
                     else f"{len(names)} selected sites")
    return "; ".join(parts)


def _scope_note(scenario: Scenario, result: PlanResult, in_scope: set[str],
                regions: set[str] | None) -> str:
    """Say so when the chosen regions' needs and the chosen sites' needs differ (rule R5
    off): the summary counts by site, and a reader of one region should know."""
    if regions is None:
        return ""
    ds = scenario.dataset
    out_of = sum(1 for a in result.allocations
                 if a.site_id is not None and a.need_id not in in_scope
                 and ds.has_need(a.need_id) and ds.need(a.need_id).region in regions)
    into = sum(1 for nid in in_scope if ds.has_need(nid)
               and ds.need(nid).region not in regions)
    parts = []
    if out_of:
        parts.append(f"{out_of} need{'s' if out_of != 1 else ''} of these regions "
                     f"{'are' if out_of != 1 else 'is'} placed at sites outside them and "
                     "counted with those sites")
    if into:
        parts.append(f"{into} need{'s' if into != 1 else ''} of other regions "
                     f"{'are' if into != 1 else 'is'} placed here and counted")
    return "; ".join(parts) + "." if parts else ""


def _status_text(result: PlanResult) -> str:
    words = {"optimal": "proven optimal", "feasible": "best found in the time limit",
             "greedy": "greedy baseline (not optimised)", "evaluated": "costed as given",
             "cancelled": "best found before cancelling", "infeasible": "no feasible plan"}
    text = f"Plan status: {words.get(result.status, result.status)}"
    most = result.most_above_best
    if most is not None and math.isfinite(result.gap):
        text += (f" (optimiser score at most {most:,.0f} points, {100 * result.gap:.2f}%, "
                 "above the best possible plan)")
    return text


def _site_section(scenario: Scenario, result: PlanResult, site: Site,
                  by_site: Mapping[str, list[ServiceNeed]],
                  used_sites: Sequence[Site]) -> SiteSection:
    needs = sorted(by_site[site.site_id], key=lambda n: (n.provider, n.lot.value, n.need_id))
    desks, rooms = scenario.site_capacity(site)
    usage = result.site_usage.get(site.site_id)
    desk_used = usage.desk_days_used if usage else sum(n.desk_days for n in needs)
    room_used = usage.room_days_used if usage else sum(n.room_days for n in needs)
    desk_avail = usage.desk_days_available if usage else 5 * desks
    room_avail = usage.room_days_available if usage else 5 * rooms
    cost = f"£{site.annual_cost_per_desk:,.0f} per desk a year"
    facts = [
        ("Kind", site.kind.label),
        ("Women-only", "yes" if site.women_only else "no"),
        ("Capacity", plural(desks, "desk")
         + (f" (of {site.desks})" if desks != site.desks else "")
         + f", {plural(rooms, 'interview room')}" + (f" (of {site.interview_rooms})"
                                                     if rooms != site.interview_rooms else "")),
        ("Cost", cost),
    ]
    if site.fit_out_cost:
        facts.append(("Fit-out", f"£{site.fit_out_cost:,.0f}"))
    if site.available_from is not None:
        facts.append(("Available from", site.available_from.isoformat()))
    if site.step_free is not None:
        facts.append(("Step-free access", "yes" if site.step_free else "no"))
    facts.append(("Grid reference", f"E {site.easting:,.0f}  N {site.northing:,.0f}"))

    occupants = []
    for n in needs:
        a = result.allocation(n.need_id)
        occupants.append(Occupant(
            need_id=n.need_id, provider=n.provider, lot=n.lot.label, pdu=n.pdu,
            desks=n.desks, interview_rooms=n.interview_rooms, days_per_week=n.days_per_week,
            days=", ".join(WEEKDAYS[i] for i in n.fixed_days),
            desk_days=n.desk_days, travel_km=a.travel_km, paired=a.paired,
            fixed_days=n.fixed_days))

    return SiteSection(
        site=site, facts=facts, occupants=occupants,
        desk_days_used=desk_used, desk_days_available=desk_avail,
        room_days_used=room_used, room_days_available=room_avail,
        partners=_partners(scenario, site, by_site, used_sites),
        week=site_week(scenario, result, site.site_id))


def _partners(scenario: Scenario, site: Site, by_site: Mapping[str, list[ServiceNeed]],
              used_sites: Sequence[Site]) -> list[Partner]:
    """Providers sharing the site, and those at used sites within the pairing radius."""
    seen: set[tuple[str, str]] = set()
    partners: list[Partner] = []
    for n in sorted(by_site[site.site_id], key=lambda n: (n.provider, n.lot.value)):
        if (n.provider, n.lot.label) not in seen:
            seen.add((n.provider, n.lot.label))
            partners.append(Partner(n.provider, n.lot.label, "same site"))
    radius = scenario.settings.pairing_radius_km
    nearby = []
    for other in used_sites:
        if other.site_id == site.site_id:
            continue
        km = math.hypot(other.easting - site.easting, other.northing - site.northing) / 1000
        if km <= radius + 1e-9:
            nearby.append((km, other))
    for km, other in sorted(nearby, key=lambda t: (t[0], t[1].name)):
        for n in sorted(by_site[other.site_id], key=lambda n: (n.provider, n.lot.value)):
            partners.append(Partner(n.provider, n.lot.label, f"{other.name}, {km:.1f} km"))
    # only one entry per provider, lot and place
    unique: dict[tuple[str, str, str], Partner] = {}
    for p in partners:
        unique.setdefault((p.provider, p.lot, p.where), p)
    return list(unique.values())


def _locations_per_pdu(scenario: Scenario, kpis: Kpis, in_scope: set[str] | None = None
                       ) -> list[tuple[str, str, int, int]]:
    """(region, PDU, distinct sites used, needs) for every PDU of the data (or with a need
    in ``in_scope``), by region."""
    ds = scenario.dataset
    needs: Counter[tuple[str, str]] = Counter((n.region, n.pdu) for n in ds.needs)
    if in_scope is not None:
        pdus = {ds.need(nid).pdu for nid in in_scope}
        needs = Counter({k: v for k, v in needs.items() if k[1] in pdus})
    return [(r, p, kpis.locations_per_pdu.get(p, 0), needs[(r, p)]) for r, p in sorted(needs)]


def _rules(s: Settings) -> list[tuple[str, str, str]]:
    rows = []
    for rule, title in RULE_TITLES.items():
        switch = _RULE_SWITCHES.get(rule)
        if rule == "R1":
            state = "strict" if s.strict else "unplaced allowed, with penalty"
        elif switch is None:
            state = "always"
        else:
            state = "on" if getattr(s, switch) else "off"
        rows.append((rule, title, state))
    return rows


def _weights(s: Settings) -> list[tuple[str, str]]:
    rows = []
    for name in Settings.WEIGHT_NAMES:
        label, fmt = WEIGHT_LABELS.get(name, (name, "{}"))
        rows.append((label, fmt.format(getattr(s, name))))
    rows.append(("Go-live date", s.go_live.isoformat() if s.go_live else "not set"))
    rows.append(("Travel measured in", "minutes" if s.travel_measure == "minutes" else "km"))
    return rows


def _edits(scenario: Scenario) -> list[str]:
    ds = scenario.dataset
    out = []

    def site_name(sid: str) -> str:
        return ds.site(sid).name if ds.has_site(sid) else sid

    for sid in sorted(scenario.closed_sites):
        out.append(f"Closed: {site_name(sid)}")
    for sid, o in sorted(scenario.capacity_overrides.items()):
        parts = []
        if o.desks is not None:
            parts.append(plural(o.desks, "desk"))
        if o.interview_rooms is not None:
            parts.append(plural(o.interview_rooms, "room"))
        out.append(f"Capacity of {site_name(sid)} set to {', '.join(parts)}")
    for nid, sid in sorted(scenario.pins.items()):
        out.append(f"Pinned: {nid} to {site_name(sid)}")
    for nid, sid in sorted(scenario.barred):
        out.append(f"Barred: {nid} from {site_name(sid)}")
    if scenario.baseline is not None:
        out.append("Re-planned from a baseline (moves penalised)")
    return out
