"""The contract plan: every contract year planned together (issue 15)."""

from __future__ import annotations

import dataclasses
import math
import time
import types
from collections.abc import Mapping

import numpy as np

from estates_planner.errors import InfeasibleError
from estates_planner.model import Scenario
from estates_planner.optimise.decompose import Component, find_components
from estates_planner.optimise.multiyear.compare import (
    final_year_kept,
    kept_sites_only,
    year_by_year,
)
from estates_planner.optimise.multiyear.joint import year_candidates
from estates_planner.optimise.multiyear.left_out import place_left_out_by_year
from estates_planner.optimise.multiyear.pricing import (
    ContractData,
    plan_breaches,
    price_site_ofs,
)
from estates_planner.optimise.multiyear.result import MultiYearResult, YearPlan
from estates_planner.optimise.multiyear.search import (
    ContractSearch,
    part_rows,
    unreachable_penalty,
)
from estates_planner.optimise.multiyear.years import contract_years
from estates_planner.optimise.progress import Cancel, ProgressCallback, ProgressEvent
from estates_planner.optimise.rota import daily_rule, enforce_rotas
from estates_planner.ramp import Ramp

# shares of the time limit: the two comparison plans (also the joint model's start), then
# the joint model over all years
_YEAR_BY_YEAR_SHARE = 0.2
_FINAL_YEAR_SHARE = 0.1
_ASSEMBLY_S = 0.25
_ASSEMBLY_PER_NEED_YEAR_S = 100e-6
# placing the needs a plan cut short left out: this share of the limit at most (see solver.py)
_LEFT_OUT_SHARE = 0.03
_LEFT_OUT_MIN_S = 0.05


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
    mode); R2 :math:`\sum_n d_{kn} x_{kns} \le 5 D_s y_s` and the same for room-days; under
    the daily rule (``daily_capacity``, issue 17) year k's own weekday variables
    :math:`v_{knsd}` and rows, desks and rooms per site and weekday with year-k volumes
    (:mod:`estates_planner.optimise.rota_model`), so each year has its own rota, and the
    same-day bonus on them; R3-R8
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
    are made first by the single-year solver; the cheaper that breaks no rule is the
    complete hint of the joint model. The joint model splits into independent parts (needs
    joined by a candidate site in any year and by their PDU), searched by
    :class:`~estates_planner.optimise.multiyear.search.ContractSearch`: a joint CP-SAT model
    per part, then, for parts left unproven, each year bounded alone, then further joint
    rounds. Objectives and bounds of the parts add up. With one contract year,
    :meth:`solve` is exactly :func:`~estates_planner.optimise.solver.solve_scenario`
    (amortised fit-out, no ramp).

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
        # the year scenarios, candidates and parts (None and empty with one year: the
        # single-year solver builds its own model)
        self.data: ContractData | None = None
        self.candidates: list[list[np.ndarray]] = []
        self.parts: list[Component] = []
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
        yby_notes: list[str] = []
        fyk_notes: list[str] = []
        yby = year_by_year(data, _YEAR_BY_YEAR_SHARE * limit, cancel=cancel, workers=workers,
                           notes=yby_notes)
        fyk = final_year_kept(data, _FINAL_YEAR_SHARE * limit, cancel=cancel,
                              warm_start=warm_start, workers=workers, notes=fyk_notes)
        priced = {name: price_site_ofs(data, plan, status="evaluated", bound=math.nan,
                                       seconds=0.0, messages=notes)
                  for name, plan, notes in (("year_by_year", yby, yby_notes),
                                            ("final_year_kept", fyk, fyk_notes))}
        starts = [(yby, priced["year_by_year"].objective),
                  (fyk, priced["final_year_kept"].objective)]
        if self.scenario.settings.keep_sites_across_years:
            starts = [(kept, price_site_ofs(data, kept, status="evaluated", bound=math.nan,
                                            seconds=0.0).objective)
                      for kept in (kept_sites_only(data, p) for p, _ in starts)]
        starts = [s for s in starts if not plan_breaches(data, s[0])] or starts
        hint, hint_objective = min(starts, key=lambda s: s[1])
        emit("building", min(p.objective for p in priced.values()))
        fixed = unreachable_penalty(data, self.parts)

        def on_round(objective: float, bound: float) -> None:
            emit("solving", objective + fixed, bound + fixed)

        # pricing the plan at the end takes time too (measured: about 0.1 s per thousand
        # need-years of the generated instance, on a free core)
        need_years = sum(len(r) for r in data.base_rows)
        search = ContractSearch(data, self.candidates, self.parts,
                                part_rows(data, self.parts), hint,
                                deadline=deadline - _ASSEMBLY_S - _ASSEMBLY_PER_NEED_YEAR_S
                                * need_years,
                                cancel=cancel, workers=workers, on_round=on_round)
        site_ofs, bound, proven, cancelled = search.run()
        bound += fixed
        daily = daily_rule(self.scenario.settings)
        if daily:
            # each contract year has its own rota (issue 17): the joint models have weekday
            # rows per year, so their plans have rotas; this is the last guard, as for a
            # single-year plan, for a starting plan a part kept when stopped before its first
            # joint plan (a site without a rota then leaves needs out)
            site_ofs = [enforce_rotas(a, s) for a, s in zip(data.arrays, site_ofs, strict=True)]
            hint = [enforce_rotas(a, s) for a, s in zip(data.arrays, hint, strict=True)]
            hint_objective = price_site_ofs(data, hint, status="evaluated", bound=math.nan,
                                            seconds=0.0).objective
        if not proven:
            # a part stopped before its joint search placed them keeps the comparisons' plan:
            # each year's left-out needs go where they fit, best where they sit in a
            # neighbouring year (no move)
            until = time.perf_counter() + max(_LEFT_OUT_SHARE * limit, _LEFT_OUT_MIN_S)
            site_ofs = place_left_out_by_year(data, self.candidates, site_ofs, until)
            hint = place_left_out_by_year(data, self.candidates, hint, until)
            hint_objective = price_site_ofs(data, hint, status="evaluated", bound=math.nan,
                                            seconds=0.0).objective
        status = "optimal" if proven else "cancelled" if cancelled else "feasible"
        notes = [f"{len(self.parts)} independent parts over {len(data.years)} contract years."]
        result = price_site_ofs(data, site_ofs, status=status, bound=bound,
                                seconds=time.perf_counter() - start, messages=notes)
        if hint_objective < result.objective - 1e-6 and not plan_breaches(data, hint):
            # a part cut short before its first plan
            result = price_site_ofs(data, hint, status=status, bound=bound,
                                    seconds=result.seconds, messages=notes)
        if daily and result.status == "optimal" and result.objective > bound + 1e-6:
            # proven for the weekly relaxation, not for the daily rule's plan
            result = dataclasses.replace(result, status="feasible")
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


def _fields(result: MultiYearResult) -> dict[str, object]:
    return {f: getattr(result, f) for f in result.__dataclass_fields__}
