"""The read side: what a customer link or a seller may see, computed by the engine's views.

The JSON API, the socket snapshot and the broadcaster all read through here, so the privacy view
is applied in one place.
"""

from __future__ import annotations

import time
from typing import Any

from app.domain.hours import latest
from app.domain.model import FINAL_STATUSES, Route, Shipment
from app.domain.tracking import Progress, Settings
from app.domain.view import customer_view, route_summary
from app.live.route_cache import RouteCache
from app.store import Store


class LinkExpired(LookupError):
    """A customer link past LINK_TTL_AFTER_DELIVERY: answered 404 "expired" everywhere."""


class Reads:
    link_ttl = 14 * 86400.0  # set from config by build_services
    live = None  # LiveProgress, set by build_services

    def __init__(self, store: Store, routes: RouteCache, settings: Settings) -> None:
        self.store = store
        self.routes = routes
        self.settings = settings

    def shipment_for_token(self, token: str) -> Shipment | None:
        """The shipment behind a customer link; raises LinkExpired once the link has expired."""
        if not token or len(token) > 100:
            return None
        tid = self.store.shipment_for_token(token)
        raw = self.store.get_shipment(tid) if tid else None
        shipment = Shipment(**raw) if raw else None
        if shipment is not None and self._expired(shipment):
            raise LinkExpired(shipment.tracking_id)
        return shipment

    def _expired(self, shipment: Shipment) -> bool:
        """Expired LINK_TTL_AFTER_DELIVERY after the shipment's final status."""
        loaded = self.route_state(shipment.route_id)
        ship = loaded[1].shipments.get(shipment.tracking_id) if loaded else None
        if not ship or ship.status not in FINAL_STATUSES or not ship.timeline:
            return False
        # Event times come from the driver's clock (a replay may be years old): never count from
        # before the route was registered with this server.
        final_at = latest(ship.timeline[-1].at, loaded[0].created_at)  # either may be absurd
        return final_at is not None and time.time() > final_at + self.link_ttl

    def view_for_token(self, token: str) -> tuple[Shipment, dict[str, Any]] | None:
        """The shipment behind a customer link and its customer view: what the API, the page and
        the socket all answer. None for an unknown link; raises LinkExpired as above."""
        shipment = self.shipment_for_token(token)
        view = self.customer_view(shipment) if shipment else None
        return (shipment, view) if view is not None else None

    def customer_view(self, shipment: Shipment) -> dict[str, Any] | None:
        loaded = self.route_state(shipment.route_id)
        if loaded is None:
            return None
        route, progress, _ = loaded
        return customer_view(route, progress, shipment, self.settings, now=time.time())

    def route_state(self, route_id: str) -> tuple[Route, Progress, list[Shipment]] | None:
        """A route, its progress and its shipments, read once for every view of it."""
        route = self.routes.get(route_id)
        if route is None:
            return None
        if self.live is not None:  # this process's live progress first (app/live/write_behind.py)
            progress = self.live.get(route_id)
        else:
            raw = self.store.get_progress(route_id)
            progress = Progress.from_dict(raw) if raw is not None else None
        if progress is None:
            return None
        return route, progress, self.routes.shipments(route)

    def route_summary(self, route_id: str) -> dict[str, Any] | None:
        loaded = self.route_state(route_id)
        if loaded is None:
            return None
        route, progress, shipments = loaded
        return route_summary(route, progress, shipments, self.settings)

    def fleet(self, seller_id: str, limit: int = 500) -> dict[str, Any]:
        """The seller's most recent routes, newest last, for the dashboard snapshot."""
        ids = self.store.seller_routes(seller_id)[-limit:]
        return {"routes": [s for s in map(self.route_summary, ids) if s is not None]}
