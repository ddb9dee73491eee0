"""An optional online basemap from a user-set XYZ tile URL, drawn under the map.

Off until the user sets a URL. It follows the OpenStreetMap tile usage policy: only the tiles in
view are fetched, at the zoom level that matches the view (no prefetching, never bulk), replies
are kept in an on-disk cache in the user's cache folder, and every request names the app in its
User-Agent (Qt's default, ``Mozilla/5.0``, is what the policy asks people not to send).

Tiles are Web Mercator. Each tile's corners are projected to British National Grid with pyproj
and the tile image is drawn through ``QTransform.quadToQuad``, so the map's distances stay in
BNG. Offline or failing servers are skipped silently (a status message at most); requests time
out, so nothing hangs. Network replies are connected to bound methods once, on the manager:
per-reply lambdas crash at interpreter teardown in PySide6.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

from pyproj import Transformer
from PySide6.QtCore import QObject, QPointF, QRectF, QStandardPaths, QThread, QUrl, Signal
from PySide6.QtGui import QImage, QPainter, QPolygonF, QTransform
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkDiskCache,
    QNetworkReply,
    QNetworkRequest,
)

from estates_planner import __version__

USER_AGENT = f"EstatesPlanner/{__version__} (probation estates planning desktop app)"
OSM_TEMPLATE = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
TILE_SIZE = 256
MAX_TILES_IN_VIEW = 48  # beyond this the zoom level drops: a view never asks for more
EARTH_RESOLUTION = 156543.03392804097  # metres per pixel of zoom 0 at the equator
RETRY_AFTER_S = 60.0


def default_cache_dir() -> Path:
    """``<user cache folder>/tiles``, or a temporary folder when Qt knows no cache folder."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    base = Path(location) if location else Path(tempfile.gettempdir()) / "estates-planner"
    return base / "tiles"


def tile_bounds_lonlat(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of XYZ tile z/x/y."""
    n = 2 ** z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y))


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Fractional tile column and row of a point at zoom ``z``."""
    n = 2 ** z
    lat = max(min(lat, 85.0511), -85.0511)
    x = (lon + 180.0) / 360.0 * n
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return x, y


class TileLayer(QObject):
    """Fetches and draws XYZ tiles for whatever frame it is asked to draw.

    Signals
    -------
    tilesChanged()
        A tile arrived; the view should repaint.
    statusMessage(str)
        A short, user-facing note when tiles cannot be fetched (e.g. offline).
    """

    tilesChanged = Signal()
    statusMessage = Signal(str)

    def __init__(self, parent: QObject | None = None, cache_dir: str | Path | None = None,
                 max_zoom: int = 19, timeout_ms: int = 10_000,
                 memory_tiles: int = 256) -> None:
        super().__init__(parent)
        self.template: str | None = None
        self.attribution = ""
        self.max_zoom = max_zoom
        self.timeout_ms = timeout_ms
        self._memory_tiles = memory_tiles
        self._tiles: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self._pending: dict[str, tuple[int, int, int]] = {}
        self._replies: dict[str, QNetworkReply] = {}
        self._failed: dict[tuple[int, int, int], float] = {}
        self._warned = False
        self.requested_urls: list[str] = []  # every URL asked for, for tests and diagnostics
        self._manager = QNetworkAccessManager(self)
        cache = QNetworkDiskCache(self)
        folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        cache.setCacheDirectory(str(folder))
        cache.setMaximumCacheSize(200 * 1024 * 1024)
        self._manager.setCache(cache)
        self._manager.finished.connect(self._on_finished)
        self._to_bng = Transformer.from_crs(4326, 27700, always_xy=True)
        self._to_lonlat = Transformer.from_crs(27700, 4326, always_xy=True)

    # -- configuration
    def set_source(self, url_template: str | None, attribution: str = "") -> None:
        """Use ``url_template`` (with ``{z}``, ``{x}``, ``{y}``), or None to switch off."""
        self.abort_all()
        self._tiles.clear()
        self._failed.clear()
        self._warned = False
        self.template = url_template or None
        self.attribution = attribution if url_template else ""
        self.tilesChanged.emit()

    def abort_all(self) -> None:
        for reply in list(self._replies.values()):
            reply.abort()
        self._pending.clear()
        self._replies.clear()

    # -- geometry
    def zoom_for(self, frame) -> int:
        """The tile zoom whose pixels are about as big as the view's pixels."""
        xmin, ymin, xmax, ymax = frame.extent
        _lon, lat = self._to_lonlat.transform((xmin + xmax) / 2, (ymin + ymax) / 2)
        m_per_px = frame.m_per_px
        z = math.log2(EARTH_RESOLUTION * math.cos(math.radians(lat)) / max(m_per_px, 1e-6))
        return int(max(0, min(self.max_zoom, round(z))))

    def tiles_for(self, frame) -> tuple[int, list[tuple[int, int, int]]]:
        """The zoom level and the tiles that cover the frame's extent, nothing beyond it."""
        xmin, ymin, xmax, ymax = frame.extent
        steps = [i / 4 for i in range(5)]
        xs = [xmin + (xmax - xmin) * t for t in steps]
        ys = [ymin + (ymax - ymin) * t for t in steps]
        edge = ([(x, ymin) for x in xs] + [(x, ymax) for x in xs]
                + [(xmin, y) for y in ys] + [(xmax, y) for y in ys])
        lons, lats = self._to_lonlat.transform([p[0] for p in edge], [p[1] for p in edge])
        z = self.zoom_for(frame)
        while True:
            corners = [lonlat_to_tile(lo, la, z) for lo, la in zip(lons, lats, strict=True)]
            n = 2 ** z
            x0 = max(0, int(math.floor(min(c[0] for c in corners))))
            x1 = min(n - 1, int(math.floor(max(c[0] for c in corners))))
            y0 = max(0, int(math.floor(min(c[1] for c in corners))))
            y1 = min(n - 1, int(math.floor(max(c[1] for c in corners))))
            count = (x1 - x0 + 1) * (y1 - y0 + 1)
            if count <= MAX_TILES_IN_VIEW or z == 0:
                break
            z -= 1
        return z, [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]

    def tile_quad(self, frame, key: tuple[int, int, int]) -> QPolygonF:
        """The tile's four corners (NW, NE, SE, SW) in the frame's device coordinates."""
        west, south, east, north = tile_bounds_lonlat(*key)
        xs, ys = self._to_bng.transform([west, east, east, west], [north, north, south, south])
        return QPolygonF([frame.point_to_px(x, y) for x, y in zip(xs, ys, strict=True)])

    # -- drawing
    def draw(self, painter: QPainter, frame) -> None:
        """Draw the tiles already here and ask for the missing ones in view (GUI thread only)."""
        if not self.template:
            return
        _z, keys = self.tiles_for(frame)
        wanted = set(keys)
        can_fetch = QThread.currentThread() == self.thread()
        if can_fetch:
            for url, key in list(self._pending.items()):
                if key not in wanted:  # scrolled out of view: don't download it
                    reply = self._replies.pop(url, None)
                    self._pending.pop(url, None)
                    if reply is not None:
                        reply.abort()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        base = painter.transform()
        source = QPolygonF([QPointF(0, 0), QPointF(TILE_SIZE, 0),
                            QPointF(TILE_SIZE, TILE_SIZE), QPointF(0, TILE_SIZE)])
        for key in keys:
            image = self._tiles.get(key)
            if image is None:
                if can_fetch:
                    self._request(key)
                continue
            self._tiles.move_to_end(key)
            transform = QTransform()
            if not QTransform.quadToQuad(source, self.tile_quad(frame, key), transform):
                continue
            painter.setTransform(transform * base)
            painter.drawImage(QRectF(0, 0, TILE_SIZE, TILE_SIZE), image,
                              QRectF(0, 0, image.width(), image.height()))
        painter.restore()

    def has_tiles(self) -> bool:
        return bool(self._tiles)

    def pending_count(self) -> int:
        return len(self._pending)

    # -- network
    def url_for(self, key: tuple[int, int, int]) -> str:
        z, x, y = key
        return self.template.replace("{z}", str(z)).replace("{x}", str(x)).replace(
            "{y}", str(y))

    def _request(self, key: tuple[int, int, int]) -> None:
        failed_at = self._failed.get(key)
        if failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER_S:
            return
        url = self.url_for(key)
        if url in self._pending:
            return
        request = QNetworkRequest(QUrl(url))
        request.setRawHeader(b"User-Agent", USER_AGENT.encode("ascii"))
        request.setTransferTimeout(self.timeout_ms)
        request.setAttribute(QNetworkRequest.Attribute.CacheLoadControlAttribute,
                             QNetworkRequest.CacheLoadControl.PreferCache)
        self._pending[url] = key
        self.requested_urls.append(url)
        self._replies[url] = self._manager.get(request)

    def _on_finished(self, reply: QNetworkReply) -> None:
        url = reply.request().url().toString()
        key = self._pending.pop(url, None)
        self._replies.pop(url, None)
        error = reply.error()
        data = reply.readAll() if error == QNetworkReply.NetworkError.NoError else None
        reply.deleteLater()
        if key is None or error == QNetworkReply.NetworkError.OperationCanceledError:
            return
        image = QImage.fromData(data) if data is not None else QImage()
        if image.isNull():
            self._failed[key] = time.monotonic()
            if not self._warned:
                self._warned = True
                why = (reply.errorString() if error != QNetworkReply.NetworkError.NoError
                       else "the server did not send an image")
                self.statusMessage.emit(f"Basemap tiles could not be loaded ({why}); "
                                        "the map works without them.")
            return
        self._tiles[key] = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        while len(self._tiles) > self._memory_tiles:
            self._tiles.popitem(last=False)
        self.tilesChanged.emit()
