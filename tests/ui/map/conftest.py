"""The hand-made map of :mod:`map_builders` as fixtures, and a shown map widget."""

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


@pytest.fixture
def map_view(qtbot):
    """A shown 400 × 400 MapView (no legend, so corners are free for pixel checks)."""
    from estates_planner.ui.map import MapView

    view = MapView()
    qtbot.addWidget(view)
    view.set_legend_visible(False)
    view.resize(400, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture(autouse=True)
def _qt_app(qapp):
    """Every map test draws with QPainter (fonts, pixmaps), which needs a QApplication."""
    return qapp
