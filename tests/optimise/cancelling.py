"""Cancel a solve part-way and time how soon it returns: shared by the optimiser's cancel
tests (CP-SAT in this process, and with HiGHS in worker processes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from estates_planner.optimise.result import PlanResult


def cancelled_solves(solve: Callable[[threading.Event], PlanResult], after_s: float = 1.0,
                     within_s: float = 0.5,
                     tries: int = 2) -> list[tuple[PlanResult, float | None]]:
    """Run ``solve(cancel)`` with ``cancel`` set ``after_s`` seconds in, again if it took
    ``within_s`` or longer to return (one late wake-up of a shared machine is the OS's, not
    the solver's), at most ``tries`` times.

    Returns
    -------
    Each try's plan and seconds from the flag being set to the solve returning; None (and no
    further try) when the solve finished before the flag was set.
    """
    done: list[tuple[PlanResult, float | None]] = []
    for _ in range(tries):
        cancel = threading.Event()
        set_at: list[float] = []

        def fire(cancel=cancel, set_at=set_at) -> None:  # noqa: ANN001
            set_at.append(time.perf_counter())
            cancel.set()

        timer = threading.Timer(after_s, fire)
        timer.start()
        try:
            result = solve(cancel)
            returned = time.perf_counter()
        finally:
            timer.cancel()
        latency_s = returned - set_at[0] if set_at else None
        done.append((result, latency_s))
        if latency_s is None or latency_s < within_s:
            break
    return done
