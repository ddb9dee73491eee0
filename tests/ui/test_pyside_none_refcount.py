"""Guard against PySide6 6.12.0's None reference leak (Fatal Python error: none_dealloc).

6.12.0 on Python 3.11 drops a reference to None on every Qt call that returns nothing, and the
process aborts after a few thousand calls. If an upgrade brings the bug back, this fails.
"""

from __future__ import annotations

import sys


def test_void_qt_calls_keep_none_refcount():
    from PySide6.QtGui import QPen

    pen = QPen()
    pen.setWidth(2)  # warm up any one-off caches
    before = sys.getrefcount(None)
    for _ in range(1000):
        QPen().setWidth(2)
    after = sys.getrefcount(None)
    assert abs(after - before) < 50, f"None refcount moved by {after - before} in 1000 calls"
