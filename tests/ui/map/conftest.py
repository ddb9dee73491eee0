"""The hand-made map of :mod:`map_builders` as fixtures, and a shown map widget."""

from __future__ import annotations

import pytest

# fixtures for the tests in this folder (tests/ is on the path)
from map_fixtures import _qt_app, mds, mresult, mscenario, regions  # noqa: F401


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
