"""The hand-made map of :mod:`map_builders` as fixtures, for the two folders that draw it.

tests/render/map (the renderer) and tests/ui/map (the map widget) take these into their
``conftest.py`` with an import; they are not in tests/conftest.py because every map test
needs a QApplication (the autouse ``_qt_app``) and the core's tests must not start one.
"""

from __future__ import annotations

import pytest
from map_builders import map_dataset, map_result, square_regions  # tests/ is on the path

from estates_planner.model import Dataset, Scenario
from estates_planner.optimise.result import PlanResult


@pytest.fixture
def mds() -> Dataset:
    return map_dataset()


@pytest.fixture
def mscenario(mds) -> Scenario:
    return Scenario("Base", mds, closed_sites=frozenset({"C1"}))


@pytest.fixture
def mresult() -> PlanResult:
    return map_result()


@pytest.fixture
def regions():
    return square_regions()


@pytest.fixture(autouse=True)
def _qt_app(qapp):
    """Every map test draws with QPainter (fonts, pixmaps), which needs a QApplication."""
    return qapp
