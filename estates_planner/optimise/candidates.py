"""Travel matrices and the need/site pairs the rules allow, computed once per scenario.

Everything here is vectorised over the need x site grid (rows follow ``dataset.needs``, columns
``dataset.sites``), so that the solver, the evaluator, the greedy baseline and the explanations
all see the same distances and the same allowed pairs. :func:`allowed_pairs` is the fast twin of
:func:`estates_planner.optimise.rules.pair_blocks`; the tests check that the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from estates_planner.errors import ScenarioError
from estates_planner.geo import StraightLine, points_xy
from estates_planner.model import Lot, Scenario, ServiceNeed, Site, SiteKind

# slack for "within pairing_radius_km (inclusive)" and R6 comparisons of float kilometres
KM_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Distances:
    """Need x site travel matrices of one scenario.

    ``km`` is the distance used by R6 and reported as ``travel_km`` (network km when a travel
    network is loaded, else straight-line km). ``travel`` is what the travel term multiplies:
    the same km, or minutes when ``settings.travel_measure == "minutes"`` and the travel model
    has times. ``measure`` says which ("km" or "minutes"). Unreachable pairs are ``inf``.
    """

    km: np.ndarray
    travel: np.ndarray
    measure: str


def candidate_distances(scenario: Scenario) -> Distances:
    """Distances from every need's service-user point to every site.

    Uses ``scenario.travel`` (a :class:`estates_planner.geo.TravelModel`) when set, else
    straight-line km in British National Grid. With ``travel_measure == "minutes"`` the travel
    term uses the model's minutes while R6 keeps using km; a model without times falls back to
    km for both (the result's ``measure`` says so).
    """
    needs, sites = scenario.dataset.needs, scenario.dataset.sites
    model = scenario.travel if scenario.travel is not None else StraightLine()
    km = _as_matrix(model.distance_km(needs, sites), needs, sites, "distance_km")
    travel, measure = km, "km"
    if scenario.settings.travel_measure == "minutes":
        minutes = model.time_minutes(needs, sites)
        if minutes is not None:
            travel, measure = _as_matrix(minutes, needs, sites, "time_minutes"), "minutes"
    elif scenario.settings.travel_measure != "km":
        raise ScenarioError(f"travel_measure must be 'km' or 'minutes', got "
                            f"{scenario.settings.travel_measure!r}")
    return Distances(km=km, travel=travel, measure=measure)


def _as_matrix(values: object, needs: Sequence[ServiceNeed], sites: Sequence[Site],
               what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.shape != (len(needs), len(sites)):
        raise ScenarioError(f"the travel model's {what} gave a {arr.shape} matrix; expected "
                            f"{len(needs)} needs x {len(sites)} sites")
    arr = arr.copy()
    arr[np.isnan(arr)] = np.inf
    arr.setflags(write=False)
    return arr


def site_distances_km(sites: Sequence[Site]) -> np.ndarray:
    """Straight-line km between sites (for the wellbeing pairing radius)."""
    xy = points_xy(sites)
    if len(xy) == 0:
        return np.zeros((0, 0))
    d = xy[:, None, :] - xy[None, :, :]
    return np.hypot(d[..., 0], d[..., 1]) / 1000.0


def pairing_neighbours(scenario: Scenario) -> np.ndarray:
    """Boolean site x site matrix: True where two sites are within ``pairing_radius_km``.

    The diagonal is True: a site hosting an ETE or accommodation need pairs with itself.
    """
    radius = scenario.settings.pairing_radius_km
    near = site_distances_km(scenario.dataset.sites) <= radius + KM_TOLERANCE
    np.fill_diagonal(near, True)
    return near


def capacities(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """(desk-days, room-days) a week of every site after capacity overrides (R2)."""
    caps = [scenario.site_capacity(s) for s in scenario.dataset.sites]
    desk = np.array([5 * max(c[0], 0) for c in caps], dtype=np.int64)
    room = np.array([5 * max(c[1], 0) for c in caps], dtype=np.int64)
    return desk, room


def allowed_pairs(scenario: Scenario, distances: Distances) -> np.ndarray:
    """Boolean need x site matrix: True where no rule R3-R8 forbids the pair.

    Unreachable pairs (``inf`` on a travel network) are never allowed. Capacity (R2) is not
    looked at: a single need larger than a site still counts as allowed, see
    :func:`fits_alone`.
    """
    ds, s = scenario.dataset, scenario.settings
    needs, sites = ds.needs, ds.sites
    n, m = len(needs), len(sites)
    ok = np.isfinite(distances.km) & np.isfinite(distances.travel)
    if n == 0 or m == 0:
        return np.zeros((n, m), dtype=bool)
    lot = np.array([nd.lot.value for nd in needs])
    women_site = np.array([st.women_only for st in sites], dtype=bool)
    if s.women_only_sites:
        womens = lot == Lot.WOMENS.value
        ok &= np.where(womens[:, None], women_site[None, :], ~women_site[None, :])
    if s.wellbeing_outside_authority:
        authority = np.array([st.kind is SiteKind.AUTHORITY for st in sites], dtype=bool)
        ok &= ~((lot == Lot.WELLBEING.value)[:, None] & authority[None, :])
    if s.same_region:
        need_region = np.array([nd.region for nd in needs], dtype=object)
        site_region = np.array([st.region for st in sites], dtype=object)
        ok &= need_region[:, None] == site_region[None, :]
    limit = np.array([np.inf if nd.max_travel_km is None else nd.max_travel_km for nd in needs])
    ok &= distances.km <= limit[:, None]
    if s.go_live is not None:
        late = np.array([st.available_from is not None and st.available_from > s.go_live
                         for st in sites], dtype=bool)
        ok &= ~late[None, :]
    if scenario.period_end is not None:
        ended = np.array([st.available_until is not None
                          and st.available_until < scenario.period_end for st in sites],
                         dtype=bool)
        ok &= ~ended[None, :]
    site_index = {st.site_id: j for j, st in enumerate(sites)}
    need_index = {nd.need_id: i for i, nd in enumerate(needs)}
    for site_id in scenario.closed_sites:
        j = site_index.get(site_id)
        if j is not None:
            ok[:, j] = False
    for need_id, site_id in scenario.barred:
        i, j = need_index.get(need_id), site_index.get(site_id)
        if i is not None and j is not None:
            ok[i, j] = False
    for need_id, site_id in scenario.pins.items():
        i = need_index.get(need_id)
        if i is None:
            continue
        j = site_index.get(site_id)
        keep = ok[i, j] if j is not None else False
        ok[i, :] = False
        if j is not None:
            ok[i, j] = keep
    return ok


def fits_alone(scenario: Scenario) -> np.ndarray:
    """Boolean need x site matrix: True where the need alone fits the site's capacity."""
    desk_cap, room_cap = capacities(scenario)
    needs = scenario.dataset.needs
    desk = np.array([nd.desk_days for nd in needs], dtype=np.int64)
    room = np.array([nd.room_days for nd in needs], dtype=np.int64)
    return (desk[:, None] <= desk_cap[None, :]) & (room[:, None] <= room_cap[None, :])


def check_references(scenario: Scenario) -> None:
    """Raise :class:`ScenarioError` for pins naming unknown needs or sites, or bad weights.

    Closures and bars of unknown sites are harmless (nothing to close) and pass silently.
    """
    ds = scenario.dataset
    bad: list[str] = []
    for need_id, site_id in scenario.pins.items():
        if not ds.has_need(need_id):
            bad.append(f"a pin names need '{need_id}', which is not in the needs table")
        if not ds.has_site(site_id):
            bad.append(f"need '{need_id}' is pinned to site '{site_id}', which is not in the "
                       "sites table")
    if scenario.settings.amortisation_years <= 0:
        bad.append(f"amortisation_years must be more than 0, got "
                   f"{scenario.settings.amortisation_years:g}")
    if bad:
        raise ScenarioError(f"scenario '{scenario.name}': " + "; ".join(bad))
