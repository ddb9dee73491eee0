"""An illustrative road-like network for the sample data, so travel features work out of the box.

Not real roads. Towns are the mean position of their sites (the sites' ``town`` column, else
their PDU); trunk roads join towns along a Delaunay triangulation (gently curved), a few links
are left out as "estuaries" that force a detour, and a local spur runs from every site and
service-user point to its nearest town. Everything is derived from the coordinates, so the
same sample gives the same network.

Run ``python -m estates_planner.travel.sample_network data/`` to write
``data/sample_network.gpkg`` (layer ``roads``) from ``data/sites.csv``, ``needs.csv`` and
``demand.csv``.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint

from estates_planner.errors import NetworkError
from estates_planner.io.coords import frame_to_bng
from estates_planner.model import BNG_EPSG, DemandPoint, ServiceNeed, Site

SAMPLE_NOTE = "Illustrative network for the sample data: not real roads"
LAYER = "roads"


def build_sample_network(sites: Sequence[Site], needs: Iterable[ServiceNeed] = (),
                         demand: Iterable[DemandPoint] = (), estuaries: int | None = None,
                         land=None):
    """The sample road lines as a GeoDataFrame in EPSG:27700.

    Columns: ``name``, ``kind`` ("trunk" or "spur"), ``speed_kmh`` and ``note`` (saying the
    network is illustrative). ``land`` (a shapely polygon in BNG, e.g. the sample's outline)
    makes town links that run mostly over water into gaps -- estuaries and bays -- unless a
    town would be cut off. ``estuaries`` is how many further links to leave out, choosing
    those whose loss forces the longest detour (by default none with ``land``, else one in
    twelve, at least one); every town stays reachable.
    """
    import geopandas as gpd

    towns = _towns(sites)
    names = sorted(towns)
    xy = np.array([towns[n] for n in names])
    if estuaries is None:
        estuaries = 0 if land is not None else -1
    rows: list[dict[str, object]] = []
    for a, b in _trunk_links(names, xy, estuaries, land):
        line = _curved(xy[a], xy[b], _seed(names[a], names[b]))
        length_km = line.length / 1000.0
        rows.append({"name": f"{names[a]} - {names[b]}", "kind": "trunk",
                     "speed_kmh": 70.0 if length_km > 15 else 50.0, "geometry": line})

    points: dict[tuple[float, float], str] = {}
    for s in sites:
        points.setdefault((s.easting, s.northing), f"site {s.site_id}")
    for d in demand:
        points.setdefault((d.easting, d.northing), f"PDU {d.pdu}")
    for n in needs:
        points.setdefault((n.easting, n.northing), f"PDU {n.pdu}")
    for (x, y), label in sorted(points.items(), key=lambda p: (p[1], p[0])):
        town = int(np.argmin(np.hypot(xy[:, 0] - x, xy[:, 1] - y)))
        if np.hypot(xy[town, 0] - x, xy[town, 1] - y) < 10.0:
            continue  # already on the town's junction
        line = _curved(xy[town], np.array([x, y]), _seed(label, names[town]), bend=0.08)
        rows.append({"name": f"{names[town]} - {label}", "kind": "spur", "speed_kmh": 30.0,
                     "geometry": line})
    frame = gpd.GeoDataFrame(rows, columns=["name", "kind", "speed_kmh", "geometry"],
                             geometry="geometry", crs=f"EPSG:{BNG_EPSG}")
    frame["note"] = SAMPLE_NOTE
    return frame


def write_sample_network(data_dir: str | Path, out_path: str | Path | None = None) -> Path:
    """Write ``sample_network.gpkg`` (layer ``roads``) for the sample in ``data_dir``."""
    from estates_planner.io import load_dataset

    data_dir = Path(data_dir)
    demand = data_dir / "demand.csv"
    dataset, report = load_dataset(data_dir / "sites.csv", data_dir / "needs.csv",
                                   demand if demand.exists() else None)
    report.raise_if_errors()
    land = None
    boundaries = data_dir / "boundaries.gpkg"
    if boundaries.exists():
        import geopandas as gpd

        outline = gpd.read_file(boundaries, layer="outline", engine="pyogrio")
        outline = frame_to_bng(outline, f"{boundaries.name}, layer 'outline'", NetworkError)
        land = shapely.union_all(outline.geometry.array)
    frame = build_sample_network(dataset.sites, dataset.needs, dataset.demand, land=land)
    out = Path(out_path) if out_path is not None else data_dir / "sample_network.gpkg"
    if out.exists():
        out.unlink()
    frame.to_file(out, layer=LAYER, engine="pyogrio",
                  layer_metadata={"DESCRIPTION": SAMPLE_NOTE})
    return out


def _towns(sites: Sequence[Site]) -> dict[str, tuple[float, float]]:
    """A town at the mean of its sites: the sites' ``town`` column, else their PDU."""
    by_town: dict[str, list[tuple[float, float]]] = {}
    for s in sites:
        town = str(s.extra.get("town") or "").strip() or s.pdu
        by_town.setdefault(town, []).append(s.xy)
    return {town: tuple(np.mean(pts, axis=0).tolist()) for town, pts in by_town.items()}


def _trunk_links(names: list[str], xy: np.ndarray, estuaries: int, land) -> list[tuple]:
    if len(names) < 2:
        return []
    if len(names) == 2:
        return [(0, 1)]
    index = {tuple(p): i for i, p in enumerate(xy.tolist())}
    edges = shapely.delaunay_triangles(MultiPoint([tuple(p) for p in xy]), only_edges=True)
    graph = nx.Graph()
    graph.add_nodes_from(range(len(names)))
    for line in getattr(edges, "geoms", [edges]):
        a, b = (index.get(tuple(c)) for c in line.coords)
        if a is not None and b is not None:
            graph.add_edge(a, b, length=float(np.hypot(*(xy[a] - xy[b]))))
    if graph.number_of_edges() == 0:  # towns on a line: join neighbours along it
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        return [(int(a), int(b)) for a, b in zip(order[:-1], order[1:], strict=True)]
    keep = nx.minimum_spanning_tree(graph, weight="length")
    median = float(np.median([d["length"] for _, _, d in graph.edges(data=True)]))
    for u, v, d in list(graph.edges(data=True)):
        if d["length"] > 2.5 * median and not keep.has_edge(u, v):
            graph.remove_edge(u, v)  # long Delaunay edges along the hull are not roads
    if land is not None:
        # forgive links hugging the coast; a link mostly over the sea is an estuary or a bay
        shore = land.buffer(1000.0)
        for u, v in sorted(graph.edges):
            link = LineString([tuple(xy[u]), tuple(xy[v])])
            if link.difference(shore).length > 0.2 * link.length:
                d = graph.edges[u, v]
                graph.remove_edge(u, v)
                if not nx.has_path(graph, u, v):
                    graph.add_edge(u, v, **d)  # the only way across: keep it as a bridge
    count = max(1, graph.number_of_edges() // 12) if estuaries < 0 else estuaries
    # leave out the links whose loss forces the longest detour: estuaries and hills
    for _ in range(count):
        best = None
        for u, v, d in sorted(graph.edges(data=True)):
            graph.remove_edge(u, v)
            if nx.has_path(graph, u, v):
                ratio = nx.dijkstra_path_length(graph, u, v, weight="length") / d["length"]
                if best is None or ratio > best[0]:
                    best = (ratio, u, v)
            graph.add_edge(u, v, **d)
        if best is None:
            break
        graph.remove_edge(best[1], best[2])
    return sorted((min(u, v), max(u, v)) for u, v in graph.edges)


def _curved(a: np.ndarray, b: np.ndarray, seed: int, bend: float = 0.06) -> LineString:
    """A gently curved line from a to b (ends exact), bowing by ``bend`` of its length."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d = b - a
    length = float(np.hypot(*d))
    normal = np.array([-d[1], d[0]]) / length
    sign = 1.0 if seed % 2 else -1.0
    wiggle = 0.3 + (seed % 7) / 10.0
    points = [tuple(a)]
    for t in (0.25, 0.5, 0.75):
        offset = sign * bend * length * np.sin(np.pi * t) * (1 + wiggle * np.sin(3 * np.pi * t))
        points.append(tuple(a + t * d + offset * normal))
    points.append(tuple(b))
    return LineString(points)


def _seed(*labels: str) -> int:
    return zlib.crc32("|".join(sorted(labels)).encode())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0]) if args else Path("data")
    out = write_sample_network(data_dir)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
