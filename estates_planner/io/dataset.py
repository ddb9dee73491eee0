"""Load sites, needs and demand together, with the checks that need more than one file."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from estates_planner.errors import ValidationReport
from estates_planner.io.demand import demand_from_table
from estates_planner.io.fields import sort_problems
from estates_planner.io.needs import needs_from_table
from estates_planner.io.sites import sites_from_table
from estates_planner.io.tables import read_table
from estates_planner.model import Dataset, Lot, ServiceNeed, Site

ColumnMap = Mapping[str, str | None]


def load_dataset(sites_path: str | Path, needs_path: str | Path,
                 demand_path: str | Path | None = None,
                 column_maps: Mapping[str, ColumnMap] | None = None,
                 ) -> tuple[Dataset, ValidationReport]:
    """Read and validate the sites, needs and (optional) demand files of one project.

    Parameters
    ----------
    sites_path, needs_path, demand_path
        The three tables; any accepted format each (see ``docs/data-format.md``).
    column_maps
        Optional column mapping per table: ``{"sites": {...}, "needs": {...},
        "demand": {...}}``, each mapping the file's column names to ours.

    Returns
    -------
    dataset, report
        A dataset of the valid rows, and every problem of every file (sites first, then
        demand, then needs, then the checks across files). Check ``report.ok`` before
        planning with the dataset: rows with errors are left out of it.
    """
    maps = column_maps or {}
    report = ValidationReport()
    sites: list[Site] = []
    demand = []
    part = ValidationReport()
    table = read_table(sites_path, part, ("sites",))
    if table is not None:
        sites, _ = sites_from_table(table, maps.get("sites"), part)
    sort_problems(part)
    report.extend(part)
    if demand_path is not None:
        part = ValidationReport()
        table = read_table(demand_path, part, ("demand",))
        if table is not None:
            demand = demand_from_table(table, maps.get("demand"), part)
        sort_problems(part)
        report.extend(part)
    part = ValidationReport()
    needs: list[ServiceNeed] = []
    rows: list[int] = []
    table = read_table(needs_path, part, ("needs",))
    needs_file = Path(needs_path).name
    if table is not None:
        needs_file = table.file
        needs, rows = needs_from_table(table, sites, demand, maps.get("needs"), part)
    sort_problems(part)
    report.extend(part)
    report.extend(check_across_files(sites, needs, rows, needs_file))
    return Dataset(tuple(sites), tuple(needs), tuple(demand)), report


def check_across_files(sites: list[Site], needs: list[ServiceNeed], rows: list[int],
                       needs_file: str) -> ValidationReport:
    """Warnings that only show when sites and needs are seen together.

    These are warnings, not errors: the data is readable, but some needs cannot be placed
    while the rules that depend on them are switched on.
    """
    report = ValidationReport()
    if not sites:
        return report  # the sites file has already been reported
    site_regions = {s.region for s in sites}
    women_only_regions = {s.region for s in sites if s.women_only}
    count = Counter(n.region for n in needs)
    womens = Counter(n.region for n in needs if n.lot is Lot.WOMENS)
    first_row: dict[str, int] = {}
    first_womens: dict[str, int] = {}
    for need, row in zip(needs, rows, strict=True):
        first_row.setdefault(need.region, row)
        if need.lot is Lot.WOMENS:
            first_womens.setdefault(need.region, row)
    for region, n in count.items():
        if region in site_regions:
            continue
        report.warning(
            needs_file, f"region '{region}' has no sites, so its {n} need{'s' if n != 1 else ''} "
            f"(first in row {first_row[region]}) cannot be placed while needs must stay in "
            f"their own region{_did_you_mean(region, site_regions)}",
            row=first_row[region], column="region", value=region)
    for region, n in womens.items():
        if region in site_regions and region not in women_only_regions:
            report.warning(
                needs_file, f"region '{region}' has no women-only site, so its {n} women's "
                f"services need{'s' if n != 1 else ''} (first in row {first_womens[region]}) "
                "cannot be placed while women's services must use women-only sites",
                row=first_womens[region], column="region", value=region)
    return report


def _did_you_mean(region: str, regions: set[str]) -> str:
    by_key = {r.casefold(): r for r in regions}
    if region.casefold() in by_key:
        return f"; the sites file spells it '{by_key[region.casefold()]}'"
    close = difflib.get_close_matches(region, sorted(regions), n=1, cutoff=0.8)
    return f"; did you mean '{close[0]}'?" if close else ""
