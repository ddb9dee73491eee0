"""Shared test set-up: GUI tests run headless, and the sample data is at hand."""

from __future__ import annotations

import os
from pathlib import Path

# before anything imports Qt: no display is needed, in CI or on a developer's machine
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def repo_dir() -> Path:
    return REPO


@pytest.fixture
def sample_dir() -> Path:
    return DATA


@pytest.fixture
def test_data_dir() -> Path:
    return TEST_DATA
