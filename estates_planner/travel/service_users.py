"""A plan seen by people on probation: per PDU, how many places they go and how far.

The point of co-location is fewer, shorter journeys. For each PDU this lists the separate sites
its people attend for the services they need, and the journey to each from the PDU's
service-user point, by the scenario's travel model (road network or straight line).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from estates_planner.geo import StraightLine
from estates_planner.model import Scenario, ServiceNeed


@dataclass(frozen=True)
class Journey:
    """From a PDU's service-user point to one site it uses."""

    site_id: str
    site_name: str
    distance_km: float  # inf when the network does not join them
    minutes: float | None  # None when the travel model has no times
    need_ids: tuple[str, ...]
    providers: tuple[str, ...]


@dataclass(frozen=True)
class PduJourneys:
    """One PDU's view of the plan."""

    pdu: str
    region: str
    easting: float
    northing: float
    point_source: str  # "demand", "own", "authority mean" or "mean of needs"
    journeys: tuple[Journey, ...]  # nearest first
    unplaced_need_ids: tuple[str, ...] = ()

    @property
    def location_count(self) -> int:
        """Separate sites the PDU's people attend."""
        return len(self.journeys)

    @property
    def total_km(self) -> float:
        return float(sum(j.distance_km for j in self.journeys))

    @property
    def longest_km(self) -> float:
        return max((j.distance_km for j in self.journeys), default=0.0)


@dataclass(frozen=True)
class ServiceUserView:
    """Every PDU's journeys under one plan, with totals for KPIs and reports."""

    pdus: tuple[PduJourneys, ...]
    travel_name: str

    def pdu(self, name: str) -> PduJourneys:
        for item in self.pdus:
            if item.pdu == name:
                return item
        raise KeyError(name)

    @property
    def mean_locations(self) -> float:
        """Mean separate sites per PDU (PDUs with nothing placed count as 0)."""
        return float(np.mean([p.location_count for p in self.pdus])) if self.pdus else 0.0

    @property
    def max_locations(self) -> int:
        return max((p.location_count for p in self.pdus), default=0)

    @property
    def mean_journey_km(self) -> float:
        """Mean over all PDU-to-site journeys that can be made (unreachable ones left out)."""
        km = [j.distance_km for p in self.pdus for j in p.journeys
              if math.isfinite(j.distance_km)]
        return float(np.mean(km)) if km else 0.0

    @property
    def unreachable_journeys(self) -> int:
        return sum(1 for p in self.pdus for j in p.journeys if not math.isfinite(j.distance_km))

    def to_rows(self) -> list[dict[str, object]]:
        """One row per PDU and site (a PDU with nothing placed gets one row with no site)."""
        rows: list[dict[str, object]] = []
        for p in self.pdus:
            base = {"pdu": p.pdu, "region": p.region, "locations": p.location_count}
            if not p.journeys:
                rows.append({**base, "site_id": None, "site_name": None, "distance_km": None,
                             "minutes": None, "needs": 0, "providers": ""})
            for j in p.journeys:
                rows.append({**base, "site_id": j.site_id, "site_name": j.site_name,
                             "distance_km": j.distance_km, "minutes": j.minutes,
                             "needs": len(j.need_ids), "providers": ", ".join(j.providers)})
        return rows

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.to_rows(), columns=["pdu", "region", "locations", "site_id",
                                                     "site_name", "distance_km", "minutes",
                                                     "needs", "providers"])


def service_user_view(scenario: Scenario, result, travel_model=None) -> ServiceUserView:
    """Per PDU: the separate sites its people attend, and the journey to each.

    Parameters
    ----------
    scenario
        The scenario that was solved (its dataset gives needs, sites and demand points).
    result
        The ``PlanResult`` to describe.
    travel_model
        A ``geo.TravelModel``; by default the scenario's own (``scenario.travel``), else
        straight lines.

    Notes
    -----
    The PDU's service-user point is its demand point when the data has one; otherwise the
    shared point of its needs, or the mean of their points when they differ.
    """
    dataset = scenario.dataset
    model = travel_model or scenario.travel or StraightLine()
    demand = {d.pdu: d for d in dataset.demand}
    by_pdu: dict[str, list[ServiceNeed]] = {}
    for need in dataset.needs:
        by_pdu.setdefault(need.pdu, []).append(need)

    origins: list[ServiceNeed] = []
    sources: list[str] = []
    for pdu, needs in sorted(by_pdu.items()):
        if pdu in demand:
            xy, source = (demand[pdu].easting, demand[pdu].northing), "demand"
        elif len({n.xy for n in needs}) == 1:
            xy, source = needs[0].xy, needs[0].location_source
        else:
            xy = tuple(np.mean([n.xy for n in needs], axis=0).tolist())
            source = "mean of needs"
        # a stand-in need at the PDU's point; no travel limit, so no distance is cut off
        origins.append(dataclasses.replace(needs[0], need_id=f"PDU {pdu}", easting=xy[0],
                                           northing=xy[1], max_travel_km=None))
        sources.append(source)

    placed: dict[str, dict[str, list[ServiceNeed]]] = {}
    unplaced: dict[str, list[str]] = {}
    for allocation in result.allocations:
        if not dataset.has_need(allocation.need_id):
            continue
        need = dataset.need(allocation.need_id)
        if allocation.site_id is None:
            unplaced.setdefault(need.pdu, []).append(need.need_id)
        else:
            placed.setdefault(need.pdu, {}).setdefault(allocation.site_id, []).append(need)

    site_ids = sorted({s for sites in placed.values() for s in sites})
    sites = [dataset.site(s) for s in site_ids]
    column = {s: j for j, s in enumerate(site_ids)}
    km = np.asarray(model.distance_km(origins, sites), dtype=float) if sites else None
    minutes = model.time_minutes(origins, sites) if sites else None

    views = []
    for i, origin in enumerate(origins):
        journeys = []
        for site_id, needs in placed.get(origin.pdu, {}).items():
            j = column[site_id]
            journeys.append(Journey(
                site_id, dataset.site(site_id).name, float(km[i, j]),
                None if minutes is None else float(minutes[i, j]),
                tuple(sorted(n.need_id for n in needs)),
                tuple(sorted({n.provider for n in needs}))))
        journeys.sort(key=lambda jy: (jy.distance_km, jy.site_id))
        views.append(PduJourneys(origin.pdu, origin.region, origin.easting, origin.northing,
                                 sources[i], tuple(journeys),
                                 tuple(sorted(unplaced.get(origin.pdu, ())))))
    return ServiceUserView(tuple(views), getattr(model, "name", "travel model"))
