"""Whether a place is on the street map: a pin a courier can reach by its streets.

A place the map's streets do not reach (outside the extract, or an island of it the networks do
not join) was planned as the crow flies, from the nearest street corner: it is refused instead,
at import time (the walking network, the densest) and when a block is planned (its vehicle's).
"""

from __future__ import annotations

from simulator.world.geo import haversine_m
from simulator.world.maps import CityMap
from simulator.world.modes import WALKING
from simulator.world.network import Network

# A house stands back from its street, and a pedestrian street has no van lane: beyond this from
# the nearest node of the network, no street of the map leads to the door.
OFF_MAP_M = 250.0


def street_gap_m(net: Network, lat: float, lon: float) -> float:
    """Metres from the place to the nearest point of the network."""
    return haversine_m(lat, lon, *net.point(net.snap(lat, lon)))


def off_map(city: CityMap, lat: float, lon: float, net: Network | None = None) -> str | None:
    """Why the place is off the street map, or None when its streets reach it."""
    gap = street_gap_m(net or city.network(WALKING), lat, lon)
    if gap <= OFF_MAP_M:
        return None
    return f"off the street map: {gap:,.0f} m from its nearest street"
