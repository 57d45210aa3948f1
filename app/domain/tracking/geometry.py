"""The planned path of a route, built once per route and cached (never stored in Progress)."""

from __future__ import annotations

from collections import OrderedDict

from app.domain.geo import Path, haversine_m
from app.domain.model import Route

_CACHE: OrderedDict[tuple, Path] = OrderedDict()
_CACHE_SIZE = 4096


def route_path(route: Route) -> Path:
    """The route's path: station, leg 0 to stop 0, leg 1 to stop 1, ... (marks: stop i)."""
    # Ids are unique in one store, but tests and replays reuse them: the ends of the route
    # and the size of the plan tell two routes of the same id apart cheaply.
    last = route.stops[-1] if route.stops else route.station
    key = (route.id, route.created_at, len(route.stops), len(route.legs), last.lat, last.lon)
    path = _CACHE.get(key)
    if path is None:
        path = _build(route)
        _CACHE[key] = path
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return path


def _build(route: Route) -> Path:
    points: list[tuple[float, float]] = [(route.station.lat, route.station.lon)]
    marks: list[int] = []
    targets = [(s.lat, s.lon) for s in route.stops]
    for i, target in enumerate(targets):
        leg = route.legs[i] if i < len(route.legs) else []
        _extend(points, [tuple(p) for p in leg])
        # Legs end at their stop by contract; a leg that stops short (or is missing) is joined
        # to the stop by a straight line so remaining distances always reach the door.
        _extend(points, [target])
        marks.append(len(points) - 1)
    if len(route.legs) > len(targets) and route.legs[len(targets)]:
        _extend(points, [tuple(p) for p in route.legs[len(targets)]])
    return Path(points, marks)


def _extend(points: list[tuple[float, float]], more: list[tuple[float, float]]) -> None:
    for lat, lon in more:
        last_lat, last_lon = points[-1]
        if haversine_m(last_lat, last_lon, lat, lon) > 0.5:
            points.append((float(lat), float(lon)))
