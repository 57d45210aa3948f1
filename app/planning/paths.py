"""The way along the streets between a route's stops, for a route registered without its legs.

A seller's program that knows only its stops (the README's own example) would show its customers
a straight line through the blocks: the networks the planner and the simulator drive on give the
way a vehicle of that kind takes. A stop off the street map keeps the straight line to it.
"""

from __future__ import annotations

from typing import Any

from app.planning.streets import OFF_MAP_M, street_gap_m
from simulator.world.modes import AIR
from simulator.world.profiles import PROFILES

# One shortest-path search a stop: beyond this many, the straight lines (a seller's program that
# registers such blocks sends its own legs).
MAX_STOPS = 150


def street_legs(city: Any, vehicle: str, station: tuple[float, float],
                stops: list[tuple[float, float]], max_points: int) -> list | None:
    """legs[i] to stop i along the vehicle's streets, and the way back to the station; None when
    the streets cannot say (a drone, too many stops, nothing on the map)."""
    profile = PROFILES.get(vehicle)
    if profile is None or profile.mode == AIR or not stops or len(stops) > MAX_STOPS:
        return None
    net = city.network(profile.mode)
    points = [station, *stops, station]
    on_map = [street_gap_m(net, lat, lon) <= OFF_MAP_M for lat, lon in points]
    if not any(on_map[1:-1]):
        return None
    routes = net.routes([net.snap(lat, lon) for lat, lon in points])
    legs = []
    for a in range(len(points) - 1):
        path = routes.path(a, a + 1) if on_map[a] and on_map[a + 1] else []
        legs.append([points[a], *(net.point(n) for n in path), points[a + 1]])
    if sum(len(leg) for leg in legs) > max_points:
        return None
    return legs
