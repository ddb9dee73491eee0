"""Helpers for the optimiser tests: the independent plan checker lives in plan_checker.py."""

from __future__ import annotations

import sys
from pathlib import Path

# plan_checker.py sits next to the tests (tests/ has no packages: import mode is importlib)
sys.path.insert(0, str(Path(__file__).resolve().parent))


import pytest  # noqa: E402

from estates_planner.optimise import part_cache  # noqa: E402


@pytest.fixture(autouse=True)
def _cold_part_cache():  # noqa: ANN202
    """Each test solves from scratch: no part remembered from another test."""
    part_cache.clear()
    yield
    part_cache.clear()
