"""The read side: what a customer link or a seller may see, computed by the engine's views.

The JSON API, the pages and reports, the socket snapshot and the broadcaster all read routes,
shipments, progress and position history through here, so the privacy view is applied in one
place and the live progress (app/live/write_behind.py) is never bypassed for a stale copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.access.driver_links import PREFIX as DRIVER_LINK
from app.access.driver_links import DriverLinks
from app.access.tokens import hash_token
from app.domain.hours import latest
from app.domain.model import FINAL_STATUSES, Route, Shipment
from app.domain.run_clock import RunClock
from app.domain.tracking import Progress, Settings
from app.domain.view import customer_view, route_summary
from app.live import devices
from app.live.route_cache import RouteCache
from app.live.write_behind import LiveProgress
from app.store import Store, StoreUnavailable


class LinkExpired(LookupError):
    """A customer link past LINK_TTL_AFTER_DELIVERY: answered 404 "expired" everywhere."""


# A route whose stamps come from a sped-up run (the demo's simulator) keeps its clock here,
# written by the launcher that started it (app/ops/demo.py).
RUN_CLOCK = "run_clock"

# A customer link whose route the seller withdrew (app/live/withdraw.py) keeps this mark.
WITHDRAWN = "withdrawn"


class LinkWithdrawn(LookupError):
    """A customer link whose route the seller withdrew: answered 410 everywhere."""


class Reads:
    def __init__(self, store: Store, routes: RouteCache, settings: Settings,
                 live: LiveProgress, link_ttl: float,
                 driver_links: DriverLinks | None = None, *,
                 clock: Callable[[], float]) -> None:
        self._store = store
        self.clock = clock  # the registry's (app/wiring.py): every "now" of the views
        self._routes = routes
        self.settings = settings  # the engine's settings, for views computed elsewhere
        # Progress lives in the ingesting process (app/live/write_behind.py); views read it there.
        self._live = live
        self.link_ttl = link_ttl  # LINK_TTL_AFTER_DELIVERY, in seconds
        self._driver_links = driver_links  # the driver app's revocable links (da_ tokens)
        self._drivers: dict[str, str] = {}  # driver token hash -> route id: they never change
        self._clocks: dict[str, RunClock | None] = {}  # route id -> its run clock: never changes
        self._clock_asked: dict[str, float] = {}  # a young route with none yet: when last read

    def route(self, route_id: str) -> Route | None:
        """A route as registered (cached per process: a route never changes)."""
        return self._routes.get(route_id)

    def route_for_driver_token(self, driver_token: str) -> str | None:
        """The route a driver token (API token or driver link) may write to, or None."""
        if driver_token.startswith(DRIVER_LINK) and self._driver_links is not None:
            return self._driver_links.route_for(driver_token)  # not cached: links are revoked
        h = hash_token(driver_token)
        rid = self._drivers.get(h)
        if rid is None:
            rid = self._store.route_for_driver(h)
            if rid is not None:
                self._drivers[h] = rid
        elif self._routes.get(rid) is None:
            # Withdrawn or forgotten since (app/live/withdraw.py, retention): the token is
            # unknown now, not a route that is missing halfway through a request (a 500).
            self._drivers.pop(h, None)
            return None
        return rid

    def forget(self, route_id: str) -> None:
        """Drop what is cached for a route deleted from the store (ingest finds it gone and
        says so): its driver tokens and run clock."""
        self._drivers = {h: r for h, r in self._drivers.items() if r != route_id}
        self._clocks.pop(route_id, None)
        self._clock_asked.pop(route_id, None)

    def shipment_records(self, tracking_ids: list[str]) -> list[dict[str, Any]]:
        """Several shipments' stored records as they are, the unknown ones left out."""
        return self._store.get_shipments(tracking_ids)

    def saving_failed(self) -> StoreUnavailable | None:
        """Why the store last refused the progress written behind (None: it did not)."""
        return self._live.failing

    def shipment(self, tracking_id: str) -> Shipment | None:
        """A shipment by tracking id; the caller decides who may see it."""
        raw = self._store.get_shipment(tracking_id)
        return Shipment(**raw) if raw else None

    def shipment_record(self, tracking_id: str) -> dict[str, Any] | None:
        """A shipment's stored record as it is (texts and webhooks read its fields)."""
        return self._store.get_shipment(tracking_id)

    def route_for_device(self, device_id: str) -> str | None:
        """The route a phone's device id feeds (app/live/devices.py), or None."""
        return devices.route_for(self._store, device_id)

    def device_held_by(self, device_id: str, seller_id: str) -> bool:
        """Whether this seller already holds the device id (the driver's next block)."""
        return devices.held_by(self._store, device_id, seller_id)

    def seller_routes(self, seller_id: str) -> list[str]:
        """The seller's route ids, oldest first."""
        return self._store.seller_routes(seller_id)

    def progress(self, route_id: str) -> Progress | None:
        """The route's progress: this process's live one (the store's lags WRITE_BEHIND)."""
        return self._live.get(route_id)

    def positions(self, route_id: str) -> list[dict]:
        """The route's accepted fixes, oldest first, including those not written behind yet."""
        return self._live.history(route_id)

    def shipment_for_token(self, token: str) -> Shipment | None:
        """The shipment behind a customer link; raises LinkExpired once the link has expired."""
        if not token or len(token) > 100:
            return None
        key = hash_token(token)
        tid = self._store.shipment_for_token(key)
        if tid is None and self._store.get_doc(WITHDRAWN, key) is not None:
            raise LinkWithdrawn(key)  # the seller took the route back (app/live/withdraw.py)
        raw = self._store.get_shipment(tid) if tid else None
        shipment = Shipment(**raw) if raw else None
        if shipment is not None and self._expired(shipment):
            raise LinkExpired(shipment.tracking_id)
        return shipment

    def _expired(self, shipment: Shipment) -> bool:
        loaded = self.route_state(shipment.route_id)
        return loaded is not None and self.link_expired(loaded[0], loaded[1], shipment)

    def link_expired(self, route: Route, progress: Progress, shipment: Shipment) -> bool:
        """Expired LINK_TTL_AFTER_DELIVERY after the shipment's final status: asked when a link
        is opened and again for every frame its open sockets would get."""
        ship = progress.shipments.get(shipment.tracking_id)
        if not ship or ship.status not in FINAL_STATUSES or not ship.timeline:
            return False
        # Event times come from the driver's clock (a replay may be years old): never count from
        # before the route was registered with this server.
        final_at = latest(ship.timeline[-1].at, route.created_at)  # either may be absurd
        return final_at is not None and self.clock() > final_at + self.link_ttl

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
        return customer_view(route, progress, shipment, self.settings, now=self.clock(),
                             clock=self.run_clock(route))

    def run_clock(self, route: Route) -> RunClock | None:
        """The sped-up run's clock the route's stamps are on, or None: the real one."""
        if route.id not in self._clocks:
            now = self.clock()
            # Every view of every route asks, each tick: a young route without one yet is read
            # again at most once a second (at once in the process that records it), not per view.
            if now < self._clock_asked.get(route.id, -1.0) + 1.0:
                return None
            clock = RunClock.from_record(self._store.get_doc(RUN_CLOCK, route.id))
            # The launcher records it as it reads the route's link, just after registration:
            # until a minute has passed, no clock yet is not taken as none.
            if clock is None and now < route.created_at + 60:
                if len(self._clock_asked) > 10_000:
                    self._clock_asked.clear()
                self._clock_asked[route.id] = now
                return None
            self._clock_asked.pop(route.id, None)
            if len(self._clocks) > 10_000:
                self._clocks.clear()
            self._clocks[route.id] = clock
        return self._clocks[route.id]

    def run_clock_recorded(self, route_id: str) -> None:
        """The launcher has just recorded a route's run clock: read it at the next view."""
        self._clock_asked.pop(route_id, None)

    def route_state(self, route_id: str) -> tuple[Route, Progress, list[Shipment]] | None:
        """A route, its progress and its shipments, read once for every view of it."""
        route = self._routes.get(route_id)
        if route is None:
            return None
        progress = self._live.get(route_id)  # this process's live progress, else the store's
        if progress is None:
            return None
        return route, progress, self._routes.shipments(route)

    def route_summary(self, route_id: str) -> dict[str, Any] | None:
        loaded = self.route_state(route_id)
        if loaded is None:
            return None
        route, progress, shipments = loaded
        return route_summary(route, progress, shipments, self.settings, self.run_clock(route))

    def fleet(self, seller_id: str, limit: int = 500) -> dict[str, Any]:
        """The seller's most recent routes, newest last, for the dashboard snapshot."""
        ids = self.seller_routes(seller_id)[-limit:]
        return {"routes": [s for s in map(self.route_summary, ids) if s is not None]}
