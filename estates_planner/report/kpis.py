"""Key figures of a plan, in one order and one format for every place that shows them.

The GUI's KPI panel, the PDF summary page and the scenario comparison table all call
:func:`kpi_rows` and :func:`format_value`, so the three can never disagree about a figure, its
label or how it is rounded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from estates_planner.errors import ScenarioError
from estates_planner.model import Lot, Scenario, Settings, SiteKind
from estates_planner.optimise.result import TERM_NAMES, PlanResult
from estates_planner.report.figures import POINTS, PlanFigures, compute_figures, figure_rows

DAYS_PER_WEEK = 5
NOT_AVAILABLE = "n/a"

Number = float | int


class KpiRow(NamedTuple):
    """One line of the KPI table: ``value`` is a number, or ``"n/a"`` when it has no meaning
    (a share of nothing); ``unit`` is "£" (money only), "points" (planning weights and the
    optimiser score, never money), "person-km", "%", "needs", "desks", "sites" or
    "desk-days"; ``section`` groups the rows (see :mod:`estates_planner.report.figures`)."""

    label: str
    value: float | int | str
    unit: str
    section: str = "Plan"


@dataclass(frozen=True, slots=True)
class UnplacedNeed:
    need_id: str
    provider: str
    lot: Lot
    region: str
    reason: str


@dataclass(frozen=True)
class Kpis:
    """The figures a planner judges a plan by.

    Shares are percentages (0-100) and are ``None`` when there is nothing to share out (no
    ETE/accommodation need placed, no wellbeing need placed, no site used). Utilisation is
    desk-days used against desk-days available (5 x desks, after the scenario's capacity
    overrides) at the sites the plan uses; closed or unused sites do not dilute it.
    """

    scenario_name: str
    status: str
    terms: Mapping[str, float]  # every name in TERM_NAMES, annual GBP
    objective: float
    gap: float
    needs_total: int
    needs_placed: int
    placed_by_lot: Mapping[Lot, int]  # every Lot
    placed_by_kind: Mapping[SiteKind, int]  # every SiteKind
    placed_by_lot_kind: Mapping[tuple[Lot, SiteKind], int]  # every pair
    ete_acc_placed: int
    ete_acc_in_authority: int
    ete_acc_in_authority_pct: float | None
    wellbeing_placed: int
    wellbeing_paired: int
    wellbeing_paired_pct: float | None
    locations_per_pdu: Mapping[str, int]  # PDUs with at least one placed need
    locations_mean: float | None
    locations_max: int
    sites_used: int
    desk_days_placed: int
    desk_days_available: int  # at the sites used
    utilisation_pct: float | None
    site_desk_days: Mapping[str, tuple[int, int]]  # used site -> (used, available)
    unplaced: tuple[UnplacedNeed, ...]
    figures: PlanFigures  # money, travel, weights and penalties apart

    @property
    def needs_unplaced(self) -> int:
        return len(self.unplaced)

    def site_utilisation_pct(self, site_id: str) -> float | None:
        used, available = self.site_desk_days[site_id]
        return _pct(used, available)

    def placed_table(self) -> list[list[str | int]]:
        """Needs placed by lot (rows) and site kind (columns), with totals; for the summary."""
        kinds = list(SiteKind)
        table: list[list[str | int]] = [["Lot", *(k.label for k in kinds), "Total"]]
        for lot in Lot:
            counts = [self.placed_by_lot_kind[(lot, k)] for k in kinds]
            table.append([lot.label, *counts, self.placed_by_lot[lot]])
        table.append(["Total", *(self.placed_by_kind[k] for k in kinds), self.needs_placed])
        return table


def _pct(part: Number, whole: Number) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def compute_kpis(scenario: Scenario, result: PlanResult) -> Kpis:
    """Figures of ``result`` as a plan of ``scenario``.

    The objective terms are taken from the result as the solver costed them; everything else
    is counted from the allocations, so a hand-made or evaluated plan gets the same figures.
    Whether a wellbeing need is paired is the allocation's ``paired`` flag.

    Raises
    ------
    ScenarioError
        When the plan places a need at a site or uses a need the scenario's data does not have
        (the result belongs to another dataset).
    """
    ds = scenario.dataset
    terms = {name: float(result.terms.get(name, 0.0)) for name in TERM_NAMES}
    by_lot: Counter[Lot] = Counter()
    by_kind: Counter[SiteKind] = Counter()
    by_lot_kind: Counter[tuple[Lot, SiteKind]] = Counter()
    pdu_sites: dict[str, set[str]] = defaultdict(set)
    site_used: Counter[str] = Counter()
    ete_acc = ete_acc_auth = wellbeing = paired = 0
    unplaced: list[UnplacedNeed] = []
    for alloc in result.allocations:
        if not ds.has_need(alloc.need_id):
            raise ScenarioError(f"the plan '{result.scenario_name}' has need {alloc.need_id}, "
                                f"which scenario '{scenario.name}' does not have")
        need = ds.need(alloc.need_id)
        if alloc.site_id is None:
            unplaced.append(UnplacedNeed(need.need_id, need.provider, need.lot, need.region,
                                         alloc.unplaced_reason))
            continue
        if not ds.has_site(alloc.site_id):
            raise ScenarioError(f"the plan '{result.scenario_name}' places {need.need_id} at "
                                f"site {alloc.site_id}, which scenario '{scenario.name}' does "
                                "not have")
        site = ds.site(alloc.site_id)
        by_lot[need.lot] += 1
        by_kind[site.kind] += 1
        by_lot_kind[(need.lot, site.kind)] += 1
        pdu_sites[need.pdu].add(site.site_id)
        site_used[site.site_id] += need.desk_days
        if need.lot.prefers_authority:
            ete_acc += 1
            ete_acc_auth += site.kind is SiteKind.AUTHORITY
        elif need.lot is Lot.WELLBEING:
            wellbeing += 1
            paired += alloc.paired
    site_desk_days = {
        sid: (used, DAYS_PER_WEEK * scenario.site_capacity(ds.site(sid))[0])
        for sid, used in sorted(site_used.items())
    }
    placed_total = sum(by_lot.values())
    locations = {pdu: len(sites) for pdu, sites in sorted(pdu_sites.items())}
    desk_days_placed = sum(used for used, _ in site_desk_days.values())
    desk_days_available = sum(avail for _, avail in site_desk_days.values())
    return Kpis(
        scenario_name=scenario.name,
        status=result.status,
        terms=MappingProxyType(terms),
        objective=float(result.objective),
        gap=float(result.gap),
        needs_total=len(result.allocations),
        needs_placed=placed_total,
        placed_by_lot=MappingProxyType({lot: by_lot[lot] for lot in Lot}),
        placed_by_kind=MappingProxyType({k: by_kind[k] for k in SiteKind}),
        placed_by_lot_kind=MappingProxyType(
            {(lot, k): by_lot_kind[(lot, k)] for lot in Lot for k in SiteKind}),
        ete_acc_placed=ete_acc,
        ete_acc_in_authority=ete_acc_auth,
        ete_acc_in_authority_pct=_pct(ete_acc_auth, ete_acc),
        wellbeing_placed=wellbeing,
        wellbeing_paired=paired,
        wellbeing_paired_pct=_pct(paired, wellbeing),
        locations_per_pdu=MappingProxyType(locations),
        locations_mean=(sum(locations.values()) / len(locations)) if locations else None,
        locations_max=max(locations.values(), default=0),
        sites_used=len(site_desk_days),
        desk_days_placed=desk_days_placed,
        desk_days_available=desk_days_available,
        utilisation_pct=_pct(desk_days_placed, desk_days_available),
        site_desk_days=MappingProxyType(site_desk_days),
        unplaced=tuple(unplaced),
        figures=compute_figures(scenario, result),
    )


def _or_na(value: float | None) -> float | str:
    return NOT_AVAILABLE if value is None else value


def kpi_rows(kpis: Kpis) -> list[KpiRow]:
    """The KPI table in its one fixed order (the same rows for every plan, so two plans'
    tables line up row by row)."""
    rows = [KpiRow(_unit_label(r.label, r.unit), r.value, r.unit, r.section)
            for r in figure_rows(kpis.figures)]
    rows += [KpiRow(f"Placed: {lot.label}", kpis.placed_by_lot[lot], "needs") for lot in Lot]
    rows += [KpiRow(f"Placed in: {kind.label}", kpis.placed_by_kind[kind], "needs")
             for kind in SiteKind]
    rows += [
        KpiRow("ETE/accommodation in authority sites", kpis.ete_acc_in_authority, "needs"),
        KpiRow("ETE/accommodation in authority sites (share)",
               _or_na(kpis.ete_acc_in_authority_pct), "%"),
        KpiRow("Wellbeing needs paired", kpis.wellbeing_paired, "needs"),
        KpiRow("Wellbeing needs paired (share)", _or_na(kpis.wellbeing_paired_pct), "%"),
        KpiRow("Separate locations per PDU (mean)", _or_na(kpis.locations_mean), "sites"),
        KpiRow("Separate locations per PDU (most)", kpis.locations_max, "sites"),
        KpiRow("Sites used", kpis.sites_used, "sites"),
        KpiRow("Desk-days placed a week", kpis.desk_days_placed, "desk-days"),
        KpiRow("Desk utilisation of sites used", _or_na(kpis.utilisation_pct), "%"),
    ]
    return rows


def _unit_label(label: str, unit: str) -> str:
    """A label that says its unit where the value alone does not ("… (points)")."""
    return f"{label} ({unit})" if unit in (POINTS, "person-km") else label


def format_value(value: float | int | str | None, unit: str) -> str:
    """A KPI value as people read it: "£1,234,567", "66.7%", "1,200", "1.5"; "n/a" for none.

    Pounds are rounded to whole pounds (unit "£2dp": to pence); points (weights, the
    optimiser score) and person-km to whole numbers, never with a £ sign; percentages and
    fractional counts to one decimal.
    """
    if value is None or isinstance(value, str):
        return NOT_AVAILABLE if value is None else value
    if unit in ("£", "£2dp"):
        digits = 2 if unit == "£2dp" else 0
        text = f"£{abs(value):,.{digits}f}"
        return "-" + text if round(value, digits) < 0 else text
    if unit == "%":
        return f"{value:.1f}%"
    if unit in (POINTS, "person-km"):
        text = f"{abs(value):,.0f}"
        return "-" + text if round(value) < 0 else text
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def format_delta(delta: float | int | None, unit: str) -> str:
    """A change between two plans with its sign: "+£2,000", "-£500", "+12.5 pp", "-3", "0".

    A change in a percentage is in percentage points ("pp"). ``None`` (a share that one of the
    plans does not have) reads "n/a".
    """
    if delta is None:
        return NOT_AVAILABLE
    if unit == "%":
        text = f"{abs(delta):.1f} pp"
        zero = text.startswith("0.0 ")
    else:
        text = format_value(abs(delta), unit)
        zero = text in ("£0", "0", "0.0")
    if zero:
        return text
    return ("+" if delta > 0 else "-") + text


def settings_rows(settings: Settings) -> list[tuple[str, str]]:
    """The rules and weights a plan was made under, as (label, value) text for the summary
    page and the GUI, in a fixed order (switches first, then weights)."""
    per = "person-minute" if settings.travel_measure == "minutes" else "person-km"
    on = {True: "on", False: "off"}
    return [
        ("R3 Women's services only at women-only sites", on[settings.women_only_sites]),
        ("R4 Wellbeing needs not at authority sites", on[settings.wellbeing_outside_authority]),
        ("R5 Needs placed in their own region", on[settings.same_region]),
        ("Strict mode (every need must be placed)", on[settings.strict]),
        ("Go-live date", settings.go_live.isoformat() if settings.go_live else "not set"),
        ("Travel weight", f"{settings.travel_weight:,.2f} points per {per}"),
        ("Fit-out amortised over", f"{settings.amortisation_years:g} years"),
        ("Separate location penalty", f"{settings.location_penalty:,.0f} points per "
                                      "site a PDU uses"),
        ("Not in authority property", f"{settings.authority_preference:,.0f} points "
                                      "per ETE/accommodation need"),
        ("Wellbeing pairing bonus", f"{settings.pairing_bonus:,.0f} points off per paired "
                                    f"need, within {settings.pairing_radius_km:g} km"),
        ("Unplaced penalty", f"{settings.unplaced_penalty:,.0f} points per need"),
        ("Move penalty", f"{settings.move_penalty:,.0f} points per need moved from "
                         "the baseline"),
    ]
