"""The hand-made map of :mod:`map_builders` as fixtures for the renderer's tests."""

from __future__ import annotations

# fixtures for the tests in this folder (tests/ is on the path)
from map_fixtures import _qt_app, mds, mresult, mscenario, regions  # noqa: F401
