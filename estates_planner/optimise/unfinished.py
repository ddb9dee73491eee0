"""What a solve returns when it has no plan ready, and the threads it stopped waiting for.

Shared by the solver (:mod:`estates_planner.optimise.solver`) and the region-by-region
planning (:mod:`estates_planner.optimise.regional`), so that neither imports the other's
private names.
"""

from __future__ import annotations

import atexit
import math
import threading
import time

from estates_planner.model import Allocation, Scenario
from estates_planner.optimise.result import TERM_NAMES, PlanResult, SiteUsage

_ABANDONED: list[threading.Thread] = []
_ABANDONED_LOCK = threading.Lock()


def abandon(thread: threading.Thread) -> None:
    """Stop waiting for ``thread`` (told to stop already): it is waited for at exit and by
    :func:`wait_for_abandoned`, so its memory and its CP-SAT search are let go cleanly."""
    with _ABANDONED_LOCK:
        _ABANDONED.append(thread)


def _finish_abandoned_at_exit() -> None:
    """A CP-SAT search still running in a daemon thread when Python exits aborts the process
    ("terminate called without an active exception"): the CLI would end in a crash after
    printing a good result. Abandoned work has been told to stop; let it."""
    wait_for_abandoned(_EXIT_WAIT_S)


_EXIT_WAIT_S = 30.0
atexit.register(_finish_abandoned_at_exit)


def wait_for_abandoned(timeout_s: float | None = None) -> bool:
    """Wait for builds that :func:`solve_scenario` gave up on to stop; True when none is
    left. Benchmarks and tests call it so that one run's memory is freed before the next."""
    deadline = None if timeout_s is None else time.perf_counter() + timeout_s
    with _ABANDONED_LOCK:
        threads = list(_ABANDONED)
    for t in threads:
        t.join(None if deadline is None else max(0.0, deadline - time.perf_counter()))
    with _ABANDONED_LOCK:
        _ABANDONED[:] = [t for t in _ABANDONED if t.is_alive()]
        return not _ABANDONED


def _unplaced_reason(why: str, limit: float) -> str:
    if why == "cancelled":
        return "not planned: the solve was cancelled before a plan was ready"
    if why == "memory":
        return "not planned: the scenario is too large for this computer's memory"
    return f"not planned: no plan was ready within the time limit of {limit:g} s"


def unplaced_allocations(scenario: Scenario, why: str, limit: float) -> tuple:
    reason = _unplaced_reason(why, limit)
    return tuple(Allocation(n.need_id, None, unplaced_reason=reason)
                 for n in scenario.dataset.needs)


def unfinished_result(scenario: Scenario, why: str, limit: float, seconds: float,
                      detail: str = "", allocations: tuple | None = None) -> PlanResult:
    """The plan returned when no plan was ready: every need unplaced, with the reason.

    ``why`` is "cancelled", "time" or "memory" (``detail`` then says how much). The plan
    is complete (every need is in it, each with an ``unplaced_reason``), so reports and
    exports work; its objective counts every need as unplaced and nothing is proven
    (``bound`` and ``gap`` NaN). ``allocations`` may be made beforehand with
    :func:`unplaced_allocations` (100,000 of them take a fraction of a second).
    """
    needs, sites = scenario.dataset.needs, scenario.dataset.sites
    if why == "cancelled":
        message = (f"Cancelled before a plan was ready ({len(needs):,} needs x {len(sites):,} "
                   "sites take a while to set up): no need is placed in this result. Solve "
                   "again and let it run longer.")
    elif why == "memory":
        message = (f"Not planned: this scenario ({len(needs):,} needs x {len(sites):,} sites) "
                   f"is too large to plan at once on this computer ({detail}). Plan fewer "
                   "needs at once (for example one region at a time: regions are planned "
                   "independently anyway), or use a computer with more memory.")
    else:
        message = (f"No plan was ready within the time limit of {limit:g} s: this scenario "
                   f"({len(needs):,} needs x {len(sites):,} sites) takes longer than that to "
                   "set up. No need is placed in this result; raise the time limit (Settings "
                   "> time limit) or plan one region at a time.")
    penalty = scenario.settings.unplaced_penalty
    terms = dict.fromkeys(TERM_NAMES, 0.0)
    terms["unplaced"] = penalty * len(needs)
    usage = {}
    for site in sites:
        desks, rooms = scenario.site_capacity(site)
        usage[site.site_id] = SiteUsage(site.site_id, 0, 5 * desks, 0, 5 * rooms)
    return PlanResult(
        scenario_name=scenario.name,
        allocations=allocations or unplaced_allocations(scenario, why, limit),
        terms=terms, objective=terms["unplaced"], bound=math.nan, gap=math.nan,
        status="cancelled", seconds=seconds, site_usage=usage, messages=(message,))
