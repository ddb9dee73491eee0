"""Which providers share sites in a plan: the co-location graph.

Providers are nodes; two providers are joined when at least one site hosts needs of both, and
the edge lists those sites. The provider view reads a provider's partners from it.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

import networkx as nx

from estates_planner.model import Dataset


class Partner(NamedTuple):
    """A provider sharing sites with another, and the sites they share (sorted ids)."""

    provider: str
    site_ids: tuple[str, ...]


def colocation_graph(dataset: Dataset, result) -> nx.Graph:
    """Providers as nodes and shared sites as edges, for one plan.

    Parameters
    ----------
    dataset
        The project's data (gives each need's provider and lot).
    result
        A ``PlanResult`` (or anything with ``allocations`` of ``need_id``/``site_id``).

    Returns
    -------
    networkx.Graph
        Every provider with a need is a node (``lots``: sorted lot values, ``site_ids``: the
        sites its placed needs use), also one with no partner or nothing placed. An edge
        joins providers using a common site; ``site_ids`` lists the shared sites and
        ``weight`` counts them.
    """
    graph = nx.Graph()
    for provider in dataset.providers:
        lots = sorted({n.lot.value for n in dataset.needs if n.provider == provider})
        graph.add_node(provider, lots=lots, site_ids=[])
    providers_at: dict[str, set[str]] = {}
    for allocation in result.allocations:
        if allocation.site_id is None or not dataset.has_need(allocation.need_id):
            continue
        provider = dataset.need(allocation.need_id).provider
        providers_at.setdefault(allocation.site_id, set()).add(provider)
        sites = graph.nodes[provider]["site_ids"]
        if allocation.site_id not in sites:
            sites.append(allocation.site_id)
    for provider in graph.nodes:
        graph.nodes[provider]["site_ids"].sort()
    for site_id in sorted(providers_at):
        for a, b in combinations(sorted(providers_at[site_id]), 2):
            if graph.has_edge(a, b):
                graph[a][b]["site_ids"].append(site_id)
                graph[a][b]["weight"] += 1
            else:
                graph.add_edge(a, b, site_ids=[site_id], weight=1)
    return graph


def partners(graph: nx.Graph, provider: str) -> list[Partner]:
    """The providers sharing a site with ``provider``, most shared sites first.

    An unknown provider has no partners (an empty list), so a view can ask for any name.
    """
    if provider not in graph:
        return []
    found = [Partner(other, tuple(data["site_ids"])) for other, data in graph[provider].items()]
    return sorted(found, key=lambda p: (-len(p.site_ids), p.provider))
