"""Allocation of service needs to sites under the estates rules (OR-Tools CP-SAT).

Public API: :func:`solve_scenario`, :func:`evaluate_plan`, :func:`greedy_plan`,
:func:`check_capacity`, :class:`ProgressEvent`, :class:`AllocationModel`, and
:func:`candidate_distances` / :func:`allowed_pairs` (the need x site travel matrices and
rule mask that every part shares). The maths is in ``docs/optimiser.md`` and in the
:class:`AllocationModel` docstring.
"""

from estates_planner.optimise.candidates import Distances, allowed_pairs, candidate_distances
from estates_planner.optimise.costs import PairCosts, pair_costs
from estates_planner.optimise.evaluate import evaluate_plan
from estates_planner.optimise.greedy import greedy_plan
from estates_planner.optimise.precheck import check_capacity
from estates_planner.optimise.progress import ProgressEvent
from estates_planner.optimise.result import TERM_LABELS, TERM_NAMES, PlanResult, SiteUsage


def __getattr__(name: str):
    # the solver pulls in OR-Tools (about a second to import); load it on first use so that
    # reading a project or costing a plan, and so the desktop app's start, do not wait for it
    if name in ("AllocationModel", "solve_scenario"):
        from estates_planner.optimise import solver

        return getattr(solver, name)
    raise AttributeError(f"module 'estates_planner.optimise' has no attribute {name!r}")

__all__ = [
    "TERM_LABELS",
    "TERM_NAMES",
    "AllocationModel",
    "Distances",
    "PairCosts",
    "PlanResult",
    "ProgressEvent",
    "SiteUsage",
    "allowed_pairs",
    "candidate_distances",
    "check_capacity",
    "evaluate_plan",
    "greedy_plan",
    "pair_costs",
    "solve_scenario",
]
