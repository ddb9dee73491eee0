"""The domain model: sites, service needs, scenario settings and allocations.

Plain immutable values, so that a scenario can be handed to a worker thread, compared with
another, and kept in an undo stack without defensive copies. Coordinates are British National
Grid (EPSG:27700) metres throughout; distances elsewhere are kilometres.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # geo imports the model; the protocol is needed only for the annotation
    from estates_planner.geo import TravelModel

BNG_EPSG = 27700
# the weekdays a site is planned on (issue 17); a need's days are indexes into this, 0 = Mon
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")


def format_weekdays(days: Sequence[int]) -> str:
    """"Mon,Tue,Thu" for ``(0, 1, 3)``; "" for no days."""
    return ",".join(WEEKDAYS[d] for d in sorted(days))
WGS84_EPSG = 4326

_EMPTY: Mapping[str, object] = MappingProxyType({})


class SiteKind(str, Enum):
    AUTHORITY = "authority"  # probation office
    PROVIDER = "provider"  # owned or leased by a provider
    MARKET = "market"  # available to rent

    @property
    def label(self) -> str:
        return {"authority": "Authority (probation office)", "provider": "Provider-owned",
                "market": "Market property"}[self.value]


class Lot(str, Enum):
    ETE = "ete"
    ACCOMMODATION = "accommodation"
    WELLBEING = "wellbeing"
    WOMENS = "womens"

    @property
    def label(self) -> str:
        return {"ete": "ETE", "accommodation": "Accommodation", "wellbeing": "Personal wellbeing",
                "womens": "Women's services"}[self.value]

    @property
    def prefers_authority(self) -> bool:
        """ETE and accommodation are offered space in authority properties where possible."""
        return self in (Lot.ETE, Lot.ACCOMMODATION)


@dataclass(frozen=True, slots=True)
class Site:
    site_id: str
    name: str
    region: str
    pdu: str
    kind: SiteKind
    women_only: bool
    desks: int
    interview_rooms: int
    annual_cost_per_desk: float
    easting: float
    northing: float
    fit_out_cost: float = 0.0
    available_from: date | None = None
    step_free: bool | None = None
    extra: Mapping[str, object] = field(default_factory=lambda: _EMPTY, compare=False)
    # the lease's last day (None: open-ended); judged per contract year (docs/optimiser.md).
    # Last, so that positional construction up to ``extra`` is unchanged.
    available_until: date | None = None

    @property
    def xy(self) -> tuple[float, float]:
        return (self.easting, self.northing)


@dataclass(frozen=True, slots=True)
class ServiceNeed:
    """One provider's need for space in one area."""

    need_id: str
    provider: str
    lot: Lot
    region: str
    pdu: str
    desks: int
    interview_rooms: int
    days_per_week: int
    caseload: float
    easting: float
    northing: float
    max_travel_km: float | None = None
    # where the service-user point came from: "own" (the row), "demand" (PDU point from the
    # demand table) or "authority mean" (mean of the PDU's authority sites)
    location_source: str = "own"
    # weekdays the need must keep (0 = Monday .. 4 = Friday), from the needs' ``days``
    # column; empty when the optimiser may choose them (issue 17)
    fixed_days: tuple[int, ...] = ()
    extra: Mapping[str, object] = field(default_factory=lambda: _EMPTY, compare=False)

    @property
    def xy(self) -> tuple[float, float]:
        return (self.easting, self.northing)

    @property
    def desk_days(self) -> int:
        return self.desks * self.days_per_week

    @property
    def room_days(self) -> int:
        return self.interview_rooms * self.days_per_week


@dataclass(frozen=True, slots=True)
class DemandPoint:
    """Where a PDU's service users come from, when a need row does not say."""

    pdu: str
    easting: float
    northing: float


@dataclass(frozen=True)
class Dataset:
    """The sites and needs of a project, as imported and validated."""

    sites: tuple[Site, ...]
    needs: tuple[ServiceNeed, ...]
    demand: tuple[DemandPoint, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sites_by_id", {s.site_id: s for s in self.sites})
        object.__setattr__(self, "_needs_by_id", {n.need_id: n for n in self.needs})

    def site(self, site_id: str) -> Site:
        return self._sites_by_id[site_id]  # type: ignore[attr-defined]

    def need(self, need_id: str) -> ServiceNeed:
        return self._needs_by_id[need_id]  # type: ignore[attr-defined]

    def has_site(self, site_id: str) -> bool:
        return site_id in self._sites_by_id  # type: ignore[attr-defined]

    def has_need(self, need_id: str) -> bool:
        return need_id in self._needs_by_id  # type: ignore[attr-defined]

    @property
    def regions(self) -> list[str]:
        return sorted({s.region for s in self.sites} | {n.region for n in self.needs})

    @property
    def providers(self) -> list[str]:
        return sorted({n.provider for n in self.needs})


@dataclass(frozen=True, slots=True)
class Settings:
    """Rule switches and objective weights of a scenario (names as in the settings TOML)."""

    travel_weight: float = 2.0  # GBP per person-km (or per person-minute with a network)
    amortisation_years: float = 4.0
    location_penalty: float = 5_000.0  # GBP per distinct site used by a PDU's needs
    authority_preference: float = 10_000.0  # GBP per ETE/accommodation need not in authority
    pairing_bonus: float = 5_000.0  # GBP off per paired wellbeing need
    pairing_radius_km: float = 0.5
    unplaced_penalty: float = 1_000_000.0
    move_penalty: float = 2_000.0
    go_live: date | None = None
    women_only_sites: bool = True  # R3
    wellbeing_outside_authority: bool = True  # R4
    same_region: bool = True  # R5
    strict: bool = False
    travel_measure: str = "km"  # "km" or "minutes" when a travel network is loaded
    time_limit_s: float = 10.0
    # the contract plan (issue 15): years planned together; 1 plans one static year as before
    contract_years: int = 1
    contract_start: date | None = None  # first day of year 1; None means go_live
    keep_sites_across_years: bool = False  # a need stays at one site in every year placed
    # a placed need whose journey is longer than this is flagged (not a rule: a warning)
    journey_warning_km: float = 60.0
    # the late-data robustness study (estates_planner.studies, docs/robustness.md): how many
    # sampled futures, their seed, and how volumes, late needs and sites change in each
    samples: int = 100
    seed: int = 0
    need_change_pct: float = 20.0  # each need's desks and caseload scaled within ± this
    late_need_rate: float = 0.05  # extra needs arriving late, per need of the data
    site_delay_prob: float = 0.1  # a site not yet available slips by six months
    site_loss_prob: float = 0.02  # a site drops out
    # CP-SAT deterministic time per sample's solve (not wall time, so that results do not
    # depend on how loaded the machine is); see docs/robustness.md for its measurement
    sample_work_limit: float = 2.0
    headroom_pct: tuple[float, ...] = (5.0, 10.0, 15.0)  # candidates' capacity held back
    # R2 per weekday: every site's desks and rooms hold on each day of a weekly rota; off
    # gives the weekly desk-day total alone (the rule before issue 17)
    daily_capacity: bool = True
    same_day_bonus: float = 2_000.0  # GBP off per paired wellbeing need sharing a weekday

    WEIGHT_NAMES = ("travel_weight", "amortisation_years", "location_penalty",
                    "authority_preference", "pairing_bonus", "pairing_radius_km",
                    "unplaced_penalty", "move_penalty", "same_day_bonus")
    SWITCH_NAMES = ("women_only_sites", "wellbeing_outside_authority", "same_region", "strict",
                    "daily_capacity")
    STUDY_NAMES = ("samples", "seed", "need_change_pct", "late_need_rate", "site_delay_prob",
                   "site_loss_prob", "sample_work_limit", "headroom_pct")

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CapacityOverride:
    desks: int | None = None
    interview_rooms: int | None = None


@dataclass(frozen=True)
class Scenario:
    """The data plus everything a planner can change about it.

    ``pins`` fixes a need to a site (R8); ``closed_sites`` takes sites out of use; ``barred``
    forbids single need/site pairs; ``baseline`` is a previous plan (need_id -> site_id or None)
    for the minimal-disruption re-plan (move penalty).
    """

    name: str
    dataset: Dataset
    settings: Settings = Settings()
    pins: Mapping[str, str] = field(default_factory=dict)
    closed_sites: frozenset[str] = frozenset()
    barred: frozenset[tuple[str, str]] = frozenset()
    capacity_overrides: Mapping[str, CapacityOverride] = field(default_factory=dict)
    baseline: Mapping[str, str | None] | None = None
    description: str = ""
    # a geo.TravelModel; None means straight-line km in British National Grid
    travel: TravelModel | None = field(default=None, compare=False)
    # the last day the plan must hold for: a site whose lease (available_until) ends before
    # it is unavailable (R7). Set only on the per-year scenarios of a contract plan; None
    # (every saved scenario) ignores lease ends, as single-year plans always have.
    period_end: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "pins", MappingProxyType(dict(self.pins)))
        object.__setattr__(self, "capacity_overrides",
                           MappingProxyType(dict(self.capacity_overrides)))
        object.__setattr__(self, "closed_sites", frozenset(self.closed_sites))
        object.__setattr__(self, "barred", frozenset(self.barred))
        if self.baseline is not None:
            object.__setattr__(self, "baseline", MappingProxyType(dict(self.baseline)))

    def replace(self, **changes: object) -> Scenario:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    # what-if edits, each returning a new scenario
    def with_pin(self, need_id: str, site_id: str | None) -> Scenario:
        pins = dict(self.pins)
        if site_id is None:
            pins.pop(need_id, None)
        else:
            pins[need_id] = site_id
        return self.replace(pins=pins)

    def with_site_closed(self, site_id: str, closed: bool = True) -> Scenario:
        closed_sites = set(self.closed_sites)
        (closed_sites.add if closed else closed_sites.discard)(site_id)
        return self.replace(closed_sites=frozenset(closed_sites))

    def with_capacity(self, site_id: str, desks: int | None = None,
                      interview_rooms: int | None = None) -> Scenario:
        overrides = dict(self.capacity_overrides)
        if desks is None and interview_rooms is None:
            overrides.pop(site_id, None)
        else:
            overrides[site_id] = CapacityOverride(desks, interview_rooms)
        return self.replace(capacity_overrides=overrides)

    def with_settings(self, **changes: object) -> Scenario:
        return self.replace(settings=self.settings.replace(**changes))

    def site_capacity(self, site: Site) -> tuple[int, int]:
        """(desks, interview_rooms) of a site after this scenario's overrides."""
        o = self.capacity_overrides.get(site.site_id)
        if o is None:
            return site.desks, site.interview_rooms
        return (site.desks if o.desks is None else o.desks,
                site.interview_rooms if o.interview_rooms is None else o.interview_rooms)


@dataclass(frozen=True, slots=True)
class Allocation:
    """One need's place in a plan with its own cost terms (annual GBP).

    ``site_id`` is None for an unplaced need, and ``unplaced_reason`` then says why.
    Terms shared between needs (fit-out, separate locations) belong to the plan, not here.
    """

    need_id: str
    site_id: str | None
    desk_cost: float = 0.0
    travel_km: float | None = None
    travel_cost: float = 0.0
    authority_penalty: float = 0.0
    paired: bool = False
    pairing_bonus: float = 0.0
    moved: bool = False
    unplaced_reason: str = ""
    # the need's weekdays in the plan's rota (0 = Monday), empty when unplaced
    weekdays: tuple[int, ...] = ()
    same_day: bool = False  # a paired wellbeing need sharing a weekday with its pair
    same_day_bonus: float = 0.0

    @property
    def placed(self) -> bool:
        return self.site_id is not None
