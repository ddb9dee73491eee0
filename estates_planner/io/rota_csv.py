"""``rota.csv``: the weekly rota of a plan, one row per site, weekday and need (issue 17).

Columns: site_id, site_name, weekday (Mon..Fri), need_id, provider, lot, desks,
interview_rooms; rows by site, weekday, provider. Text cells are formula-escaped like every
other export (names come from files other people typed); the file is written atomically.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import TYPE_CHECKING

from estates_planner.errors import ExportError
from estates_planner.io.allocation_csv import escape_cell
from estates_planner.io.atomic import atomic_write
from estates_planner.io.weekdays import WEEKDAYS
from estates_planner.model import Scenario

if TYPE_CHECKING:
    from estates_planner.optimise.result import PlanResult

ROTA_COLUMNS: tuple[str, ...] = (
    "site_id", "site_name", "weekday", "need_id", "provider", "lot", "desks",
    "interview_rooms",
)


def rota_rows(scenario: Scenario, result: PlanResult) -> list[dict[str, object]]:
    """The rows of ``rota.csv``: one per placed need and weekday, by site and weekday."""
    ds = scenario.dataset
    keyed = []
    for a in result.allocations:
        if a.site_id is None or not ds.has_need(a.need_id) or not ds.has_site(a.site_id):
            continue
        need, site = ds.need(a.need_id), ds.site(a.site_id)
        for d in a.weekdays:
            keyed.append(((site.site_id, d, need.provider, need.need_id), {
                "site_id": site.site_id, "site_name": site.name, "weekday": WEEKDAYS[d],
                "need_id": need.need_id, "provider": need.provider, "lot": need.lot.value,
                "desks": need.desks, "interview_rooms": need.interview_rooms}))
    keyed.sort(key=lambda kr: kr[0])
    return [row for _, row in keyed]


def write_rota_csv(scenario: Scenario, result: PlanResult,
                   path: str | os.PathLike[str]) -> Path:
    """Write the plan's rota to ``path`` (UTF-8 with a byte-order mark, as the allocation
    CSV); returns the path written."""
    target = Path(path)
    with atomic_write(target, error=ExportError, action="write") as tmp:
        with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(ROTA_COLUMNS)
            for row in rota_rows(scenario, result):
                writer.writerow([escape_cell(row[c]) for c in ROTA_COLUMNS])
    return target
