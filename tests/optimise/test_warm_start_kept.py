"""A solve never returns a worse plan than the warm start it was given, when that warm start
keeps every rule (optimise/solver.py, ``_no_worse_than_warm_start``)."""

from __future__ import annotations

import math

from plan_checker import make_scenario, need, site

from estates_planner.optimise import AllocationModel
from estates_planner.optimise.evaluate import plan_result
from estates_planner.optimise.solver import _Run


def _case(**settings):  # noqa: ANN003, ANN202
    """A (£1,000 a desk) and B (£3,000), 1 desk each; N1 and N2 of 1 desk all week."""
    return make_scenario([site("A", 1000.0, desks=1), site("B", 3000.0, desks=1)],
                         [need("N1"), need("N2")], unplaced_penalty=10_000.0, **settings)


def _worse(model: AllocationModel):  # noqa: ANN202
    """A plan cut short: N1 at B, N2 left out (3,000 + 10,000)."""
    import numpy as np

    return plan_result(model.arrays, np.array([1, -1]), status="feasible", bound=0.0,
                       seconds=0.0)


def _guard(scenario, warm):  # noqa: ANN001, ANN202
    model = AllocationModel(scenario)
    run = _Run(model, 5, None, None, warm, 1, 0.0)
    worse = _worse(model)
    assert worse.objective == 13_000.0
    return run._no_worse_than_warm_start(worse, 0.0, "feasible", [], math.inf)


def test_a_cheaper_warm_start_that_keeps_the_rules_is_returned():
    # N1 at A, N2 at B: 1,000 + 3,000
    kept = _guard(_case(), {"N1": "A", "N2": "B"})
    assert kept.objective == 4000.0
    assert [a.site_id for a in kept.allocations] == ["A", "B"]
    assert kept.messages[-1].startswith("The warm start is kept")
    assert kept.status == "feasible" and kept.bound == 0.0


def test_a_warm_start_that_breaks_a_rule_now_is_not():
    # A closed since: the warm start is not a plan of this scenario
    assert _guard(_case().with_site_closed("A"), {"N1": "A", "N2": "B"}).objective == 13_000.0
    # both at A: over its one desk
    assert _guard(_case(), {"N1": "A", "N2": "A"}).objective == 13_000.0
    # strict mode and a need the warm start leaves out
    assert _guard(_case(strict=True), {"N1": "A"}).objective == 13_000.0


def test_a_dearer_warm_start_is_not():
    # N1 at B, N2 at A costs 4,000 too; against a result of 4,000 it changes nothing
    model = AllocationModel(_case())
    import numpy as np

    best = plan_result(model.arrays, np.array([0, 1]), status="feasible", bound=0.0,
                       seconds=0.0)
    run = _Run(model, 5, None, None, {"N1": "B", "N2": None}, 1, 0.0)
    assert run._no_worse_than_warm_start(best, 0.0, "feasible", [], math.inf) is best


def test_a_part_whose_rota_cuts_end_dearer_than_its_start_keeps_the_start(monkeypatch):
    """With time for the rota cuts but none for a proof, the cuts' last plan (here: both
    needs at the dear site) must not replace the part's cheaper start; their bound counts."""
    import numpy as np

    import estates_planner.optimise.solver as solver
    from estates_planner.optimise import solve_scenario
    from estates_planner.optimise.cpsat_part import PartModel, PartOutcome
    from estates_planner.optimise.rota_start import CutOutcome

    # A (£1,000 a desk) and B (£3,000), 2 desks each; N1 and N2 of 1 desk all week
    sc = make_scenario([site("A", 1000.0, desks=2), site("B", 3000.0, desks=2)],
                       [need("N1"), need("N2")], unplaced_penalty=10_000.0)
    at_b = np.array([1, 1], dtype=np.int64)
    monkeypatch.setattr(solver, "solve_with_rota_cuts", lambda *a, **k: CutOutcome(
        plan=at_b.copy(), objective=6000.0, bound=1500.0, proven=False, rounds=1, cuts=0))
    monkeypatch.setattr(PartModel, "solve", lambda self, **k: PartOutcome(
        np.full(len(self.part.needs), -1, dtype=np.int64), None, -np.inf, "unknown"))
    result = solve_scenario(sc, time_limit_s=5.0, workers=1)
    # the start (greedy, then the cheap moves): both at A, 2,000, not the cuts' 6,000
    assert result.objective == 2000.0
    assert [a.site_id for a in result.allocations] == ["A", "A"]
    assert result.bound >= 1500.0 - 1e-6
