"""Parsed routes kept per process: a route never changes after it is registered."""

from __future__ import annotations

from .domain.model import Route
from .store import Store

CACHE_SIZE = 20000


class RouteCache:
    def __init__(self, store: Store, size: int = CACHE_SIZE) -> None:
        self._store = store
        self._size = size
        self._routes: dict[str, Route] = {}

    def get(self, route_id: str) -> Route | None:
        route = self._routes.get(route_id)
        if route is None:
            raw = self._store.get_route(route_id)
            if raw is None:
                return None
            route = Route.from_dict(raw)
            self.put(route)
        return route

    def put(self, route: Route) -> None:
        if len(self._routes) >= self._size:
            self._routes.clear()  # crude, but a miss only costs one store read
        self._routes[route.id] = route
