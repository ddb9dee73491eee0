"""The site plan's weekly grid (issue 17), read back from the PDF with word positions.

A hand case solved by CP-SAT whose rota is forced, so the test knows every day. Site S has 4
desks and 1 interview room. J1 (Jobs Ltd, ETE: 3 desks, fixed Mon and Tue), H1 (Homes Co,
accommodation: 2 desks and the room, 3 days, any) and W1 (Calm Co, wellbeing: 1 desk, every
day). J1 and H1 cannot share a day (3 + 2 + W1's 1 = 6 desks > 4), so H1 takes Wed, Thu and
Fri. Desks in use: Mon 4, Tue 4, Wed 3, Thu 3, Fri 3 of 4; the room is used on Wed to Fri
only, all of it, so the card gives rooms a row: 0, 0, 1, 1, 1 of 1.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from estates_planner.model import Dataset, Lot, Scenario, ServiceNeed, Site, SiteKind

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


def _scenario() -> Scenario:
    site = Site("S", "Hub House", "North", "P1", SiteKind.PROVIDER, False, 4, 1, 1000.0,
                400_000, 400_000)

    def need(nid, provider, lot, desks, rooms, days, fixed=()):  # noqa: ANN001, ANN202
        return ServiceNeed(nid, provider, lot, "North", "P1", desks, rooms, days, 10.0,
                           401_000, 400_000, fixed_days=fixed)
    return Scenario("Baseline", Dataset((site,), (
        need("J1", "Jobs Ltd", Lot.ETE, 3, 0, 2, (0, 1)),
        need("H1", "Homes Co", Lot.ACCOMMODATION, 2, 1, 3),
        need("W1", "Calm Co", Lot.WELLBEING, 1, 0, 5))))


@pytest.fixture(scope="module")
def solved():
    from estates_planner.optimise import solve_scenario

    sc = _scenario()
    result = solve_scenario(sc, time_limit_s=10, workers=1)
    assert result.status == "optimal"
    assert result.assignment == {"J1": "S", "H1": "S", "W1": "S"}
    return sc, result


def _write(tmp_path: Path, solved, **options) -> Path:  # noqa: ANN001
    from estates_planner.project import Project
    from estates_planner.render.site_plan import PdfOptions, write_site_plan

    sc, result = solved
    project = Project(dataset=sc.dataset, scenarios=[sc], results={sc.name: result},
                      metadata={"title": "Week test"})
    path = tmp_path / "week.pdf"
    write_site_plan(project, sc.name, path, PdfOptions(created=date(2026, 12, 4), **options))
    return path


def _words(pdf: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, x centre, y top, x left, text) of every word, from ``pdftotext -bbox``."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    words = []
    for page, body in enumerate(out.split("<page ")[1:]):
        for x0, y0, x1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">'
                r"([^<]*)</word>", body):
            words.append((page, (float(x0) + float(x1)) / 2, float(y0), float(x0),
                          html.unescape(text)))
    return words


def _grid(words, first_word: str) -> dict[str, str]:  # noqa: ANN001
    """The day cells of the card row that starts with (or holds) ``first_word``: weekday ->
    text, by the x position of the day headers above it."""
    def header_above(word):  # noqa: ANN001, ANN202
        return [w for w in words if w[0] == word[0] and w[4] in DAYS and w[2] < word[2]]
    # the first such word on a card: one with the weekdays' header above it on its page
    page, _, y, x, _ = next(w for w in words if w[4] == first_word and header_above(w))
    header = header_above((page, 0, y))
    head_y = max(w[2] for w in header)  # the header nearest above the row
    columns = {w[4]: w[1] for w in header if abs(w[2] - head_y) < 1}
    assert set(columns) == set(DAYS)
    left = columns["Mon"] - (columns["Tue"] - columns["Mon"]) / 2  # Monday's cell's left edge
    cells: dict[str, str] = {}
    for w in words:
        if w[0] == page and abs(w[2] - y) < 1.5 and w[1] > left:
            day = min(DAYS, key=lambda d: abs(columns[d] - w[1]))
            cells[day] = (cells.get(day, "") + " " + w[4]).strip()  # "17 over": two words
    return cells


def test_card_grid_shows_each_need_on_its_days(qapp, tmp_path, solved) -> None:  # noqa: ANN001
    sc, result = solved
    words = _words(_write(tmp_path, solved))
    # each need's desks on the days it is in, nothing on the others
    assert _grid(words, "J1") == {"Mon": "3", "Tue": "3"}
    assert _grid(words, "H1") == {"Wed": "2", "Thu": "2", "Fri": "2"}
    assert _grid(words, "W1") == dict.fromkeys(DAYS, "1")
    # the totals: desks each day of the site's 4 (and the week's 17 of 20 desk-days), and the
    # room, which binds, used Wed to Fri
    assert _grid(words, "Desks") == {"Mon": "4", "Tue": "4", "Wed": "3", "Thu": "3",
                                     "Fri": "3"}
    assert _grid(words, "Interview") == {"Mon": "0", "Tue": "0", "Wed": "1", "Thu": "1",
                                         "Fri": "1"}
    text = " ".join(w[4] for w in words)
    assert "Desks in use of 4 (17 of 20 desk-days a week)" in text
    assert "Interview rooms in use of 1" in text
    assert "on average" not in text and "Desk-days a week:" not in text  # no old chart


def test_card_content_matches_the_plan(solved) -> None:  # noqa: ANN001
    from estates_planner.report.content import build_report_content

    sc, result = solved
    content = build_report_content(sc, result, project_name="Week test",
                                   created=date(2026, 12, 4))
    (section,) = content.sections
    assert {o.need_id: section.week.days_of(o.need_id) for o in section.occupants} == {
        "J1": (0, 1), "H1": (2, 3, 4), "W1": (0, 1, 2, 3, 4)}
    assert {o.need_id: o.fixed_days for o in section.occupants}["J1"] == (0, 1)
    assert section.week.rooms_bind


def _row_of(pdf: Path, need_id: str) -> str:
    """The line of ``need_id`` in the provider pack's "Where each need sits" table."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return next(" ".join(line.split()) for line in text.splitlines()
                if line.split()[:1] == [need_id])


def test_provider_pack_lists_days_with_fixed_ones_marked(qapp, tmp_path, solved) -> None:  # noqa: ANN001
    jobs = _write(tmp_path, solved, layout="provider", provider="Jobs Ltd")
    assert _row_of(jobs, "J1").startswith("J1 ETE P1 3 Mon, Tue (fixed) Hub House 1.0")
    homes = _write(tmp_path, solved, layout="provider", provider="Homes Co")
    assert _row_of(homes, "H1").startswith("H1 Accommodation P1 2 Wed, Thu, Fri Hub House")


def test_a_day_over_capacity_reads_over(qapp, tmp_path) -> None:  # noqa: ANN001
    """A plan made without the daily rule (10 desks, 1 room): B (8 desks, 1 room, fixed Mon
    to Wed) and A (8 desks, 1 room, 3 days) must meet on a day -- the rota puts A on Mon, Thu,
    Fri -- so Monday holds 8 + 8 + C's 1 = 17 desks and 2 rooms: "17 over", "2 over"."""
    from estates_planner.optimise import evaluate_plan

    site = Site("S", "Ten Desks", "North", "P", SiteKind.PROVIDER, False, 10, 1, 1000.0,
                400_000, 400_000)
    needs = (ServiceNeed("A", "Jobs Ltd", Lot.ETE, "North", "P", 8, 1, 3, 10, 401_000, 400_000),
             ServiceNeed("B", "Homes Co", Lot.ACCOMMODATION, "North", "P", 8, 1, 3, 10,
                         401_000, 400_000, fixed_days=(0, 1, 2)),
             ServiceNeed("C", "Calm Co", Lot.WELLBEING, "North", "P", 1, 0, 5, 10, 401_000,
                         400_000))
    sc = Scenario("Baseline", Dataset((site,), needs)).with_settings(daily_capacity=False)
    result = evaluate_plan(sc, {"A": "S", "B": "S", "C": "S"})
    over = [d for d in range(5) if len([a for a in result.allocations if d in a.weekdays]) == 3]
    assert result.days_over_capacity == len(over) == 1
    words = _words(_write(tmp_path, (sc, result)))
    day = DAYS[over[0]]
    assert _grid(words, "Desks")[day] == "17 over"
    assert _grid(words, "Interview")[day] == "2 over"
    assert set(_grid(words, "Desks").values()) - {"17 over"} == {"9"}
