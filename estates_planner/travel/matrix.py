"""Need -> site travel matrices over a road network (a ``geo.TravelModel``).

Every service-user point and site is snapped to its nearest junction; the journey is the
straight line to that junction, the shortest road path, and the straight line from the far
junction. Shortest paths are run once from each distinct junction on the smaller side (usually
the sites), cut off at the largest travel any need is allowed (R6), so a few hundred Dijkstra
runs cover thousands of needs.

The Dijkstra runs use ``scipy.sparse.csgraph`` when SciPy is installed (about ten times faster
than pure Python) and ``networkx.single_source_dijkstra_path_length`` otherwise; both give the
same numbers.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from estates_planner.errors import NetworkError, ValidationReport
from estates_planner.geo import points_xy
from estates_planner.model import ServiceNeed, Site
from estates_planner.travel.network import ComponentSummary, TravelNetwork

CACHE_COLUMNS = ("network", "key", "measure", "row", "values")
# bytes of float64 distances held at once while running Dijkstra from many sources
_CHUNK_BYTES = 200_000_000

try:  # optional fast path
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import dijkstra as _csgraph_dijkstra
except ImportError:  # pragma: no cover - scipy is present in the reference environment
    _csgraph_dijkstra = None


@dataclass(frozen=True)
class PartMembers:
    """Which sites and service-user points snap into one connected part of the network."""

    component: ComponentSummary
    site_ids: tuple[str, ...]
    need_ids: tuple[str, ...]


@dataclass(frozen=True)
class DisconnectedReport:
    """Where a network in several parts separates sites from service-user points.

    ``parts`` lists only the parts that hold a site or a point, largest first.
    ``unreachable_need_ids`` are needs that no site can be reached from at all;
    ``far_points`` are sites or points farther than the snapping limit from any road.
    """

    parts: tuple[PartMembers, ...]
    component_count: int
    unreachable_need_ids: tuple[str, ...] = ()
    far_points: tuple[str, ...] = ()
    problems: ValidationReport = field(default_factory=ValidationReport)

    @property
    def connected(self) -> bool:
        """True when every site and point is in the same part of the network."""
        return len(self.parts) <= 1

    def lines(self) -> list[str]:
        return [p.message for p in self.problems]


class NetworkTravelModel:
    """Network kilometres and minutes between needs and sites (a ``geo.TravelModel``).

    Parameters
    ----------
    network
        The road graph (see :func:`~estates_planner.travel.read_network`).
    max_snap_km
        Points farther than this from the nearest junction are reported as warnings (they
        still get a journey: the straight line to the junction is added to it).
    snap_speed_kmh
        Speed assumed on the straight stretch between a point and the network, for minutes.
    cutoff_km
        ``"auto"`` cuts km shortest paths at the largest ``max_travel_km`` of the needs (when
        every need has one), which saves most of the work on a large network. A pair cut off
        gets a lower bound instead of its distance (the larger of the straight line and the
        cut-off plus the snaps, a hair more than any need may travel), so R6 still rules it
        out and ``inf`` keeps meaning "no road joins them". ``None`` never cuts; a number
        cuts there. Minutes are never cut.
    engine
        ``"auto"`` (SciPy when installed), ``"scipy"`` or ``"networkx"``.
    """

    def __init__(self, network: TravelNetwork, max_snap_km: float = 2.0,
                 snap_speed_kmh: float = 20.0, cutoff_km: float | str | None = "auto",
                 engine: str = "auto"):
        if engine not in ("auto", "scipy", "networkx"):
            raise ValueError(f"engine must be 'auto', 'scipy' or 'networkx', got {engine!r}")
        if engine == "scipy" and _csgraph_dijkstra is None:
            raise ValueError("engine 'scipy' needs SciPy installed")
        if max_snap_km <= 0 or snap_speed_kmh <= 0:
            raise ValueError("max_snap_km and snap_speed_kmh must be > 0")
        self.network = network
        self.max_snap_km = float(max_snap_km)
        self.snap_speed_kmh = float(snap_speed_kmh)
        self.cutoff_km = cutoff_km
        self.engine = "scipy" if engine == "auto" and _csgraph_dijkstra is not None \
            else ("networkx" if engine == "auto" else engine)
        self.name = f"road network ({network.source})"
        self._cache: dict[str, tuple[str, np.ndarray]] = {}
        self._stored: dict[str, tuple[str, np.ndarray]] = {}
        self._csr: dict[str, object] = {}

    # --- geo.TravelModel ---------------------------------------------------------------
    def distance_km(self, needs: Sequence[ServiceNeed], sites: Sequence[Site]) -> np.ndarray:
        """Network km, rows needs and columns sites; ``inf`` where no road joins them."""
        return self._matrix(needs, sites, "km")

    def time_minutes(self, needs: Sequence[ServiceNeed],
                     sites: Sequence[Site]) -> np.ndarray | None:
        """Quickest network minutes, or None when the network has no speeds or times."""
        if not self.network.has_minutes:
            return None
        return self._matrix(needs, sites, "minutes")

    # --- checks ------------------------------------------------------------------------
    def check(self, needs: Sequence[ServiceNeed], sites: Sequence[Site]) -> ValidationReport:
        """Warnings about points far from the network and parts that separate them."""
        return self.disconnected_report(needs, sites).problems

    def disconnected_report(self, needs: Sequence[ServiceNeed],
                            sites: Sequence[Site]) -> DisconnectedReport:
        """Name the network parts and the sites and points that cannot reach each other."""
        source = self.network.source
        problems = ValidationReport()
        need_nodes, need_snap = self.network.nearest_nodes(points_xy(needs))
        site_nodes, site_snap = self.network.nearest_nodes(points_xy(sites))
        far = []
        for site, snap in zip(sites, site_snap, strict=True):
            if snap > self.max_snap_km:
                far.append(f"site {site.site_id} ({site.name})")
                problems.warning(source, f"site {site.site_id} ({site.name}) is {snap:.1f} km "
                                         "from the nearest junction of the network (more than "
                                         f"{self.max_snap_km:g} km); its journeys start with "
                                         "that straight line")
        for need, snap in zip(needs, need_snap, strict=True):
            if snap > self.max_snap_km:
                far.append(f"need {need.need_id}")
                problems.warning(source, f"the service-user point of need {need.need_id} "
                                         f"({need.pdu}) is {snap:.1f} km from the nearest "
                                         "junction of the network (more than "
                                         f"{self.max_snap_km:g} km)")
        comp = self.network.component_of
        summaries = {c.index: c for c in self.network.components()}
        site_parts = comp[site_nodes] if len(sites) else np.zeros(0, dtype=int)
        need_parts = comp[need_nodes] if len(needs) else np.zeros(0, dtype=int)
        used = sorted(set(site_parts.tolist()) | set(need_parts.tolist()))
        parts = tuple(PartMembers(summaries[i],
                                  tuple(s.site_id for s, p in zip(sites, site_parts,
                                                                  strict=True) if p == i),
                                  tuple(n.need_id for n, p in zip(needs, need_parts,
                                                                  strict=True) if p == i))
                      for i in used)
        site_part_set = set(site_parts.tolist())
        stranded = tuple(n.need_id for n, p in zip(needs, need_parts, strict=True)
                         if p not in site_part_set)
        if len(parts) > 1:
            problems.warning(source, f"the network is in {len(summaries)} separate parts and "
                                     f"the sites and service-user points fall in {len(parts)} "
                                     "of them; no journey crosses between parts")
            for part in parts:
                problems.warning(source, f"{part.component.describe()}: "
                                         f"{_members(part.site_ids, 'site')}; "
                                         f"{_members(part.need_ids, 'need')}")
            for part in parts:
                if part.site_ids and len(part.site_ids) < len(sites):
                    others = len(needs) - len(part.need_ids)
                    if others:
                        problems.warning(source, f"{_members(part.site_ids, 'site')} "
                                                 f"(part {part.component.index}) cannot be "
                                                 f"reached from {others} need"
                                                 f"{'s' if others != 1 else ''} in other parts")
            if stranded:
                problems.warning(source, f"{_members(stranded, 'need')} can reach no site at "
                                         "all: their part of the network has none")
        return DisconnectedReport(parts, len(summaries), stranded, tuple(far), problems)

    # --- cache -------------------------------------------------------------------------
    def to_table(self):
        """Cached matrices as a table for ``project.tables["travel_cache"]``.

        One row per matrix row (need): ``network`` (the network's fingerprint), ``key`` (a
        hash of the needs' and sites' ids and coordinates, in order), ``measure``, ``row``
        and ``values``, the row's float64 values compressed and base64-encoded (exact, and
        about 4 KB for 350 sites). A table saved with another network, or for other needs or
        sites, is simply not used.
        """
        import pandas as pd

        rows = []
        for key, (measure, matrix) in self._cache.items():
            for i, values in enumerate(matrix):
                rows.append((self.network.fingerprint, key, measure, i, _encode_row(values)))
        return pd.DataFrame(rows, columns=list(CACHE_COLUMNS)).astype({"row": "int64"})

    def load_table(self, table) -> int:
        """Take cached matrices from a table written by :meth:`to_table`.

        Rows made with another network are ignored. Returns how many matrices were usable.
        """
        if table is None or len(table) == 0:
            return 0
        missing = [c for c in CACHE_COLUMNS if c not in table.columns]
        if missing:
            raise NetworkError("the travel cache table lacks column "
                               f"{', '.join(missing)}; delete it and it is rebuilt")
        mine = table[table["network"].astype(str) == self.network.fingerprint]
        loaded = 0
        for key, rows in mine.groupby("key", sort=False):
            rows = rows.sort_values("row")
            try:
                matrix = np.vstack([_decode_row(v) for v in rows["values"]])
            except ValueError:
                continue  # a damaged or odd-shaped entry is recomputed
            if list(rows["row"]) != list(range(len(rows))):
                continue
            self._stored[str(key)] = (str(rows["measure"].iloc[0]), matrix)
            loaded += 1
        return loaded

    @classmethod
    def from_table(cls, network: TravelNetwork, table, **kwargs) -> NetworkTravelModel:
        """A model over ``network`` that starts with the matrices cached in ``table``."""
        model = cls(network, **kwargs)
        model.load_table(table)
        return model

    # --- internals ---------------------------------------------------------------------
    def _cutoff(self, needs: Sequence[ServiceNeed], measure: str) -> float | None:
        if measure != "km" or self.cutoff_km is None:
            return None
        if self.cutoff_km != "auto":
            return float(self.cutoff_km)
        limits = [n.max_travel_km for n in needs]
        if not limits or any(x is None for x in limits):
            return None
        return float(max(limits))

    def _key(self, needs: Sequence[ServiceNeed], sites: Sequence[Site], measure: str,
             cutoff: float | None) -> str:
        h = hashlib.sha256()
        h.update(f"{self.network.fingerprint}|{measure}|{cutoff}|{self.snap_speed_kmh}|"
                 .encode())
        for item_id, xy in ([(n.need_id, n.xy) for n in needs] + [("|", (0, 0))]
                            + [(s.site_id, s.xy) for s in sites]):
            h.update(f"{item_id}:{xy[0]:.1f},{xy[1]:.1f};".encode())
        return h.hexdigest()[:24]

    def _matrix(self, needs: Sequence[ServiceNeed], sites: Sequence[Site],
                measure: str) -> np.ndarray:
        needs, sites = list(needs), list(sites)
        cutoff = self._cutoff(needs, measure)
        key = self._key(needs, sites, measure, cutoff)
        hit = self._cache.get(key)
        if hit is None and key in self._stored:
            measure_stored, matrix = self._stored.pop(key)
            if matrix.shape == (len(needs), len(sites)) and measure_stored == measure:
                hit = (measure, matrix)
                self._cache[key] = hit
        if hit is not None:
            return hit[1].copy()
        matrix = self._compute(needs, sites, measure, cutoff)
        self._cache[key] = (measure, matrix)
        return matrix.copy()

    def _compute(self, needs, sites, measure: str, cutoff: float | None) -> np.ndarray:
        if not needs or not sites:
            return np.zeros((len(needs), len(sites)))
        need_xy, site_xy = points_xy(needs), points_xy(sites)
        need_nodes, need_snap = self.network.nearest_nodes(need_xy)
        site_nodes, site_snap = self.network.nearest_nodes(site_xy)
        weight = "length_km" if measure == "km" else "minutes"
        if measure == "minutes":
            need_snap = need_snap / self.snap_speed_kmh * 60.0
            site_snap = site_snap / self.snap_speed_kmh * 60.0
        u_need, need_pos = np.unique(need_nodes, return_inverse=True)
        u_site, site_pos = np.unique(site_nodes, return_inverse=True)
        if len(u_site) <= len(u_need):
            table = self._node_distances(u_site, u_need, weight, cutoff)  # sites x needs
            path = table[np.ix_(site_pos.ravel(), need_pos.ravel())].T
        else:
            table = self._node_distances(u_need, u_site, weight, cutoff)  # needs x sites
            path = table[np.ix_(need_pos.ravel(), site_pos.ravel())]
        matrix = path + need_snap[:, None] + site_snap[None, :]
        d = need_xy[:, None, :] - site_xy[None, :, :]
        direct_km = np.hypot(d[..., 0], d[..., 1]) / 1000.0
        if cutoff is not None:
            # cut off, yet in the same part of the network: not unreachable, only farther than
            # any need may travel. A lower bound keeps inf meaning "no road" and still fails
            # R6 for every need (strictly more than the cut-off).
            comp = self.network.component_of
            beyond = np.isinf(matrix) & (comp[need_nodes][:, None] == comp[site_nodes][None, :])
            bound = np.nextafter(np.maximum(direct_km, cutoff + need_snap[:, None]
                                            + site_snap[None, :]), np.inf)
            matrix = np.where(beyond, bound, matrix)
        same = need_nodes[:, None] == site_nodes[None, :]
        if same.any():
            # both ends snap to one junction: the direct line, not out and back again
            direct = direct_km if measure == "km" else direct_km / self.snap_speed_kmh * 60.0
            matrix = np.where(same, direct, matrix)
        return matrix

    def _node_distances(self, sources: np.ndarray, targets: np.ndarray, weight: str,
                        cutoff: float | None) -> np.ndarray:
        """Shortest-path lengths, rows ``sources`` and columns ``targets`` (node indices)."""
        if self.engine == "scipy":
            return self._scipy_distances(sources, targets, weight, cutoff)
        graph = self.network.graph
        n = graph.number_of_nodes()
        out = np.empty((len(sources), len(targets)))
        for i, source in enumerate(sources.tolist()):
            lengths = nx.single_source_dijkstra_path_length(graph, source, cutoff=cutoff,
                                                            weight=weight)
            row = np.full(n, np.inf)
            row[np.fromiter(lengths.keys(), dtype=int, count=len(lengths))] = \
                np.fromiter(lengths.values(), dtype=float, count=len(lengths))
            out[i] = row[targets]
        return out

    def _scipy_distances(self, sources: np.ndarray, targets: np.ndarray, weight: str,
                         cutoff: float | None) -> np.ndarray:
        csr = self._csr.get(weight)
        n = self.network.graph.number_of_nodes()
        if csr is None:
            edges = np.array([(u, v, d[weight]) for u, v, d
                              in self.network.graph.edges(data=True)], dtype=float)
            csr = coo_array((edges[:, 2], (edges[:, 0].astype(int), edges[:, 1].astype(int))),
                            shape=(n, n)).tocsr()
            self._csr[weight] = csr
        limit = np.inf if cutoff is None else cutoff
        chunk = max(1, _CHUNK_BYTES // (8 * max(n, 1)))
        out = np.empty((len(sources), len(targets)))
        for start in range(0, len(sources), chunk):
            block = _csgraph_dijkstra(csr, directed=False, indices=sources[start:start + chunk],
                                      limit=limit)
            out[start:start + chunk] = block[:, targets]
        return out


def _encode_row(values: np.ndarray) -> str:
    return base64.b64encode(zlib.compress(np.asarray(values, dtype="<f8").tobytes())).decode()


def _decode_row(text: object) -> np.ndarray:
    try:
        raw = zlib.decompress(base64.b64decode(str(text), validate=True))
    except (ValueError, zlib.error) as exc:
        raise ValueError("not a cached travel row") from exc
    return np.frombuffer(raw, dtype="<f8").copy()


def _members(ids: Sequence[str], noun: str, limit: int = 8) -> str:
    if not ids:
        return f"no {noun}s"
    shown = ", ".join(ids[:limit])
    if len(ids) > limit:
        shown += f" and {len(ids) - limit} more"
    return f"{noun}{'s' if len(ids) != 1 else ''} {shown}"
