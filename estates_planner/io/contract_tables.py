"""The contract plans a project keeps: one per scenario, in two tables of the project file.

``contract_plan`` (scenario, year, need_id, site_id; site_id empty: unplaced that year) and
``contract_comparison`` (scenario, plan, score_points, saving_points, saving_fraction) are
extra tables of the project (``Project.tables``), so the file stays a GeoPackage a GIS user
can open. Each row names its scenario: a project holds one contract plan per scenario, and
renaming or deleting a scenario carries or removes its plan (:class:`~estates_planner.
project.Project` calls :func:`rename_scenario_rows` and :func:`drop_scenario_rows`).

Frames here are treated as values: every change builds a new frame, never edits one in
place, so an undo snapshot holding the old frame stays exact.

Files saved before the scenario column existed held one contract plan for the whole
project; :func:`adopt_unowned_plans` gives it to the scenario it was planned for (see there).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence

import pandas as pd

CONTRACT_PLAN_TABLE = "contract_plan"
CONTRACT_COMPARISON_TABLE = "contract_comparison"
SCENARIO_COLUMN = "scenario"
PLAN_COLUMNS = ("year", "need_id", "site_id")
COMPARISON_COLUMNS = ("plan", "score_points", "saving_points", "saving_fraction")
# the tables whose rows belong to one scenario each
SCENARIO_TABLES = (CONTRACT_PLAN_TABLE, CONTRACT_COMPARISON_TABLE)


def scenario_rows(frame: pd.DataFrame | None, scenario_name: str) -> pd.DataFrame | None:
    """The rows of ``scenario_name`` without the scenario column, or None when it has none.

    A frame without the column (made in memory by older code) is taken as the scenario's.
    """
    if frame is None:
        return None
    if SCENARIO_COLUMN not in frame.columns:
        return frame
    rows = frame[frame[SCENARIO_COLUMN].astype(str) == scenario_name]
    if rows.empty:
        return None
    return rows.drop(columns=[SCENARIO_COLUMN]).reset_index(drop=True)


def with_scenario_rows(frame: pd.DataFrame | None, scenario_name: str,
                       rows: pd.DataFrame) -> pd.DataFrame:
    """A new frame: ``frame`` with the rows of ``scenario_name`` replaced by ``rows`` (given
    without the scenario column), the other scenarios' rows kept in their order."""
    mine = rows.reset_index(drop=True).copy()
    mine.insert(0, SCENARIO_COLUMN, scenario_name)
    if frame is None or frame.empty:
        return mine
    if SCENARIO_COLUMN not in frame.columns:  # an unowned plan is replaced by this one
        return mine
    others = frame[frame[SCENARIO_COLUMN].astype(str) != scenario_name]
    if others.empty:
        return mine
    return pd.concat([others, mine], ignore_index=True)


def rename_scenario_rows(tables: MutableMapping[str, pd.DataFrame], old: str,
                         new: str) -> None:
    """The rows of scenario ``old`` now name ``new`` (new frames in ``tables``)."""
    for name in SCENARIO_TABLES:
        frame = tables.get(name)
        if frame is None or SCENARIO_COLUMN not in frame.columns:
            continue
        owned = frame[SCENARIO_COLUMN].astype(str) == old
        if owned.any():
            frame = frame.copy()
            frame.loc[owned, SCENARIO_COLUMN] = new
            tables[name] = frame


def drop_scenario_rows(tables: MutableMapping[str, pd.DataFrame], scenario_name: str) -> None:
    """Remove the rows of ``scenario_name``; a table left empty is removed."""
    for name in SCENARIO_TABLES:
        frame = tables.get(name)
        if frame is None or SCENARIO_COLUMN not in frame.columns:
            continue
        owned = frame[SCENARIO_COLUMN].astype(str) == scenario_name
        if not owned.any():
            continue
        kept = frame[~owned].reset_index(drop=True)
        if kept.empty:
            del tables[name]
        else:
            tables[name] = kept


def unowned_plan_owner(plan: pd.DataFrame, scenarios: Sequence[object]) -> str | None:
    """The scenario an old file's contract plan (no scenario column) belongs to.

    Such a file was written by ``solve --years N`` or the app's "Plan contract years…",
    both of which set the planned scenario's ``contract_years`` to N, and each plan replaced
    the last. So the plan belongs to the first scenario whose ``contract_years`` is the
    plan's number of years; when none is (the setting was changed later), to the first
    scenario, where it shows again once its years match.
    """
    if not scenarios:
        return None
    try:
        years = max(int(y) for y in plan["year"]) if "year" in plan.columns and len(plan) \
            else 0
    except (TypeError, ValueError):
        years = 0
    for s in scenarios:
        if getattr(s.settings, "contract_years", 1) == years:  # type: ignore[attr-defined]
            return str(s.name)  # type: ignore[attr-defined]
    return str(scenarios[0].name)  # type: ignore[attr-defined]


def adopt_unowned_plans(tables: MutableMapping[str, pd.DataFrame],
                        scenarios: Sequence[object]) -> str | None:
    """Give a contract plan without a scenario column (a file saved before there was one) and
    its comparison to their scenario (:func:`unowned_plan_owner`); the owner, or None when
    nothing needed it."""
    plan = tables.get(CONTRACT_PLAN_TABLE)
    if plan is None or SCENARIO_COLUMN in plan.columns:
        return None
    owner = unowned_plan_owner(plan, scenarios)
    if owner is None:
        return None
    for name in SCENARIO_TABLES:
        frame = tables.get(name)
        if frame is not None and SCENARIO_COLUMN not in frame.columns:
            tables[name] = with_scenario_rows(None, owner, frame)
    return owner


def planned_scenarios(tables: MutableMapping[str, pd.DataFrame]) -> list[str]:
    """The names of the scenarios with a contract plan, in the table's order."""
    frame = tables.get(CONTRACT_PLAN_TABLE)
    if frame is None or SCENARIO_COLUMN not in frame.columns:
        return []
    return _unique(frame[SCENARIO_COLUMN].astype(str))


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)
