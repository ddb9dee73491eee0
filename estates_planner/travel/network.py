"""Reading a road or path network into a networkx graph.

A line layer (GeoPackage, GeoJSON, Shapefile) becomes an undirected graph: line ends within a
tolerance of each other become one junction (node), each line becomes an edge whose length comes
from its geometry in British National Grid. A line is also cut where another line shares one of
its inner vertices exactly (as OpenStreetMap ways do at junctions), or where another line's end
touches it within the tolerance (a T-junction). Lines that cross without sharing a vertex
(bridges, flyovers) are not joined, as on a real road map. A GraphML file is
read directly.

Fatal problems (no CRS, no lines at all, an unreadable file) raise
:class:`~estates_planner.errors.NetworkError`; oddities the network survives (a polygon among the
lines, a zero-length line, a missing speed) are warnings in ``TravelNetwork.report``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString

from estates_planner.errors import NetworkError, ValidationReport
from estates_planner.io.coords import frame_to_bng
from estates_planner.model import BNG_EPSG

LINE_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".zip", ".fgb", ".gml", ".kml")
ILLUSTRATIVE_NOTE = "illustrative network, not real roads"


@dataclass(frozen=True, slots=True)
class ComponentSummary:
    """One connected part of a network: junctions in it cannot reach those of another part."""

    index: int  # 1 for the largest part (by road length), 2 for the next, ...
    node_count: int
    edge_count: int
    length_km: float
    bounds: tuple[float, float, float, float]  # min easting, min northing, max e, max n

    def describe(self) -> str:
        return (f"part {self.index}: {self.length_km:,.1f} km of road, "
                f"{self.node_count:,} junctions, around "
                f"({self.bounds[0]:,.0f}, {self.bounds[1]:,.0f})")


@dataclass
class TravelNetwork:
    """An undirected road graph in British National Grid.

    Nodes are integers ``0..n-1`` with ``x``/``y`` attributes (BNG metres); edges carry
    ``length_km``, ``minutes`` (when the source gave speeds or times) and ``geometry`` (a
    LineString in BNG). Between two junctions only the shortest line is kept, since a journey
    would never take the longer one.
    """

    graph: nx.Graph
    source: str
    has_minutes: bool
    report: ValidationReport = field(default_factory=ValidationReport)
    tolerance_m: float = 5.0

    @cached_property
    def node_xy(self) -> np.ndarray:
        """(n, 2) array of node coordinates; row i is node i."""
        xy = np.zeros((self.graph.number_of_nodes(), 2))
        for node, data in self.graph.nodes(data=True):
            xy[node] = (data["x"], data["y"])
        return xy

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the graph: changes when any junction, line length or time changes.

        Travel matrices cached in a project are keyed by it, so editing the network makes old
        caches unusable instead of silently wrong.
        """
        h = hashlib.sha256()
        # by coordinates, not node numbers, so the same roads in another order match
        edges = np.array([(u, v, d["length_km"], d.get("minutes", -1.0))
                          for u, v, d in self.graph.edges(data=True)], dtype=float)
        if len(edges):
            a = np.round(self.node_xy[edges[:, 0].astype(int)], 1)
            b = np.round(self.node_xy[edges[:, 1].astype(int)], 1)
            swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
            a[swap], b[swap] = b[swap], a[swap].copy()
            rows = np.column_stack([a, b, np.round(edges[:, 2:], 6)])
            edges = rows[np.lexsort(rows.T[::-1])]
        h.update(edges.tobytes())
        return h.hexdigest()[:16]

    @cached_property
    def component_of(self) -> np.ndarray:
        """Component index (1 = largest by length) of every node."""
        labels = np.zeros(self.graph.number_of_nodes(), dtype=int)
        for summary, nodes in self._components:
            labels[list(nodes)] = summary.index
        return labels

    @cached_property
    def _components(self) -> list[tuple[ComponentSummary, set[int]]]:
        parts = []
        for nodes in nx.connected_components(self.graph):
            sub = self.graph.subgraph(nodes)
            length = sum(d["length_km"] for _, _, d in sub.edges(data=True))
            xy = self.node_xy[list(nodes)]
            bounds = (float(xy[:, 0].min()), float(xy[:, 1].min()),
                      float(xy[:, 0].max()), float(xy[:, 1].max()))
            parts.append((length, len(nodes), sub.number_of_edges(), bounds, nodes))
        parts.sort(key=lambda p: (-p[0], -p[1], p[3]))
        return [(ComponentSummary(i + 1, n, e, length, bounds), nodes)
                for i, (length, n, e, bounds, nodes) in enumerate(parts)]

    def components(self) -> list[ComponentSummary]:
        """The connected parts of the network, largest (by road length) first.

        A network in several parts cannot take anyone from one part to another; the travel
        model reports which sites and points that separates (see
        ``NetworkTravelModel.disconnected_report``).
        """
        return [summary for summary, _ in self._components]

    @property
    def total_length_km(self) -> float:
        return float(sum(d["length_km"] for _, _, d in self.graph.edges(data=True)))

    @cached_property
    def _node_tree(self) -> shapely.STRtree:
        return shapely.STRtree(shapely.points(self.node_xy))

    def nearest_nodes(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest junction of each point and the straight-line distance to it in km."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if len(xy) == 0:
            return np.zeros(0, dtype=int), np.zeros(0)
        if self.graph.number_of_nodes() == 0:
            raise NetworkError(f"{self.source}: the network has no junctions to snap to")
        idx, dist = self._node_tree.query_nearest(shapely.points(xy), return_distance=True,
                                                  all_matches=False)
        # query_nearest returns (input index, tree index) pairs in input order
        nodes = np.empty(len(xy), dtype=int)
        snap = np.empty(len(xy))
        nodes[idx[0]] = idx[1]
        snap[idx[0]] = dist
        return nodes, snap / 1000.0

    def to_frame(self):
        """The network's lines as a GeoDataFrame in EPSG:27700 (for a project file or a map).

        Columns: ``length_km``, ``minutes`` (empty when the network has no times), ``note``.
        Reading it back with :func:`network_from_frame` (``minutes_column="minutes"``) gives
        the same graph.
        """
        import geopandas as gpd

        rows = []
        for _, _, d in self.graph.edges(data=True):
            rows.append({"length_km": d["length_km"],
                         "minutes": d.get("minutes", math.nan),
                         "geometry": d["geometry"]})
        frame = gpd.GeoDataFrame(rows, columns=["length_km", "minutes", "geometry"],
                                 geometry="geometry", crs=f"EPSG:{BNG_EPSG}")
        frame["note"] = self.graph.graph.get("note", "")
        return frame


def read_network(path: str | Path, speed_column: str | None = None,
                 minutes_column: str | None = None, tolerance_m: float = 5.0,
                 layer: str | None = None) -> TravelNetwork:
    """Read a road network from a line layer or a GraphML file.

    Parameters
    ----------
    path
        GeoPackage, GeoJSON, Shapefile (or another format GDAL reads) of road or path lines
        with a coordinate reference system; or a ``.graphml`` file whose nodes have ``x``/``y``
        in British National Grid metres.
    speed_column
        Column with the speed in km/h on each line; travel minutes then come from length and
        speed. When neither this nor ``minutes_column`` is given, a column called
        ``minutes`` or else ``speed_kmh`` with numbers in it is used; without any, only
        kilometres are known.
    minutes_column
        Column with the minutes to travel each whole line (takes precedence over a speed).
    tolerance_m
        Line ends closer than this are one junction, since digitised roads rarely meet
        exactly.
    layer
        Layer of a multi-layer file; by default the layer named ``roads``, or the only one.

    Returns
    -------
    TravelNetwork
        The graph; ``report`` holds warnings about lines left out or values guessed.

    Raises
    ------
    NetworkError
        When the file cannot be read or gives no usable network (no CRS, no lines, empty).
    """
    path = Path(path)
    if not path.exists():
        raise NetworkError(f"{path.name}: file not found ({path})")
    if path.suffix.lower() == ".graphml":
        return _read_graphml(path)
    import geopandas as gpd
    import pyogrio

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise NetworkError(f"{path.name}: cannot be read as a map layer ({exc})") from exc
    if layer is None:
        if "roads" in layers:
            layer = "roads"
        elif len(layers) == 1:
            layer = layers[0]
        else:
            raise NetworkError(f"{path.name}: holds several layers ({', '.join(layers)}); "
                               "say which one is the road network")
    elif layer not in layers:
        raise NetworkError(f"{path.name}: has no layer '{layer}'; its layers are "
                           f"{', '.join(layers)}")
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise NetworkError(f"{path.name}: cannot read layer '{layer}' ({exc})") from exc
    source = path.name if len(layers) == 1 else f"{path.name} (layer '{layer}')"
    return network_from_frame(frame, source=source, speed_column=speed_column,
                              minutes_column=minutes_column, tolerance_m=tolerance_m)


def network_from_frame(frame, source: str = "network", speed_column: str | None = None,
                       minutes_column: str | None = None,
                       tolerance_m: float = 5.0) -> TravelNetwork:
    """Build a network from a GeoDataFrame of lines (see :func:`read_network`).

    Used for a network stored in a project file as well as for a freshly read layer.
    """
    report = ValidationReport()
    if tolerance_m < 0:
        raise NetworkError(f"{source}: the junction tolerance must be ≥ 0 m, got {tolerance_m}")
    if len(frame) == 0:
        raise NetworkError(f"{source}: the layer has no features; a travel network needs "
                           "road or path lines")
    if frame.crs is None:
        raise NetworkError(f"{source}: the layer has no coordinate reference system (CRS), so "
                           "its distances cannot be measured; save it with one, e.g. "
                           "EPSG:27700 (British National Grid)")
    if speed_column is None and minutes_column is None:
        minutes_column = _usable_column(frame, "minutes")
        speed_column = None if minutes_column else _usable_column(frame, "speed_kmh")
    for column in (speed_column, minutes_column):
        if column is not None and column not in frame.columns:
            others = ", ".join(c for c in frame.columns if c != frame.geometry.name)
            raise NetworkError(f"{source}: has no column '{column}'; its columns are "
                               f"{others or '(none)'}")
    frame = frame_to_bng(frame, source, NetworkError)

    geoms = frame.geometry.array
    kinds = shapely.get_type_id(np.asarray(geoms))
    line_kinds = {1, 5}  # LineString, MultiLineString
    non_line: dict[str, list[int]] = {}
    no_geometry: list[int] = []
    for pos, (geom, kind) in enumerate(zip(geoms, kinds, strict=True)):
        if geom is None or geom.is_empty:
            no_geometry.append(pos + 1)
        elif kind not in line_kinds:
            non_line.setdefault(geom.geom_type, []).append(pos + 1)
    if no_geometry:
        report.warning(source, f"feature {_list_numbers(no_geometry)} "
                               f"{'have' if len(no_geometry) > 1 else 'has'} no geometry; "
                               "left out")
    n_lines = sum(1 for g, k in zip(geoms, kinds, strict=True)
                  if g is not None and not g.is_empty and k in line_kinds)
    if n_lines == 0:
        found = ", ".join(f"{kind} ({len(rows)})" for kind, rows in non_line.items())
        raise NetworkError(f"{source}: expected road or path lines, found "
                           f"{found or 'no geometries'}; a travel network needs a line layer")
    for kind, rows in non_line.items():
        many = len(rows) != 1
        report.warning(source, f"{len(rows)} {kind} feature{'s' if many else ''} "
                               f"(feature {_list_numbers(rows)}) "
                               f"{'are not lines' if many else 'is not a line'}; left out")

    per_line_speed = _column_values(frame, speed_column, source, report, "speed (km/h)")
    per_line_minutes = _column_values(frame, minutes_column, source, report, "minutes")
    has_minutes = per_line_minutes is not None or per_line_speed is not None

    parts: list[tuple[int, np.ndarray, float]] = []  # (feature position, coords, minutes/km)
    zero: list[int] = []
    for pos, (geom, kind) in enumerate(zip(geoms, kinds, strict=True)):
        if geom is None or geom.is_empty or kind not in line_kinds:
            continue
        pieces = list(geom.geoms) if kind == 5 else [geom]
        total_m = geom.length
        for piece in pieces:
            coords = np.asarray(piece.coords)[:, :2]
            if piece.length <= 0.0 or len(coords) < 2:
                if not zero or zero[-1] != pos + 1:
                    zero.append(pos + 1)
                continue
            if per_line_minutes is not None:
                minutes_per_km = per_line_minutes[pos] / (total_m / 1000.0)
            elif per_line_speed is not None:
                minutes_per_km = 60.0 / per_line_speed[pos]
            else:
                minutes_per_km = math.nan
            parts.append((pos, coords, minutes_per_km))
    if zero:
        what = "are zero-length lines" if len(zero) > 1 else "is a zero-length line"
        report.warning(source, f"feature {_list_numbers(zero)} {what}; left out")
    if not parts:
        raise NetworkError(f"{source}: every line has zero length; nothing to travel on")
    parts = _split_at_shared_vertices(parts)
    if tolerance_m > 0:
        parts = _split_at_t_junctions(parts, tolerance_m)
    graph = _build_graph(parts, tolerance_m, source, report, has_minutes)
    if graph.number_of_edges() == 0:
        raise NetworkError(f"{source}: no line joins two different junctions (all are shorter "
                           f"than the {tolerance_m:g} m tolerance)")
    note = ""
    if "note" in frame.columns:
        notes = sorted({str(v) for v in frame["note"].dropna() if str(v).strip()})
        note = "; ".join(notes)
    graph.graph["note"] = note
    return TravelNetwork(graph, source, has_minutes, report, tolerance_m)


def network_from_stored_layer(frame, source: str = "project network") -> TravelNetwork:
    """Rebuild a network saved with :meth:`TravelNetwork.to_frame` (e.g. ``project.network``).

    Its line ends already sit on the junctions, so only exact matches are joined.
    """
    return network_from_frame(frame, source=source, tolerance_m=0.01)


def _usable_column(frame, name: str) -> str | None:
    """``name`` if the frame has it with at least one number > 0 in it."""
    import pandas as pd

    if name not in frame.columns:
        return None
    values = pd.to_numeric(frame[name], errors="coerce")
    return name if bool((values > 0).any()) else None


def _column_values(frame, column: str | None, source: str, report: ValidationReport,
                   what: str) -> np.ndarray | None:
    """Positive numbers from a column; blanks and bad values take the median, with a warning."""
    if column is None:
        return None
    import pandas as pd

    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.all():
        raise NetworkError(f"{source}: column '{column}' has no usable {what} (expected "
                           "numbers > 0)")
    if bad.any():
        median = float(np.median(values[~bad]))
        rows = [int(i) + 1 for i in np.flatnonzero(bad)]
        report.warning(source, f"column '{column}': feature {_list_numbers(rows)} "
                               f"{'have' if len(rows) > 1 else 'has'} no usable {what} "
                               f"(expected a number > 0); the median {median:g} is used")
        values = np.where(bad, median, values)
    return values


def _build_graph(parts: Sequence[tuple[int, np.ndarray, float]], tolerance_m: float,
                 source: str, report: ValidationReport, has_minutes: bool) -> nx.Graph:
    sizes = np.array([len(coords) for _, coords, _ in parts])
    flat = np.concatenate([coords for _, coords, _ in parts])
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    last = first + sizes - 1
    ends = np.empty((2 * len(parts), 2))
    ends[0::2], ends[1::2] = flat[first], flat[last]
    labels, node_xy = _cluster_points(ends, tolerance_m)
    u_all, v_all = labels[0::2], labels[1::2]
    # ends moved onto the junction, so the stored lines meet exactly
    flat = flat.copy()
    flat[first], flat[last] = node_xy[u_all], node_xy[v_all]
    lines = shapely.linestrings(flat, indices=np.repeat(np.arange(len(parts)), sizes))
    lengths_km = shapely.length(lines) / 1000.0

    graph = nx.Graph()
    for node, (x, y) in enumerate(node_xy.tolist()):
        graph.add_node(node, x=x, y=y)
    loops: list[int] = []
    for i, (pos, _, minutes_per_km) in enumerate(parts):
        u, v, length_km = int(u_all[i]), int(v_all[i]), float(lengths_km[i])
        if u == v or length_km <= 0.0:
            loops.append(pos + 1)
            continue
        data = {"length_km": length_km, "geometry": lines[i], "feature": pos + 1}
        if has_minutes:
            data["minutes"] = length_km * minutes_per_km
        old = graph.get_edge_data(u, v)
        if old is None:
            graph.add_edge(u, v, **data)
            continue
        # parallel roads: keep the shorter line, and the quicker time of the two
        if length_km < old["length_km"]:
            if has_minutes:
                data["minutes"] = min(data["minutes"], old["minutes"])
            graph.add_edge(u, v, **data)
        elif has_minutes:
            old["minutes"] = min(old["minutes"], data["minutes"])
    if loops:
        loops = sorted(set(loops))
        report.warning(source, f"feature {_list_numbers(loops)} "
                               f"{'start and end' if len(loops) > 1 else 'starts and ends'} at "
                               f"the same junction (within {tolerance_m:g} m); left out, a "
                               "loop shortens no journey")
    isolated = [n for n in graph.nodes if graph.degree(n) == 0]
    if isolated:
        graph.remove_nodes_from(isolated)
        graph = nx.convert_node_labels_to_integers(graph, ordering="sorted")
    return graph


def _split_at_shared_vertices(parts: list[tuple[int, np.ndarray, float]]
                              ) -> list[tuple[int, np.ndarray, float]]:
    """Cut lines at inner vertices that another line shares exactly (to the centimetre).

    OpenStreetMap ways run through junctions and share the junction's vertex with the
    crossing way; without this cut such a network would fall apart into its ways. A crossing
    without a shared vertex (a bridge) stays uncut.
    """
    if not any(len(coords) > 2 for _, coords, _ in parts):
        return parts
    sizes = np.array([len(coords) for _, coords, _ in parts])
    owner = np.repeat(np.arange(len(parts)), sizes)
    keys = np.round(np.concatenate([coords for _, coords, _ in parts]) * 100).astype(np.int64)
    _, vertex_id = np.unique(keys, axis=0, return_inverse=True)
    vertex_id = vertex_id.ravel()
    pairs = np.unique(np.column_stack([vertex_id, owner]), axis=0)
    shared = np.bincount(pairs[:, 0], minlength=vertex_id.max() + 1) > 1
    is_shared = shared[vertex_id]
    out = []
    start = 0
    for (pos, coords, minutes_per_km), size in zip(parts, sizes.tolist(), strict=True):
        cuts = np.flatnonzero(is_shared[start + 1:start + size - 1]).tolist()
        start += size
        if not cuts:
            out.append((pos, coords, minutes_per_km))
            continue
        bounds = [0, *(i + 1 for i in cuts), size - 1]
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            out.append((pos, coords[a:b + 1], minutes_per_km))
    return out


def _split_at_t_junctions(parts: list[tuple[int, np.ndarray, float]],
                          tolerance_m: float) -> list[tuple[int, np.ndarray, float]]:
    """Cut a line where another line's end touches its middle (within the tolerance).

    A side road digitised to end on a main road, without a vertex there, joins it at the
    nearest point of the main road.
    """
    sizes = [len(coords) for _, coords, _ in parts]
    lines = shapely.linestrings(np.concatenate([coords for _, coords, _ in parts]),
                                indices=np.repeat(np.arange(len(parts)), sizes))
    ends = np.array([c for _, coords, _ in parts for c in (coords[0], coords[-1])])
    tree = shapely.STRtree(lines)
    end_points = shapely.points(ends)
    hit_end, hit_line = tree.query(end_points, predicate="dwithin", distance=tolerance_m)
    # an end meeting another line's end is an ordinary junction, not a T
    to_start = np.hypot(*(ends[hit_end] - ends[2 * hit_line]).T)
    to_end = np.hypot(*(ends[hit_end] - ends[2 * hit_line + 1]).T)
    keep = (hit_end // 2 != hit_line) & (np.minimum(to_start, to_end) > tolerance_m)
    cuts: dict[int, list[float]] = {}
    for e, k in zip(hit_end[keep].tolist(), hit_line[keep].tolist(), strict=True):
        cuts.setdefault(k, []).append(float(lines[k].project(end_points[e])))
    if not cuts:
        return parts
    out = []
    for k, (pos, coords, minutes_per_km) in enumerate(parts):
        if k not in cuts:
            out.append((pos, coords, minutes_per_km))
            continue
        for piece in _cut_line(coords, sorted(set(cuts[k]))):
            out.append((pos, piece, minutes_per_km))
    return out


def _cut_line(coords: np.ndarray, distances: list[float]) -> list[np.ndarray]:
    """Split a polyline at distances along it (metres), adding a vertex at each cut."""
    seg = np.hypot(*np.diff(coords, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(seg)])
    pieces, current = [], [coords[0]]
    cut_iter = iter(distances)
    cut = next(cut_iter, None)
    for i in range(1, len(coords)):
        while cut is not None and cut < along[i]:
            if cut > along[i - 1]:
                t = (cut - along[i - 1]) / seg[i - 1]
                point = coords[i - 1] + t * (coords[i] - coords[i - 1])
                current.append(point)
                pieces.append(np.array(current))
                current = [point]
            cut = next(cut_iter, None)
        current.append(coords[i])
    pieces.append(np.array(current))
    return [p for p in pieces if len(p) >= 2]


def _cluster_points(xy: np.ndarray, tolerance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Label points so that points within the tolerance (chained) share a label.

    Returns the label of every point and the mean position of each label's points.
    """
    n = len(xy)
    parent = np.arange(n)
    if tolerance_m > 0:
        tree = shapely.STRtree(shapely.points(xy))
        left, right = tree.query(shapely.points(xy), predicate="dwithin", distance=tolerance_m)
        keep = left < right
        parent_list = parent.tolist()

        def find(i: int) -> int:
            while parent_list[i] != i:
                parent_list[i] = parent_list[parent_list[i]]
                i = parent_list[i]
            return i

        for a, b in zip(left[keep].tolist(), right[keep].tolist(), strict=True):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent_list[max(ra, rb)] = min(ra, rb)
        roots = np.array([find(i) for i in range(n)])
    else:
        # exact matches only
        _, first, inverse = np.unique(xy, axis=0, return_index=True, return_inverse=True)
        roots = first[inverse.ravel()]
    _, labels = np.unique(roots, return_inverse=True)
    labels = labels.ravel()
    count = np.bincount(labels)
    node_xy = np.column_stack([np.bincount(labels, weights=xy[:, 0]) / count,
                               np.bincount(labels, weights=xy[:, 1]) / count])
    return labels, node_xy


def _read_graphml(path: Path) -> TravelNetwork:
    report = ValidationReport()
    source = path.name
    try:
        raw = nx.read_graphml(path)
    except Exception as exc:
        raise NetworkError(f"{source}: cannot be read as GraphML ({exc})") from exc
    if raw.number_of_nodes() == 0:
        raise NetworkError(f"{source}: the graph has no nodes")
    index: dict[object, int] = {}
    xy = []
    missing = []
    for node, data in raw.nodes(data=True):
        try:
            x, y = float(data["x"]), float(data["y"])
        except (KeyError, TypeError, ValueError):
            missing.append(str(node))
            continue
        index[node] = len(xy)
        xy.append((x, y))
    if missing:
        raise NetworkError(f"{source}: node {_list_names(missing)} "
                           f"{'have' if len(missing) > 1 else 'has'} no numeric x/y attributes "
                           "(British National Grid metres expected)")
    arr = np.array(xy)
    if np.all(np.abs(arr[:, 0]) <= 180) and np.all(np.abs(arr[:, 1]) <= 90):
        raise NetworkError(f"{source}: node x/y look like longitude/latitude; the GraphML "
                           "must give x/y in British National Grid metres (EPSG:27700)")
    graph = nx.Graph()
    for i in index.values():
        graph.add_node(i, x=float(arr[i, 0]), y=float(arr[i, 1]))
    has_minutes = raw.number_of_edges() > 0 and all(
        any(k in d for k in ("minutes", "travel_time", "speed_kmh", "speed_kph"))
        for _, _, d in raw.edges(data=True))
    zero = 0
    for k, (a, b, d) in enumerate(raw.edges(data=True)):
        u, v = index[a], index[b]
        line = _graphml_geometry(d, arr[u], arr[v])
        if "length_km" in d:
            length_km = float(d["length_km"])
        elif "length" in d:
            length_km = float(d["length"]) / 1000.0  # metres, as OSMnx writes it
        else:
            length_km = line.length / 1000.0
        if u == v or length_km <= 0:
            zero += 1
            continue
        data = {"length_km": length_km, "geometry": line, "feature": k + 1}
        if has_minutes:
            if "minutes" in d:
                data["minutes"] = float(d["minutes"])
            elif "travel_time" in d:
                data["minutes"] = float(d["travel_time"]) / 60.0  # seconds, as OSMnx
            else:
                speed = float(d.get("speed_kmh", d.get("speed_kph")))
                data["minutes"] = length_km / speed * 60.0
        old = graph.get_edge_data(u, v)
        if old is None or length_km < old["length_km"]:
            graph.add_edge(u, v, **data)
    if zero:
        report.warning(source, f"{zero} edge{'s' if zero != 1 else ''} of zero length or "
                               "joining a node to itself left out")
    if graph.number_of_edges() == 0:
        raise NetworkError(f"{source}: the graph has no edges of positive length")
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    graph = nx.convert_node_labels_to_integers(graph, ordering="sorted")
    graph.graph["note"] = str(raw.graph.get("note", ""))
    return TravelNetwork(graph, source, has_minutes, report, 0.0)


def _graphml_geometry(data: dict, a: np.ndarray, b: np.ndarray) -> LineString:
    wkt = data.get("geometry")
    if isinstance(wkt, str):
        try:
            geom = shapely.from_wkt(wkt)
            if geom.geom_type == "LineString":
                return geom
        except Exception:  # a bad geometry string falls back to a straight edge
            pass
    return LineString([tuple(a), tuple(b)])


def _list_numbers(numbers: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    if len(numbers) > limit:
        shown += f" and {len(numbers) - limit} more"
    return shown


def _list_names(names: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += f" and {len(names) - limit} more"
    return shown
