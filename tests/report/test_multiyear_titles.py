"""How a contract year is named in the key figures and the compare window."""

from __future__ import annotations

from datetime import date

from estates_planner.optimise.multiyear.years import ContractYear
from estates_planner.report.figures import format_figure
from estates_planner.report.multiyear import year_title


def test_a_year_is_named_as_a_financial_year():
    assert year_title(ContractYear(2, date(2028, 4, 1), date(2029, 3, 31))) == "Year 2 (2028-29)"
    # a contract from 1 January keeps to one calendar year
    assert year_title(ContractYear(1, date(2027, 1, 1), date(2027, 12, 31))) == "Year 1 (2027)"
    # a start at the turn of a century still reads with two digits
    assert year_title(ContractYear(3, date(2099, 4, 1), date(2100, 3, 31))) == "Year 3 (2099-00)"
    assert year_title(ContractYear(3, None, None)) == "Year 3"


def test_moves_and_need_years_are_counted_in_words():
    assert format_figure(1, "moves") == "1 move"
    assert format_figure(114, "moves") == "114 moves"
    assert format_figure(2012, "need-years") == "2,012 need-years"
    assert format_figure(1, "need-years") == "1 need-year"
