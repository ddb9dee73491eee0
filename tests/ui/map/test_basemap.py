"""The online basemap against tiles generated here and served from 127.0.0.1 (never the web).

Every tile the test server sends is solid magenta, so a tile drawn on the map shows as magenta
pixels wherever the map has nothing else.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QColor, QImage

from estates_planner.render.map import MapContent, MapFrame
from estates_planner.ui.map import MapView
from estates_planner.ui.map import basemap as tiles_module

EXTENT = (498_000.0, 198_000.0, 506_000.0, 206_000.0)
MAGENTA = QColor(255, 0, 255)


def png_tile(colour: QColor) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(colour)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


@pytest.fixture
def tile_server():
    body = png_tile(MAGENTA)
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            seen.append((self.path, self.headers.get("User-Agent", "")))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=3600")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", seen
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def tiled_view(map_view, mds, tmp_path, monkeypatch):
    monkeypatch.setattr(MapView, "tile_cache_dir", str(tmp_path / "tiles"))
    map_view.set_content(MapContent(dataset=mds))
    map_view.set_extent(EXTENT)
    return map_view


def test_basemap_is_off_by_default(map_view):
    assert map_view.basemap() is None
    assert not map_view.is_layer_visible("Basemap")


def test_tiles_arrive_and_are_drawn_with_attribution(qtbot, tiled_view, tile_server):
    url, seen = tile_server
    background = tiled_view.grab_image().pixelColor(200, 380)
    assert background != MAGENTA
    tiled_view.set_basemap(url, "Test tiles © nobody")
    assert tiled_view.is_layer_visible("Basemap")
    tiled_view.grab_image()  # painting asks for the tiles in view
    tiles = tiled_view.basemap()
    qtbot.waitUntil(lambda: tiles.has_tiles() and tiles.pending_count() == 0, timeout=10_000)
    image = tiled_view.grab_image()
    assert image.pixelColor(200, 380) == MAGENTA
    # the attribution box sits in the bottom-right corner, over the tiles
    assert image.pixelColor(396, 396) != MAGENTA
    # only tiles in view, all at the zoom matching 20 m a pixel at 50.7° N (z = 12)
    assert 0 < len(seen) <= tiles_module.MAX_TILES_IN_VIEW
    assert {path.split("/")[1] for path, _ua in seen} == {"12"}
    tiled_view.set_layer_visible("Basemap", False)
    assert tiled_view.grab_image().pixelColor(200, 380) == background


def test_requests_name_the_app_in_the_user_agent(qtbot, tiled_view, tile_server):
    url, seen = tile_server
    tiled_view.set_basemap(url, "Test tiles")
    tiled_view.grab_image()
    qtbot.waitUntil(lambda: len(seen) > 0, timeout=10_000)
    user_agent = seen[0][1]
    assert user_agent.startswith("EstatesPlanner/")
    assert "Mozilla" not in user_agent


def test_dead_server_gives_no_error_and_no_hang(qtbot, tiled_view):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tiled_view.set_basemap(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", "Nothing")
    with qtbot.waitSignal(tiled_view.statusMessage, timeout=10_000) as signal:
        tiled_view.grab_image()
    assert "Basemap tiles could not be loaded" in signal.args[0]
    tiles = tiled_view.basemap()
    qtbot.waitUntil(lambda: tiles.pending_count() == 0, timeout=10_000)
    # the map still draws, and failed tiles are not asked for again at once
    asked = len(tiles.requested_urls)
    tiled_view.grab_image()
    assert len(tiles.requested_urls) == asked
    tiled_view.set_basemap(None, "")
    assert not tiled_view.is_layer_visible("Basemap")


def test_tile_maths_by_hand():
    # zoom 1 tile (1, 0) is the north-east quarter: 0..180° E, 0..85.05° N
    west, south, east, north = tiles_module.tile_bounds_lonlat(1, 1, 0)
    assert (west, south, east) == pytest.approx((0.0, 0.0, 180.0))
    assert north == pytest.approx(85.0511, abs=1e-3)
    assert tiles_module.lonlat_to_tile(0.0, 0.0, 3) == pytest.approx((4.0, 4.0))


def test_only_tiles_in_view_are_listed(qtbot, tmp_path):
    layer = tiles_module.TileLayer(cache_dir=tmp_path)
    layer.set_source("http://127.0.0.1:9/{z}/{x}/{y}.png")
    frame = MapFrame.fit(EXTENT, QRectF(0, 0, 400, 400))
    z, keys = layer.tiles_for(frame)
    assert z == 12
    # 8 km at 50.7° N: a z12 tile is 9.78 km × cos(50.7°) = 6.2 km, so 2 to 3 tiles a side
    assert 4 <= len(keys) <= 9
    zoomed_out = MapFrame.fit((0.0, 0.0, 700_000.0, 1_300_000.0), QRectF(0, 0, 4000, 4000))
    _z, keys = layer.tiles_for(zoomed_out)
    assert len(keys) <= tiles_module.MAX_TILES_IN_VIEW


def test_view_deleted_while_tiles_are_on_their_way(qtbot, mds, tmp_path, monkeypatch):
    """Replies still pending when the map goes away must not crash (teardown safety)."""
    import time

    body = png_tile(MAGENTA)

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            time.sleep(0.6)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client went away first, as intended
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setattr(MapView, "tile_cache_dir", str(tmp_path / "tiles"))
        view = MapView()
        view.resize(300, 300)
        view.show()
        view.set_content(MapContent(dataset=mds))
        view.set_basemap(f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png",
                         "Slow tiles")
        view.grab_image()
        assert view.basemap().pending_count() > 0
        view.deleteLater()
        qtbot.wait(1000)  # the replies would have finished by now
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
