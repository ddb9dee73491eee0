"""The contract plan: every contract year planned together (issue 15)."""

from __future__ import annotations

import math
import os
import threading
import time
import types
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from estates_planner.errors import InfeasibleError
from estates_planner.io.ramp import Ramp
from estates_planner.model import Scenario
from estates_planner.optimise.decompose import Component, find_components
from estates_planner.optimise.evaluate import UNPLACED
from estates_planner.optimise.multiyear.compare import (
    final_year_kept,
    kept_sites_only,
    year_by_year,
    years_alone,
)
from estates_planner.optimise.multiyear.joint import (
    JointOutcome,
    JointPartModel,
    searchless_bound,
    year_candidates,
)
from estates_planner.optimise.multiyear.pricing import (
    ContractData,
    plan_breaches,
    price_site_ofs,
)
from estates_planner.optimise.multiyear.result import MultiYearResult, YearPlan
from estates_planner.optimise.multiyear.years import contract_years
from estates_planner.optimise.progress import (
    Cancel,
    ProgressCallback,
    ProgressEvent,
    StopWatcher,
)

# shares of the time limit: the two comparison plans (also the joint model's start), then
# the joint model over all years
_YEAR_BY_YEAR_SHARE = 0.2
_FINAL_YEAR_SHARE = 0.1
_YEARS_ALONE_SHARE = 0.15  # each year alone: a third start, and the sum of years' bounds


class MultiYearModel:
    r"""The allocation over K contract years as one 0/1 programme, solved with CP-SAT.

    Each year k has its own scenario (:func:`~estates_planner.optimise.multiyear.years.
    year_scenario`): the needs active in year k (ramp share > 0) with
    :math:`desks_k = \lceil desks \cdot share \rceil`, the same for interview rooms,
    :math:`caseload_k = caseload \cdot share`; a site is available in year k when
    ``available_from`` is on or before the year's first day and ``available_until`` (if
    any) on or after its last day.

    Variables: :math:`x_{kns} = 1` when need n sits at site s in year k (pairs the year's
    rules allow, where the need alone fits, and whose own cost is at most the unplaced
    penalty plus the most pairing bonus the need can carry); :math:`u_{kn}` unplaced;
    :math:`y_s = 1` when site s is used in any year (sites with a fit-out cost);
    :math:`z_{kps}`, :math:`h_{kps}`, :math:`q_{kws}` as in the single-year model, per year;
    :math:`m_{kn} = 1` when need n moves between years k-1 and k; with
    ``keep_sites_across_years``, :math:`w_{ns} = 1` for the one site need n may use.

    Constraints, in every year k: R1 :math:`\sum_s x_{kns} + u_{kn} = 1` (no u in strict
    mode); R2 :math:`\sum_n d_{kn} x_{kns} \le 5 D_s y_s` and the same for room-days; R3-R8
    (year k's availability in R7) by the absence of variables; the single-year links and
    tightening rows per year (:mod:`estates_planner.optimise.cpsat_part`), with one
    :math:`y_s` shared by all years. Moves, for each site s a need could use in year k-1:
    :math:`m_{kn} \ge x_{k-1,ns} - x_{kns} - u_{kn}` (placed at s before, placed now, not
    at s; an unplaced or inactive year between is not a move). Keeping sites:
    :math:`x_{kns} \le w_{ns}`, :math:`\sum_s w_{ns} \le 1`.

    Objective (GBP over the horizon, minimised):

    .. math::
        \sum_k \Big[\sum_{ns} c_{kns} x_{kns} + L \sum_{ps} z_{kps} - B \sum_{ws} q_{kws}
        + U \sum_n u_{kn}\Big] + \sum_s F_s y_s + M \sum_{kn} m_{kn}

    with :math:`c_{kns}` the single-year pair cost at year-k volumes (desk cost, travel,
    authority preference; in year 1 also the move penalty against the scenario's
    baseline), :math:`F_s` the whole fit-out (not amortised: the horizon pays it once) and
    M the ``move_penalty``.

    Solving: the two comparison plans (:mod:`estates_planner.optimise.multiyear.compare`)
    are made first by the single-year solver; the cheaper is the complete hint of the joint
    model. The joint model splits into independent parts (needs joined by a candidate site
    in any year and by their PDU), solved side by side with one CP-SAT worker each; their
    objectives and bounds add up. With one contract year, :meth:`solve` is exactly
    :func:`~estates_planner.optimise.solver.solve_scenario` (amortised fit-out, no ramp).

    Parameters
    ----------
    scenario
        The scenario to plan; its settings give ``contract_years`` unless ``years`` does.
    ramp
        The year shares of the needs (an empty :class:`Ramp` means every share is 1).
    years
        The number of contract years (default: the scenario's ``contract_years``).
    """

    def __init__(self, scenario: Scenario, ramp: Ramp | None = None,
                 years: int | None = None) -> None:
        self.scenario = scenario
        self.ramp = ramp if ramp is not None else Ramp()
        self.years = contract_years(scenario, years)
        self.data: ContractData | None = None
        if len(self.years) > 1:
            self.data = ContractData.build(scenario, self.ramp, len(self.years))
            self.candidates = [year_candidates(a) for a in self.data.arrays]
            self.parts = self._parts()

    def _parts(self) -> list[Component]:
        """Independent parts over all years, as rows of the scenario's dataset."""
        data = self.data
        assert data is not None
        n = len(self.scenario.dataset.needs)
        union: list[set[int]] = [set() for _ in range(n)]
        for k, cands in enumerate(self.candidates):
            for i, cand in enumerate(cands):
                union[int(data.base_rows[k][i])].update(cand.tolist())
        candidates = [np.array(sorted(c), dtype=np.int64) for c in union]
        # find_components reads only the needs (PDUs) and the number of sites
        shape = types.SimpleNamespace(
            scenario=self.scenario,
            allowed=np.empty((0, len(self.scenario.dataset.sites)), dtype=bool))
        return find_components(shape, candidates)  # type: ignore[arg-type]

    def solve(self, *, time_limit_s: float | None = None,
              progress: ProgressCallback | None = None, cancel: Cancel | None = None,
              warm_start: Mapping[str, str | None] | None = None,
              workers: int | None = None) -> MultiYearResult:
        """Plan every contract year; a new :class:`MultiYearResult` (the model is unchanged).

        Parameters are those of :func:`~estates_planner.optimise.solver.solve_scenario`;
        ``warm_start`` (a single-year plan) starts the final year's plan.

        Raises
        ------
        InfeasibleError
            Strict mode only, when an active need has no site it may use in some year.
        """
        from estates_planner.optimise.solver import solve_scenario

        start = time.perf_counter()
        limit = self.scenario.settings.time_limit_s if time_limit_s is None else time_limit_s
        if self.data is None:
            result = solve_scenario(self.scenario, time_limit_s=limit, progress=progress,
                                    cancel=cancel, warm_start=warm_start, workers=workers)
            return MultiYearResult(
                scenario_name=result.scenario_name, years=(YearPlan(self.years[0], result),),
                fit_out_once=0.0, fit_out_sites=(), moves=(),
                move_penalty=self.scenario.settings.move_penalty, objective=result.objective,
                bound=result.bound, gap=result.gap, status=result.status,
                seconds=result.seconds, messages=result.messages)
        data = self.data

        def emit(stage: str, objective: float | None = None, bound: float | None = None) -> None:
            if progress is not None:
                progress(ProgressEvent(objective, bound, time.perf_counter() - start, stage))

        emit("checking")
        self._check_strict()
        deadline = start + limit
        yby = year_by_year(data, _YEAR_BY_YEAR_SHARE * limit, cancel=cancel, workers=workers)
        fyk = final_year_kept(data, _FINAL_YEAR_SHARE * limit, cancel=cancel,
                              warm_start=warm_start, workers=workers)
        alone, years_bound = years_alone(data, _YEARS_ALONE_SHARE * limit, cancel=cancel,
                                         warm_starts=yby, workers=workers)
        priced = {name: price_site_ofs(data, plan, status="evaluated", bound=math.nan,
                                       seconds=0.0)
                  for name, plan in (("year_by_year", yby), ("final_year_kept", fyk))}
        starts = [yby, fyk, alone]
        if self.scenario.settings.keep_sites_across_years:
            starts = [kept_sites_only(data, p) for p in starts]
        starts = [p for p in starts if not plan_breaches(data, p)] or starts
        hint = min(starts, key=lambda p: price_site_ofs(
            data, p, status="evaluated", bound=math.nan, seconds=0.0).objective)
        emit("building", min(p.objective for p in priced.values()), years_bound)
        site_ofs, bound, status, notes = self._solve_parts(hint, deadline, cancel, workers,
                                                           emit)
        if math.isfinite(years_bound) and not bound >= years_bound:  # NaN-safe
            bound = years_bound
        result = price_site_ofs(data, site_ofs, status=status, bound=bound,
                                seconds=time.perf_counter() - start, messages=notes)
        fallback = price_site_ofs(data, hint, status=status, bound=bound,
                                  seconds=result.seconds, messages=notes)
        if fallback.objective < result.objective and not plan_breaches(data, hint):
            result = fallback  # a part cut short before its first plan
        result = MultiYearResult(**{**_fields(result), "comparison": priced})
        emit("done", result.objective, result.bound)
        return result

    def _check_strict(self) -> None:
        if not self.scenario.settings.strict:
            return
        data = self.data
        assert data is not None
        lost = [f"{data.scenarios[k].dataset.needs[i].need_id} in {data.years[k].label.lower()}"
                for k, cands in enumerate(self.candidates) for i, c in enumerate(cands)
                if not len(c)]
        if lost:
            conflicts = [f"no site may take {what} (R1 with R2-R8 of that year)"
                         for what in lost[:20]]
            raise InfeasibleError("No contract plan can place every need in every year "
                                  "(strict mode):\n" + "\n".join(f"- {c}" for c in conflicts),
                                  conflicts=conflicts)

    def _solve_parts(self, hint: list[np.ndarray], deadline: float, cancel: Cancel | None,
                     workers: int | None, emit) -> tuple[list[np.ndarray], float, str, list[str]]:  # noqa: ANN001
        data = self.data
        assert data is not None
        st = self.scenario.settings
        site_ofs = [h.copy() for h in hint]
        parts = self.parts
        rows_of = []
        for part in parts:
            members = {self.scenario.dataset.needs[int(i)].need_id for i in part.needs}
            rows_of.append([np.array(sorted(data.need_index[k][nid] for nid in members
                                            if nid in data.need_index[k]), dtype=np.int64)
                            for k in range(len(data.years))])
        in_parts = set()
        for part in parts:
            in_parts.update(int(i) for i in part.needs)
        # needs with no site in any year: unplaced whenever active, in every plan
        bound = 0.0
        for k in range(len(data.years)):
            for i, base in enumerate(data.base_rows[k].tolist()):
                if base not in in_parts:
                    bound += st.unplaced_penalty
        pool = max(1, min(workers or os.cpu_count() or 1, len(parts) or 1))
        outcomes: list[JointOutcome | None] = [None] * len(parts)
        sizes = [sum(len(r) for r in rows) * max(len(p.sites), 1)
                 for rows, p in zip(rows_of, parts, strict=True)]
        waiting = [sum(sizes)]  # the size of the parts not started yet
        lock = threading.Lock()
        with StopWatcher(cancel, deadline) as watcher:
            def run(index: int) -> None:
                if watcher.should_stop:
                    return
                with lock:
                    # this part's share of the time left, the pool's threads working on
                    # the waiting parts side by side (building the model comes out of it)
                    left = deadline - time.perf_counter()
                    share = left * min(pool, len(parts)) * sizes[index] / max(waiting[0], 1)
                    waiting[0] -= sizes[index]
                began = time.perf_counter()
                model = JointPartModel(data, rows_of[index], self.candidates, site_ofs)
                share -= time.perf_counter() - began
                share = min(share, deadline - time.perf_counter())
                outcomes[index] = model.solve(time_limit_s=max(share, 0.05),
                                              register=watcher.register,
                                              unregister=watcher.unregister)

            emit("solving")
            if pool == 1:
                for index in range(len(parts)):
                    run(index)
            else:
                with ThreadPoolExecutor(max_workers=pool,
                                        thread_name_prefix="contract-part") as ex:
                    list(ex.map(run, range(len(parts))))
            cancelled = watcher.cancelled
        if any(o is not None and o.status == "infeasible" for o in outcomes):
            raise InfeasibleError("No contract plan places every need in every year (strict "
                                  "mode): the parts' capacities or keeping sites forbid it.",
                                  conflicts=[])
        all_optimal = True
        unsolved = 0
        for rows, outcome in zip(rows_of, outcomes, strict=True):
            if outcome is None or outcome.objective is None:
                all_optimal = False
                unsolved += 1
                bound += outcome.bound if outcome is not None \
                    else searchless_bound(data, rows, self.candidates)
                continue
            for k, r in enumerate(rows):
                site_ofs[k][r] = outcome.site_of[k]
            bound += outcome.bound
            all_optimal &= outcome.status == "optimal"
        notes = [f"{len(parts)} independent parts over {len(data.years)} contract years."]
        if unsolved:
            notes.append(f"{unsolved} of {len(parts)} parts found no plan in time; they keep "
                         "the cheaper of the comparison plans.")
        status = "optimal" if all_optimal else "cancelled" if cancelled else "feasible"
        return site_ofs, bound, status, notes


def _fields(result: MultiYearResult) -> dict[str, object]:
    return {f: getattr(result, f) for f in result.__dataclass_fields__}
