"""The test-wide socket guard itself: loopback is allowed, anything else fails."""

from __future__ import annotations

import socket
import threading

import pytest


def test_guard_blocks_external_address():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(AssertionError, match="no network allowed"):
            s.connect(("192.0.2.1", 80))  # TEST-NET-1, never reached: the guard refuses first
    finally:
        s.close()


def test_guard_allows_loopback():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted = []
    t = threading.Thread(target=lambda: accepted.append(server.accept()[0]))
    t.start()
    client = socket.create_connection(("127.0.0.1", port), timeout=2)
    t.join(2)
    client.close()
    for conn in accepted:
        conn.close()
    server.close()
    assert len(accepted) == 1
