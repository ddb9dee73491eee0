"""PlanResult.proof_text: what is proven about a plan, in pounds rather than "gap"."""

from __future__ import annotations

import math

from estates_planner.optimise.result import PlanResult


def _result(status: str, objective: float, bound: float) -> PlanResult:
    gap = (objective - bound) / max(abs(objective), 1) if math.isfinite(bound) else math.nan
    return PlanResult("S", (), {}, objective, bound, gap, status, 1.0)


def test_optimal_says_proven():
    assert _result("optimal", 900.0, 900.0).proof_text.startswith("Proven optimal")


def test_time_limit_gives_the_most_the_plan_can_be_above_the_best():
    # 1,050,000 points against a bound of 1,000,000: at most 50,000, 50/1050 = 4.76 % -> 4.8 %
    text = _result("feasible", 1_050_000.0, 1_000_000.0).proof_text
    assert text.startswith("Stopped by the time limit before the optimum was proven")
    assert "no plan has an optimiser score below 1,000,000 points" in text
    assert "at most 50,000 points (4.8 %) above the best possible" in text
    assert "£" not in text  # the score is not money


def test_cancelled_with_a_bound_and_without_one():
    assert "Cancelled before the optimum was proven" in _result(
        "cancelled", 2_000.0, 1_000.0).proof_text
    assert _result("cancelled", 2_000.0, math.nan).proof_text == ""


def test_plans_made_without_search_say_so():
    assert "not optimised" in _result("greedy", 5.0, math.nan).proof_text
    assert "not optimised" in _result("evaluated", 5.0, math.nan).proof_text
