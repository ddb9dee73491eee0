"""Travel over a road network: network import, distance/time matrices, catchments,
the co-location graph and the service-user view of a plan.

``NetworkTravelModel`` is a ``geo.TravelModel``: set it as ``scenario.travel`` and the optimiser
uses network km (R6, travel cost) or minutes (``settings.travel_measure``).
"""

from estates_planner.travel.catchment import catchment
from estates_planner.travel.colocation import Partner, colocation_graph, partners
from estates_planner.travel.matrix import DisconnectedReport, NetworkTravelModel, PartMembers
from estates_planner.travel.network import (
    ComponentSummary,
    TravelNetwork,
    network_from_frame,
    network_from_stored_layer,
    read_network,
)
from estates_planner.travel.service_users import (
    Journey,
    PduJourneys,
    ServiceUserView,
    service_user_view,
)
from estates_planner.travel.stored import (
    CACHE_TABLE,
    load_network,
    model_from_project,
    store_cache,
    store_network,
)

__all__ = [
    "CACHE_TABLE", "load_network", "model_from_project", "store_cache", "store_network",
    "ComponentSummary", "DisconnectedReport", "Journey", "NetworkTravelModel", "Partner",
    "PartMembers", "PduJourneys", "ServiceUserView", "TravelNetwork", "catchment",
    "colocation_graph", "network_from_frame", "network_from_stored_layer", "partners",
    "read_network", "service_user_view",
]
