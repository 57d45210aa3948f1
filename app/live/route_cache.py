"""Parsed routes and their shipments kept per process: neither changes after registration."""

from __future__ import annotations

from app.domain.model import Route, Shipment
from app.store import Store

CACHE_SIZE = 20000


class RouteCache:
    def __init__(self, store: Store, size: int = CACHE_SIZE) -> None:
        self._store = store
        self._size = size
        self._routes: dict[str, Route] = {}
        self._shipments: dict[str, list[Shipment]] = {}

    def get(self, route_id: str) -> Route | None:
        route = self._routes.get(route_id)
        if route is None:
            raw = self._store.get_route(route_id)
            if raw is None:
                return None
            route = Route.from_dict(raw)
            self.put(route)
        return route

    def shipments(self, route: Route) -> list[Shipment]:
        """The route's shipments in stop order, read from the store once."""
        found = self._shipments.get(route.id)
        if found is None:
            ids = [t for stop in route.stops for t in stop.shipments]
            found = [Shipment(**s) for s in self._store.get_shipments(ids)]
            self._shipments[route.id] = found
        return found

    def forget(self, route_id: str) -> None:
        self._routes.pop(route_id, None)
        self._shipments.pop(route_id, None)

    def put(self, route: Route) -> None:
        if len(self._routes) >= self._size:
            # Crude, but a miss only costs one store read.
            self._routes.clear()
            self._shipments.clear()
        self._routes[route.id] = route
