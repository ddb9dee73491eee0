"""Map extents in BNG metres, worked by hand."""

from __future__ import annotations

import pytest

from estates_planner.report.extents import (
    ENGLAND_AND_WALES,
    extent_of,
    padded_extent,
    site_extent,
)


def test_padded_extent_grows_each_side_and_keeps_a_smallest_box():
    assert padded_extent(None) == ENGLAND_AND_WALES
    # 1 km wide is widened to 2 km first; then 5 % each side: 2.2 km by 4.4 km round (500, 2000)
    assert padded_extent((0.0, 0.0, 1000.0, 4000.0)) == pytest.approx(
        (-600.0, -200.0, 1600.0, 4200.0))


def test_extent_of_points():
    assert extent_of([]) is None
    assert extent_of([(1.0, 5.0), (3.0, 2.0)]) == (1.0, 2.0, 3.0, 5.0)


def test_site_extent_is_a_square_of_at_least_12_km():
    assert site_extent((0.0, 0.0), []) == (-6000.0, -6000.0, 6000.0, 6000.0)
    # a need 20 km east: half the spread (10 km) plus 15 % is 11.5 km round the midpoint
    assert site_extent((0.0, 0.0), [(20_000.0, 0.0)]) == pytest.approx(
        (-1500.0, -11_500.0, 21_500.0, 11_500.0))
