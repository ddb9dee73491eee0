"""Reading service needs and locating those without coordinates."""

from __future__ import annotations

from estates_planner.io import read_demand, read_needs, read_sites
from estates_planner.model import Lot

NEEDS_HEADER = ("need_id,provider,lot,region,pdu,desks,interview_rooms,days_per_week,caseload,"
                "lon,lat")


def texts(report):
    return [str(p) for p in report]


def test_needs_take_own_point_then_demand_then_authority_mean(io_data):
    sites, _ = read_sites(io_data / "sites_valid.csv")
    demand, report = read_demand(io_data / "demand_valid.csv")
    assert report.ok and [(d.pdu, d.easting, d.northing) for d in demand] == [
        ("York", 460000.0, 452000.0)]
    needs, report = read_needs(io_data / "needs_valid.csv", sites, demand)
    assert report.problems == []
    by_id = {n.need_id: n for n in needs}
    assert (by_id["N1"].xy, by_id["N1"].location_source) == ((430000.0, 433000.0), "own")
    assert (by_id["N2"].xy, by_id["N2"].location_source) == ((460000.0, 452000.0), "demand")
    # Newcastle has one authority site, NCL1 at 425000, 564000 (NCL2 is a market property)
    assert (by_id["N3"].xy, by_id["N3"].location_source) == ((425000.0, 564000.0),
                                                             "authority mean")
    # Leeds: only LDS1 is an authority site
    lds1 = next(s for s in sites if s.site_id == "LDS1")
    assert by_id["N4"].xy == lds1.xy
    n1 = by_id["N1"]
    assert (n1.provider, n1.lot, n1.region, n1.pdu) == ("Acme ETE", Lot.ETE,
                                                        "Yorkshire and the Humber", "Leeds")
    assert (n1.desks, n1.interview_rooms, n1.days_per_week, n1.caseload) == (2, 1, 3, 120.0)
    assert n1.max_travel_km == 25.0 and by_id["N2"].max_travel_km is None
    assert n1.extra == {"Contract": "C-1"}


def test_authority_mean_is_the_mean_of_the_pdus_authority_sites(write_csv):
    sites_csv = write_csv("sites.csv", "site_id,region,pdu,kind,desks,interview_rooms,"
                          "annual_cost_per_desk,easting,northing\n"
                          "A,R,Leeds,authority,1,1,1,400000,400000\n"
                          "B,R,leeds ,authority,1,1,1,402000,404000\n"
                          "C,R,Leeds,market,1,1,1,500000,500000\n")
    sites, _ = read_sites(sites_csv)
    needs_csv = write_csv("needs.csv", NEEDS_HEADER + "\nN,P,ete,R,LEEDS,1,1,1,1,,\n")
    needs, report = read_needs(needs_csv, sites)
    assert report.ok
    # PDU names match ignoring case and spaces; the market site does not count
    assert needs[0].xy == (401000.0, 402000.0)


def test_broken_needs_report_every_problem(io_data):
    sites, _ = read_sites(io_data / "sites_broken.csv")
    needs, report = read_needs(io_data / "needs_broken.csv", sites)
    assert [n.need_id for n in needs] == ["N1"]
    f = "needs_broken.csv"
    assert texts(report) == [
        f"{f}, row 3, column 'lot': expected one of ete, accommodation, wellbeing, womens, "
        "got 'training'",
        f"{f}, row 4, column 'days_per_week': expected a whole number from 1 to 5, got '6'",
        f"{f}, row 5, column 'days_per_week': expected a whole number from 1 to 5, got '0'",
        f"{f}, row 6, column 'pdu': the need has no location: expected coordinates in the "
        "row ('lon'/'lat' or 'easting'/'northing'), a point for PDU 'Nowhere PDU' in the "
        "demand table, or an authority site in PDU 'Nowhere PDU', got nothing",
        f"{f}, row 7, column 'interview_rooms': expected a whole number ≥ 0, got 'one'",
        f"{f}, row 7, column 'caseload': expected a number of people ≥ 0, got '-5'",
    ]


def test_need_columns_missing_and_max_travel_checked(write_csv):
    path = write_csv("needs.csv", "need_id,provider,lot,region,desks,interview_rooms,"
                     "days_per_week,caseload,max_travel_km,easting,northing\n"
                     "N,P,ete,R,1,1,1,1,0,430000,433000\n")
    needs, report = read_needs(path)
    assert needs == []
    assert texts(report) == [
        "needs.csv, column 'pdu': required column is missing",
        "needs.csv, row 2, column 'max_travel_km': expected a distance in km > 0, got '0'",
    ]


def test_duplicate_need_ids(write_csv):
    path = write_csv("needs.csv", NEEDS_HEADER + "\nN,P,ete,R,X,1,1,1,1,-1.5,53.8\n"
                     "M,P,ete,R,X,1,1,1,1,-1.5,53.8\nN,P,ete,R,X,1,1,1,1,-1.5,53.8\n")
    needs, report = read_needs(path)
    assert [n.need_id for n in needs] == ["N", "M"]
    assert texts(report) == ["needs.csv, row 4, column 'need_id': duplicate need_id 'N' "
                             "(first used in row 2); every need_id must be unique"]


def test_demand_problems(write_csv):
    path = write_csv("demand.csv", "pdu,lon,lat\nLeeds,-1.5,53.8\nLeeds,-1.5,53.8\n"
                     "York,53.96,-1.08\n,-1.5,53.8\n")
    demand, report = read_demand(path)
    assert [d.pdu for d in demand] == ["Leeds"]
    assert texts(report) == [
        "demand.csv, row 3, column 'pdu': duplicate pdu 'Leeds' (first used in row 2); every "
        "pdu must be unique",
        "demand.csv, row 4, column 'lon': the point is outside Great Britain; 'lon' and 'lat' "
        "look swapped: expected lon from -8.75 to 1.85 and lat from 49.8 to 60.95 (a point in "
        "Great Britain), got (53.96, -1.08)",
        "demand.csv, row 5, column 'pdu': expected a value (this column is required), "
        "got nothing",
    ]
