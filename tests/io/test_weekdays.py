"""The needs' optional ``days`` column: fixed weekdays, and its errors (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from estates_planner.io.needs import read_needs
from estates_planner.io.weekdays import WeekdayError, format_weekdays, parse_weekdays

HEADER = ("need_id,provider,lot,region,pdu,desks,interview_rooms,days_per_week,caseload,"
          "easting,northing,days\n")


def write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "needs.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_fixed_days_are_read_and_free_cells_leave_them_to_the_optimiser(tmp_path) -> None:  # noqa: ANN001
    path = write(tmp_path, "A,P,ete,R,X,1,0,2,10,0,0,\"Mon, wed\"\n"
                           "B,P,ete,R,X,1,0,3,10,0,0,thursday;Tue/friday\n"
                           "C,P,ete,R,X,1,0,2,10,0,0,\n"
                           "D,P,ete,R,X,1,0,2,10,0,0,any\n")
    needs, report = read_needs(path)
    assert report.ok, report.format()
    assert [n.fixed_days for n in needs] == [(0, 2), (1, 3, 4), (), ()]
    assert needs[0].extra["days"] == "Mon, wed"  # kept as given for the site plan


def test_bad_days_and_a_count_mismatch_name_file_row_and_column(tmp_path) -> None:  # noqa: ANN001
    path = write(tmp_path, "A,P,ete,R,X,1,0,2,10,0,0,Mon\n"
                           "B,P,ete,R,X,1,0,2,10,0,0,\"Mon,Sat\"\n"
                           "C,P,ete,R,X,1,0,2,10,0,0,\"Mon,Mon\"\n"
                           "D,P,ete,R,X,1,0,1,10,0,0,Tue\n")
    needs, report = read_needs(path)
    assert [n.need_id for n in needs] == ["D"]
    lines = [str(p) for p in report.errors]
    assert lines[0] == ("needs.csv, row 2, column 'days': 1 fixed weekday for a need on site "
                        "2 days a week (column 'days_per_week'): expected 2 weekdays, or an "
                        "empty cell to let the optimiser choose, got 'Mon'")
    assert lines[1].startswith("needs.csv, row 3, column 'days': 'sat' is not a weekday "
                               "Monday to Friday")
    assert lines[2].startswith("needs.csv, row 4, column 'days': Mon is named twice")


def test_parse_and_format_round_trip() -> None:
    assert format_weekdays(parse_weekdays("Fri,mon,Wednesday")) == "Mon,Wed,Fri"
    assert parse_weekdays(None) == () and parse_weekdays("  ") == ()
    with pytest.raises(WeekdayError, match="'someday' is not a weekday"):
        parse_weekdays("Mon,someday")
