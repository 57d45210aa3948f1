"""The default store: plain dicts in this process. A restart loses everything."""

from __future__ import annotations

import copy
import threading

from .base import Record, Store


class MemoryStore(Store):
    name = "memory"

    def __init__(self) -> None:
        self._routes: dict[str, Record] = {}
        self._progress: dict[str, Record] = {}
        self._shipments: dict[str, Record] = {}
        self._tokens: dict[str, str] = {}
        self._drivers: dict[str, str] = {}
        self._seller_routes: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def add_route(self, route, shipments, progress, driver_token_hash):
        with self._lock:
            self._routes[route["id"]] = copy.deepcopy(route)
            self._progress[route["id"]] = copy.deepcopy(progress)
            for s in shipments:
                self._shipments[s["tracking_id"]] = dict(s)
                self._tokens[s["token"]] = s["tracking_id"]
            self._drivers[driver_token_hash] = route["id"]
            self._seller_routes.setdefault(route["seller_id"], []).append(route["id"])

    def get_route(self, route_id):
        return copy.deepcopy(self._routes.get(route_id))

    def route_for_driver(self, driver_token_hash):
        return self._drivers.get(driver_token_hash)

    def seller_routes(self, seller_id):
        return list(self._seller_routes.get(seller_id, ()))

    # Copies in and out, so that a caller mutating a record never changes the stored one:
    # the same contract Redis gives for free.
    def get_progress(self, route_id):
        return copy.deepcopy(self._progress.get(route_id))

    def put_progress(self, route_id, progress):
        self._progress[route_id] = copy.deepcopy(progress)

    def get_shipment(self, tracking_id):
        s = self._shipments.get(tracking_id)
        return dict(s) if s else None

    def shipment_for_token(self, token):
        return self._tokens.get(token)

    def ping(self):
        return True
