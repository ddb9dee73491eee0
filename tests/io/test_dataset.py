"""load_dataset: the three files together, and the warnings that need more than one file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estates_planner.errors import EstatesError, Severity
from estates_planner.io import (
    load_dataset,
    read_boundaries,
    read_demand,
    read_needs,
    read_sites,
    table_columns,
)

SITES = ("site_id,region,pdu,kind,women_only,desks,interview_rooms,annual_cost_per_desk,"
         "easting,northing\n"
         "A,North East,Newcastle,authority,no,5,1,100,425000,564000\n"
         "B,Wales,Cardiff,authority,no,5,1,100,318000,176000\n")
NEEDS_HEADER = ("need_id,provider,lot,region,pdu,desks,interview_rooms,days_per_week,"
                "caseload\n")


def texts(report):
    return [str(p) for p in report]


def test_valid_files_load_into_a_dataset(io_data):
    dataset, report = load_dataset(io_data / "sites_valid.csv", io_data / "needs_valid.csv",
                                   io_data / "demand_valid.csv")
    assert report.problems == []
    assert len(dataset.sites) == 5 and len(dataset.needs) == 4 and len(dataset.demand) == 1
    assert dataset.need("N2").location_source == "demand"
    assert dataset.regions == ["North East", "Yorkshire and the Humber"]


def test_needs_in_a_region_without_sites_are_a_warning(write_csv):
    sites = write_csv("sites.csv", SITES)
    needs = write_csv("needs.csv", NEEDS_HEADER +
                      "N1,P,ete,north east,Newcastle,1,1,1,1\n"
                      "N2,P,ete,North Eest,Newcastle,1,1,1,1\n"
                      "N3,P,ete,North Eest,Newcastle,1,1,1,1\n"
                      "N4,P,ete,Atlantis,Newcastle,1,1,1,1\n"
                      "N5,P,ete,North East,Newcastle,1,1,1,1\n")
    dataset, report = load_dataset(sites, needs)
    assert report.ok and len(dataset.needs) == 5
    assert all(p.severity is Severity.WARNING for p in report)
    assert texts(report) == [
        "needs.csv, row 2, column 'region': region 'north east' has no sites, so its 1 need "
        "(first in row 2) cannot be placed while needs must stay in their own region; the "
        "sites file spells it 'North East'",
        "needs.csv, row 3, column 'region': region 'North Eest' has no sites, so its 2 needs "
        "(first in row 3) cannot be placed while needs must stay in their own region; did you "
        "mean 'North East'?",
        "needs.csv, row 5, column 'region': region 'Atlantis' has no sites, so its 1 need "
        "(first in row 5) cannot be placed while needs must stay in their own region",
    ]


def test_womens_needs_without_a_women_only_site_are_a_warning(write_csv):
    sites = write_csv("sites.csv", SITES)
    needs = write_csv("needs.csv", NEEDS_HEADER + "N1,P,ete,Wales,Cardiff,1,1,1,1\n"
                      "N2,P,womens,Wales,Cardiff,1,1,1,1\n")
    _, report = load_dataset(sites, needs)
    assert texts(report) == [
        "needs.csv, row 3, column 'region': region 'Wales' has no women-only site, so its 1 "
        "women's services need (first in row 3) cannot be placed while women's services must "
        "use women-only sites"]
    assert report.ok


def test_problems_of_every_file_are_collected(io_data, write_csv):
    dataset, report = load_dataset(io_data / "sites_broken.csv", io_data / "needs_broken.csv",
                                   io_data / "empty.csv")
    files = [p.file for p in report]
    assert files == sorted(files, key=["sites_broken.csv", "empty.csv",
                                       "needs_broken.csv"].index)
    assert len([f for f in files if f == "sites_broken.csv"]) == 13
    assert "empty.csv: the file is empty: expected a header row and at least one data row" \
        in texts(report)
    assert [s.site_id for s in dataset.sites] == ["S1"]
    assert [n.need_id for n in dataset.needs] == ["N1"]


def test_column_maps_per_file(write_csv):
    sites = write_csv("sites.csv", SITES.replace("site_id", "Ref"))
    needs = write_csv("needs.csv", NEEDS_HEADER.replace("need_id", "Need Ref")
                      + "N1,P,ete,Wales,Cardiff,1,1,1,1\n")
    dataset, report = load_dataset(sites, needs, column_maps={
        "sites": {"Ref": "site_id"}, "needs": {"need ref": "need_id"}})
    assert report.ok, texts(report)
    assert [s.site_id for s in dataset.sites] == ["A", "B"]
    assert dataset.needs[0].xy == (318000.0, 176000.0)


def test_unknown_target_in_a_column_map_is_an_error(write_csv):
    sites = write_csv("sites.csv", SITES)
    _, report = read_sites(sites, column_map={"region": "area", "Nope": "pdu"})
    assert texts(report) == [
        "sites.csv, column 'region': the column mapping sends 'region' to 'area', which is "
        "not a column of this table: expected one of annual_cost_per_desk, available_from, "
        "available_until, "
        "desks, easting, fit_out_cost, interview_rooms, kind, lat, lon, name, northing, pdu, "
        "region, site_id, step_free, women_only, got 'area'",
        "sites.csv, column 'Nope': the column mapping names a column that is not in the "
        "file; the mapping is ignored",
    ]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(alphabet=st.sampled_from(list("ab1,;\t\"\n\r -.£é")), max_size=300).map(
        lambda t: (NEEDS_HEADER + t).encode("utf-8"))))
def test_readers_never_raise_on_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "needs.csv"
    path.write_bytes(data)
    needs, report = read_needs(path)
    assert isinstance(needs, list)
    assert all(p.file == "needs.csv" for p in report)
    sites, report = read_sites(path)
    assert isinstance(sites, list)


def test_junk_with_any_suffix_is_reported_not_raised(tmp_path):
    for suffix in (".csv", ".xlsx", ".gpkg", ".geojson", ".shp", ".dat", ""):
        path = tmp_path / f"junk{suffix}"
        path.write_bytes(b"\x00\x01junk{\xff" * 20)
        for reader in (read_sites, read_needs, read_demand):
            rows, report = reader(path)
            assert rows == [] and not report.ok, (suffix, reader)
        frame, report = read_boundaries(path)
        assert frame.empty and not report.ok
        try:
            table_columns(path)
        except EstatesError:
            pass
