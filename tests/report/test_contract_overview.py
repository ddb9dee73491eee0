"""A contract plan seen whole ("All years", issue 15): each need's site per year with its
moves, each site's years of use and peak utilisation, worked out by hand."""

from __future__ import annotations

import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "optimise"))
from plan_checker import make_scenario, need, site  # noqa: E402

from estates_planner.model import Lot  # noqa: E402
from estates_planner.optimise.multiyear.pricing import price_contract_plan  # noqa: E402
from estates_planner.ramp import Ramp, RampRow  # noqa: E402
from estates_planner.report.contract_overview import (  # noqa: E402
    NOT_ACTIVE,
    UNPLACED,
    contract_issues,
    contract_overview,
    issue_row,
    issues_text,
    provider_need_rows,
    provider_partners_by_year,
    provider_years_text,
    years_text,
)

START = date(2027, 4, 1)


def _overview():
    """Four years from 2027-04-01. A: 2 desks; B: 4 desks; C: never used. Three needs of one
    desk all week (5 desk-days each). N2's own ramp row makes it inactive in year 1.

    ====  ======  ======  ======  ======
    need  year 1  year 2  year 3  year 4
    ====  ======  ======  ======  ======
    N1    A       A       B       A        two moves (A→B in year 3, B→A in year 4)
    N2    —       B       B       B        none
    N3    A       unpl.   A       A        none: an unplaced year between is no move
    ====  ======  ======  ======  ======

    A holds 2 needs (10 of 10 desk-days) in years 1 and 4: peak 100 %. B holds 2 needs (10
    of 20 desk-days) in year 3: peak 50 %.
    """
    scenario = make_scenario([site("A", desks=2), site("B", desks=4), site("C", desks=2)],
                             [need("N1"), need("N2"), need("N3")], go_live=START,
                             contract_years=4, move_penalty=100.0)
    ramp = Ramp((RampRow(Lot.ETE, "", "N2", 1, Fraction(0)),))
    plans = [{"N1": "A", "N3": "A"},
             {"N1": "A", "N2": "B", "N3": None},
             {"N1": "B", "N2": "B", "N3": "A"},
             {"N1": "A", "N2": "B", "N3": "A"}]
    result = price_contract_plan(scenario, ramp, plans)
    return contract_overview(result, ["N1", "N2", "N3"])


def _names(site_id: str) -> str:
    return f"Site {site_id}"


def test_each_need_has_its_site_per_year_with_inactive_and_unplaced_years_and_moves():
    overview = _overview()
    assert overview.year_titles == ("Year 1 (2027-28)", "Year 2 (2028-29)",
                                    "Year 3 (2029-30)", "Year 4 (2030-31)")
    cells = {nid: [n.cell(k, _names) for k in range(1, 5)] for nid, n in overview.needs.items()}
    assert cells == {"N1": ["Site A", "Site A", "Site B", "Site A"],
                     "N2": [NOT_ACTIVE, "Site B", "Site B", "Site B"],
                     "N3": ["Site A", UNPLACED, "Site A", "Site A"]}
    assert {nid: n.moves for nid, n in overview.needs.items()} == {"N1": 2, "N2": 0, "N3": 0}
    assert overview.needs["N1"].moved_in == (3, 4)
    assert overview.needs["N3"].unplaced_years == (2,)
    assert overview.needs["N2"].unplaced_years == ()  # not active is not unplaced
    assert overview.needs["N2"].active == (False, True, True, True)


def test_sites_used_in_any_year_with_their_years_and_peak_use():
    overview = _overview()
    assert dict(overview.site_years) == {"A": (1, 2, 3, 4), "B": (2, 3, 4)}
    assert dict(overview.site_peak_utilisation) == {"A": 1.0, "B": 0.5}
    assert overview.site_use_text("A") == "Used in every contract year (peak utilisation 100%)"
    assert overview.site_use_text("B") == "Used in years 2–4 of 4 (peak utilisation 50%)"
    assert overview.site_use_text("C") == "Not used in any contract year"


def test_a_needs_lines_name_every_year_then_its_moves():
    overview = _overview()
    assert overview.need_lines("N1", _names) == [
        "Year 1 (2027-28): Site A", "Year 2 (2028-29): Site A", "Year 3 (2029-30): Site B",
        "Year 4 (2030-31): Site A", "2 moves between years"]
    assert overview.need_lines("N2", _names)[0] == "Year 1 (2027-28): —"
    assert overview.need_lines("N3", _names)[1:2] == ["Year 2 (2028-29): unplaced"]
    assert overview.need_lines("N9") == []


def test_years_are_written_as_a_reader_says_them():
    assert years_text([3]) == "year 3"
    assert years_text([4, 2, 3]) == "years 2–4"
    assert years_text([1, 3, 4]) == "years 1, 3 and 4"
    assert years_text([1, 2]) == "years 1–2"


def _issues_case():
    """Two years from 2027-04-01. A is 40 km east of everyone (desks 2), B where they are
    (desks 1); N1 and N3 are Prov's, N2 is Other's; the warning is at 30 km.

    ====  ======  ======
    need  year 1  year 2
    ====  ======  ======
    N1    A 40km  B        one move
    N2    B       A 40km
    N3    unpl.   A 40km
    ====  ======  ======
    """
    scenario = make_scenario([site("A", x=40_000.0, desks=2), site("B", desks=1)],
                             [need("N1"), need("N2", provider="Other"), need("N3")],
                             go_live=START, contract_years=2, move_penalty=100.0)
    result = price_contract_plan(scenario, Ramp(), [{"N1": "A", "N2": "B", "N3": None},
                                                    {"N1": "B", "N2": "A", "N3": "A"}])
    return scenario.dataset, result


def test_need_years_not_placed_and_long_journeys_are_listed_per_year():
    ds, result = _issues_case()
    unplaced, journeys = contract_issues(result, 30.0)
    assert [(i.need_id, i.years) for i in unplaced] == [("N3", (1,))]
    assert unplaced[0].reason.startswith("not placed although Site A is allowed")
    assert [(i.need_id, i.years, i.site_id, i.distance_km) for i in journeys] == [
        ("N1", (1,), "A", 40.0), ("N2", (2,), "A", 40.0), ("N3", (2,), "A", 40.0)]
    assert contract_issues(result, 40.0)[1] == ()  # over the warning, not at it
    titles = ("Year 1 (2027-28)", "Year 2 (2028-29)")
    row = issue_row(unplaced[0], ds, titles)
    assert row[:4] == ("N3", "Prov", "Year 1 (2027-28)", "Not placed")
    assert row[4].startswith("Not placed although Site A is allowed and has room")
    assert issue_row(journeys[1], ds, titles) == (
        "N2", "Other", "Year 2 (2028-29)", "Journey 40.0 km", "From P1 to Site A")
    assert issues_text(unplaced, journeys, 30.0, 2) == (
        "Over the 2 contract years: 1 need-year (1 need) not placed; 3 need-years (3 needs) "
        "with a journey over 30 km. The smallest change that would place a need is worked "
        "out for one year: choose it on the toolbar.")


def test_a_providers_needs_sites_and_partners_per_year():
    ds, result = _issues_case()
    overview = contract_overview(result, ["N1", "N2", "N3"])
    # N3 (unplaced in year 1) first
    assert provider_need_rows(overview, ds, "Prov", _names) == [
        ("N3", "ETE", "0", UNPLACED, "Site A"), ("N1", "ETE", "1", "Site A", "Site B")]
    assert provider_years_text(overview, ds, "Prov") == [
        "Year 1 (2027-28): 1 placed at 1 site, 1 not placed",
        "Year 2 (2028-29): 2 placed at 2 sites", "1 move between years"]
    # year 1: Prov at A, Other at B; year 2: both at A
    assert provider_partners_by_year(result, ds, "Prov") == [
        "Year 1 (2027-28): shares no site", "Year 2 (2028-29): Other at 1 site"]


def test_years_alike_are_one_line():
    """The same plan in both years: N3 unplaced for one reason, N1 40 km from A, Prov's
    summary and partners the same each year."""
    ds, _result = _issues_case()
    scenario = make_scenario(ds.sites, ds.needs, go_live=START, contract_years=2)
    same = {"N1": "A", "N2": "B", "N3": None}
    result = price_contract_plan(scenario, Ramp(), [same, same])
    unplaced, journeys = contract_issues(result, 30.0)
    assert [(i.need_id, i.years) for i in unplaced] == [("N3", (1, 2))]
    assert [(i.need_id, i.years) for i in journeys] == [("N1", (1, 2))]
    titles = ("Year 1 (2027-28)", "Year 2 (2028-29)")
    assert issue_row(journeys[0], ds, titles)[2] == "Years 1–2"
    assert issues_text(unplaced, journeys, 30.0, 2).startswith(
        "Over the 2 contract years: 2 need-years (1 need) not placed; 2 need-years (1 need) "
        "with a journey over 30 km.")
    overview = contract_overview(result, ["N1", "N2", "N3"])
    assert provider_years_text(overview, ds, "Prov") == [
        "Every year: 1 placed at 1 site, 1 not placed", "0 moves between years"]
    assert provider_partners_by_year(result, ds, "Other") == ["Every year: shares no site"]
