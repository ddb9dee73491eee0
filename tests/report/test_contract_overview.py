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
    contract_overview,
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
