"""Shared test set-up: GUI tests run headless, and the sample data is at hand."""

from __future__ import annotations

import os
from pathlib import Path

# before anything imports Qt: no display is needed, in CI or on a developer's machine
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# The property tests draw the same examples on every run (the suite, and CI on a fresh
# machine, must not fail at random on an example no one has seen); a developer hunting new
# cases runs them with HYPOTHESIS_PROFILE=explore (random examples, failures remembered in
# .hypothesis/). Found cases become hand tests (e.g. tests/optimise/test_lns.py).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

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


@pytest.fixture
def plain_sqlite_gpkg(tmp_path: Path) -> Path:
    """A SQLite database with one table, named ``notes.gpkg``: SQLite but not a GeoPackage
    (the project file tests of tests/ and tests/hardening)."""
    import sqlite3

    path = tmp_path / "notes.gpkg"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    return path


_LOOPBACK_PREFIXES = ("127.", "::1", "localhost", "0:0:0:0:0:0:0:1")


def _is_local(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host.startswith(_LOOPBACK_PREFIXES)
    return False


@pytest.fixture(autouse=True)
def no_external_network(monkeypatch):
    """Fail any test whose Python code opens a connection beyond this machine.

    The app works offline by default; the basemap is tested against a server on 127.0.0.1.
    (Qt's own networking is checked separately, see tests/ui for the basemap tests.)
    """
    import socket

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self, address):
        if not _is_local(address):
            raise AssertionError(f"test tried to connect to {address!r}: no network allowed")
        return real_connect(self, address)

    def guarded_connect_ex(self, address):
        if not _is_local(address):
            raise AssertionError(f"test tried to connect to {address!r}: no network allowed")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield
