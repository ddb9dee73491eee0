"""``estates-planner solve --years N --ramp FILE``: the contract plan on the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from estates_planner.cli import main


@pytest.fixture
def ramp(tmp_path: Path) -> Path:
    """A ramp in which the ETE needs start in year 2 (share 0 in year 1)."""
    path = tmp_path / "ramp.csv"
    path.write_text("lot,provider,need_id,year,share\nete,,,1,0\n", encoding="utf-8")
    return path


def test_two_contract_years_write_a_year_column_and_the_horizon_summary(tables, ramp, tmp_path,
                                                                          capsys) -> None:  # noqa: ANN001
    sites, needs = tables
    out, summary = tmp_path / "plan.csv", tmp_path / "summary.json"
    assert main(["solve", "--sites", str(sites), "--needs", str(needs), "--years", "2",
                 "--ramp", str(ramp), "--time-limit", "5", "--out", str(out),
                 "--summary", str(summary)]) == 0
    # year 1 (no ETE): w1 at B, unpaired (£500 + £6 travel), f1 at W (£800), two sites
    # (£10,000): £11,306. Year 2 as the single-year plan: £1,000 + £506 + £800 + £15,000
    # - £5,000 pairing - £2,000 same day (e1 and w1 in on all five days) = £10,306.
    data = json.loads(summary.read_text())
    assert {"years", "horizon_total", "moves_between_years", "comparison"} <= set(data)
    assert [y["objective"] for y in data["years"]] == [11306.0, 10306.0]
    assert [y["placed"] for y in data["years"]] == [2, 3]
    assert data["years"][1]["annual_property_cost"] == 2300.0  # desks only: money
    assert data["horizon_total"] == pytest.approx(21612.0)
    assert data["moves_between_years"]["count"] == 0
    assert data["comparison"]["year_by_year"]["saving"] == pytest.approx(0.0)
    assert data["status"] == "optimal"
    with open(out, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:2] == ["year", "need_id"]
    assert [(r["year"], r["need_id"], r["site_id"]) for r in rows] == [
        ("1", "w1", "B"), ("1", "f1", "W"), ("2", "e1", "A"), ("2", "w1", "B"),
        ("2", "f1", "W")]
    assert rows[2]["site_name"] == "'=Alpha House"  # a formula is escaped
    printed = capsys.readouterr().out
    assert "Contract plan" in printed
    # money apart from the score: year 2's property cost is the desks' £2,300 (a need's
    # fit-out would count in its site's first year); the score in points, never in £
    assert "£           2,300" in printed and "Optimiser score                       21,612" \
        in printed
    assert "£21,612" not in printed and "£11,306" not in printed


def test_a_bad_ramp_is_listed_and_a_ramp_needs_years(tables, ramp, capsys) -> None:  # noqa: ANN001
    sites, needs = tables
    ramp.write_text("lot,provider,need_id,year,share\nete,,,1,lots\n", encoding="utf-8")
    assert main(["solve", "--sites", str(sites), "--needs", str(needs), "--years", "2",
                 "--ramp", str(ramp)]) == 2
    assert "ramp.csv, row 2, column 'share'" in capsys.readouterr().err
    assert main(["solve", "--sites", str(sites), "--needs", str(needs), "--ramp",
                 str(ramp)]) == 2
    assert "--ramp needs --years 2 or more" in capsys.readouterr().err


def test_a_project_keeps_the_ramp_the_years_and_the_contract_plan(tables, ramp, tmp_path) -> None:  # noqa: ANN001
    from estates_planner.io import load_dataset
    from estates_planner.project import new_project, open_project, save_project

    sites, needs = tables
    dataset, report = load_dataset(sites, needs)
    assert report.ok
    path = tmp_path / "p.gpkg"
    save_project(new_project(dataset, title="contract"), path)
    assert main(["solve", str(path), "--years", "2", "--ramp", str(ramp),
                 "--time-limit", "5"]) == 0
    saved = open_project(path)
    assert saved.scenarios[0].settings.contract_years == 2
    assert saved.tables["ramp"][["lot", "year", "share"]].values.tolist() == [["ete", "1", "0"]]
    plan = saved.tables["contract_plan"]
    assert [tuple(map(str, r)) for r in plan[["year", "need_id", "site_id"]].values] == [
        ("1", "w1", "B"), ("1", "f1", "W"), ("2", "e1", "A"), ("2", "w1", "B"),
        ("2", "f1", "W")]
    # again with neither flag: two years from the settings, the ramp from the project
    summary = tmp_path / "s.json"
    assert main(["solve", str(path), "--time-limit", "5", "--no-save",
                 "--summary", str(summary)]) == 0
    data = json.loads(summary.read_text())
    assert [y["placed"] for y in data["years"]] == [2, 3]
    assert data["horizon_total"] == pytest.approx(21612.0)


ROTA_SITES = """\
site_id,name,region,pdu,kind,women_only,desks,interview_rooms,annual_cost_per_desk,\
easting,northing
S,Station House,North,P1,authority,no,10,2,1000,400000,300000
T,Tower House,North,P1,authority,no,10,2,2000,400000,300000
"""
ROTA_NEEDS = """\
need_id,provider,lot,region,pdu,desks,interview_rooms,days_per_week,caseload,easting,\
northing
N1,Jobs Ltd,ete,North,P1,8,0,3,10,400000,300000
N2,Homes Ltd,accommodation,North,P1,8,0,3,10,400000,300000
"""


def test_each_year_has_its_own_rota_in_rota_csv(tmp_path) -> None:  # noqa: ANN001
    # years 1-2 at half volume (4 desks each: both fit S on every day); year 3 at full
    # volume: 48 of S's 50 desk-days, but two needs of 8 desks on 3 days must share a day
    # (16 desks), so under the daily rule year 3 uses S and T, whatever the weights
    sites, needs, ramp = (tmp_path / n for n in ("sites.csv", "needs.csv", "ramp.csv"))
    sites.write_text(ROTA_SITES, encoding="utf-8")
    needs.write_text(ROTA_NEEDS, encoding="utf-8")
    ramp.write_text("lot,provider,need_id,year,share\nete,,,1,0.5\nete,,,2,0.5\n"
                    "accommodation,,,1,0.5\naccommodation,,,2,0.5\n", encoding="utf-8")
    out, rota = tmp_path / "plan.csv", tmp_path / "rota.csv"
    assert main(["solve", "--sites", str(sites), "--needs", str(needs), "--years", "3",
                 "--ramp", str(ramp), "--time-limit", "5", "--out", str(out),
                 "--rota", str(rota)]) == 0
    with open(rota, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["year", "site_id", "site_name", "weekday", "need_id", "provider",
                             "lot", "desks", "interview_rooms"]
    # recomputed from rota.csv alone: desks per year, site and weekday within the site's 10
    use: dict[tuple[str, str, str], int] = {}
    days: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["year"], r["site_id"], r["weekday"])
        use[key] = use.get(key, 0) + int(r["desks"])
        days[r["year"], r["need_id"]] = days.get((r["year"], r["need_id"]), 0) + 1
    assert max(use.values()) <= 10
    assert days == {(y, n): 3 for y in ("1", "2", "3") for n in ("N1", "N2")}
    assert {int(r["desks"]) for r in rows if r["year"] in ("1", "2")} == {4}
    assert {r["site_id"] for r in rows if r["year"] == "3"} == {"S", "T"}
    # the allocation CSV gives the same weekdays per year
    with open(out, newline="", encoding="utf-8-sig") as fh:
        plan = list(csv.DictReader(fh))
    from_rota = {}
    for r in rows:
        from_rota.setdefault((r["year"], r["need_id"]), []).append(r["weekday"])
    assert {(p["year"], p["need_id"]): p["weekdays"].split(",") for p in plan} == from_rota
