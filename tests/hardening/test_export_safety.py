"""Exports: formula-like text is escaped in CSV and XLSX, file names are sanitised, and
nothing is written outside the folder the user chose."""

from __future__ import annotations

import csv
import dataclasses
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Settings, Site, SiteKind
from estates_planner.optimise import evaluate_plan
from estates_planner.report.exports import (
    escape_cell,
    output_path,
    safe_filename,
    write_allocation_csv,
    write_allocation_xlsx,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# no shrinking: a failure is reported at once instead of minutes later in CI
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
EXAMPLES = settings(deadline=None, max_examples=60, phases=NO_SHRINK, derandomize=True,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

# text a spreadsheet would run: a formula character first, then anything
DANGEROUS = st.builds(lambda c, rest: c + rest, st.sampled_from(FORMULA_STARTS),
                      st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                     blacklist_characters="\x00"),
                              max_size=40))
KNOWN_PAYLOADS = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                  "\t=1+1", "\r=1+1", "=1+1", "==", "-"]


def scenario_with_names(site_name: str, provider: str, pdu: str) -> Scenario:
    site = Site("S1", site_name, "Wales", pdu, SiteKind.AUTHORITY, False, 10, 4, 2500.0,
                250000, 380000)
    other = Site("S2", "Ynys Môn Office", "Wales", pdu, SiteKind.MARKET, False, 1, 1, 100.0,
                 250100, 380100)
    need = ServiceNeed("N1", provider, Lot.ETE, "Wales", pdu, 2, 1, 3, 100.0, 250050, 380050)
    unplaced = dataclasses.replace(need, need_id="N2", desks=500)
    return Scenario(name="formula test", dataset=Dataset((site, other), (need, unplaced)),
                    settings=Settings())


def text_cells_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@EXAMPLES
@given(site_name=DANGEROUS, provider=DANGEROUS, pdu=DANGEROUS)
def test_formula_text_is_escaped_in_csv_and_xlsx(tmp_path, site_name, provider, pdu):
    import openpyxl

    sc = scenario_with_names(site_name, provider, pdu)
    result = evaluate_plan(sc, {"N1": "S1", "N2": None})
    csv_path = write_allocation_csv(sc, result, tmp_path / "plan.csv")
    rows = text_cells_csv(csv_path)
    assert rows[0]["site_name"] == "'" + site_name
    assert rows[0]["provider"] == "'" + provider
    assert rows[0]["pdu"] == "'" + pdu
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(FORMULA_STARTS) or _is_number(value), (column, value)

    xlsx_path = write_allocation_xlsx(sc, result, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(xlsx_path)  # not read-only: data types are kept
    found = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), \
                        (ws.title, cell.coordinate, cell.value)
                    found.add(cell.value)
    assert {"'" + xlsx_text(site_name), "'" + xlsx_text(provider), "'" + xlsx_text(pdu)} <= found


def xlsx_text(text: str) -> str:
    """What an XLSX cell can hold of ``text``: the control characters XML 1.0 forbids go."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # XML also reads a carriage return back as a line feed
    return ILLEGAL_CHARACTERS_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def test_control_characters_do_not_break_the_workbook(tmp_path):
    """A name pasted with a stray control character (found by the property test above:
    openpyxl refused the whole workbook) is written without it."""
    import openpyxl

    sc = scenario_with_names("=\x1fcmd", "Prov\x07ider", "PDU\x00")
    path = write_allocation_xlsx(sc, evaluate_plan(sc, {"N1": "S1", "N2": None}),
                                 tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(path)["Allocation"]
    header = [c.value for c in ws[1]]
    row = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    assert row["site_name"] == "'=cmd"
    assert row["provider"] == "Provider"
    assert row["pdu"] == "PDU"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("payload", KNOWN_PAYLOADS)
def test_escape_cell_known_payloads(payload):
    assert escape_cell(payload) == "'" + payload
    assert escape_cell("Llanfairpwllgwyngyll") == "Llanfairpwllgwyngyll"
    assert escape_cell(-2.5) == -2.5  # numbers stay numbers, so sums still work


# --- file names -------------------------------------------------------------------------------

HOSTILE_NAMES = ["../../etc/passwd", "/etc/passwd", "..", ".", "", "   ", "a/../../b",
                 "..\\..\\Windows\\system32", "C:\\Users\\x", "CON", "nul.txt", "a\x00b",
                 "plan\n.csv", "Ynys Môn / Anglesey", "שלום/..", "~/.ssh/authorized_keys",
                 "x" * 1000, "\u202egpj.exe"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_output_path_stays_in_the_chosen_folder(tmp_path, name):
    folder = tmp_path / "exports"
    folder.mkdir()
    path = output_path(folder, name, ".csv")
    assert path.parent == folder.resolve()
    assert path.suffix == ".csv"
    base = safe_filename(name)
    assert base and "/" not in base and "\\" not in base and ".." not in base
    assert not any(ord(c) < 32 for c in base)
    assert base.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX"}
    assert len(base) <= 120


@settings(deadline=None, max_examples=200, derandomize=True, database=None,
          phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(["..", ".", "/", "\\", "etc", "passwd", "~", "C:", "\x00", " ",
                              "Môn", "CON", "\u202e"]), max_size=12).map("".join)))
def test_any_name_writes_inside_the_folder(tmp_path_factory, name):
    root = tmp_path_factory.mktemp("root")
    folder = root / "chosen"
    folder.mkdir()
    path = output_path(folder, name, ".csv")
    assert path.parent == folder.resolve()
    sc = scenario_with_names("Site", "Provider", "PDU")
    write_allocation_csv(sc, evaluate_plan(sc, {"N1": "S1", "N2": None}), path)
    written = [p for p in root.rglob("*") if p.is_file()]
    assert written == [path]  # one file, in the chosen folder, no temporary left over


def test_failed_export_leaves_the_old_file(tmp_path, monkeypatch):
    """A full disk while writing an export: ExportError, the previous export untouched."""
    import errno

    from estates_planner.errors import ExportError
    from estates_planner.report import exports

    sc = scenario_with_names("Site", "Provider", "PDU")
    result = evaluate_plan(sc, {"N1": "S1", "N2": None})
    target = write_allocation_csv(sc, result, tmp_path / "plan.csv")
    before = target.read_bytes()

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exports.os, "replace", full)
    with pytest.raises(ExportError, match="No space left"):
        write_allocation_csv(sc, result, target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["plan.csv"]
