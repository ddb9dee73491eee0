"""File-level reading: encodings, delimiters, Excel, empty and unreadable files."""

from __future__ import annotations

import openpyxl
import pytest

from estates_planner.errors import InputValidationError
from estates_planner.io import read_sites, table_columns

SITES_HEADER = ("site_id,name,region,pdu,kind,women_only,desks,interview_rooms,"
                "annual_cost_per_desk,lon,lat")
CAFE_ROW = "C1,Café Ñ Street,London,Camden,market,no,2,1,10,-0.14,51.54"


def texts(report):
    return [str(p) for p in report]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_text_encodings_load(write_csv, encoding):
    path = write_csv("sites.csv", SITES_HEADER + "\r\n" + CAFE_ROW + "\r\n", encoding)
    sites, report = read_sites(path)
    assert report.problems == []
    assert sites[0].site_id == "C1"  # a BOM does not stick to the first header
    assert sites[0].name == "Café Ñ Street"


def test_wrongly_encoded_file_names_the_byte_and_line(write_csv):
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8
    data = (SITES_HEADER + "\n" + CAFE_ROW + "\n").encode("utf-8") + b"C2,Bad \x81 name\n"
    sites, report = read_sites(write_csv("sites.csv", data))
    assert sites == []
    assert texts(report) == [
        "sites.csv: the file is in an unknown text encoding: byte 0x81 on line 3 is neither "
        "UTF-8 nor Windows-1252. Save it as 'CSV UTF-8' and load it again"]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters_are_sniffed(write_csv, delimiter):
    text = (SITES_HEADER + "\n" + CAFE_ROW + "\n").replace(",", delimiter)
    sites, report = read_sites(write_csv("sites.csv", text))
    assert report.ok, texts(report)
    assert sites[0].name == "Café Ñ Street" and sites[0].desks == 2


def test_semicolon_file_with_commas_inside_quotes(write_csv):
    text = SITES_HEADER.replace(",", ";") + "\n" \
        'A;"Office, Floor 2";London;Camden;market;no;2;1;10;-0,14;51,54\n'
    sites, report = read_sites(write_csv("sites.csv", text))
    assert sites[0].name == "Office, Floor 2" if sites else True
    # decimal commas are not numbers here: the coordinates are reported, not misread
    assert texts(report) == ["sites.csv, row 2, column 'lon': expected a number, got '-0,14'",
                             "sites.csv, row 2, column 'lat': expected a number, got '51,54'"]


def test_row_with_too_many_cells_is_reported_and_others_kept(write_csv):
    text = SITES_HEADER + "\nA,Leeds, West Yorkshire,London,Camden,market,no,2,1,10,-0.14,51.54\n" \
        "B,B,London,Camden,market,no,2,1,10,-0.14,51.54\n"
    sites, report = read_sites(write_csv("sites.csv", text))
    assert [s.site_id for s in sites] == ["B"]
    assert texts(report)[0] == (
        "sites.csv, row 2: the row has 12 cells but the header has 11 columns (is there an "
        "unquoted delimiter in a value?)")


def test_short_rows_are_padded(write_csv):
    text = SITES_HEADER + ",Landlord\nA,A,London,Camden,market,no,2,1,10,-0.14,51.54\n"
    sites, report = read_sites(write_csv("sites.csv", text))
    assert report.ok and sites[0].extra == {"Landlord": None}


def test_empty_file(io_data):
    sites, report = read_sites(io_data / "empty.csv")
    assert sites == []
    assert texts(report) == ["empty.csv: the file is empty: expected a header row and at "
                             "least one data row"]


def test_whitespace_only_file(write_csv):
    _, report = read_sites(write_csv("blank.csv", "\n  \n,,,\n"))
    assert texts(report) == ["blank.csv: the file is empty: expected a header row and at "
                             "least one data row"]


def test_header_only_file(io_data):
    sites, report = read_sites(io_data / "header_only.csv")
    assert sites == []
    assert texts(report) == ["header_only.csv: the file has a header but no data rows: "
                             "expected at least one site"]


@pytest.mark.parametrize("content,what", [
    (b"PK\x03\x04\x14\x00\x00\x00", "an Excel workbook (.xlsx) or a zip archive"),
    (b"SQLite format 3\x00\x10\x00", "a GeoPackage or SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)"),
])
def test_binary_file_with_a_csv_name_says_what_it_looks_like(write_csv, content, what):
    _, report = read_sites(write_csv("sites.csv", content + bytes(100)))
    assert texts(report) == [f"sites.csv: this is not a text (CSV) file: it looks like {what}. "
                             "Give the file its proper extension, or save it as CSV"]


def test_other_binary_file(write_csv):
    _, report = read_sites(write_csv("sites.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert texts(report) == ["sites.csv: this is not a text (CSV) file: it contains binary "
                             "data"]


def test_missing_file_and_folder(tmp_path):
    _, report = read_sites(tmp_path / "nope.csv")
    assert texts(report) == [f"nope.csv: the file does not exist (looked for "
                             f"{tmp_path / 'nope.csv'})"]
    _, report = read_sites(tmp_path)
    assert texts(report) == [f"{tmp_path.name}: this is a folder, not a file"]


def test_unreadable_file(write_csv, monkeypatch):
    path = write_csv("sites.csv", SITES_HEADER + "\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "read_bytes", refuse)
    _, report = read_sites(path)
    assert texts(report) == ["sites.csv: the file cannot be read (Permission denied)"]


def _workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


SITE_ROWS = [
    ["site_id", "name", "region", "pdu", "kind", "women_only", "desks", "interview_rooms",
     "annual_cost_per_desk", "available_from", "lon", "lat", "Floor area m2"],
    [101, "Leeds", "Yorkshire and the Humber", "Leeds", "authority", True, 12, 3, 3200.5,
     "2027-01-31", -1.5491, 53.8008, 420.5],
    ["B", "Bad", "Yorkshire and the Humber", "Leeds", "market", "no", "twelve", 3, 10,
     None, -1.5491, 53.8008, None],
]


def test_xlsx_first_sheet_with_typed_cells(tmp_path):
    path = _workbook(tmp_path / "sites.xlsx", {"Sheet1": SITE_ROWS})
    sites, report = read_sites(path)
    assert texts(report) == ["sites.xlsx, row 3, column 'desks': expected a whole number ≥ 0, "
                             "got 'twelve'"]
    (site,) = sites
    assert site.site_id == "101"  # a number typed as an id reads as text without '.0'
    assert site.women_only is True and site.desks == 12 and site.annual_cost_per_desk == 3200.5
    assert site.available_from.isoformat() == "2027-01-31"
    assert site.extra == {"Floor area m2": 420.5}


def test_xlsx_sheet_named_sites_is_preferred(tmp_path):
    path = _workbook(tmp_path / "book.xlsx", {"Notes": [["nothing here"]],
                                              "Sites": SITE_ROWS[:2]})
    sites, report = read_sites(path)
    assert report.ok and [s.site_id for s in sites] == ["101"]


def test_xlsx_messages_name_the_sheet_when_there_are_several(tmp_path):
    path = _workbook(tmp_path / "book.xlsx", {"sites": SITE_ROWS, "needs": [["need_id"]]})
    _, report = read_sites(path)
    assert texts(report) == ["book.xlsx [sites], row 3, column 'desks': expected a whole "
                             "number ≥ 0, got 'twelve'"]


def test_xlsx_header_below_blank_rows_keeps_sheet_row_numbers(tmp_path):
    path = _workbook(tmp_path / "sites.xlsx", {"Sheet1": [[], [None]] + SITE_ROWS})
    _, report = read_sites(path)
    assert [p.row for p in report] == [5]


def test_broken_xlsx(write_csv):
    _, report = read_sites(write_csv("sites.xlsx", b"not a zip at all"))
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith("sites.xlsx: the file cannot be read as an Excel "
                                            "workbook (")


def test_old_xls_is_refused_with_advice(write_csv):
    _, report = read_sites(write_csv("sites.xls", b"\xd0\xcf\x11\xe0"))
    assert texts(report) == ["sites.xls: old Excel .xls workbooks cannot be read: save it as "
                             ".xlsx or as CSV UTF-8 and load that"]


def test_table_columns_lists_headers_in_file_order(write_csv, tmp_path):
    path = write_csv("any.csv", "\ufeff Site Ref ;Area;Desks\n1;2;3\n")
    assert table_columns(path) == ["Site Ref", "Area", "Desks"]
    xlsx = _workbook(tmp_path / "b.xlsx", {"Sheet1": SITE_ROWS})
    assert table_columns(xlsx)[:3] == ["site_id", "name", "region"]


def test_table_columns_of_a_bad_file_raises_a_domain_error(io_data):
    with pytest.raises(InputValidationError, match="empty.csv: the file is empty"):
        table_columns(io_data / "empty.csv")


def test_damaged_workbook_xml_is_reported(tmp_path):
    import zipfile

    good = _workbook(tmp_path / "good.xlsx", {"Sheet1": SITE_ROWS})
    bad = tmp_path / "sites.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # cut off mid-element
            dst.writestr(item, data)
    sites, report = read_sites(bad)
    assert sites == []
    assert len(report) == 1
    assert str(report.errors[0]).startswith("sites.xlsx: the workbook is damaged and cannot be "
                                            "read (")


def test_one_workbook_can_hold_all_three_tables(tmp_path):
    from estates_planner.io import load_dataset

    needs = [["need_id", "provider", "lot", "region", "pdu", "desks", "interview_rooms",
              "days_per_week", "caseload"],
             ["N1", "P", "ete", "Yorkshire and the Humber", "York", 1, 1, 2, 30]]
    demand = [["pdu", "easting", "northing"], ["York", 460000, 452000]]
    book = _workbook(tmp_path / "all.xlsx", {"Sites": SITE_ROWS[:2], "Needs": needs,
                                             "Demand": demand})
    dataset, report = load_dataset(book, book, book)
    assert report.problems == []
    assert dataset.needs[0].xy == (460000.0, 452000.0)
    assert dataset.needs[0].location_source == "demand"
