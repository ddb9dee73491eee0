"""Unplaced reasons worked out once per kind of need, and still each need's own sentence."""

from __future__ import annotations

import numpy as np
from plan_checker import make_scenario, need, site

from estates_planner.optimise import AllocationModel
from estates_planner.optimise import reasons as reasons_module
from estates_planner.optimise.evaluate import UNPLACED, plan_result, usage_totals


def test_alike_needs_share_a_sentence_and_a_pinned_need_gets_its_own(monkeypatch) -> None:
    # one site of 1 desk, taken by n0; n1 and n2 are alike and left out for want of room;
    # n3 is pinned to the full site, a rule of its own
    sc = make_scenario([site("S1", desks=1)], [need(f"n{k}") for k in range(4)])
    sc = sc.with_pin("n3", "S1")
    model = AllocationModel(sc)
    calls: list[int] = []
    real = reasons_module.unplaced_reason

    def counting(arrays, i, desk_used, room_used, *rota):  # noqa: ANN001, ANN202
        calls.append(i)
        return real(arrays, i, desk_used, room_used, *rota)

    monkeypatch.setattr(reasons_module, "unplaced_reason", counting)
    site_of = np.array([0, UNPLACED, UNPLACED, UNPLACED])
    result = plan_result(model.arrays, site_of, status="x", bound=0.0, seconds=0.0)
    said = {a.need_id: a.unplaced_reason for a in result.allocations}
    assert said["n1"] == said["n2"] and "no allowed site" in said["n1"]
    assert said["n2"] == real(model.arrays, 2, *usage_totals(model.arrays, site_of))
    # n2 took n1's sentence; the pinned n3 (its own rule) was worked out for itself
    assert calls == [1, 3]
