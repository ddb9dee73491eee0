"""Report content of a contract plan: moves with why, occupancy and property cost by year."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Settings, Site, SiteKind
from estates_planner.optimise.multiyear import solve_contract
from estates_planner.ramp import Ramp, RampRow
from estates_planner.report.multiyear import (
    comparison_rows,
    explain_moves,
    occupancy_by_year,
    property_cost_by_year,
    terms_by_year,
)

START = date(2027, 4, 1)
QUIET = dict(travel_weight=0.0, location_penalty=0.0, authority_preference=0.0,
             pairing_bonus=0.0, go_live=START)


def _site(site_id: str, cost: float, desks: int = 1, **extra) -> Site:  # noqa: ANN003
    return Site(site_id, f"Site {site_id}", "North", "P1", SiteKind.PROVIDER, False, desks, 1,
                cost, 0.0, 0.0, **extra)


def _need(need_id: str, desks: int = 1) -> ServiceNeed:
    return ServiceNeed(need_id, "Prov", Lot.ETE, "North", "P1", desks, 0, 5, 0.0, 0.0, 0.0)


def _scenario(sites, needs, **settings) -> Scenario:  # noqa: ANN001, ANN003
    return Scenario("t", Dataset(tuple(sites), tuple(needs)),
                    Settings(**{**QUIET, **settings}))


def test_a_move_out_of_an_ending_lease_says_so_and_the_site_shows_unavailable():
    # A (£1,000, lease ends 2029-03-31) in years 1-2, then B (£3,000): 8,500 with a 500 move
    sc = _scenario([_site("A", 1000.0, available_until=date(2029, 3, 31)),
                    _site("B", 3000.0)], [_need("N1")], move_penalty=500.0)
    result = solve_contract(sc, years=4, time_limit_s=10.0)
    [move] = explain_moves(sc, Ramp(), result)
    assert (move.need_id, move.year, move.from_site, move.to_site, move.reason) == \
        ("N1", 3, "A", "B", "lease ends")
    assert move.why == "Site A's lease ends on 2029-03-31"
    occupancy = occupancy_by_year(sc, Ramp(), result)
    assert [(o.year, o.desk_days_used, o.desk_days_available, o.available)
            for o in occupancy["A"]] == [(1, 5, 5, True), (2, 5, 5, True), (3, 0, 5, False),
                                         (4, 0, 5, False)]
    assert property_cost_by_year(sc, result) == [1000.0, 1000.0, 3000.0, 3000.0]
    rows = {label: (values, total) for label, values, total in terms_by_year(result)}
    assert rows["Desk cost"] == ([1000.0, 1000.0, 3000.0, 3000.0], 8000.0)
    assert rows["Moves between years"] == ([], 500.0)
    assert rows["Total"][1] == pytest.approx(8500.0)
    labels = [r[0] for r in comparison_rows(result)]
    assert len(labels) == 2


def test_a_need_that_grows_out_of_its_site_and_a_site_that_opens():
    # Two needs of 2 desks, 1 desk in year 1 (share 1/2). Year 1: A and C (one desk each,
    # £500). Year 2: both grow past them and move to B (two desks, opens on 2028-04-01)
    # and D (two desks, open throughout). The move to B is put down to B opening (the
    # first reason that applies), the move to D to the need growing.
    ramp = Ramp((RampRow(Lot.ETE, "", "", 1, Fraction(1, 2)),))
    sc = _scenario([_site("A", 500.0), _site("B", 1000.0, desks=2,
                                             available_from=date(2028, 4, 1)),
                    _site("C", 500.0), _site("D", 1000.0, desks=2)],
                   [_need("N1", desks=2), _need("N2", desks=2)], move_penalty=100.0)
    result = solve_contract(sc, ramp, years=2, time_limit_s=10.0)
    reasons = {m.need_id: m.reason for m in explain_moves(sc, ramp, result)}
    first = {n: result.plan(1)[n] for n in ("N1", "N2")}
    assert sorted(first.values()) == ["A", "C"]
    assert sorted(result.plan(2).values()) == ["B", "D"]
    for need_id, site_id in result.plan(2).items():
        assert reasons[need_id] == ("site opens" if site_id == "B" else "volume grows")
