"""Reading sites: values, coordinates, extra columns, and every validation message."""

from __future__ import annotations

from datetime import date

import pytest

from estates_planner.errors import Severity
from estates_planner.io import read_sites
from estates_planner.model import SiteKind

SITES_HEADER = ("site_id,name,region,pdu,kind,women_only,desks,interview_rooms,"
                "annual_cost_per_desk,lon,lat")


def texts(report):
    return [str(p) for p in report]


def test_valid_sites_read_with_every_value(io_data):
    sites, report = read_sites(io_data / "sites_valid.csv")
    assert report.problems == []
    assert [s.site_id for s in sites] == ["LDS1", "LDS2", "YRK1", "NCL1", "NCL2"]
    lds1, lds2, yrk1, ncl1, ncl2 = sites
    assert lds1.kind is SiteKind.AUTHORITY and lds1.women_only is False
    assert (lds1.desks, lds1.interview_rooms, lds1.annual_cost_per_desk) == (20, 4, 3200.0)
    assert lds1.fit_out_cost == 0.0  # empty cell -> default
    assert lds1.step_free is True and yrk1.step_free is None
    assert lds2.women_only is True and lds2.available_from == date(2027, 4, 1)
    assert lds2.fit_out_cost == 15000.0
    assert ncl2.annual_cost_per_desk == 2100.0  # "2,100" with a thousands separator
    # easting/northing are taken as they are
    assert ncl1.xy == (425000.0, 564000.0)
    # extra columns keep their original name; an empty cell is None
    assert lds1.extra == {"Landlord": "HMPPS"}
    assert ncl2.extra == {"Landlord": None}


def test_lon_lat_become_british_national_grid(write_csv):
    # Big Ben (Elizabeth Tower) is at OS grid reference TQ 3026 7964, i.e. 530260, 179640
    path = write_csv("sites.csv", SITES_HEADER + "\n"
                     "BB,Big Ben,London,Westminster,authority,no,1,1,1,-0.124625,51.500729\n")
    sites, report = read_sites(path)
    assert report.ok
    assert sites[0].easting == pytest.approx(530260, abs=50)
    assert sites[0].northing == pytest.approx(179640, abs=50)


def test_column_names_are_case_insensitive_and_trimmed(write_csv):
    header = " SITE_ID ,Name,REGION,Pdu,Kind,Women_Only,DESKS,Interview_Rooms," \
             "Annual_Cost_Per_Desk,LON, Lat"
    path = write_csv("sites.csv", header + "\nA,A,London,Camden,market,N,1,0,10,-0.14,51.54\n")
    sites, report = read_sites(path)
    assert report.ok, texts(report)
    assert sites[0].site_id == "A" and sites[0].women_only is False


def test_column_map_renames_file_columns(write_csv):
    path = write_csv("sites.csv", "Site Ref,Area,Type,Desk count,rooms,cost,lon,lat,Notes\n"
                     "A,London,market,3,1,10,-0.14,51.54,x\n")
    sites, report = read_sites(path, column_map={
        "site ref": "site_id", "Area": "region", "Type": "kind", "Desk count": "desks",
        "rooms": "interview_rooms", "cost": "annual_cost_per_desk", "Notes": None})
    assert report.ok, texts(report)
    assert (sites[0].site_id, sites[0].region, sites[0].desks) == ("A", "London", 3)
    assert sites[0].name == "A"  # no name column: the id stands in
    assert sites[0].extra == {}  # 'Notes' was mapped to None: ignored


@pytest.mark.parametrize("word,value", [("true", True), ("False", False), ("YES", True),
                                        ("no", False), ("y", True), ("N", False),
                                        ("1", True), ("0", False)])
def test_boolean_words(write_csv, word, value):
    path = write_csv("sites.csv", SITES_HEADER + f"\nA,A,London,Camden,market,{word},1,0,10,"
                     "-0.14,51.54\n")
    sites, report = read_sites(path)
    assert report.ok and sites[0].women_only is value


def test_broken_sites_report_every_problem_and_keep_the_valid_row(io_data):
    sites, report = read_sites(io_data / "sites_broken.csv")
    assert [s.site_id for s in sites] == ["S1"]
    assert all(p.severity is Severity.ERROR for p in report)
    f = "sites_broken.csv"
    assert texts(report) == [
        f"{f}, row 3, column 'kind': expected one of authority, provider, market, "
        "got 'council'",
        f"{f}, row 4, column 'desks': expected a whole number ≥ 0, got 'twelve'",
        f"{f}, row 5, column 'desks': expected a whole number ≥ 0, got '-3'",
        f"{f}, row 6, column 'site_id': duplicate site_id 'S1' (first used in row 2); every "
        "site_id must be unique",
        f"{f}, row 7, column 'lon': the point is outside Great Britain; 'lon' and 'lat' look "
        "swapped: expected lon from -8.75 to 1.85 and lat from 49.8 to 60.95 (a point in "
        "Great Britain), got (51.539, -0.1426)",
        f"{f}, row 8, column 'lon': the row has no location: expected a point in 'lon' and "
        "'lat' or in 'easting' and 'northing', got nothing",
        f"{f}, row 9, column 'lon': the point is outside Great Britain: expected lon from "
        "-8.75 to 1.85 and lat from 49.8 to 60.95 (a point in Great Britain), "
        "got (2.3522, 48.8566)",
        f"{f}, row 10, column 'women_only': expected true/false, yes/no, y/n or 1/0, "
        "got 'perhaps'",
        f"{f}, row 10, column 'desks': expected a whole number ≥ 0, got '1.5'",
        f"{f}, row 10, column 'interview_rooms': too large to be right (a typing slip?): "
        "expected at most 10,000, got '1000000'",
        f"{f}, row 10, column 'annual_cost_per_desk': expected an amount in GBP ≥ 0, "
        "got 'nan'",
        f"{f}, row 10, column 'available_from': expected a date as YYYY-MM-DD (ISO 8601), "
        "got '31/12/2026'",
        f"{f}, row 11, column 'annual_cost_per_desk': not a finite number: expected an "
        "amount in GBP ≥ 0, got 'inf'",
    ]
    desks = report.problems[1]
    assert (desks.file, desks.row, desks.column, desks.value, desks.expected) == (
        "sites_broken.csv", 4, "desks", "twelve", "a whole number ≥ 0")


def test_missing_required_column_names_it_and_suggests_a_near_header(write_csv):
    path = write_csv("sites.csv", "site_id,region,kind,desk,interview_rooms,"
                     "annual_cost_per_desk,lon,lat\nA,London,market,1,0,10,-0.14,51.54\n")
    sites, report = read_sites(path)
    assert sites == []
    assert texts(report) == [
        "sites.csv, column 'desks': required column is missing (the file has 'desk': rename "
        "it to 'desks', or map it in the import wizard)"]


def test_missing_coordinate_columns(write_csv):
    path = write_csv("sites.csv", "site_id,region,kind,desks,interview_rooms,"
                     "annual_cost_per_desk\nA,London,market,1,0,10\n")
    sites, report = read_sites(path)
    assert sites == []
    assert texts(report) == [
        "sites.csv: the file has no coordinate columns: expected columns 'lon' and 'lat' "
        "(WGS84 degrees) or 'easting' and 'northing' (British National Grid metres), "
        "got nothing"]


def test_easting_northing_problems_have_hints(write_csv):
    path = write_csv("sites.csv", "site_id,region,kind,desks,interview_rooms,"
                     "annual_cost_per_desk,easting,northing\n"
                     "DEG,London,market,1,0,10,-0.14,51.54\n"
                     "SWAP,London,market,1,0,10,1179640,530260\n"
                     "HALF,London,market,1,0,10,530260,\n"
                     "TEXT,London,market,1,0,10,east,179640\n")
    sites, report = read_sites(path)
    assert sites == []
    assert texts(report) == [
        "sites.csv, row 2, column 'easting': the point is outside Great Britain; 'easting' and "
        "'northing' hold degrees, not metres: name the columns 'lon' and 'lat': expected "
        "easting from 0 to 700,000 and northing from 0 to 1,300,000 metres (a point in Great "
        "Britain), got (-0.14, 51.54)",
        "sites.csv, row 3, column 'easting': the point is outside Great Britain; 'easting' and "
        "'northing' look swapped: expected easting from 0 to 700,000 and northing from 0 to "
        "1,300,000 metres (a point in Great Britain), got (1179640.0, 530260.0)",
        "sites.csv, row 4, column 'northing': expected a value in 'northing' as well as in "
        "'easting', got nothing",
        "sites.csv, row 5, column 'easting': expected a number, got 'east'",
    ]


def test_metres_in_lon_lat_columns_get_a_hint(write_csv):
    path = write_csv("sites.csv", SITES_HEADER + "\nA,A,London,Camden,market,no,1,0,10,"
                     "530260,179640\n")
    _, report = read_sites(path)
    assert texts(report) == [
        "sites.csv, row 2, column 'lon': the point is outside Great Britain; 'lon' and 'lat' "
        "hold metres, not degrees: name the columns 'easting' and 'northing': expected lon "
        "from -8.75 to 1.85 and lat from 49.8 to 60.95 (a point in Great Britain), "
        "got (530260.0, 179640.0)"]


def test_empty_required_cells_and_blank_lines(write_csv):
    # the blank line still counts, as it does when Excel opens the file
    path = write_csv("sites.csv", SITES_HEADER + "\n\n,A,,Camden,,no,,0,10,-0.14,51.54\n")
    sites, report = read_sites(path)
    assert sites == []
    assert texts(report) == [
        "sites.csv, row 3, column 'site_id': expected a value (this column is required), "
        "got nothing",
        "sites.csv, row 3, column 'region': expected a value (this column is required), "
        "got nothing",
        "sites.csv, row 3, column 'kind': expected one of authority, provider, market, "
        "got nothing",
        "sites.csv, row 3, column 'desks': expected a whole number ≥ 0, got nothing",
    ]


def test_two_columns_for_one_field_is_an_error(write_csv):
    path = write_csv("sites.csv", SITES_HEADER + ",DESKS\nA,A,London,Camden,market,no,1,0,10,"
                     "-0.14,51.54,2\n")
    sites, report = read_sites(path)
    assert texts(report) == [
        "sites.csv, column 'DESKS': two columns give 'desks': 'desks' (used) and 'DESKS'; "
        "rename or remove one"]
    assert sites[0].desks == 1


def test_money_with_pound_sign(write_csv):
    path = write_csv("sites.csv", SITES_HEADER + "\nA,A,London,Camden,market,no,1,0,"
                     "\"£1,250.50\",-0.14,51.54\n")
    sites, report = read_sites(path)
    assert report.ok and sites[0].annual_cost_per_desk == 1250.5


def test_optional_column_spelt_differently_is_a_warning(write_csv):
    path = write_csv("sites.csv", SITES_HEADER.replace("women_only", "Women Only") + "\n"
                     "A,A,London,Camden,market,yes,1,0,10,-0.14,51.54\n")
    sites, report = read_sites(path)
    assert report.ok
    assert sites[0].women_only is False and sites[0].extra == {"Women Only": "yes"}
    assert texts(report) == [
        "sites.csv, column 'Women Only': this column is kept as extra information, not read "
        "as 'women_only'; rename it to 'women_only' if that is what it holds"]
