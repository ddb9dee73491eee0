"""What the map shows: a plain value the map canvas and the PDF site plan both draw.

``MapContent`` holds references to core objects only (dataset, plan, scenario, layers); it has
no Qt in it, so a window, a report writer or a test can build one in a line. The tooltip texts
live here too, next to the data they describe, so that the app and tests word them the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from estates_planner.model import Dataset, Scenario, Site
from estates_planner.report.content import plural

if TYPE_CHECKING:
    from estates_planner.optimise.result import PlanResult
    from estates_planner.report.contract_overview import ContractOverview

SITES = "Sites"
NEEDS = "Needs"
LINES = "Allocation lines"
CATCHMENT = "Catchment"
BASEMAP = "Basemap"
LABELS = "Labels"
COASTLINE = "Coastline"
MOVED_HIGHLIGHT = "Moved between plans"
BOUNDARY_PREFIX = "Boundaries: "
STABILITY = "Stability (late changes)"


# under All years a need may sit at a different site each year: no line claims one year's
# site, so lines join only the selection to every site it has in some year
LINES_ALL_YEARS = "Allocation lines (selected need or site)"
LINES_ALL_YEARS_TIP = ("All years: a line joins the selected need or site to every site it "
                       "has in some year. Choose a year on the toolbar for every need's line.")


def layer_label(name: str, whole_contract: bool = False) -> tuple[str, str]:
    """(label, tooltip) of map layer ``name`` in the layer list; ``whole_contract`` when a
    contract plan's All years is shown, where the allocation lines are the selection's."""
    if name == LINES and whole_contract:
        return LINES_ALL_YEARS, LINES_ALL_YEARS_TIP
    return name, ""


def boundary_layer_name(layer: str) -> str:
    """The map's layer name for a project polygon layer, e.g. ``"Boundaries: regions"``."""
    return f"{BOUNDARY_PREFIX}{layer}"


@dataclass
class MapContent:
    """Everything one map picture needs.

    Attributes
    ----------
    dataset
        Sites and needs to draw; None draws an empty map.
    result
        The plan after a solve: sites are filled by utilisation and lines join needs to sites.
    scenario
        Supplies closed sites (greyed and crossed) and capacity overrides (symbol size).
    layers
        Polygon layers by name (GeoDataFrames in EPSG:27700), drawn under everything else.
    highlighted_need_ids
        Needs to pick out, e.g. the needs that move between two compared plans.
    highlighted_site_ids
        Sites to pick out, e.g. the old and new sites of those needs.
    selected_site_ids, selected_need_ids
        The shared selection.
    catchment
        A shapely geometry in BNG metres (e.g. a travel-time catchment), or None.
    layer_visibility
        Layer name -> shown; a layer not listed is shown (the basemap only once it is set).
    base_layer
        The offline coastline (:class:`~estates_planner.render.map.base_layer.BaseLayer`)
        drawn under everything, or None; read once by the owner of the content.
    highlight_label
        What the highlighted needs and sites are, as the legend names them: the comparison's
        moves, or the provider view's options.
    spread_site_ids
        Sites the user clicked open from a cluster: drawn spread round their place.
    contract
        A whole contract plan shown at once ("All years"), instead of ``result``: a site
        used in any year is filled by its peak year's utilisation, no line claims one
        year's placement, a need unplaced in any year it is active is marked unplaced, and
        the tooltips name every year.
    """

    dataset: Dataset | None = None
    result: PlanResult | None = None
    scenario: Scenario | None = None
    layers: dict[str, Any] = field(default_factory=dict)
    highlighted_need_ids: frozenset[str] = frozenset()
    highlighted_site_ids: frozenset[str] = frozenset()
    selected_site_ids: frozenset[str] = frozenset()
    selected_need_ids: frozenset[str] = frozenset()
    catchment: Any = None
    layer_visibility: dict[str, bool] = field(default_factory=dict)
    base_layer: Any = None
    highlight_label: str = MOVED_HIGHLIGHT
    spread_site_ids: frozenset[str] = frozenset()
    # the scenario's late-data study (empty without one): site -> share of samples it stays
    # used, need -> share of samples it keeps its site; drawn by render.map.stability
    site_stability: dict[str, float] = field(default_factory=dict)
    need_stability: dict[str, float] = field(default_factory=dict)
    contract: ContractOverview | None = None

    @property
    def solved(self) -> bool:
        """A plan is shown (one year's or a whole contract's)."""
        return self.result is not None or self.contract is not None

    def used_utilisation(self, site_id: str) -> float | None:
        """A used site's utilisation (0..1; a contract's peak year); None when not used."""
        if self.contract is not None:
            return self.contract.site_peak_utilisation.get(site_id)
        if self.result is None:
            return None
        usage = self.result.site_usage.get(site_id)
        return usage.utilisation if usage is not None and usage.need_ids else None

    def site_label_suffix(self, site_id: str) -> str:
        """What follows a site's name on the map: under a contract plan, the years of a
        site used in some years only (" · years 2–4"); else nothing."""
        if self.contract is not None:
            years = self.contract.site_years.get(site_id, ())
            if years and len(years) < self.contract.years:
                from estates_planner.report.contract_overview import years_text

                return f" · {years_text(years)}"
        return ""

    def layer_names(self) -> list[str]:
        """Layer names, top of the drawing order first."""
        names = [LABELS, SITES, NEEDS, LINES]
        if self.site_stability or self.need_stability:
            names.insert(1, STABILITY)
        if self.catchment is not None:
            names.append(CATCHMENT)
        names += [boundary_layer_name(n) for n in self.layers]
        if self.base_layer is not None:
            names.append(COASTLINE)
        names.append(BASEMAP)
        return names

    def is_visible(self, name: str) -> bool:
        return self.layer_visibility.get(name, True)

    def site_desks(self, site: Site) -> int:
        """Desks after the scenario's capacity overrides."""
        if self.scenario is None:
            return site.desks
        return self.scenario.site_capacity(site)[0]

    def is_closed(self, site_id: str) -> bool:
        return self.scenario is not None and site_id in self.scenario.closed_sites


def site_tooltip(content: MapContent, site_id: str) -> str:
    """Plain-text tooltip of a site: name, kind, women-only, desks and utilisation."""
    site = content.dataset.site(site_id)  # type: ignore[union-attr]
    lines = [f"{site.name} ({site.site_id})", site.kind.label]
    if site.women_only:
        lines.append("Women-only site")
    desks = content.site_desks(site)
    lines.append(f"{plural(desks, 'desk')}, {plural(site.interview_rooms, 'interview room')}")
    if content.is_closed(site_id):
        lines.append("Closed in this scenario")
    if content.contract is not None:
        lines.append(content.contract.site_use_text(site_id))
    elif content.result is not None:
        usage = content.result.site_usage.get(site_id)
        if usage is None or not usage.need_ids:
            lines.append("Not used by the plan")
        else:
            lines.append(f"Utilisation {usage.utilisation:.0%} "
                         f"({len(usage.need_ids)} need{'s' if len(usage.need_ids) != 1 else ''})")
    lines.append(f"{site.region} · {site.pdu}")
    return "\n".join(lines)


def need_tooltip(content: MapContent, need_id: str) -> str:
    """Plain-text tooltip of a need: id, provider, lot and where the plan puts it."""
    need = content.dataset.need(need_id)  # type: ignore[union-attr]
    lines = [f"Need {need.need_id}", f"Provider: {need.provider}", f"Lot: {need.lot.label}",
             f"{need.desks} desks, {need.days_per_week} days a week"]
    if content.contract is not None:
        dataset = content.dataset

        def name(site_id: str) -> str:
            return dataset.site(site_id).name if dataset.has_site(site_id) else site_id

        lines += content.contract.need_lines(need_id, name)
    elif content.result is not None:
        try:
            allocation = content.result.allocation(need_id)
        except KeyError:
            allocation = None
        if allocation is None or allocation.site_id is None:
            reason = f": {allocation.unplaced_reason}" if allocation and \
                allocation.unplaced_reason else ""
            lines.append(f"Not placed{reason}")
        else:
            site = content.dataset.site(allocation.site_id)  # type: ignore[union-attr]
            lines.append(f"Placed at {site.name} ({site.site_id})")
    if content.scenario is not None and need_id in content.scenario.pins:
        lines.append(f"Pinned to {content.scenario.pins[need_id]}")
    lines.append(f"{need.region} · {need.pdu}")
    return "\n".join(lines)
