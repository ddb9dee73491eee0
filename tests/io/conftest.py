"""Fixtures for the reader tests: the small files in tests/data/io and writers for more."""

from __future__ import annotations

from pathlib import Path

import pytest

IO_DATA = Path(__file__).resolve().parents[1] / "data" / "io"


@pytest.fixture
def io_data() -> Path:
    return IO_DATA


@pytest.fixture
def write_csv(tmp_path):
    """Write text (str, encoded as given) or bytes to tmp_path/name and return the path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write
