"""An independent check of a plan's rota from its exports alone (issue 17).

Reads the allocation CSV (its ``weekdays`` column) and ``rota.csv`` back, recomputes desks and
interview rooms used per site and weekday, and checks them against the sites' capacities:
nothing of the optimiser is used but the files it writes.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from estates_planner.io.rota_csv import write_rota_csv
from estates_planner.optimise import solve_scenario
from estates_planner.optimise.synthetic import generate_national_instance
from estates_planner.report.exports import write_allocation_csv

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_weekdays_in_the_csv_keep_every_site_within_its_capacity_each_day(tmp_path) -> None:  # noqa: ANN001
    # small and tight: 40 needs on 14 sites of one region (generated, seed 4)
    sc = generate_national_instance(14, 40, seed=4, n_regions=1, pdus_per_region=3)
    result = solve_scenario(sc, time_limit_s=10, workers=1)
    allocation, rota = tmp_path / "plan.csv", tmp_path / "rota.csv"
    write_allocation_csv(sc, result, allocation)
    write_rota_csv(sc, result, rota)
    capacity = {s.site_id: sc.site_capacity(s) for s in sc.dataset.sites}
    used: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    placed = 0
    for row in read(allocation):
        if not row["site_id"]:
            assert row["weekdays"] == ""
            continue
        placed += 1
        days = row["weekdays"].split(",")
        assert len(days) == len(set(days)) == int(row["days_per_week"]), row
        assert set(days) <= set(DAYS), row
        for day in days:
            used[row["site_id"], day][0] += int(row["desks"])
            used[row["site_id"], day][1] += int(row["interview_rooms"])
    assert placed > 30  # the check below has something to check
    for (site_id, day), (desks, rooms) in used.items():
        assert desks <= capacity[site_id][0], (site_id, day, desks)
        assert rooms <= capacity[site_id][1], (site_id, day, rooms)
    # rota.csv says the same, one row per need and weekday
    again: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = read(rota)
    for row in rows:
        again[row["site_id"], row["weekday"]][0] += int(row["desks"])
        again[row["site_id"], row["weekday"]][1] += int(row["interview_rooms"])
    assert dict(again) == dict(used)
    assert len(rows) == sum(len(r["weekdays"].split(",")) for r in read(allocation)
                            if r["weekdays"])
    assert result.days_over_capacity == 0
