"""Map extents in British National Grid metres: plain geometry, no Qt.

The interactive map, the PDF's cover and its small location maps all choose what area to
show with these functions, so the rules (margins, the smallest box, the fallback frame of
England and Wales) are written once and can be tested without a painter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from estates_planner.model import Dataset

Extent = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in BNG metres

# England and Wales, so an empty project still shows a sensible frame
ENGLAND_AND_WALES: Extent = (130_000.0, 0.0, 660_000.0, 660_000.0)
# half the side of a site's location map at least: 6 km shows the streets around it
SITE_MAP_MIN_HALF_M = 6000.0
# room round a site's needs on its location map, as a share of their spread
SITE_MAP_MARGIN = 1.15


def padded_extent(extent: Extent | None, fraction: float = 0.05,
                  minimum_m: float = 2000.0) -> Extent:
    """``extent`` grown by ``fraction`` each side (and to at least ``minimum_m`` across)."""
    if extent is None:
        return ENGLAND_AND_WALES
    xmin, ymin, xmax, ymax = extent
    w = max(xmax - xmin, minimum_m)
    h = max(ymax - ymin, minimum_m)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    w *= 1 + 2 * fraction
    h *= 1 + 2 * fraction
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def extent_of(points: Sequence[tuple[float, float]]) -> Extent | None:
    """The box round ``points`` (BNG metres); None when there are none."""
    if not points:
        return None
    a = np.asarray(points, dtype=float)
    return (a[:, 0].min(), a[:, 1].min(), a[:, 0].max(), a[:, 1].max())


def layer_in_bng(frame: Any) -> Any:
    """A polygon layer in EPSG:27700 for the report's maps, or None when it cannot be
    reprojected (the report leaves such a layer off rather than draw it in the wrong place).
    """
    try:
        if frame.crs is not None and frame.crs.to_epsg() != 27700:
            return frame.to_crs(27700)
    except Exception:  # an unknown or broken CRS: the layer is left off the maps
        return None
    return frame


def cover_extent(dataset: Dataset, regions_layer: Any, regions: Sequence[str],
                 site_ids: Sequence[str]) -> Extent | None:
    """What the report's cover map shows when it is limited to ``regions`` / ``site_ids``:
    the chosen regions' polygons (from ``regions_layer``, in BNG), sites and needs, and the
    chosen sites, with a margin. None when nothing is chosen (the cover then shows the whole
    plan)."""
    points = [s.xy for s in dataset.sites
              if (regions and s.region in regions) or s.site_id in site_ids]
    points += [n.xy for n in dataset.needs if regions and n.region in regions]
    if regions and regions_layer is not None:
        col = next((c for c in ("region", "name", "NAME") if c in regions_layer.columns), None)
        if col is not None:
            chosen = regions_layer[regions_layer[col].astype(str).isin(list(regions))]
            if len(chosen):
                x0, y0, x1, y1 = chosen.total_bounds
                points += [(x0, y0), (x1, y1)]
    if not points:
        return None
    return padded_extent(extent_of(points), 0.06, 5000.0)


def site_extent(site_xy: tuple[float, float],
                need_xys: Sequence[tuple[float, float]]) -> Extent:
    """A square round a site and the service-user points of its needs (≥ 12 km across)."""
    x0, y0, x1, y1 = extent_of([site_xy, *need_xys]) or (*site_xy, *site_xy)
    half = max(SITE_MAP_MIN_HALF_M, (x1 - x0) / 2 * SITE_MAP_MARGIN,
               (y1 - y0) / 2 * SITE_MAP_MARGIN)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - half, cy - half, cx + half, cy + half)
