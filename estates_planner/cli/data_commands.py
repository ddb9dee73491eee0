"""``estates-planner validate SITES NEEDS [--demand FILE]``: check input files before import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate", help="check sites, needs and demand files and list every problem",
        description="Read the sites and needs files (and the optional demand file), check every "
        "row and print every problem found, errors first, then warnings, then a one-line "
        "summary. Exit status 0 when there are no errors (warnings allowed), 1 when there are. "
        "Accepted formats: CSV, XLSX, GeoPackage, GeoJSON, Shapefile; see docs/data-format.md.",
        epilog="example: estates-planner validate data/sites.csv data/needs.csv "
        "--demand data/demand.csv")
    p.add_argument("sites", type=Path, help="the sites file")
    p.add_argument("needs", type=Path, help="the service needs file")
    p.add_argument("--demand", type=Path, metavar="FILE",
                   help="optional table of PDU points, used to place needs without coordinates")
    add_max_rows(p)
    p.set_defaults(func=run_validate)


def add_max_rows(p: argparse.ArgumentParser) -> None:
    """``--max-rows N``: read tables of up to N rows (validate, import, solve)."""
    from estates_planner.io.limits import DEFAULT_MAX_ROWS

    p.add_argument("--max-rows", type=_positive_int, metavar="N",
                   help="read input tables of up to N data rows (default "
                   f"{DEFAULT_MAX_ROWS:,}; larger files are refused before they are loaded)")


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of rows, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 row, got {text!r}")
    return value


def run_validate(args: argparse.Namespace) -> int:
    from estates_planner.io import load_dataset
    from estates_planner.io.limits import input_limits

    with input_limits(max_rows=args.max_rows):
        dataset, report = load_dataset(args.sites, args.needs, args.demand)
    if len(report):  # problems to stderr, as 'import' does; the verdict to stdout
        print(report.format(), file=sys.stderr)
    n_err, n_warn = len(report.errors), len(report.warnings)
    counts = (f"{len(dataset.sites)} site{_s(len(dataset.sites))}, "
              f"{len(dataset.needs)} need{_s(len(dataset.needs))}")
    if args.demand is not None:
        counts += f", {len(dataset.demand)} demand point{_s(len(dataset.demand))}"
    verdict = "FAILED" if n_err else "OK"
    print(f"{verdict}: {n_err} error{_s(n_err)}, {n_warn} warning{_s(n_warn)}; "
          f"{counts} without errors")
    return 1 if n_err else 0


def _s(n: int) -> str:
    return "" if n == 1 else "s"
