"""The area reachable from a site within a number of kilometres or minutes on the network."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.ops import substring

from estates_planner.errors import NetworkError
from estates_planner.travel.network import TravelNetwork


def catchment(network, point_xy: tuple[float, float], limit: float, measure: str = "km",
              style: str = "edges", buffer_m: float = 250.0,
              snap_speed_kmh: float = 20.0):
    """The area within ``limit`` km or minutes of a point, travelling on the network.

    Parameters
    ----------
    network
        A :class:`TravelNetwork` (or a ``NetworkTravelModel``, whose network is used).
    point_xy
        (easting, northing) in British National Grid metres, e.g. ``site.xy``.
    limit
        The budget, in ``measure`` units; the straight line from the point to its nearest
        junction is paid from it first (at ``snap_speed_kmh`` for minutes).
    measure
        ``"km"`` or ``"minutes"`` (needs a network with speeds or times).
    style
        ``"edges"``: the roads reached, down to the exact point where the budget runs out
        along a road, widened by ``buffer_m`` -- honest about gaps such as an estuary.
        ``"hull"``: the convex hull of the reached junctions and road ends, widened by
        ``buffer_m`` -- a simpler outline for a small map.

    Returns
    -------
    shapely geometry
        A (Multi)Polygon in BNG; empty when the budget does not reach the network.
    """
    if hasattr(network, "network") and isinstance(network.network, TravelNetwork):
        network = network.network
    if measure not in ("km", "minutes"):
        raise ValueError(f"measure must be 'km' or 'minutes', got {measure!r}")
    if style not in ("edges", "hull"):
        raise ValueError(f"style must be 'edges' or 'hull', got {style!r}")
    if not limit >= 0:
        raise ValueError(f"limit must be a number ≥ 0, got {limit!r}")
    if measure == "minutes" and not network.has_minutes:
        raise NetworkError(f"{network.source}: has no speeds or travel times, so a catchment "
                           "in minutes cannot be drawn; import it with a speed or minutes "
                           "column, or use km")
    weight = "length_km" if measure == "km" else "minutes"
    nodes, snap_km = network.nearest_nodes(np.array([point_xy], dtype=float))
    snap_cost = float(snap_km[0]) if measure == "km" else float(snap_km[0]) / snap_speed_kmh * 60
    budget = float(limit) - snap_cost
    if budget < 0:
        return Polygon()
    graph = network.graph
    reached = nx.single_source_dijkstra_path_length(graph, int(nodes[0]), cutoff=budget,
                                                    weight=weight)
    pieces = []
    for u in reached:
        for v, data in graph[u].items():
            if v in reached and v < u:
                continue  # the pair is handled once, from its lower node
            pieces.extend(_reached_parts(network, u, v, data, reached, budget, weight))
    points = [network.node_xy[n] for n in reached]
    if style == "hull":
        ends = [p.coords[-1] for p in pieces] + [p.coords[0] for p in pieces]
        hull = MultiPoint([tuple(p) for p in points] + ends + [tuple(point_xy)]).convex_hull
        return hull.buffer(buffer_m)
    if not pieces:
        return Point(network.node_xy[int(nodes[0])]).buffer(buffer_m)
    return shapely.union_all(shapely.buffer(np.array(pieces, dtype=object), buffer_m))


def _reached_parts(network: TravelNetwork, u: int, v: int, data: dict, reached: dict,
                   budget: float, weight: str) -> list:
    """The stretch(es) of edge u-v within the budget: whole, or cut where the budget ends."""
    cost = data[weight]
    line = data["geometry"]
    du = reached.get(u, math.inf)
    dv = reached.get(v, math.inf)
    if du + dv + cost <= 2 * budget:  # every point of the edge is within budget one way
        return [line]
    # geometry may run v -> u; orient it from u
    start = np.asarray(line.coords[0])
    if np.hypot(*(start - network.node_xy[u])) > np.hypot(*(start - network.node_xy[v])):
        line = shapely.reverse(line)
    parts = []
    if du <= budget:
        parts.append(substring(line, 0.0, min(1.0, (budget - du) / cost), normalized=True))
    if dv <= budget:
        parts.append(substring(line, max(0.0, 1.0 - (budget - dv) / cost), 1.0,
                               normalized=True))
    return [p for p in parts if not p.is_empty]
