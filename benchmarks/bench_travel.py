"""Benchmark: need -> site network matrix, 1,200 needs x 500 sites, 50,000-edge network.

Target: the matrix in at most 10 s and 1 GB. Prints the figures; run with
``python benchmarks/bench_travel.py [--engine scipy|networkx] [--no-cutoff]``.

The network is a jittered 160 x 160 junction grid (about 1 km apart, 160 km across) with
about 51,000 road lines, a few hundred removed at random (so some detours), read through the
same code as a real layer (``network_from_frame``).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely import linestrings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from estates_planner.model import Lot, ServiceNeed, Site, SiteKind
from estates_planner.travel import NetworkTravelModel, network_from_frame

SIDE = 160
SPACING_M = 1000.0


def grid_network(seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(SIDE), np.arange(SIDE), indexing="ij")
    xy = np.stack([ii * SPACING_M, jj * SPACING_M], axis=-1).astype(float)
    xy += rng.uniform(-300, 300, xy.shape)
    xy += (300_000, 300_000)
    ends = []
    for di, dj in ((1, 0), (0, 1)):
        a = xy[: SIDE - di, : SIDE - dj].reshape(-1, 2)
        b = xy[di:, dj:].reshape(-1, 2)
        ends.append(np.stack([a, b], axis=1))
    pairs = np.concatenate(ends)
    pairs = pairs[rng.random(len(pairs)) > 0.01]  # about 1% of links missing
    speeds = rng.choice([30.0, 50.0, 70.0], size=len(pairs), p=[0.6, 0.3, 0.1])
    return gpd.GeoDataFrame({"speed_kmh": speeds}, geometry=linestrings(pairs),
                            crs="EPSG:27700")


def points(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(300_000, 300_000 + (SIDE - 1) * SPACING_M, (n, 2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="auto", choices=["auto", "scipy", "networkx"])
    parser.add_argument("--no-cutoff", action="store_true",
                        help="needs have no maximum travel, so nothing is cut off")
    args = parser.parse_args()

    t0 = time.perf_counter()
    frame = grid_network()
    net = network_from_frame(frame, speed_column="speed_kmh", source="generated grid")
    t_read = time.perf_counter() - t0
    print(f"network: {net.graph.number_of_edges():,} edges, "
          f"{net.graph.number_of_nodes():,} junctions, built in {t_read:.1f} s")

    rng = np.random.default_rng(2)
    limit = None if args.no_cutoff else 40.0
    needs = [ServiceNeed(f"N{i}", "P", Lot.ETE, "R", "PDU", 1, 0, 1, 10.0, x, y,
                         max_travel_km=limit) for i, (x, y) in enumerate(points(1200, rng))]
    sites = [Site(f"S{j}", f"S{j}", "R", "PDU", SiteKind.MARKET, False, 10, 2, 1000.0, x, y)
             for j, (x, y) in enumerate(points(500, rng))]

    model = NetworkTravelModel(net, engine=args.engine)
    rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0, c0 = time.perf_counter(), time.process_time()
    km = model.distance_km(needs, sites)
    t_km, c_km = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    minutes = model.time_minutes(needs, sites)
    t_min, c_min = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    model.distance_km(needs, sites)
    t_cached = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cut = "no cut-off" if limit is None else f"cut off at {limit:g} km"
    print(f"engine {model.engine}, {len(needs):,} needs x {len(sites):,} sites, {cut}")
    within = np.isfinite(km) if limit is None else km <= limit
    print(f"distance_km matrix: {t_km:.2f} s wall, {c_km:.2f} s CPU ({within.mean():.0%} of "
          "pairs within the largest allowed travel)")
    print(f"time_minutes matrix: {t_min:.2f} s wall, {c_min:.2f} s CPU (never cut off)")
    print(f"cached distance_km again: {t_cached * 1000:.1f} ms")
    print(f"process peak RSS: {rss_before_mb:.0f} MB before the matrices (data and network), "
          f"{rss_mb:.0f} MB after")
    ok = t_km <= 10 and rss_mb <= 1024
    print(f"target (distance matrix <= 10 s, <= 1 GB): {'met' if ok else 'NOT met'}")
    assert minutes is not None


if __name__ == "__main__":
    main()
