"""The last step of a solve cut short: needs the plan left out placed where they fit
(optimise/local_search.place_left_out), by hand under the daily rule."""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
from plan_checker import check_plan, make_scenario, need, site

from estates_planner.optimise import AllocationModel
from estates_planner.optimise.evaluate import UNPLACED, plan_result
from estates_planner.optimise.local_search import place_left_out


def _case():
    """A (2 desks, £1,000 a desk), B (2 desks, £3,000), C (1 desk, £500). N0 fills A all week;
    N1 sits at C on Mon-Wed (fixed). Left out: N2 (3 days), N3 (Mon and Tue, fixed), N4 (any
    2 days), N5 (3 desks: no site has them)."""
    sites = [site("A", 1000.0, desks=2, rooms=0), site("B", 3000.0, desks=2, rooms=0),
             site("C", 500.0, desks=1, rooms=0)]
    needs = [need("N0", desks=2, days=5),
             dataclasses.replace(need("N1", days=3), fixed_days=(0, 1, 2)),
             need("N2", days=3), dataclasses.replace(need("N3", days=2), fixed_days=(0, 1)),
             need("N4", days=2), need("N5", desks=3, days=1)]
    sc = make_scenario(sites, needs, unplaced_penalty=3000.0)
    model = AllocationModel(sc)
    start = np.array([0, 2, UNPLACED, UNPLACED, UNPLACED, UNPLACED])
    return sc, model, start


def test_each_left_out_need_goes_to_its_cheapest_site_with_a_rota() -> None:
    sc, model, start = _case()
    placed = place_left_out(model.arrays, model.candidates, start,
                            deadline=time.perf_counter() + 5)
    # N2: C has 2 desk-days left of its week, N2 needs 3: B (3/5 x £3,000 = £1,800 < £3,000)
    # N3: C has 2 desk-days left, but on Thu and Fri; N3 is fixed on Mon and Tue: B
    # N4: C's Thu and Fri (2/5 x £500 = £200), cheaper than B (£1,200)
    # N5: no site has 3 desks: left out
    assert placed.tolist() == [0, 2, 1, 1, 2, UNPLACED]
    assert start.tolist() == [0, 2, UNPLACED, UNPLACED, UNPLACED, UNPLACED]  # not changed
    result = plan_result(model.arrays, placed, status="x", bound=math.nan, seconds=0)
    check_plan(sc, result)
    assert result.allocation("N4").weekdays == (3, 4)


def test_a_preferred_site_that_fits_and_pays_comes_first() -> None:
    """The four-year plan prefers where the need sits in a neighbouring year (no move)."""
    _sc, model, start = _case()
    prefer = np.array([UNPLACED, UNPLACED, UNPLACED, UNPLACED, 1, 0])
    placed = place_left_out(model.arrays, model.candidates, start,
                            deadline=time.perf_counter() + 5, prefer=prefer)
    # N4 at B (£1,200 < its £3,000 left out) though C is cheaper; N5's A does not fit
    assert placed.tolist() == [0, 2, 1, 1, 1, UNPLACED]


def test_a_place_that_costs_more_than_leaving_out_is_not_taken() -> None:
    sc, model, start = _case()
    dear = AllocationModel(sc.with_settings(unplaced_penalty=1000.0))
    placed = place_left_out(dear.arrays, dear.candidates, start,
                            deadline=time.perf_counter() + 5)
    # N2 at B would cost £1,800 > £1,000; N3 at B £1,200 > £1,000; N4 at C £200
    assert placed.tolist() == [0, 2, UNPLACED, UNPLACED, 2, UNPLACED]
