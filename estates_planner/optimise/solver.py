"""The optimiser: build, split, solve in parallel and report one plan (OR-Tools CP-SAT)."""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from estates_planner.errors import CancelledError, InfeasibleError, ScenarioError
from estates_planner.model import Lot, Scenario
from estates_planner.optimise import part_cache
from estates_planner.optimise.bounds import shared_cost_floor
from estates_planner.optimise.candidates import Distances
from estates_planner.optimise.cpsat_part import PENCE, PartModel, PartOutcome, most_placeable
from estates_planner.optimise.decompose import Component, find_components, prune_candidates
from estates_planner.optimise.evaluate import (
    UNPLACED,
    ScenarioArrays,
    paired_needs,
    plan_result,
)
from estates_planner.optimise.greedy import greedy_assignment
from estates_planner.optimise.highs_part import MilpOutcome, milp_from_cp_model
from estates_planner.optimise.local_search import improve_plan, place_left_out
from estates_planner.optimise.part_pool import HighsPartRun, start_pool
from estates_planner.optimise.part_results import (
    PartStop,
    ProgressTotals,
    bound_sources,
    merge_outcomes,
)
from estates_planner.optimise.precheck import check_capacity
from estates_planner.optimise.progress import (
    Cancel,
    ProgressCallback,
    ProgressEvent,
    StopWatcher,
)
from estates_planner.optimise.regional import should_plan_by_region, solve_by_region
from estates_planner.optimise.result import PlanResult
from estates_planner.optimise.rota import daily_rule, enforce_rotas, max_wellbeing_bonus
from estates_planner.optimise.rota_start import solve_with_rota_cuts, weekly_first
from estates_planner.optimise.unfinished import (  # noqa: F401 - wait_for_abandoned: public
    abandon,
    unfinished_result,
    unplaced_allocations,
    wait_for_abandoned,
)

_LOCAL_SEARCH_SHARE = 0.25  # of a part's time, at least, for the plan search (local + LNS)
_CP_SAT_RESERVE_S = 1.0  # of a part's time kept for CP-SAT's bound (measured: 0.8-1.2 s alike)
# A part whose plan after the cheap moves is this far above its searchless bound is hard:
# CP-SAT will not prove it in a short limit, so whole-PDU re-fits improve its plan first.
# Measured: the sample's parts 17-27 % (CP-SAT proves each in about a second; re-fits first
# made the sample take 9 s instead of 2 s), the generated instance's 36-45 % (re-fits first:
# gap 2.4 % at 10 s instead of 2.8 %).
_HARD_GAP = 0.33
_ASSEMBLY_S = 0.25
_ASSEMBLY_PER_NEED_S = 120e-6
# the reasons' weekday analysis (optional) ends this long before the limit: what follows it
# (pricing every need) takes ~0.1 s for 8,000 needs
_ASSEMBLY_TAIL_S = 0.15
# at most this share of the limit places the needs a plan cut short left out (a few ms a need)
_LEFT_OUT_SHARE = 0.03
_LEFT_OUT_MIN_S = 0.05
# HiGHS's part solves run in worker processes from this many needs; below, in a thread of
# this process (highspy releases the GIL while it solves). Measured (Dec 2026, load 5-8 on
# the 2 cores, one run each, so only roughly): starting the pool (the forkserver and a
# worker a core, each importing HiGHS, a core for 1-2 s) cost the 500 x 1,200 instance's
# 10 s solve more than its workers gave back (gap 9.8 % against 2.6 % without), and HiGHS
# runs only where a core is free anyway, which a thread uses as well.
_PROCESS_NEEDS = 5_000
# the pool is started only for a limit this long: its start takes a core for a second or
# two, which a short solve (a 3 s region of 8,000 needs) cannot spare
_POOL_MIN_LIMIT_S = 10.0
# the daily rule starts a part with rota cuts from this share of time per need of the part
# (below, with the weekly model: see search()). At a 10 s limit on 2 cores the sample has
# 0.039 s a need, the generated 500 x 750 instance 0.027 s, the 500 x 1,200 one 0.017 s.
_CUTS_FROM_S_PER_NEED = 0.025
# with this much time a part, the cheap moves run before the rota cuts too: the cuts start
# from that plan, and a part whose masters are not proven in time keeps the better of the
# two (the 500 x 1,200 instance at 60 s, 10 s a part: five parts kept the cuts' plans from
# the greedy start, and the plan came out dearer than at 10 s)
_CHEAP_MOVES_WITH_CUTS_S = 4.0
_HIGHS_OVERRUN_S = 0.3  # how long after its part's deadline a HiGHS solve is waited for
# HiGHS is not started with less time than this for its part (its root LP alone takes
# longer on a part of 100 needs), nor on a part with more need/site pairs than this: its
# model takes seconds to build in Python (a region of 8,337 needs under a 3 s limit came
# back with no plan when it did)
_HIGHS_MIN_S = 0.5
_HIGHS_MAX_PAIRS = 50_000
_MAX_PARALLEL_PARTS = 99  # parts searched at once, at most (each with its CP-SAT workers)
_WORKERS_PER_PART = 1  # CP-SAT workers per part searched
_EXPLAIN_S = 5.0  # at most, to find and shrink a strict-mode conflict
_MIN_ROUND_S = 0.3  # no further round of the unproven parts with less time left than this
_MIN_SEARCH_S = 0.3  # a part's search gets at least this (within the deadline)
_TIGHT_SHARE = 0.2  # a lot asking for over 80 % of its sites' capacity is counted exactly
_COUNT_S = 0.15  # at most, per such count
_COUNT_BUDGET_SHARE = 0.05  # of the time limit, at most, for all such counts together


class AllocationModel:
    r"""The allocation of service needs to sites as a 0/1 programme, solved with CP-SAT.

    Variables: :math:`x_{ns} = 1` when need n sits at site s (only for pairs the rules R3-R8
    allow and that survive sound pruning); :math:`y_s = 1` when site s is used (sites with a
    fit-out cost); :math:`z_{ps} = 1` when PDU p uses site s; :math:`h_{ps} = 1` when site s
    hosts an ETE/accommodation need of PDU p; :math:`q_{ws} = 1` when wellbeing need w at s
    earns the pairing bonus.

    Constraints:

    - R1: :math:`\sum_s x_{ns} \le 1` (:math:`= 1` in strict mode); the unplaced indicator is
      :math:`u_n = 1 - \sum_s x_{ns}`.
    - R2: :math:`\sum_n d_n x_{ns} \le 5\,D_s\,y_s` and :math:`\sum_n r_n x_{ns} \le 5\,R_s`,
      with :math:`d_n, r_n` the desk-days and room-days a week of need n and :math:`D_s, R_s`
      the site's desks and interview rooms.
    - R3-R8: pairs a rule forbids have no variable.
    - Linking: :math:`x_{ns} \le y_s`, :math:`x_{ns} \le z_{p(n)s}`,
      :math:`h_{ps} \le \sum_{n \in E_p} x_{ns}` (E_p the ETE/accommodation needs of p),
      :math:`q_{ws} \le x_{ws}` and :math:`q_{ws} \le \sum_{t : |st| \le \rho} h_{p(w)t}`
      (:math:`\rho` = ``pairing_radius_km``, the site itself included).

    Objective (annual GBP, minimised):

    .. math::
        \sum_{ns} (c^{desk}_{ns} + c^{travel}_{ns} + c^{auth}_{ns} + c^{move}_{ns}) x_{ns}
        + \sum_s \frac{F_s}{A} y_s + L \sum_{ps} z_{ps} - B \sum_{ws} q_{ws} + U \sum_n u_n

    with desk cost = desks x days/5 x annual cost per desk, travel = caseload x distance x
    ``travel_weight``, auth = ``authority_preference`` for ETE/accommodation away from
    authority sites, move = ``move_penalty`` when the baseline places the need at another
    site, :math:`F_s/A` the amortised fit-out, L the location penalty, B the pairing bonus and
    U the unplaced penalty. The ``y``, ``z`` and ``q`` variables only need one-sided links
    because the objective pushes them the right way. CP-SAT works in integer pence; the
    reported objective is re-priced in float pounds by :func:`evaluate_plan` and the bound is
    scaled back.

    The model splits into independent parts (connected parts of the need-site candidate graph,
    a PDU's needs kept together); parts are solved in parallel threads under one time limit,
    and their objectives and bounds add up. Each part starts from a complete hint: the warm
    start or greedy fill, improved by an exact-delta local search
    (:mod:`estates_planner.optimise.local_search`). Where a core is free beside a part's
    search, HiGHS solves the same rows from the part's plan
    (:mod:`estates_planner.optimise.highs_part`); the part keeps the better plan and the
    higher bound. Parts solved before are remembered
    (:mod:`estates_planner.optimise.part_cache`), so a what-if re-solves only what it changed.
    See ``docs/optimiser.md``.

    Parameters
    ----------
    scenario
        The scenario to plan.
    distances
        Precomputed :func:`candidate_distances` (saves recomputing a network's matrices).
    """

    def __init__(self, scenario: Scenario, *, distances: Distances | None = None,
                 should_stop: Callable[[], bool] | None = None) -> None:
        # should_stop: checked between the building steps (raises CancelledError), so that a
        # build abandoned by solve_scenario stops soon instead of running on in the background
        def checkpoint() -> None:
            if should_stop is not None and should_stop():
                raise CancelledError("cancelled while building the model")

        self.scenario = scenario
        self.arrays = ScenarioArrays.build(scenario, distances)
        checkpoint()
        self.candidates: list[np.ndarray] = prune_candidates(self.arrays)
        checkpoint()
        self.components: list[Component] = find_components(self.arrays, self.candidates,
                                                           should_stop=should_stop)
        checkpoint()
        allowed = int(self.arrays.allowed.sum())
        self.n_pairs_allowed = allowed
        self.n_pairs_kept = int(sum(len(c) for c in self.candidates))

    def solve(self, *, time_limit_s: float | None = None,
              progress: ProgressCallback | None = None, cancel: Cancel | None = None,
              warm_start: Mapping[str, str | None] | None = None, workers: int | None = None,
              relative_gap: float = 0.0, engine: str = "hybrid",
              should_stop: Callable[[], bool] | None = None,
              searched: threading.Event | None = None) -> PlanResult:
        """Solve and return a new :class:`PlanResult` (the model itself is not changed).

        Parameters
        ----------
        time_limit_s
            Wall-clock limit for checking, building and solving together; default the
            scenario's ``time_limit_s`` setting.
        progress
            Called with :class:`ProgressEvent` at stage changes and as the search improves
            (from solver threads; at most every 0.1 s while solving).
        cancel
            Any object with ``is_set()``; when set, the search stops within about 0.1 s and
            the best plan so far comes back with status "cancelled".
        warm_start
            A previous plan (need_id -> site_id or None) to start from; pairs no longer
            allowed or over capacity are re-placed greedily.
        workers
            Threads for CP-SAT in total (default: the machine's cores).
        relative_gap
            Stop once the gap is at most this (0 = prove the optimum).
        engine
            "hybrid" (default): HiGHS beside CP-SAT where a core is free for it; "cpsat":
            CP-SAT alone, the engine before issue #19 (kept to compare against).

        Raises
        ------
        InfeasibleError
            Strict mode only, when no plan places every need; ``conflicts`` names the rules.
        """
        run = _Run(self, time_limit_s, progress, cancel, warm_start, workers, relative_gap,
                   _check_engine(engine))
        run.should_stop = should_stop
        run.searched = searched
        return run.run()


ENGINES = ("hybrid", "cpsat")


def _check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ScenarioError(f"the engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    return engine


def solve_scenario(scenario: Scenario, *, time_limit_s: float | None = None,
                   progress: ProgressCallback | None = None, cancel: Cancel | None = None,
                   warm_start: Mapping[str, str | None] | None = None,
                   workers: int | None = None, engine: str = "hybrid") -> PlanResult:
    """Solve a scenario to optimality or to the time limit; see :class:`AllocationModel`.

    A very large scenario whose regions are independent (R5 on) is planned region by region
    (:mod:`estates_planner.optimise.regional`): the same plan, in a region's memory.
    ``engine`` is "hybrid" (default) or "cpsat" (see :meth:`AllocationModel.solve`).

    Building the model of a very large scenario (100,000 needs) takes longer than a cancel or
    a time limit may wait, and the steps of the build cannot be interrupted. So the work runs
    in a background thread that this call watches: once ``cancel`` is set, or once the time
    limit plus a small margin (0.2 s) has passed, it waits a moment (0.1 s) for the solver
    to hand back its best plan and otherwise returns at once a plan with every need
    unplaced, status "cancelled" and a message saying why (:func:`unfinished_result`), so
    that the time limit and cancel are honoured within 0.5 s. One exception: a
    search past its time limit that is already putting its plan together is waited for (up
    to ``_ASSEMBLY_WAIT_S``), as throwing a finished plan away to save a fraction of a second
    would serve nobody. The abandoned build stops at its next checkpoint.
    """
    limit = scenario.settings.time_limit_s if time_limit_s is None else time_limit_s
    if limit is None or not isinstance(limit, (int, float)) or limit < 0 \
            or not math.isfinite(limit):
        raise ScenarioError(f"the time limit must be a number of seconds ≥ 0, got {limit}")
    if should_plan_by_region(scenario):
        return solve_by_region(scenario, limit, solve_region=solve_scenario,
                               progress=progress, cancel=cancel, warm_start=warm_start,
                               workers=workers, engine=engine)
    start = time.perf_counter()
    too_big = _memory_shortfall(scenario)
    if too_big:
        return unfinished_result(scenario, "memory", limit, time.perf_counter() - start,
                                 detail=too_big)
    if _check_engine(engine) == "hybrid" and len(scenario.dataset.needs) >= _PROCESS_NEEDS \
            and limit >= _POOL_MIN_LIMIT_S:
        start_pool()  # while the model is built; parts use threads until it is ready
    gave_up = threading.Event()
    searched = threading.Event()
    box: dict[str, object] = {}

    stage = ["building the model"]

    def quiet_progress(event: ProgressEvent) -> None:
        stage[0] = event.stage
        if progress is not None and not gave_up.is_set():
            progress(event)

    def work() -> None:
        try:
            model = AllocationModel(scenario, should_stop=gave_up.is_set)
            box["result"] = model.solve(
                time_limit_s=max(0.0, limit - (time.perf_counter() - start)),
                progress=quiet_progress, cancel=cancel, warm_start=warm_start,
                workers=workers, should_stop=gave_up.is_set, searched=searched,
                engine=engine)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=work, name="solve-scenario", daemon=True)
    thread.start()
    # for a large scenario the unplaced plan is made now, while the build runs (its numpy
    # steps leave this thread free), so that giving up later returns at once
    prebuilt: dict[str, tuple] = {}
    if len(scenario.dataset.needs) >= _PREBUILD_NEEDS:
        for why in ("cancelled", "time") if cancel is not None else ("time",):
            prebuilt[why] = unplaced_allocations(scenario, why, limit)
    give_up_at = start + limit + _LIMIT_MARGIN_S
    reason = ""
    while thread.is_alive():
        thread.join(_WATCH_S)
        if not thread.is_alive():
            break
        if cancel is not None and cancel.is_set():
            reason = "cancelled"
        elif time.perf_counter() >= give_up_at:
            reason = "time"
        if reason:
            # a cancelled search hands back its best plan within a fraction of a second, a
            # search past the limit has already stopped by itself; before the search there
            # is only a brief wait for a small scenario that is about to finish anyway
            grace = _CANCEL_GRACE_S if reason == "cancelled" and stage[0] == "solving" \
                else _EARLY_GRACE_S
            thread.join(grace)
            if thread.is_alive() and searched.is_set():
                # a cancel keeps its promise of 0.5 s; a time limit waits for the plan
                thread.join(_ASSEMBLY_WAIT_S if reason == "time" else _CANCEL_GRACE_S / 2)
        if reason and thread.is_alive():
            gave_up.set()
            abandon(thread)
            return unfinished_result(scenario, reason, limit, time.perf_counter() - start,
                                     allocations=prebuilt.get(reason))
        reason = ""
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


# The model holds about this many bytes per need x site pair at its peak (dense float
# matrices of distances and cost terms, and their temporaries; measured: 19.5 GB for
# 100,000 x 2,000 and 10.4 GB for 50,000 x 2,000, plus some room). A scenario that would
# need more than _MEMORY_FRACTION of the memory free now is not started: it would push
# the computer into swapping or be killed.
_BYTES_PER_PAIR = 110
_MEMORY_FRACTION: float | None = 0.6


def _available_memory_bytes() -> int | None:
    """Memory free for new work (Linux MemAvailable), or None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _memory_shortfall(scenario: Scenario) -> str:
    """A sentence when the scenario needs more memory than is free, else ''."""
    if _MEMORY_FRACTION is None:
        return ""
    pairs = len(scenario.dataset.needs) * len(scenario.dataset.sites)
    need = pairs * _BYTES_PER_PAIR
    if need < 2 * 1024**3:  # small scenarios never wait for /proc
        return ""
    free = _available_memory_bytes()
    if free is None or need <= _MEMORY_FRACTION * free:
        return ""
    return (f"planning it at once needs about {need / 1024**3:.0f} GB of memory, more than "
            f"the {_MEMORY_FRACTION * free / 1024**3:.0f} GB it may safely use of the "
            f"{free / 1024**3:.0f} GB free")


_WATCH_S = 0.02  # how often solve_scenario looks at cancel and the clock
_CANCEL_GRACE_S = 0.3  # how long a cancelled search may take to hand back its best plan
_EARLY_GRACE_S = 0.1  # the same before the search has started
_PREBUILD_NEEDS = 5_000  # from this many needs the unplaced plan is made in advance
_LIMIT_MARGIN_S = 0.2  # past the time limit before solve_scenario stops waiting
_ASSEMBLY_WAIT_S = 5.0  # how long a finished search may take to put its plan together
class _CancelOrAbandoned:
    """Set when the caller cancels or :func:`solve_scenario` stops waiting: an abandoned
    search must stop at once too, not run on to its own time limit."""

    def __init__(self, cancel: Cancel | None, abandoned: Callable[[], bool] | None) -> None:
        self.cancel = cancel
        self.abandoned = abandoned

    def is_set(self) -> bool:
        return bool((self.cancel is not None and self.cancel.is_set())
                    or (self.abandoned is not None and self.abandoned()))


class _Run:
    """One call of :meth:`AllocationModel.solve`."""

    def __init__(self, model: AllocationModel, time_limit_s: float | None,
                 progress: ProgressCallback | None, cancel: Cancel | None,
                 warm_start: Mapping[str, str | None] | None, workers: int | None,
                 relative_gap: float, engine: str = "hybrid") -> None:
        self.model = model
        self.engine = engine
        self.arrays = model.arrays
        self.scenario = model.scenario
        self.start = time.perf_counter()
        limit = self.scenario.settings.time_limit_s if time_limit_s is None else time_limit_s
        if limit is None or limit < 0 or not math.isfinite(limit):
            raise ScenarioError(f"the time limit must be a number of seconds ≥ 0, got {limit}")
        self.limit = limit
        # keep back a little time to put the result together (the rota check, re-pricing,
        # reasons): it grows with the needs (measured Dec 2026 on the 2 cores at load 0:
        # 0.03 s for 1,200 needs; 0.9-1.0 s for a region of 8,337 with 6,900 unplaced under
        # the daily rule, of which the rota check 0.2-0.3 s, the plan's rota 0.2 s, the
        # reasons' weekday analysis its 0.3 s budget)
        n_needs = len(self.scenario.dataset.needs)
        reserve = max(min(_ASSEMBLY_S, 0.1 * limit),
                      min(_ASSEMBLY_PER_NEED_S * n_needs, 0.35 * limit))
        self.deadline = self.start + limit - reserve
        self.progress = progress
        self.cancel = cancel
        self.warm_start = warm_start
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.relative_gap = relative_gap
        self.trivial: list[float] = []  # searchless bound of each part, set in run()
        # the searchless bounds' packing counts stop here (they run before the stop watcher)
        self._count_budget_until = self.start + _COUNT_BUDGET_SHARE * limit
        # set by solve_scenario: the caller has stopped waiting, so stop quietly
        self.should_stop: Callable[[], bool] | None = None
        # set by solve_scenario: told when the search is over and the plan is being assembled
        self.searched: threading.Event | None = None

    def checkpoint(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise CancelledError("the caller stopped waiting for this solve")

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def emit(self, stage: str, objective: float | None = None,
             bound: float | None = None) -> None:
        if self.progress is not None:
            self.progress(ProgressEvent(objective, bound, self.elapsed(), stage))

    def run(self) -> PlanResult:
        sc, arrays, st = self.scenario, self.arrays, self.scenario.settings
        n = len(sc.dataset.needs)
        self.emit("checking")
        messages: list[str] = []
        shortfalls = check_capacity(sc)
        no_candidates = [i for i in range(n) if not len(self.model.candidates[i])]
        if st.strict:
            from estates_planner.optimise.conflicts import explain_no_site

            if shortfalls or no_candidates:
                conflicts = shortfalls + explain_no_site(arrays, no_candidates)
                raise InfeasibleError(
                    "No plan can place every need (strict mode):\n"
                    + "\n".join(f"- {c}" for c in conflicts), conflicts=conflicts)
        else:
            messages.extend(shortfalls)
        self.checkpoint()
        hint = self._hint()
        self.checkpoint()
        parts = self.model.components
        self.trivial = [self._trivial_bound(p) for p in parts]
        fixed = 0.0 if st.strict else st.unplaced_penalty * len(no_candidates)
        tracker = ProgressTotals(self.start, self.progress, fixed,
                           self._part_objectives(hint, parts),
                           list(self.trivial))
        tracker.emit("building")
        outcomes: list[PartOutcome | None] = [None] * len(parts)
        plan = hint  # the best plan so far, part by part
        lock = threading.Lock()
        solving_emitted = threading.Event()
        hybrid = self.engine == "hybrid"
        pool_size = max(1, min(self.workers, len(parts), _MAX_PARALLEL_PARTS))
        in_process = len(sc.dataset.needs) < _PROCESS_NEEDS
        # one CP-SAT worker per part even when a single part is left (a small region, or the
        # one part a what-if changed): a second worker displaces the LP that proves the bound.
        # Measured on a 30-need region: 1 worker optimal in 0.5 s; 2 workers gap 17 % at 6 s.
        per_part = _WORKERS_PER_PART

        with StopWatcher(_CancelOrAbandoned(self.cancel, self.should_stop),
                         self.deadline) as watcher:
            stop = lambda: watcher.should_stop  # noqa: E731
            work_left = [0]
            busy = [0]  # part searches and HiGHS solves running (each keeps a core busy)
            pairs = [sum(len(self.model.candidates[int(i)]) for i in p.needs) for p in parts]

            def run_part(k: int, first_round: bool) -> None:
                with lock:
                    busy[0] += 1
                try:
                    solve_part(k, first_round)
                finally:
                    with lock:
                        busy[0] -= 1

            def solve_part(k: int, first_round: bool) -> None:
                part = parts[k]
                if watcher.should_stop:
                    return
                # each part gets its fair share of the time left, by size; parts that finish
                # early leave more for the rest, and a further round revisits the unproven
                with lock:
                    now = time.perf_counter()
                    share = (self.deadline - now) * pool_size * len(part.needs) \
                        / max(work_left[0], 1)
                    work_left[0] -= len(part.needs)
                part_deadline = min(self.deadline, now + share)
                part_stop = PartStop(watcher)
                improve = dict(should_stop=part_stop.should_stop, register=part_stop.register,
                               unregister=part_stop.unregister)

                def take_plan(better: np.ndarray) -> float | None:
                    """Make ``better`` the part's plan; its cost (None if strict is broken)."""
                    with lock:
                        plan[part.needs] = better[part.needs]
                    cost = self._part_objectives(better, [part])[0]
                    tracker.update(k, cost, -math.inf, force=True)
                    return cost

                if not first_round:
                    highs = start_highs(k, plan.copy(), part_deadline, part_stop) \
                        if hybrid else None
                    search(k, plan, part_deadline, part_stop)
                    collect_highs(k, highs, part_deadline)
                    return
                if daily_rule(st) and share >= _CUTS_FROM_S_PER_NEED * len(part.needs) \
                        and share < _CHEAP_MOVES_WITH_CUTS_S:
                    # the rota cuts start from the greedy plan: their first master finds a
                    # better one in 0.1-1 s, and the daily-checked cheap moves took 0.3-0.4
                    # s a part of the sample (4.4 s of one core over its 12 parts)
                    start = plan.copy()
                else:
                    # the cheap moves first (they converge in a fraction of a second)
                    start, _ = improve_plan(
                        arrays, self.model.candidates, plan, part.needs, lns=False,
                        deadline=min(now + _LOCAL_SEARCH_SHARE * share, self.deadline),
                        **improve)
                cost = take_plan(start)
                # under the daily rule the weekly model gives the plan instead (rota_start)
                hard = cost is not None and cost - self.trivial[k] > _HARD_GAP * abs(cost) \
                    and not daily_rule(st)
                # HiGHS starts from this plan and runs beside the rest of the part's search
                highs = start_highs(k, start, part_deadline, part_stop) if hybrid else None
                if hard and not part_stop.should_stop():
                    # a hard part: whole-PDU re-fits improve the plan, taking all but the
                    # second CP-SAT needs for its bound (root LP and cuts of ~100 needs)
                    now = time.perf_counter()
                    plan_until = max(now + _LOCAL_SEARCH_SHARE * (part_deadline - now),
                                     part_deadline - _CP_SAT_RESERVE_S)
                    start, _ = improve_plan(arrays, self.model.candidates, start, part.needs,
                                            deadline=min(plan_until, self.deadline), **improve)
                    take_plan(start)
                search(k, start, part_deadline, part_stop)
                collect_highs(k, highs, part_deadline)

            def start_highs(k: int, start: np.ndarray, until: float,
                            part_stop: PartStop) -> HighsPartRun | None:
                """HiGHS on part k from ``start`` until ``until``; proving the optimum stops
                the part's other searches."""
                part = parts[k]
                weekly_only = daily_rule(st)
                with lock:
                    # only on a core no other part is using: on a busy machine a second
                    # solver on a part halves the CPU of the first, and neither then gets
                    # through its root LP (measured: 12 parts of the 500 x 1,200 instance
                    # raced CP-SAT and HiGHS in 10 s, every bound was the searchless one)
                    if busy[0] >= self.workers or part_stop.should_stop() \
                            or until - time.perf_counter() < _HIGHS_MIN_S \
                            or pairs[k] > _HIGHS_MAX_PAIRS:
                        return None
                    busy[0] += 1
                try:
                    # under the daily rule HiGHS solves the weekly relaxation (no weekday
                    # rows; the same-day bonus counted on every paired need), for its bound
                    # only: its plans have no rota (see collect_highs)
                    pm = PartModel(arrays, part, self.model.candidates, start, stop,
                                   daily=False)
                    milp = milp_from_cp_model(pm.model)
                except CancelledError:
                    with lock:
                        busy[0] -= 1
                    return None

                def on_update(objective: float | None, bound: float) -> None:
                    if weekly_only:
                        objective = None  # a plan of the relaxation is not a plan
                    better = objective is not None and (
                        tracker.objectives[k] is None
                        or objective / PENCE < tracker.objectives[k])
                    tracker.update(k, objective / PENCE if better else None, bound / PENCE)

                def on_done(out: MilpOutcome | None) -> None:
                    with lock:
                        busy[0] -= 1
                    if out is not None and out.optimal and not weekly_only:
                        part_stop.stop()

                run = HighsPartRun(milp, time_limit_s=max(until - time.perf_counter(), 0.01),
                                   relative_gap=self.relative_gap, in_process=in_process,
                                   should_stop=part_stop.should_stop,
                                   on_update=on_update, on_done=on_done)
                run.model = pm  # type: ignore[attr-defined]
                return run

            def collect_highs(k: int, highs: HighsPartRun | None, until: float) -> None:
                """Wait for part k's HiGHS solve (stopping it once CP-SAT has proven the
                part) and keep the better plan and the higher bound of the two."""
                if highs is None:
                    return
                if outcomes[k] is not None and outcomes[k].status == "optimal":
                    highs.stop()
                out = highs.wait(until + _HIGHS_OVERRUN_S, stop)
                if highs.thread.is_alive():
                    # told to stop; HiGHS ends at its next callback. Waited for at exit, as
                    # a solver still running in C++ when Python exits aborts the process
                    abandon(highs.thread)
                if out is None or out.infeasible:
                    return  # CP-SAT's verdict on an infeasible part stands (strict mode)
                part = parts[k]
                site_of = None
                objective = None
                weekly = daily_rule(st)  # the relaxation's bound only (start_highs)
                if out.values is not None and not weekly:
                    site_of = highs.model.plan_from_values(out.values)  # type: ignore[attr-defined]
                    trial = plan.copy()
                    trial[part.needs] = site_of
                    objective = self._part_objectives(trial, [part])[0]
                if objective is None:
                    site_of = np.full(len(part.needs), UNPLACED, dtype=np.int64)
                proven = out.optimal and not weekly
                found = PartOutcome(site_of, objective, out.bound / PENCE,
                                    "optimal" if proven else
                                    "feasible" if objective is not None else "unknown",
                                    bound_by="HiGHS",
                                    proven_by="HiGHS" if proven else "")
                keep(k, found)

            def keep(k: int, outcome: PartOutcome) -> None:
                part = parts[k]
                with lock:
                    outcomes[k] = merge_outcomes(outcomes[k], outcome)
                    best = outcomes[k]
                    if self.relative_gap == 0:  # "optimal" then means proven
                        part_cache.remember(keys[k], arrays, best)
                    if best is not None and best.objective is not None:
                        plan[part.needs] = best.site_of
                tracker.update(k, None if best is None else best.objective,
                               outcome.bound, force=True)

            def search(k: int, start: np.ndarray, until: float, part_stop: PartStop) -> None:
                """CP-SAT on part k from ``start`` until ``until``; keeps the better outcome."""
                part = parts[k]
                if part_stop.should_stop():
                    return
                now = time.perf_counter()
                share = max(until - now, 0.0)
                if daily_rule(st) and k not in weekly_bound \
                        and share < _CUTS_FROM_S_PER_NEED * len(part.needs):
                    # the daily rule (issue 17) with little time: the weekly relaxation
                    # first, for a plan to start from and a bound (optimise/rota_start.py)
                    start, weekly_bound[k] = weekly_first(
                        arrays, part, self.model.candidates, start, until=until,
                        should_stop=part_stop.should_stop, register=part_stop.register,
                        unregister=part_stop.unregister,
                        price=lambda p, part=part: self._part_objectives(p, [part])[0])
                elif daily_rule(st) and k not in weekly_bound:
                    # the daily rule with time to spare: the assignment first, with rota
                    # cuts (optimise/rota_cuts.py); often proves the part, else gives the
                    # weekday model its plan and a bound. The cuts may take twice the
                    # part's share: a master proven a little late beats the weekday model
                    # from an unproven one (the sample's 91-need part at 10 s: share 3.6 s,
                    # cuts need 3-4.4 s; cut short, the weekday model took the rest of the
                    # 10 s to prove it). With a shorter share (the 500 x 1,200 instance at
                    # 10 s: 1.7 s a part of 100 needs) no master is proven in time and the
                    # weekly start did better: gap 13.7 % against 22-26 %.
                    cut = solve_with_rota_cuts(
                        arrays, part, self.model.candidates, start,
                        until=min(self.deadline, now + 2 * share),
                        should_stop=part_stop.should_stop, register=part_stop.register,
                        unregister=part_stop.unregister,
                        price=lambda p, part=part: self._part_objectives(p, [part])[0],
                        on_update=lambda o, b: tracker.update(k, None, b))
                    weekly_bound[k] = cut.bound
                    start_cost = self._part_objectives(start, [part])[0]
                    if cut.objective is not None and not cut.proven \
                            and start_cost is not None and start_cost < cut.objective:
                        # the cuts' last plan, repaired, is dearer than the part's start
                        # (masters not proven in time): the start stays the part's plan
                        keep(k, PartOutcome(start[part.needs].copy(), start_cost, cut.bound,
                                            "feasible", bound_by="CP-SAT (rota cuts)"))
                    elif cut.objective is not None:
                        start = cut.plan
                        keep(k, PartOutcome(cut.plan[part.needs].copy(), cut.objective,
                                            cut.objective if cut.proven else cut.bound,
                                            "optimal" if cut.proven else "feasible",
                                            bound_by="CP-SAT (rota cuts)",
                                            proven_by="CP-SAT (rota cuts)" if cut.proven
                                            else ""))
                        if cut.proven:
                            part_stop.stop()
                            return
                try:
                    pm = PartModel(arrays, part, self.model.candidates, start, stop)
                except CancelledError:
                    return
                if not solving_emitted.is_set():
                    solving_emitted.set()
                    tracker.emit("solving")
                outcome = pm.solve(
                    time_limit_s=max(until - time.perf_counter(),
                                     min(_MIN_SEARCH_S, self.deadline - time.perf_counter())),
                    workers=per_part,
                    relative_gap=self.relative_gap, register=part_stop.register,
                    unregister=part_stop.unregister,
                    on_update=lambda o, b: tracker.update(
                        k, None if o is None else o / PENCE, b / PENCE))
                outcome.bound = max(outcome.bound, weekly_bound.get(k, -math.inf))
                if outcome.status == "optimal":
                    part_stop.stop()
                keep(k, outcome)

            weekly_bound: dict[int, float] = {}  # part -> bound of its weekly relaxation
            keys = [part_cache.part_key(arrays, p, self.model.candidates) for p in parts]
            # parts solved before (unchanged by this what-if) start from their answer; the
            # first round searches only the new parts, later rounds every unproven one
            pending = []
            for k, part in enumerate(parts):
                cached = part_cache.lookup(keys[k], arrays, part)
                if cached is None:
                    pending.append(k)
                    continue
                outcomes[k] = cached
                plan[part.needs] = cached.site_of
                tracker.update(k, cached.objective, cached.bound, force=True)
            first = True
            if not pending:
                pending = [k for k in range(len(parts)) if outcomes[k].status != "optimal"]
                first = False
            while pending and not watcher.should_stop:
                work_left[0] = sum(len(parts[k].needs) for k in pending)
                if pool_size == 1 or len(pending) == 1:
                    for k in pending:
                        run_part(k, first)
                else:
                    with ThreadPoolExecutor(max_workers=pool_size,
                                            thread_name_prefix="cp-sat-part") as pool:
                        list(pool.map(lambda k, f=first: run_part(k, f), pending))
                first = False
                pending = [k for k in range(len(parts)) if outcomes[k] is None
                           or outcomes[k].status not in ("optimal", "infeasible")]
                if any(outcomes[k] is not None and outcomes[k].status == "infeasible"
                       for k in range(len(parts))):
                    break
                if self.deadline - time.perf_counter() < _MIN_ROUND_S:
                    break
            cancelled = watcher.cancelled
        self.checkpoint()
        if self.searched is not None:
            self.searched.set()
        return self._assemble(parts, outcomes, plan, tracker, messages, cancelled,
                              no_candidates)

    def _assemble(self, parts: list[Component], outcomes: list[PartOutcome | None],
                  hint: np.ndarray, tracker: ProgressTotals, messages: list[str], cancelled: bool,
                  no_candidates: list[int]) -> PlanResult:
        sc, arrays, st = self.scenario, self.arrays, self.scenario.settings
        infeasible = [k for k, o in enumerate(outcomes) if o is not None
                      and o.status == "infeasible"]
        if infeasible:
            from estates_planner.optimise.conflicts import explain_infeasible

            conflicts = explain_infeasible(arrays, [parts[k] for k in infeasible],
                                           deadline=time.perf_counter() + _EXPLAIN_S)
            raise InfeasibleError(
                "No plan can place every need (strict mode). These rules conflict:\n"
                + "\n".join(f"- {c}" for c in conflicts), conflicts=conflicts)
        site_of = np.full(len(sc.dataset.needs), UNPLACED, dtype=np.int64)
        bound = 0.0 if st.strict else st.unplaced_penalty * len(no_candidates)
        all_optimal = True
        unsolved = 0
        for part, outcome, trivial in zip(parts, outcomes, self.trivial, strict=True):
            if outcome is not None and outcome.objective is not None:
                site_of[part.needs] = outcome.site_of
                bound += max(outcome.bound, trivial)
                all_optimal &= outcome.status == "optimal"
            else:
                site_of[part.needs] = hint[part.needs]
                bound += max(outcome.bound, trivial) if outcome is not None else trivial
                all_optimal = False
                unsolved += 1
        if st.daily_capacity:
            # no plan is accepted without a rota at every site (issue 17): a starting plan
            # cut short by the clock is made to fit by leaving needs out (rota.py)
            site_of = enforce_rotas(arrays, site_of)
        if (site_of == UNPLACED).any() and not all_optimal:
            # a part cut short keeps its starting plan: the needs it left out go where they
            # fit, if it pays (a little of the time kept back for this assembly)
            until = time.perf_counter() + max(_LEFT_OUT_SHARE * self.limit, _LEFT_OUT_MIN_S)
            site_of = place_left_out(arrays, self.model.candidates, site_of, deadline=until)
        if st.strict and (site_of == UNPLACED).any() and not cancelled:
            raise InfeasibleError(
                f"No plan placing every need was found within the time limit of "
                f"{self.limit:g} s (strict mode); the scenario may still be "
                "feasible: allow more time, or turn strict mode off to see which needs stay "
                "unplaced.", conflicts=[])
        if cancelled and not all_optimal:
            status = "cancelled"
            messages.append("Cancelled: this is the best plan found so far.")
        elif all_optimal:
            status = "optimal"
        else:
            status = "feasible"
        if unsolved:
            messages.append(f"{unsolved} of {len(parts)} parts found no plan by search in time; "
                            "they keep the starting plan (the warm start or greedy fill, "
                            "improved by local search).")
        pruned = self.model.n_pairs_allowed - self.model.n_pairs_kept
        messages.append(f"{len(parts)} independent parts; {self.model.n_pairs_kept} need/site "
                        f"pairs considered ({pruned} allowed pairs pruned as never optimal).")
        messages.append(bound_sources(parts, outcomes, self.trivial))
        # the reasons' weekday analysis stops short of the limit
        until = self.start + self.limit - _ASSEMBLY_TAIL_S
        result = plan_result(arrays, site_of, status=status, bound=bound,
                             seconds=self.elapsed(), messages=messages, until=until)
        if status != "optimal":
            result = self._no_worse_than_warm_start(result, bound, status, messages, until)
        if status == "optimal" and result.gap > 0:
            # rounding to pence can leave a sliver; a proven optimum reports its own bound
            result = dataclasses.replace(result, bound=result.objective, gap=0.0)
        self.emit("done", result.objective, result.bound)
        return result

    def _no_worse_than_warm_start(self, result: PlanResult, bound: float, status: str,
                                  messages: list[str], until: float) -> PlanResult:
        """``result``, or the warm start as given when that keeps every rule and costs less.

        "Solve again" must never hand back a worse plan than the one it started from.
        Measured (the generated 500 x 1,200 instance under the daily rule, 10 s from a 10-s
        plan of £33.31 M): £33.55 M came back, because the starting plan is the warm start
        repaired by the greedy fill, whose quick rota check refused sites where the exact
        one had found a rota, and the parts cut short kept that repaired start.
        """
        kept = self._warm_start_as_given()
        if kept is None:
            return result
        warm = plan_result(self.arrays, kept, status=status, bound=bound,
                           seconds=self.elapsed(), messages=messages, until=until)
        if warm.objective >= result.objective - 1e-6:
            return result
        note = ("The warm start is kept: the search found no cheaper plan in the time "
                "limit.")
        return dataclasses.replace(warm, seconds=self.elapsed(),
                                   messages=(*warm.messages, note))

    def _warm_start_as_given(self) -> np.ndarray | None:
        """The warm start as a site index per need, when it keeps this scenario's rules as
        it is (every site allowed, each site's weekly capacity, a rota at each site under
        the daily rule; in strict mode every need placed); else None."""
        if not self.warm_start:
            return None
        arrays, st = self.arrays, self.scenario.settings
        site_index = {s.site_id: j for j, s in enumerate(self.scenario.dataset.sites)}
        plan = np.full(len(self.scenario.dataset.needs), UNPLACED, dtype=np.int64)
        for i, need in enumerate(self.scenario.dataset.needs):
            site_id = self.warm_start.get(need.need_id)
            if site_id is None:
                if st.strict:
                    return None
                continue
            j = site_index.get(site_id)
            if j is None or not arrays.allowed[i, j]:
                return None
            plan[i] = j
        placed = plan != UNPLACED
        m = len(arrays.desk_cap)
        for used_per_need, cap in ((arrays.desk_days, arrays.desk_cap),
                                   (arrays.room_days, arrays.room_cap)):
            used = np.bincount(plan[placed], weights=used_per_need[placed], minlength=m)
            if (used > cap + 1e-9).any():
                return None
        if daily_rule(st) and (enforce_rotas(arrays, plan) != plan).any():
            return None
        return plan

    def _hint(self) -> np.ndarray:
        """A complete, feasible starting plan: the warm start repaired, then greedy filling."""
        arrays = self.arrays
        n, m = arrays.allowed.shape
        mask = np.zeros((n, m), dtype=bool)
        for i, cand in enumerate(self.model.candidates):
            mask[i, cand] = True
        initial = None
        if self.warm_start:
            site_index = {s.site_id: j for j, s in enumerate(self.scenario.dataset.sites)}
            initial = np.full(n, UNPLACED, dtype=np.int64)
            for i, need in enumerate(self.scenario.dataset.needs):
                j = site_index.get(self.warm_start.get(need.need_id) or "", UNPLACED)
                initial[i] = j
        return greedy_assignment(arrays, allowed=mask, initial=initial)

    def _part_objectives(self, hint: np.ndarray, parts: list[Component]) -> list[float | None]:
        """Objective of the starting plan on each part (None where strict mode is broken)."""
        arrays, st = self.arrays, self.scenario.settings
        c = arrays.costs
        paired = paired_needs(arrays, hint)
        needs = self.scenario.dataset.needs
        out: list[float | None] = []
        for part in parts:
            total = 0.0
            broken = False
            for i in part.needs:
                j = hint[i]
                if j == UNPLACED:
                    total += st.unplaced_penalty
                    broken |= st.strict
                else:
                    total += c.linear[i, j] - (st.pairing_bonus if paired[i] else 0.0)
            used = {int(hint[i]) for i in part.needs if hint[i] != UNPLACED}
            total += sum(c.fit_out[j] for j in used)
            total += st.location_penalty * len({(needs[i].pdu, int(hint[i]))
                                                for i in part.needs if hint[i] != UNPLACED})
            out.append(None if broken else total)
        return out

    def _trivial_bound(self, part: Component) -> float:
        """A lower bound needing no search: each need at its cheapest option, full bonus,
        plus the unplaced penalties that a lot's shortage of capacity makes certain."""
        arrays, st = self.arrays, self.scenario.settings
        needs = self.scenario.dataset.needs
        total = 0.0
        best: dict[int, float] = {}
        # each placed need also carries its least share of fit-out and location (bounds.py)
        shares = shared_cost_floor(arrays, self.model.candidates, part.needs)
        for i in part.needs:
            cand = self.model.candidates[i]
            value = float((arrays.costs.linear[i, cand] + shares[int(i)]).min()) \
                if len(cand) else math.inf
            if not st.strict:
                value = min(value, st.unplaced_penalty)
            best[int(i)] = value
            if needs[i].lot is Lot.WELLBEING:
                value -= max_wellbeing_bonus(st)
            total += value
        if not st.strict:
            total += self._shortage_penalty(part, best)
        return total

    def _shortage_penalty(self, part: Component, best: dict[int, float]) -> float:
        """For each lot: if its needs ask for more than all their candidate sites hold, at
        least k of them stay unplaced (k from the largest needs); add the cheapest such k.

        Lots are disjoint sets of needs and other lots can only take capacity away, so the
        sum over lots stays a valid bound.
        """
        arrays, st = self.arrays, self.scenario.settings
        needs = self.scenario.dataset.needs
        extra = 0.0
        for lot in Lot:
            group = [int(i) for i in part.needs if needs[i].lot is lot]
            if not group:
                continue
            sites = np.unique(np.concatenate([self.model.candidates[i] for i in group]))
            k = 0
            tight = False
            for demand, cap in ((arrays.desk_days, arrays.desk_cap),
                                (arrays.room_days, arrays.room_cap)):
                short = int(demand[group].sum()) - int(cap[sites].sum())
                tight |= short > -_TIGHT_SHARE * int(cap[sites].sum())
                if short > 0:
                    sizes = np.sort(demand[group])[::-1]
                    k = max(k, int(np.searchsorted(np.cumsum(sizes), short) + 1))
            budget = min(_COUNT_S, self._count_budget_until - time.perf_counter())
            cancelled = self.cancel is not None and self.cancel.is_set()
            if tight and budget > 0.01 and not cancelled:
                # sizes matter (bin packing): count what can fit with a small model
                k = max(k, len(group) - most_placeable(arrays, group, self.model.candidates,
                                                       arrays.desk_cap, arrays.room_cap,
                                                       time_limit_s=budget))
            if k:
                gains = sorted(st.unplaced_penalty - best[i] for i in group)
                extra += sum(gains[:k])
        return extra
