"""Distances between service-user points and sites.

Straight-line kilometres in British National Grid are the default; a travel network (see
``estates_planner.travel``) can stand in for them through the :class:`TravelModel` protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from estates_planner.model import ServiceNeed, Site


class TravelModel(Protocol):
    """Anything that can give need -> site travel matrices (rows needs, columns sites).

    Unreachable pairs are ``np.inf``. ``time_minutes`` may return None when the model has no
    speeds.
    """

    name: str

    def distance_km(self, needs: Sequence[ServiceNeed], sites: Sequence[Site]) -> np.ndarray: ...

    def time_minutes(
        self, needs: Sequence[ServiceNeed], sites: Sequence[Site]
    ) -> np.ndarray | None: ...


def points_xy(items: Sequence[ServiceNeed] | Sequence[Site]) -> np.ndarray:
    """(n, 2) array of BNG metres."""
    if not items:
        return np.zeros((0, 2))
    return np.array([(i.easting, i.northing) for i in items], dtype=float)


def straight_line_km(needs: Sequence[ServiceNeed], sites: Sequence[Site]) -> np.ndarray:
    a = points_xy(needs)
    b = points_xy(sites)
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    d = a[:, None, :] - b[None, :, :]
    return np.hypot(d[..., 0], d[..., 1]) / 1000.0


class StraightLine:
    """Crow-fly distance in BNG; the default travel model."""

    name = "straight line"

    def distance_km(self, needs: Sequence[ServiceNeed], sites: Sequence[Site]) -> np.ndarray:
        return straight_line_km(needs, sites)

    def time_minutes(self, needs: Sequence[ServiceNeed], sites: Sequence[Site]) -> None:
        return None
