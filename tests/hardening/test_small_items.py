"""Issue 18, item 10: the smaller findings of the second hardening probe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from estates_planner.errors import ProjectFileError
from estates_planner.io import read_sites
from estates_planner.io.allocation_csv import escape_cell, unescape_cell
from estates_planner.project import open_project

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample_project.gpkg"


# --- formula escaping ---------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    "\n=1+1", "\x00=cmd|' /C calc'!A0", "\u200b=HYPERLINK(\"http://x\")", "\u200c+1",
    "\u200d-1", "\u2060@SUM(A1)", "\ufeff=1", "\uff1d1+1", "\uff0bcmd", "\uff0d1", "\uff20A1",
])
def test_the_new_formula_starts_are_escaped(payload):
    assert escape_cell(payload) == "'" + payload
    assert unescape_cell(escape_cell(payload)) == payload


@pytest.mark.parametrize("text", ["'=already quoted", "''+two", "'plain", "plain", "", "'"])
def test_quotes_of_the_users_own_survive_the_round_trip(text):
    assert unescape_cell(escape_cell(text)) == text


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "'", "a", " ", "\n", "\x00",
                                         "\u200b", "\uff1d", "1"]), max_size=6))
def test_escape_then_unescape_gives_the_text_back(text):
    assert unescape_cell(escape_cell(text)) == text


def test_csv_export_and_baseline_read_round_trip(tmp_path):
    """A need id that a spreadsheet would run is escaped in the CSV and read back exactly."""
    from hardening.test_export_safety import scenario_with_names

    from estates_planner.io.allocation_csv import read_baseline
    from estates_planner.optimise import evaluate_plan
    from estates_planner.report.exports import write_allocation_csv

    sc = scenario_with_names("\uff1dSite", "\u200b=Provider", "\n=PDU")
    path = write_allocation_csv(sc, evaluate_plan(sc, {"N1": "S1", "N2": None}),
                                tmp_path / "plan.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert "'\uff1dSite" in text and "'\u200b=Provider" in text and "\"'\n=PDU\"" in text
    assert read_baseline(path, sc.dataset) == {"N1": "S1", "N2": None}


# --- site locations that are not points or areas ---------------------------------------------

def test_lines_and_multipoints_as_site_locations_are_warned(tmp_path):
    import geopandas as gpd
    from shapely.geometry import LineString, MultiPoint, Point, Polygon

    frame = gpd.GeoDataFrame(
        {"site_id": ["P", "A", "L", "M"], "name": ["Point", "Area", "Line", "Several"],
         "region": "North", "pdu": "Leeds", "kind": "authority", "desks": 5,
         "interview_rooms": 1, "annual_cost_per_desk": 2000},
        geometry=[Point(430000, 433000),
                  Polygon([(430000, 433000), (430100, 433000), (430100, 433100)]),
                  LineString([(430000, 433000), (440000, 443000)]),
                  MultiPoint([(430000, 433000), (500000, 200000)])], crs=27700)
    path = tmp_path / "sites.gpkg"
    frame.to_file(path, layer="sites")
    sites, report = read_sites(path)
    assert report.ok and len(sites) == 4
    assert [str(p) for p in report.warnings] == [
        "sites.gpkg, row 4, column 'geometry': the location is a line, not a point or an "
        "area: a point on it is used; check that this is the right layer",
        "sites.gpkg, row 5, column 'geometry': the location is a set of several points, not a "
        "point or an area: a point on it is used; check that this is the right layer"]


# --- a corrupt project's message -------------------------------------------------------------

def test_a_corrupt_project_is_named_without_sqlites_report(tmp_path):
    """Damage that SQLite's quick_check finds (its report: "*** in database main *** On tree
    page 17 cell 4: Offset 40234 out of range ...") is named in words a planner can use."""
    data = SAMPLE.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    path = tmp_path / "plan.gpkg"
    for page in range(len(data) // page_size // 2, len(data) // page_size):
        broken = bytearray(data)
        at = page * page_size + 12  # into the page's cell pointers
        broken[at:at + 4] = b"\xff\xff\xff\xff"
        path.write_bytes(bytes(broken))
        try:
            con = sqlite3.connect(path)
            check = con.execute("PRAGMA quick_check").fetchone()[0]
            con.close()
        except sqlite3.DatabaseError:
            continue
        if check != "ok":
            break
    else:
        pytest.skip("no page of this sample gives a quick_check report when damaged")
    assert "***" in check  # SQLite's own report, which must not reach the user
    with pytest.raises(ProjectFileError) as info:
        open_project(path)
    assert str(info.value) == ("plan.gpkg is damaged (its internal consistency check failed); "
                               "try its .bak copy")


