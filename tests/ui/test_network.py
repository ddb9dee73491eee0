"""No surprise traffic from the desktop app.

Three layers of checks, from the source to the operating system:

* only ``ui/map/basemap.py`` may use networking at all (a scan of the package's imports);
* every ``QNetworkAccessManager`` the app creates and every request made through one is
  recorded (the class is replaced by a counting subclass whose ``createRequest`` logs URLs);
* the process's own internet sockets (``/proc/self/fd`` matched to ``/proc/net/tcp``, ``udp``
  and their IPv6 twins) are sampled every few milliseconds while the app runs, which also sees
  connections and DNS look-ups made from C++ (Qt, GDAL), out of reach of Python-level guards.

With the basemap off, opening the app on the sample project (map painted, a solve run) makes no
request and opens no socket. With it on, pointed at a tile server in the test on 127.0.0.1,
that server sees the requests and no other host is asked or connected to.
"""

from __future__ import annotations

import ast
import os
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QColor, QImage

import estates_planner
from estates_planner.project import open_project

PACKAGE = Path(estates_planner.__file__).resolve().parent
NETWORK_MODULES = {"socket", "ssl", "http", "urllib", "requests", "httpx", "aiohttp",
                   "ftplib", "smtplib", "websocket", "PySide6.QtNetwork",
                   "PySide6.QtWebEngineCore", "PySide6.QtWebSockets"}
ALLOWED = {PACKAGE / "ui" / "map" / "basemap.py"}
PROC = Path("/proc/self/fd")
linux_only = pytest.mark.skipif(not PROC.is_dir() or not Path("/proc/net/tcp").exists(),
                                reason="the socket census reads Linux's /proc")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_basemap_module_uses_networking():
    users = {}
    for path in PACKAGE.rglob("*.py"):
        hits = {m for m in imported_modules(path)
                if any(m == n or m.startswith(n + ".") for n in NETWORK_MODULES)}
        if hits:
            users[path] = hits
    assert set(users) == ALLOWED, users
    assert users[PACKAGE / "ui" / "map" / "basemap.py"] >= {"PySide6.QtNetwork"}


# ---------------------------------------------------------------- sockets of this process
def _hex_address(text: str) -> tuple[str, int]:
    host, port = text.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        ip = socket.inet_ntop(socket.AF_INET, struct.pack("<I", int(host, 16)))
    else:  # IPv6: four little-endian 32-bit words
        words = struct.unpack("<4I", raw)
        ip = socket.inet_ntop(socket.AF_INET6, struct.pack(">4I", *words))
    return ip, int(port, 16)


def internet_sockets() -> set[tuple[str, str, int]]:
    """(protocol, remote ip, remote port) of this process's connected internet sockets."""
    inodes = set()
    for fd in os.listdir(PROC):
        try:
            text = os.readlink(f"{PROC}/{fd}")
        except OSError:  # closed meanwhile
            continue
        if text.startswith("socket:["):
            inodes.add(text[8:-1])
    found = set()
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        try:
            lines = Path(f"/proc/net/{proto}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[9] in inodes:
                ip, port = _hex_address(parts[2])
                if port != 0:  # 0: listening or unconnected
                    found.add((proto, ip, port))
    return found


class SocketCensus:
    """Samples :func:`internet_sockets` in a thread until stopped; ``seen`` has them all."""

    def __init__(self, interval_s: float = 0.002) -> None:
        self.seen: set[tuple[str, str, int]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval_s,), daemon=True)

    def _run(self, interval_s: float) -> None:
        while not self._stop.is_set():
            self.seen |= internet_sockets()
            time.sleep(interval_s)

    def __enter__(self) -> SocketCensus:
        self.seen |= internet_sockets()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self.seen |= internet_sockets()


def is_loopback(ip: str) -> bool:
    return ip.startswith("127.") or ip in ("::1", "::ffff:127.0.0.1") or \
        ip.startswith("::ffff:127.")


# ---------------------------------------------------------------- Qt's network managers
@pytest.fixture
def qt_requests(monkeypatch):
    """Every QNetworkAccessManager made from Python, and every URL requested through one."""
    from PySide6 import QtNetwork

    import estates_planner.ui.map.basemap as basemap

    record = type("Record", (), {"managers": [], "urls": []})()

    class CountingManager(QtNetwork.QNetworkAccessManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            record.managers.append(self)

        def createRequest(self, op, request, outgoing=None):  # noqa: N802 (Qt's name)
            record.urls.append(request.url().toString())
            return super().createRequest(op, request, outgoing)

    monkeypatch.setattr(QtNetwork, "QNetworkAccessManager", CountingManager)
    monkeypatch.setattr(basemap, "QNetworkAccessManager", CountingManager)
    return record


@pytest.fixture
def tile_cache(tmp_path, monkeypatch):
    from estates_planner.ui.map import MapView

    monkeypatch.setattr(MapView, "tile_cache_dir", str(tmp_path / "tiles"))
    return tmp_path / "tiles"


def open_sample_and_solve(qtbot, make_window, sample_dir):
    window = make_window(open_project(sample_dir / "sample_project.gpkg"))
    window.map.view.grab()  # the map paints (with the basemap on, this asks for tiles)
    window.act_solve.trigger()
    qtbot.waitUntil(lambda: window.solve_thread is None, timeout=30_000)
    window.map.view.grab()
    return window


@linux_only
def test_basemap_off_no_request_and_no_socket(qtbot, make_window, sample_dir, qt_requests,
                                              tile_cache):
    with SocketCensus() as census:
        window = open_sample_and_solve(qtbot, make_window, sample_dir)
        qtbot.wait(200)  # time for anything queued to go out
    assert window.workspace.result() is not None
    assert window.map.view.basemap() is None  # no tile layer, so no network manager
    assert qt_requests.managers == [] and qt_requests.urls == []
    assert census.seen == set()
    assert not tile_cache.exists()


@pytest.fixture
def tile_server():
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ff00ff"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    body = bytes(data)
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real tile servers do

        def do_GET(self):  # noqa: N802 (http.server's name)
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()
    thread.join(5)


@linux_only
def test_basemap_on_only_the_tile_host_is_contacted(qtbot, make_window, sample_dir,
                                                    settings_file, qt_requests, tile_cache,
                                                    tile_server):
    port, served = tile_server
    settings_file.setValue("map/basemap_url", f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png")
    settings_file.setValue("map/basemap_on", True)
    with SocketCensus() as census:
        window = open_sample_and_solve(qtbot, make_window, sample_dir)
        tiles = window.map.view.basemap()
        qtbot.waitUntil(lambda: tiles.has_tiles() and tiles.pending_count() == 0,
                        timeout=15_000)
    assert served, "the tile server saw no request"
    asked = {(QUrl(u).host(), QUrl(u).port()) for u in tiles.requested_urls}
    assert asked == {("127.0.0.1", port)}
    assert len(qt_requests.managers) == 1  # the basemap's own
    assert {(QUrl(u).host(), QUrl(u).port()) for u in qt_requests.urls} == {("127.0.0.1", port)}
    # every path the server answered is a tile the basemap asked for
    assert {f"127.0.0.1:{port}{p}" for p in served} <= \
        {f"{QUrl(u).host()}:{QUrl(u).port()}{QUrl(u).path()}" for u in tiles.requested_urls}
    # the operating system saw connections to the tile server only (our own end of it aside)
    remote = {(ip, p) for _proto, ip, p in census.seen}
    assert remote, "the census saw no connection at all"
    assert all(is_loopback(ip) for ip, _p in remote), remote
    assert ("127.0.0.1", port) in remote or ("::ffff:127.0.0.1", port) in remote
