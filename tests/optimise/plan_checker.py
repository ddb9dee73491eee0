"""An independent checker for plans: every rule and the objective, from first principles.

Under the daily rule (issue 17) a plan is its assignment and its rota (the ``weekdays`` of
each allocation): capacity is checked per site and weekday from those weekdays, and the
same-day bonus counted from them; :func:`brute_force` searches the rotas too.

Deliberately shares no code with ``estates_planner.optimise`` (no ``evaluate_plan``, no
``pair_blocks``, no cost arrays): it reads the issue's definitions straight off the scenario.
Distances are straight-line km (the tests that use it load no travel network).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping

import pytest

from estates_planner.model import Lot, Scenario, ServiceNeed, Site, SiteKind

Assignment = Mapping[str, "str | None"]


def km(a: ServiceNeed | Site, b: ServiceNeed | Site) -> float:
    return math.hypot(a.easting - b.easting, a.northing - b.northing) / 1000.0


def breaches(scenario: Scenario, assignment: Assignment,
             weekdays: Mapping[str, tuple[int, ...]] | None = None) -> list[str]:
    """Every rule R1-R8 the plan breaks, as short strings (empty when the plan is valid).

    With ``weekdays`` (need_id -> weekday indexes) and the daily rule on, R2 is checked per
    site and weekday, and each need's days against ``days_per_week`` and its fixed days.
    """
    ds, st = scenario.dataset, scenario.settings
    sites = {s.site_id: s for s in ds.sites}
    out = []
    desk_used: dict[str, int] = {}
    room_used: dict[str, int] = {}
    for need in ds.needs:
        site_id = assignment.get(need.need_id)
        if site_id is None:
            if st.strict:
                out.append(f"R1 {need.need_id}")
            continue
        site = sites[site_id]
        desk_used[site_id] = desk_used.get(site_id, 0) + need.desks * need.days_per_week
        room_used[site_id] = room_used.get(site_id, 0) + need.interview_rooms * need.days_per_week
        if st.women_only_sites and (need.lot is Lot.WOMENS) != site.women_only:
            out.append(f"R3 {need.need_id}")
        if st.wellbeing_outside_authority and need.lot is Lot.WELLBEING \
                and site.kind is SiteKind.AUTHORITY:
            out.append(f"R4 {need.need_id}")
        if st.same_region and need.region != site.region:
            out.append(f"R5 {need.need_id}")
        if need.max_travel_km is not None and km(need, site) > need.max_travel_km:
            out.append(f"R6 {need.need_id}")
        if st.go_live and site.available_from and site.available_from > st.go_live:
            out.append(f"R7 {need.need_id}")
        if site_id in scenario.closed_sites or (need.need_id, site_id) in scenario.barred:
            out.append(f"R8 {need.need_id}")
        if need.need_id in scenario.pins and scenario.pins[need.need_id] != site_id:
            out.append(f"R8 pin {need.need_id}")
    for site_id, used in desk_used.items():
        desks, rooms = scenario.site_capacity(sites[site_id])
        if used > 5 * desks or room_used[site_id] > 5 * rooms:
            out.append(f"R2 {site_id}")
    if weekdays is not None and st.daily_capacity:
        out += day_breaches(scenario, assignment, weekdays)
    return out


def day_breaches(scenario: Scenario, assignment: Assignment,
                 weekdays: Mapping[str, tuple[int, ...]]) -> list[str]:
    """R2 per weekday, from the plan's weekdays alone."""
    sites = {s.site_id: s for s in scenario.dataset.sites}
    out = []
    use: dict[tuple[str, int], list[int]] = {}
    for need in scenario.dataset.needs:
        site_id = assignment.get(need.need_id)
        if site_id is None:
            continue
        days = tuple(weekdays.get(need.need_id, ()))
        if len(set(days)) != need.days_per_week or not set(days) <= set(range(5)):
            out.append(f"days {need.need_id}")
        if need.fixed_days and set(days) != set(need.fixed_days):
            out.append(f"fixed days {need.need_id}")
        for d in set(days):
            u = use.setdefault((site_id, d), [0, 0])
            u[0] += need.desks
            u[1] += need.interview_rooms
    for (site_id, d), (desks_used, rooms_used) in use.items():
        desks, rooms = scenario.site_capacity(sites[site_id])
        if desks_used > desks or rooms_used > rooms:
            out.append(f"R2 {site_id} day {d}")
    return out


def terms(scenario: Scenario, assignment: Assignment,
          weekdays: Mapping[str, tuple[int, ...]] | None = None) -> dict[str, float]:
    """The objective's terms as the issue defines them (pairing and same day negative).

    The same-day term needs the rota: without ``weekdays`` it is 0.
    """
    ds, st = scenario.dataset, scenario.settings
    sites = {s.site_id: s for s in ds.sites}
    t = dict.fromkeys(("desk_cost", "fit_out", "travel", "locations", "authority_preference",
                       "pairing", "same_day", "unplaced", "moves"), 0.0)
    placed = [(n, sites[assignment[n.need_id]]) for n in ds.needs
              if assignment.get(n.need_id) is not None]
    t["unplaced"] = st.unplaced_penalty * (len(ds.needs) - len(placed))
    for n, s in placed:
        t["desk_cost"] += n.desks * n.days_per_week / 5 * s.annual_cost_per_desk
        t["travel"] += n.caseload * km(n, s) * st.travel_weight
        if n.lot in (Lot.ETE, Lot.ACCOMMODATION) and s.kind is not SiteKind.AUTHORITY:
            t["authority_preference"] += st.authority_preference
        if scenario.baseline and scenario.baseline.get(n.need_id) not in (None, s.site_id):
            t["moves"] += st.move_penalty
    t["fit_out"] = sum(s.fit_out_cost / st.amortisation_years
                       for s in {s.site_id: s for _, s in placed}.values())
    t["locations"] = st.location_penalty * len({(n.pdu, s.site_id) for n, s in placed})
    for n, s in placed:
        if n.lot is not Lot.WELLBEING:
            continue
        hosts = [(m, h) for m, h in placed
                 if m.pdu == n.pdu and m.lot in (Lot.ETE, Lot.ACCOMMODATION)
                 and (h.site_id == s.site_id or math.hypot(h.easting - s.easting,
                                                           h.northing - s.northing) / 1000.0
                      <= st.pairing_radius_km + 1e-9)]
        if hosts:
            t["pairing"] -= st.pairing_bonus
            if weekdays is not None and st.daily_capacity and any(
                    set(weekdays.get(n.need_id, ())) & set(weekdays.get(m.need_id, ()))
                    for m, _ in hosts):
                t["same_day"] -= st.same_day_bonus
    return t


def _paired_count(scenario: Scenario, assignment: Assignment) -> int:
    sc = scenario.with_settings(pairing_bonus=1.0)
    return round(-terms(sc, assignment)["pairing"])


def best_rota(scenario: Scenario, assignment: Assignment,
              ) -> tuple[float, dict[str, tuple[int, ...]]] | None:
    """(same-day term, weekdays) of the best rota of a plan, by trying every rota; None when
    no rota keeps every site and weekday within capacity."""
    ds, st = scenario.dataset, scenario.settings
    placed = [n for n in ds.needs if assignment.get(n.need_id) is not None]
    options = [[n.fixed_days] if n.fixed_days else
               list(itertools.combinations(range(5), n.days_per_week)) for n in placed]
    caps = {s.site_id: scenario.site_capacity(s) for s in ds.sites}
    most = _paired_count(scenario, assignment) if st.same_day_bonus else 0
    best: list = [None]
    use: dict[tuple[str, int], list[int]] = {}
    chosen: dict[str, tuple[int, ...]] = {}

    def dfs(k: int) -> bool:
        if k == len(placed):
            value = terms(scenario, assignment, chosen)["same_day"]
            if best[0] is None or value < best[0][0]:
                best[0] = (value, dict(chosen))
            return -value >= most * st.same_day_bonus - 1e-9  # cannot do better: stop
        n = placed[k]
        site_id = assignment[n.need_id]
        desks, rooms = caps[site_id]
        for days in options[k]:
            if all(use.get((site_id, d), [0, 0])[0] + n.desks <= desks
                   and use.get((site_id, d), [0, 0])[1] + n.interview_rooms <= rooms
                   for d in days):
                for d in days:
                    u = use.setdefault((site_id, d), [0, 0])
                    u[0] += n.desks
                    u[1] += n.interview_rooms
                chosen[n.need_id] = days
                done = dfs(k + 1)
                for d in days:
                    use[(site_id, d)][0] -= n.desks
                    use[(site_id, d)][1] -= n.interview_rooms
                del chosen[n.need_id]
                if done:
                    return True
        return False

    dfs(0)
    return best[0]


def objective(scenario: Scenario, assignment: Assignment) -> float:
    return sum(terms(scenario, assignment).values())


def check_plan(scenario: Scenario, result, *, abs_tol: float = 1e-6) -> float:  # noqa: ANN001
    """Assert the result is a valid plan whose reported figures are right; return objective."""
    ids = [a.need_id for a in result.allocations]
    assert sorted(ids) == sorted(n.need_id for n in scenario.dataset.needs), "each need once"
    assignment = {a.need_id: a.site_id for a in result.allocations}
    weekdays = {a.need_id: tuple(a.weekdays) for a in result.allocations}
    assert breaches(scenario, assignment, weekdays) == []
    expected = terms(scenario, assignment, weekdays)
    for name, value in expected.items():
        assert result.terms[name] == pytest.approx(value, abs=abs_tol), name
    total = sum(expected.values())
    assert result.objective == pytest.approx(total, abs=abs_tol)
    for a in result.allocations:
        assert (a.site_id is None) == bool(a.unplaced_reason), a
        assert (a.site_id is None) == (not a.weekdays), a
    return total


def brute_force(scenario: Scenario) -> tuple[float, dict[str, str | None]] | None:
    """The optimum over every assignment (None when strict mode has no valid plan)."""
    needs = scenario.dataset.needs
    options = [s.site_id for s in scenario.dataset.sites] + [None]
    best = None
    daily = scenario.settings.daily_capacity
    for combo in itertools.product(options, repeat=len(needs)):
        assignment = {n.need_id: c for n, c in zip(needs, combo, strict=True)}
        if breaches(scenario, assignment):
            continue
        value = objective(scenario, assignment)
        if daily:
            most = _paired_count(scenario, assignment) * scenario.settings.same_day_bonus
            if best is not None and value - most >= best[0]:
                continue  # even every same-day bonus would not make it better
            rota = best_rota(scenario, assignment)
            if rota is None:
                continue  # no weekly rota fits: refused under the daily rule
            value += rota[0]
        if best is None or value < best[0]:
            best = (value, assignment)
    return best


# -- builders for hand-sized scenarios: plain defaults, so each test states what matters --

# every weight off, so that a test switches on only the term it is about
ZERO_WEIGHTS = dict(travel_weight=0.0, location_penalty=0.0, authority_preference=0.0,
                    pairing_bonus=0.0, move_penalty=0.0, same_day_bonus=0.0)


def site(site_id: str, cost: float = 1000.0, *, x: float = 0.0, y: float = 0.0,
         desks: int = 10, rooms: int = 2, region: str = "North", pdu: str = "P1",
         kind: SiteKind = SiteKind.PROVIDER, women_only: bool = False, fit_out: float = 0.0,
         available_from=None) -> Site:  # noqa: ANN001
    return Site(site_id=site_id, name=f"Site {site_id}", region=region, pdu=pdu, kind=kind,
                women_only=women_only, desks=desks, interview_rooms=rooms,
                annual_cost_per_desk=cost, easting=x, northing=y, fit_out_cost=fit_out,
                available_from=available_from)


def need(need_id: str, lot: Lot = Lot.ETE, *, desks: int = 1, rooms: int = 0, days: int = 5,
         caseload: float = 0.0, x: float = 0.0, y: float = 0.0, region: str = "North",
         pdu: str = "P1", max_km: float | None = None, provider: str = "Prov") -> ServiceNeed:
    return ServiceNeed(need_id=need_id, provider=provider, lot=lot, region=region, pdu=pdu,
                       desks=desks, interview_rooms=rooms, days_per_week=days,
                       caseload=caseload, easting=x, northing=y, max_travel_km=max_km)


def make_scenario(sites, needs, **settings) -> Scenario:  # noqa: ANN001
    from estates_planner.model import Dataset, Settings

    values = dict(ZERO_WEIGHTS)
    values.update(settings)
    return Scenario("test", Dataset(tuple(sites), tuple(needs)), settings=Settings(**values))
