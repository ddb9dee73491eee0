"""The contract plan agrees with the independent checker, and with one year is today's plan."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multiyear_checker import brute_force, contract_breaches, contract_objective
from plan_checker import make_scenario, need, site

from estates_planner.model import Lot, SiteKind
from estates_planner.optimise import solve_scenario
from estates_planner.optimise.multiyear import MultiYearModel, solve_contract
from estates_planner.ramp import Ramp, RampRow

START = date(2027, 4, 1)
YEARS = 3
_DATES = (None, date(2028, 4, 1), date(2029, 3, 31), date(2028, 3, 31), date(2029, 4, 1))


@st.composite
def contracts(draw):  # noqa: ANN001, ANN201
    """2-3 sites with dates, 2 needs with shares, 3 years: brute force is 3^(2x3) plans."""
    n_sites = draw(st.integers(2, 3))
    sites = []
    for k in range(n_sites):
        s = site(f"S{k}", draw(st.sampled_from([500.0, 1000.0, 2000.0])),
                 desks=draw(st.integers(1, 3)), x=draw(st.sampled_from([0.0, 3000.0])),
                 kind=draw(st.sampled_from([SiteKind.AUTHORITY, SiteKind.PROVIDER])),
                 fit_out=draw(st.sampled_from([0.0, 1500.0])),
                 available_from=draw(st.sampled_from([None, None, date(2028, 4, 1),
                                                      date(2029, 4, 1)])))
        until = draw(st.sampled_from([None, None, date(2029, 3, 31), date(2028, 3, 31)]))
        if until is not None and (s.available_from is None or until >= s.available_from):
            s = s.__class__(**{**{f: getattr(s, f) for f in s.__dataclass_fields__},
                               "available_until": until})
        sites.append(s)
    lots = [Lot.ETE, Lot.WELLBEING]
    needs = [need(f"N{k}", lots[k], desks=draw(st.integers(1, 3)), caseload=10.0,
                  x=draw(st.sampled_from([0.0, 2000.0]))) for k in range(2)]
    shares = {}
    rows = []
    for n in needs:
        for year in range(1, YEARS + 1):
            share = draw(st.sampled_from([Fraction(1), Fraction(1), Fraction(1, 2),
                                          Fraction(0)]))
            if share != 1:
                shares[(n.need_id, year)] = share
                rows.append(RampRow(n.lot, "", n.need_id, year, share))
    sc = make_scenario(sites, needs, go_live=START, travel_weight=1.0,
                       location_penalty=draw(st.sampled_from([0.0, 300.0])),
                       authority_preference=draw(st.sampled_from([0.0, 400.0])),
                       pairing_bonus=draw(st.sampled_from([0.0, 250.0])),
                       move_penalty=draw(st.sampled_from([0.0, 200.0, 3000.0])),
                       unplaced_penalty=20_000.0,
                       keep_sites_across_years=draw(st.booleans()))
    baseline = draw(st.sampled_from([None, {"N0": "S0"}, {"N1": "S1", "N0": None}]))
    return sc.replace(baseline=baseline), Ramp(tuple(rows)), shares


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(contracts())
def test_contract_plan_is_the_checkers_optimum(case) -> None:  # noqa: ANN001
    sc, ramp, shares = case
    result = solve_contract(sc, ramp, years=YEARS, time_limit_s=10.0)
    plans = [result.plan(k) for k in range(1, YEARS + 1)]
    assert contract_breaches(sc, shares, plans) == []
    checked = contract_objective(sc, shares, plans)
    assert result.objective == pytest.approx(checked["total"], abs=1e-6)
    assert result.fit_out_once == pytest.approx(checked["fit_out_once"], abs=1e-6)
    assert result.moves_between_years_cost == pytest.approx(checked["moves_between_years"])
    best = brute_force(sc, shares, YEARS)
    assert best is not None
    assert result.status == "optimal"
    assert result.objective == pytest.approx(best[0], abs=0.05)  # costs rounded to pence
    for other in result.comparison.values():
        other_plans = [other.plan(k) for k in range(1, YEARS + 1)]
        assert other.objective == pytest.approx(
            contract_objective(sc, shares, other_plans)["total"], abs=1e-6)


def _hand_scenario():  # noqa: ANN202
    sites = [site("A", 1000.0, desks=2, fit_out=800.0), site("B", 1500.0, desks=2, x=2000.0),
             site("W", 900.0, desks=1, women_only=True)]
    needs = [need("E1", desks=1, caseload=20.0, x=500.0), need("E2", desks=2, caseload=5.0),
             need("W1", Lot.WOMENS, desks=1), need("H1", Lot.WELLBEING, caseload=3.0,
                                                   x=1800.0)]
    return make_scenario(sites, needs, travel_weight=1.0, location_penalty=200.0,
                         authority_preference=100.0, pairing_bonus=50.0)


def test_one_contract_year_is_todays_plan_on_a_hand_case():
    sc = _hand_scenario()
    today = solve_scenario(sc, time_limit_s=10.0)
    one = MultiYearModel(sc, Ramp((RampRow(Lot.ETE, "", "", 1, Fraction(1, 2)),)),
                         years=1).solve(time_limit_s=10.0)
    assert len(one.years) == 1
    assert one.plan(1) == today.assignment
    assert one.objective == today.objective
    assert dict(one.terms) == dict(today.terms)  # amortised fit-out, no horizon terms
    assert one.comparison == {}


@pytest.mark.slow
def test_one_contract_year_is_todays_plan_on_the_sample():
    from estates_planner.io import load_dataset
    from estates_planner.model import Scenario, Settings
    from estates_planner.sample_data import GO_LIVE

    data = Path(__file__).resolve().parents[2] / "data"
    ds, _ = load_dataset(data / "sites.csv", data / "needs.csv", data / "demand.csv")
    sc = Scenario("sample", ds, Settings(go_live=GO_LIVE))
    today = solve_scenario(sc, time_limit_s=30.0)
    one = solve_contract(sc, None, years=1, time_limit_s=30.0)
    assert today.status == one.status == "optimal"
    assert one.objective == pytest.approx(today.objective, abs=0.01)


def test_the_samples_contract_dates_change_only_what_a_contract_year_sees():
    # data/sites.csv holds six lease ends (available_until, the last day of year 2) and
    # three offices opening in December 2028 (year 3); a single year at go-live ignores
    # lease ends and cannot use an office opening after go-live (R7) either way, so its
    # allowed pairs are those of the sites without these dates (the sample before them)
    import dataclasses

    from estates_planner.io import load_dataset
    from estates_planner.model import Dataset, Scenario, Settings
    from estates_planner.optimise.candidates import allowed_pairs, candidate_distances
    from estates_planner.sample_data import GO_LIVE, LEASE_END

    data = Path(__file__).resolve().parents[2] / "data"
    ds, _ = load_dataset(data / "sites.csv", data / "needs.csv", data / "demand.csv")
    ending = [s for s in ds.sites if s.available_until is not None]
    assert [(s.site_id, s.available_until) for s in ending] == [
        (site_id, LEASE_END) for site_id in ("NE-002", "EM-002", "WM-002", "WA-002", "SW-003",
                                             "LDN-002")]
    later = [s.site_id for s in ds.sites if s.available_from is not None
             and s.available_from >= date(2028, 4, 1)]
    assert later == ["SC-021", "KSS-018", "LDN-029"]
    assert all(s.available_from == date(2028, 12, 1) for s in ds.sites if s.site_id in later)
    # twelve market offices open during year 1, so from year 2
    assert sum(GO_LIVE < s.available_from < date(2028, 4, 1) for s in ds.sites
               if s.available_from is not None) == 12
    without = Dataset(sites=tuple(
        dataclasses.replace(s, available_until=None,
                            available_from=date(2027, 12, 1) if s.site_id in later
                            else s.available_from) for s in ds.sites),
        needs=ds.needs, demand=ds.demand)
    after = Scenario("s", ds, Settings(go_live=GO_LIVE))
    before = after.replace(dataset=without)
    assert (allowed_pairs(before, candidate_distances(before))
            == allowed_pairs(after, candidate_distances(after))).all()
