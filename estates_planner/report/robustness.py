"""The robustness study's words and rows for a report, read from the project's tables (no Qt).

Money is property cost in £ a year; the planning score is in points, never shown as money.
Read from ``project.tables`` (see :mod:`estates_planner.studies.aggregate`) so that a saved
study prints without being run again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# the study's tables in the project (names fixed by studies.aggregate, which the report layer
# may not import: a test checks they agree)
NEEDS_TABLE = "robustness_needs"
SITES_TABLE = "robustness_sites"
PLANS_TABLE = "robustness_plans"

LEAST_STABLE_ROWS = 10
OVER_CAPACITY_ROWS = 8


def percentiles(values) -> tuple[float, float, float]:
    """P10, P50, P90 with linear interpolation (numpy's default), as the study computes them."""
    arr = np.asarray(list(values), dtype=float)
    return tuple(float(v) for v in np.percentile(arr, (10, 50, 90)))  # type: ignore[return-value]


def _gbp(value: float) -> str:
    return f"£{value:,.0f}"


def _num(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class RobustnessContent:
    """Rows for the PDF's "Robustness to late changes" section."""

    samples: int
    seed: int
    plan_rows: list[list[str]]  # figure, P10, P50, P90
    least_stable: list[list[str]]  # need, provider, site, stability, new site, why
    over_capacity: list[list[str]]  # site, share over capacity, P90 desk use
    candidates: list[list[str]]  # candidate, headroom, money P50, moves P50, unplaced P50, score


def robustness_content(project: object, scenario_name: str) -> RobustnessContent | None:
    """The section's rows, or None when the scenario has no stored study."""
    tables = getattr(project, "tables", None) or {}
    plans = tables.get(PLANS_TABLE)
    if plans is None or "scenario" not in plans.columns:
        return None
    plans = plans[plans["scenario"] == scenario_name]
    if not len(plans):
        return None
    chosen = plans.iloc[0]
    plan_rows = [
        ["Property cost a year (£)", *(_gbp(chosen[f"money_p{p}"]) for p in (10, 50, 90))],
        ["Needs moved", *(_num(chosen[f"moves_p{p}"]) for p in (10, 50, 90))],
        ["Needs not placed", *(_num(chosen[f"unplaced_p{p}"]) for p in (10, 50, 90))],
    ]
    needs = _mine(tables.get(NEEDS_TABLE), scenario_name)
    least: list[list[str]] = []
    if needs is not None:
        site_names = _site_names(tables.get(SITES_TABLE), scenario_name)
        for _, row in needs.sort_values(["stability", "need_id"]).head(LEAST_STABLE_ROWS)\
                .iterrows():
            if float(row["stability"]) >= 1.0:
                break
            new = str(row.get("most_frequent_new_site") or "")
            least.append([str(row["need_id"]), str(row["provider"]),
                          site_names.get(str(row["site_id"]), str(row["site_id"]) or "–"),
                          f"{float(row['stability']):.0%}", site_names.get(new, new) or "–",
                          str(row.get("main_reason") or "–").replace("_", " ")])
    sites = _mine(tables.get(SITES_TABLE), scenario_name)
    over: list[list[str]] = []
    if sites is not None:
        busy = sites[sites["over_capacity_share"] > 0].sort_values(
            ["over_capacity_share", "site_id"], ascending=[False, True])
        for _, row in busy.head(OVER_CAPACITY_ROWS).iterrows():
            over.append([f"{row['site_name']} ({row['site_id']})",
                         f"{float(row['over_capacity_share']):.0%}",
                         f"{float(row['p90_desk_use_pct']):.0f} %"])
    candidates = []
    for _, row in plans.iterrows():
        candidates.append([str(row["candidate"]), f"{float(row['headroom_pct']):g} %",
                           _gbp(row["money_p50"]), _num(row["moves_p50"]),
                           _num(row["unplaced_p50"]), f"{float(row['score_mean']):,.0f} pts"])
    return RobustnessContent(int(chosen["samples"]), int(chosen["seed"]), plan_rows, least,
                             over, candidates)


def _mine(frame: pd.DataFrame | None, scenario_name: str) -> pd.DataFrame | None:
    if frame is None or "scenario" not in frame.columns:
        return None
    return frame[frame["scenario"] == scenario_name]


def _site_names(frame: pd.DataFrame | None, scenario_name: str) -> dict[str, str]:
    mine = _mine(frame, scenario_name)
    if mine is None:
        return {}
    return dict(zip(mine["site_id"].astype(str), mine["site_name"].astype(str), strict=True))
