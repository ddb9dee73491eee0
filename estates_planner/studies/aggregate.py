"""The study's figures from its samples, and their home in the project (``project.tables``).

Everything is computed from the outcomes sorted by (candidate, sample index), so the figures
do not depend on the order in which workers finished.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from estates_planner.model import Scenario
from estates_planner.optimise.evaluate import UNPLACED
from estates_planner.studies.samples import StudySettings
from estates_planner.studies.tasks import CHOSEN, REASONS, CandidatePlan, SampleOutcome

NEEDS_TABLE = "robustness_needs"
SITES_TABLE = "robustness_sites"
PLANS_TABLE = "robustness_plans"
CANDIDATE_SITES_TABLE = "robustness_candidate_plans"
UNPLACED_LABEL = "unplaced"
_PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class CandidateFigures:
    """How one candidate plan fared over the samples (money in annual GBP)."""

    name: str
    headroom_pct: float
    samples: int  # samples adapted (every one the study asked for)
    plan_money: float  # the plan before any change
    plan_unplaced: int
    money: tuple[float, float, float]  # P10, P50, P90 after adapting
    money_mean: float
    moves: tuple[float, float, float]
    moves_mean: float
    unplaced: tuple[float, float, float]
    unplaced_mean: float
    score_mean: float  # planning objective after adapting (weights, penalties): not money
    regret_mean: float | None  # score without move penalties above each sample's own best


@dataclass(frozen=True)
class StudyResult:
    """A finished study of one scenario."""

    scenario_name: str
    study: StudySettings
    candidates: tuple[CandidateFigures, ...]  # the chosen plan first
    needs: pd.DataFrame  # per need of the chosen plan (see NEEDS_TABLE columns)
    sites: pd.DataFrame  # per site
    plans: dict[str, tuple[str | None, ...]] = field(default_factory=dict)  # site id per need

    @property
    def chosen(self) -> CandidateFigures:
        return self.candidates[0]

    def best_candidate(self) -> CandidateFigures:
        """The candidate with the lowest expected planning objective after adapting."""
        return min(self.candidates, key=lambda c: (c.score_mean, c.headroom_pct))

    def least_stable(self, count: int = 50) -> pd.DataFrame:
        """The placed needs that move most often, with the main reason why."""
        placed = self.needs[self.needs["site_id"] != ""]
        return placed.sort_values(["stability", "need_id"]).head(count)


def aggregate(scenario: Scenario, study: StudySettings, plans: Sequence[CandidatePlan],
              outcomes: Sequence[SampleOutcome]) -> StudyResult:
    """Per-need stability, per-site use, and each candidate's spread of outcomes."""
    by_candidate: dict[str, list[SampleOutcome]] = {p.name: [] for p in plans}
    for o in sorted(outcomes, key=lambda o: (o.candidate, o.index)):
        by_candidate[o.candidate].append(o)
    move_penalty = scenario.settings.move_penalty
    figures = tuple(_candidate_figures(p, by_candidate[p.name], move_penalty) for p in plans)
    chosen = next(p for p in plans if p.name == CHOSEN)
    samples = by_candidate[CHOSEN]
    ds = scenario.dataset
    site_ids = [s.site_id for s in ds.sites]
    return StudyResult(
        scenario_name=scenario.name, study=study, candidates=figures,
        needs=_need_table(scenario, chosen, samples, site_ids),
        sites=_site_table(scenario, samples),
        plans={p.name: tuple(None if j == UNPLACED else site_ids[j] for j in p.site_of)
               for p in plans})


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3  # type: ignore[return-value]
    p10, p50, p90 = np.percentile(np.asarray(values, dtype=float), _PERCENTILES)
    return float(p10), float(p50), float(p90)


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def _candidate_figures(plan: CandidatePlan, samples: list[SampleOutcome],
                       move_penalty: float) -> CandidateFigures:
    money = [o.money for o in samples]
    moves = [float(o.moves) for o in samples]
    unplaced = [float(o.unplaced) for o in samples]
    regrets = [o.score - o.moves * move_penalty - o.fresh_score for o in samples
               if o.fresh_score is not None]
    return CandidateFigures(
        name=plan.name, headroom_pct=plan.headroom_pct, samples=len(samples),
        plan_money=plan.money,
        plan_unplaced=plan.unplaced, money=_percentiles(money), money_mean=_mean(money),
        moves=_percentiles(moves), moves_mean=_mean(moves), unplaced=_percentiles(unplaced),
        unplaced_mean=_mean(unplaced), score_mean=_mean([o.score for o in samples]),
        regret_mean=_mean(regrets) if regrets else None)


def _need_table(scenario: Scenario, chosen: CandidatePlan, samples: list[SampleOutcome],
                site_ids: list[str]) -> pd.DataFrame:
    rows = []
    count = max(len(samples), 1)
    for i, nd in enumerate(scenario.dataset.needs):
        planned = chosen.site_of[i]
        went: Counter[str] = Counter()
        stayed = 0
        for o in samples:
            now = o.site_of[i]
            if now == planned:
                stayed += 1
            else:
                went[UNPLACED_LABEL if now == UNPLACED else site_ids[now]] += 1
        why = Counter(r for o in samples for k, r in o.reasons if k == i)
        # the most frequent new site; ties go to the first in name order, for reproducibility
        new_site = min(went.items(), key=lambda kv: (-kv[1], kv[0]))[0] if went else ""
        row = {"scenario": scenario.name, "need_id": nd.need_id, "provider": nd.provider,
               "lot": nd.lot.value, "site_id": "" if planned == UNPLACED else site_ids[planned],
               "stability": stayed / count, "most_frequent_new_site": new_site}
        for reason in REASONS:
            row[_reason_column(reason)] = why.get(reason, 0) / count
        row["main_reason"] = max(REASONS, key=lambda r: (why.get(r, 0), -REASONS.index(r))) \
            if why else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=_NEED_COLUMNS)


def _reason_column(reason: str) -> str:
    return "moved_" + reason.replace(" ", "_")


_NEED_COLUMNS = ["scenario", "need_id", "provider", "lot", "site_id", "stability",
                 "most_frequent_new_site", *(_reason_column(r) for r in REASONS), "main_reason"]


def _site_table(scenario: Scenario, samples: list[SampleOutcome]) -> pd.DataFrame:
    sites = scenario.dataset.sites
    count = max(len(samples), 1)
    used = np.zeros(len(sites))
    over = np.zeros(len(sites))
    use = np.zeros((len(samples), len(sites)))
    for k, o in enumerate(samples):
        for j, pct in o.desk_use_pct:
            use[k, j] = pct
            used[j] += 1
        for j in o.over_capacity:
            over[j] += 1
    p90 = np.percentile(use, 90, axis=0) if len(samples) else np.zeros(len(sites))
    return pd.DataFrame({
        "scenario": scenario.name, "site_id": [s.site_id for s in sites],
        "site_name": [s.name for s in sites], "used_share": used / count,
        "p90_desk_use_pct": p90, "over_capacity_share": over / count})


# ------------------------------------------------------------------ the project's tables


def plans_frame(result: StudyResult) -> pd.DataFrame:
    st = result.study
    rows = []
    for c in result.candidates:
        row = {"scenario": result.scenario_name, "candidate": c.name,
               "headroom_pct": c.headroom_pct, "samples": st.samples, "seed": st.seed,
               "plan_money": c.plan_money, "plan_unplaced": c.plan_unplaced}
        for name, values in (("money", c.money), ("moves", c.moves),
                             ("unplaced", c.unplaced)):
            for p, v in zip(_PERCENTILES, values, strict=True):
                row[f"{name}_p{p}"] = v
        row.update(money_mean=c.money_mean, moves_mean=c.moves_mean,
                   unplaced_mean=c.unplaced_mean, score_mean=c.score_mean,
                   regret_mean=float("nan") if c.regret_mean is None else c.regret_mean)
        rows.append(row)
    return pd.DataFrame(rows)


def store_study(project: object, result: StudyResult) -> None:
    """Put the study in ``project.tables`` (replacing an earlier study of the scenario); a
    save then writes it into the GeoPackage as attribute tables a GIS user can open."""
    tables: dict[str, pd.DataFrame] = project.tables  # type: ignore[attr-defined]
    names = [nd.need_id for nd in project.dataset.needs]  # type: ignore[attr-defined]
    candidate_rows = [{"scenario": result.scenario_name, "candidate": name, "need_id": n,
                       "site_id": site or ""}
                      for name, sites in result.plans.items()
                      for n, site in zip(names, sites, strict=True)]
    for table, frame in ((NEEDS_TABLE, result.needs), (SITES_TABLE, result.sites),
                         (PLANS_TABLE, plans_frame(result)),
                         (CANDIDATE_SITES_TABLE, pd.DataFrame(candidate_rows))):
        old = tables.get(table)
        if old is not None and "scenario" in old.columns:
            old = old[old["scenario"] != result.scenario_name]
            frame = pd.concat([old, frame], ignore_index=True) if len(old) else frame
        tables[table] = frame.reset_index(drop=True)


def stored_stability(project: object, scenario_name: str) -> dict[str, float]:
    """need_id -> stability of the scenario's saved study (empty when there is none)."""
    frame = getattr(project, "tables", {}).get(NEEDS_TABLE)
    if frame is None or "scenario" not in frame.columns:
        return {}
    mine = frame[frame["scenario"] == scenario_name]
    return dict(zip(mine["need_id"], mine["stability"].astype(float), strict=True))


def stored_site_use(project: object, scenario_name: str) -> dict[str, float]:
    """site_id -> share of samples the site stays used, from the scenario's saved study
    (empty when there is none)."""
    frame = getattr(project, "tables", {}).get(SITES_TABLE)
    if frame is None or "scenario" not in frame.columns:
        return {}
    mine = frame[frame["scenario"] == scenario_name]
    return dict(zip(mine["site_id"], mine["used_share"].astype(float), strict=True))


def candidate_assignment(project: object, scenario_name: str,
                         candidate: str) -> dict[str, str | None]:
    """The saved plan of a candidate (need_id -> site_id or None)."""
    frame = getattr(project, "tables", {}).get(CANDIDATE_SITES_TABLE)
    if frame is None:
        return {}
    mine = frame[(frame["scenario"] == scenario_name) & (frame["candidate"] == candidate)]
    return {n: (s or None) for n, s in zip(mine["need_id"], mine["site_id"], strict=True)}


def adopt_candidate(scenario: Scenario, result: StudyResult, candidate: str,
                    name: str) -> tuple[Scenario, object]:
    """A new scenario (a copy of ``scenario`` called ``name``) whose plan is ``candidate``'s,
    priced on the scenario as it is; returns (scenario, PlanResult)."""
    from estates_planner.optimise.evaluate import evaluate_plan

    figures = next(c for c in result.candidates if c.name == candidate)
    sites = result.plans[candidate]
    plan = {nd.need_id: site for nd, site in zip(scenario.dataset.needs, sites, strict=True)}
    note = (f"Plan solved with {figures.headroom_pct:g} % capacity headroom by the late-data "
            f"study of '{scenario.name}' ({result.study.samples} samples, seed "
            f"{result.study.seed}).")
    new = scenario.replace(name=name, description=note)
    return new, evaluate_plan(new, plan)
