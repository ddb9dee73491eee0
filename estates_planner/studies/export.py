"""A study's figures as files: the per-need stability CSV and a JSON summary."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

from estates_planner.errors import ExportError
from estates_planner.report.exports import atomic_path, escape_cell
from estates_planner.studies.aggregate import StudyResult

STABILITY_COLUMNS = ("need_id", "provider", "lot", "site_id", "stability",
                     "most_frequent_new_site")


def write_stability_csv(result: StudyResult, path: str | os.PathLike[str]) -> Path:
    """One row per need: its site in the chosen plan, the share of samples in which it keeps
    it, and where it most often goes otherwise. Text cells are formula-escaped, as in every
    CSV the app writes; written atomically."""
    target = Path(path)
    try:
        with atomic_path(target) as tmp, open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(STABILITY_COLUMNS)
            for row in result.needs.itertuples(index=False):
                writer.writerow([
                    escape_cell(row.need_id), escape_cell(row.provider), row.lot,
                    escape_cell(row.site_id), f"{row.stability:.4f}",
                    escape_cell(row.most_frequent_new_site)])
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target


def summary_dict(result: StudyResult) -> dict[str, object]:
    """The study's settings and each candidate's figures (money in annual GBP)."""
    def num(x: float | None) -> float | None:
        return None if x is None or not math.isfinite(x) else round(float(x), 2)

    st = result.study
    return {
        "scenario": result.scenario_name,
        "settings": {"samples": st.samples, "seed": st.seed,
                     "need_change_pct": st.need_change_pct,
                     "late_need_rate": st.late_need_rate,
                     "site_delay_prob": st.site_delay_prob,
                     "site_loss_prob": st.site_loss_prob,
                     "sample_work_limit": st.sample_work_limit,
                     "headroom_pct": list(st.headroom_pct)},
        "candidates": [{
            "name": c.name, "headroom_pct": c.headroom_pct,
            "plan_money_gbp": num(c.plan_money), "plan_unplaced": c.plan_unplaced,
            "money_gbp": dict(zip(("p10", "p50", "p90"), map(num, c.money), strict=True)),
            "money_mean_gbp": num(c.money_mean),
            "moves": dict(zip(("p10", "p50", "p90"), map(num, c.moves), strict=True)),
            "moves_mean": num(c.moves_mean),
            "unplaced": dict(zip(("p10", "p50", "p90"), map(num, c.unplaced), strict=True)),
            "unplaced_mean": num(c.unplaced_mean),
            "planning_score_mean": num(c.score_mean),
            "regret_mean": num(c.regret_mean)} for c in result.candidates],
        "needs_always_kept": int((result.needs["stability"] >= 1.0).sum()),
        "needs": len(result.needs),
    }


def write_summary_json(result: StudyResult, path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    try:
        with atomic_path(target) as tmp:
            Path(tmp).write_text(json.dumps(summary_dict(result), indent=2) + "\n",
                                 encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target
