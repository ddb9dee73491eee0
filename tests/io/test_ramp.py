"""ramp.csv: exact shares, the most specific row, and every problem located."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pandas as pd
import pytest

from estates_planner.io.ramp import (
    Ramp,
    RampRow,
    format_share,
    ramp_from_frame,
    ramp_to_frame,
    read_ramp,
)
from estates_planner.model import Lot, Scenario, ServiceNeed, Settings
from estates_planner.optimise.multiyear.years import contract_years, ramped_need

HEADER = "lot,provider,need_id,year,share\n"


def _need(need_id: str = "N1", lot: Lot = Lot.ETE, provider: str = "Acme", desks: int = 5,
          rooms: int = 3, caseload: float = 10.0) -> ServiceNeed:
    return ServiceNeed(need_id, provider, lot, "North", "P1", desks, rooms, 5, caseload, 0, 0)


def _write(tmp_path, text: str):  # noqa: ANN001, ANN202
    path = tmp_path / "ramp.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_shares_are_exact_decimals_so_five_desks_at_60_percent_are_three(tmp_path):
    ramp, report = read_ramp(_write(tmp_path, "ete,,,1,0.6\nete,,,2,70 %\n"))
    assert report.ok and not report.problems
    need = _need()
    assert ramp.share(need, 1) == Fraction(3, 5)
    year_1 = ramped_need(need, ramp.share(need, 1))
    assert (year_1.desks, year_1.interview_rooms) == (3, 2)  # 5 x 0.6 = 3; 3 x 0.6 = 1.8 -> 2
    assert year_1.caseload == 6.0
    assert ramped_need(need, ramp.share(need, 2)).desks == 4  # 3.5 -> 4
    assert ramp.share(need, 3) == 1  # no row: share 1


def test_the_most_specific_row_applies(tmp_path):
    ramp, report = read_ramp(_write(tmp_path, "ete,,,1,0.5\nete,Acme,,1,0.6\n"
                                                "ete,,N1,1,0.7\nwellbeing,,,1,0.2\n"),
                             needs=[_need("N1"), _need("N2"), _need("N3", provider="Other")])
    assert report.ok, [str(p) for p in report.problems]
    assert ramp.share(_need("N1"), 1) == Fraction(7, 10)  # its own row
    assert ramp.share(_need("N2"), 1) == Fraction(3, 5)  # its provider's
    assert ramp.share(_need("N3", provider="Other"), 1) == Fraction(1, 2)  # the lot's
    assert ramp.share(_need("N4", lot=Lot.ACCOMMODATION), 1) == 1  # no row for its lot


def test_every_problem_is_listed_with_file_row_and_column(tmp_path):
    text = ("banana,,,1,0.5\n"  # row 2: unknown lot
            "ete,,,0,0.5\n"  # row 3: year 0
            "ete,,,1,-0.1\n"  # row 4: negative share
            "ete,,,2,\n"  # row 5: no share
            "ete,,,3,0.5\n"
            "ete,,,3,0.6\n"  # row 7: a second share for ete year 3
            "ete,,N9,4,0.5\n"  # row 8: need of another lot
            "ete,,,5,twelve\n")  # row 9
    ramp, report = read_ramp(_write(tmp_path, text), needs=[_need("N9", lot=Lot.WOMENS)])
    assert ramp == Ramp()
    assert [str(p) for p in report.errors] == [
        "ramp.csv, row 2, column 'lot': expected one of ete, accommodation, wellbeing, "
        "womens, got 'banana'",
        "ramp.csv, row 3, column 'year': expected a whole number from 1 to 10, got '0'",
        "ramp.csv, row 4, column 'share': expected a number ≥ 0 such as 0.6 or 60 %, got '-0.1'",
        "ramp.csv, row 5, column 'share': a share is required: expected a number ≥ 0 such as "
        "0.6 or 60 %, got nothing",
        "ramp.csv, row 7, column 'year': a second share for the same lot, provider, need and "
        "year (first in row 6); give each once",
        "ramp.csv, row 8, column 'need_id': need N9 is of lot 'womens': expected a need of "
        "lot 'ete', got 'N9'",
        "ramp.csv, row 9, column 'share': expected a number ≥ 0 such as 0.6 or 60 %, got "
        "'twelve'",
    ]


def test_missing_columns_and_unknown_names(tmp_path):
    path = tmp_path / "ramp.csv"
    path.write_text("lot,year\nete,1\n", encoding="utf-8")
    _, report = read_ramp(path)
    assert [str(p) for p in report.errors] == ["ramp.csv, column 'share': required column is "
                                               "missing"]
    ramp, report = read_ramp(_write(tmp_path, "ete,Nobody,,1,0.5\n"), needs=[_need()])
    assert report.ok
    assert [str(p) for p in report.warnings] == [
        "ramp.csv, row 2, column 'provider': no need of lot 'ete' has this provider (names "
        "must match exactly); the row changes nothing"]


def test_the_project_table_round_trips_exactly():
    ramp = Ramp((RampRow(Lot.ETE, "", "", 1, Fraction(3, 5)),
                 RampRow(Lot.WOMENS, "Acme", "N1", 2, Fraction(1, 3)),
                 RampRow(Lot.WELLBEING, "", "", 4, Fraction(0))))
    frame = ramp_to_frame(ramp)
    assert frame["share"].tolist() == ["0.6", "1/3", "0"]
    back, report = ramp_from_frame(frame.astype(object))
    assert report.ok
    assert back == ramp
    # a table read back from a file may give empty cells as None
    frame.loc[0, "provider"] = None
    assert ramp_from_frame(pd.DataFrame(frame))[0] == ramp


@pytest.mark.parametrize(("share", "text"), [(Fraction(1), "1"), (Fraction(1, 8), "0.125"),
                                             (Fraction(5, 2), "2.5"), (Fraction(2, 3), "2/3")])
def test_format_share(share, text):
    assert format_share(share) == text


def test_contract_years_run_from_the_start_to_the_day_before_the_next():
    sc = Scenario("s", _dataset(), Settings(go_live=date(2028, 2, 29), contract_years=3))
    years = contract_years(sc)
    assert [(y.first_day, y.last_day) for y in years] == [
        (date(2028, 2, 29), date(2029, 2, 27)),
        (date(2029, 2, 28), date(2030, 2, 27)),
        (date(2030, 2, 28), date(2031, 2, 27))]
    later = sc.with_settings(contract_start=date(2027, 4, 1))
    assert contract_years(later, 2)[1].first_day == date(2028, 4, 1)
    assert contract_years(later, 2)[1].last_day == date(2029, 3, 31)


def _dataset():  # noqa: ANN202
    from estates_planner.model import Dataset

    return Dataset((), (_need(),))


def test_the_docs_example_reads_without_problems(tmp_path):
    import re
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"
    [block] = re.findall(r"```csv ramp\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S)
    path = tmp_path / "ramp.csv"
    path.write_text(block, encoding="utf-8")
    ramp, report = read_ramp(path)
    assert report.ok and not report.problems
    assert ramp.share(_need("N17"), 1) == 0
    assert ramp.share(_need("N1", lot=Lot.WELLBEING), 1) == Fraction(1, 2)
    assert ramp.share(_need("N2", lot=Lot.WOMENS, provider="Women First"), 1) == Fraction(7, 10)
