"""Forgetting: personal data goes RETENTION_DAYS after a route's final status or last activity.

Each route gets an index record when it is registered (its id, seller, tracking ids, token and
driver hashes: no personal data) and a place on the `retention` timetable, due RETENTION after
registration. When every shipment reaches a final status the due time moves to RETENTION after
that moment, and with Redis the route's keys get a TTL then as well, so Redis forgets them even
if no process sweeps. The sweep (every RETENTION_SWEEP seconds, in one process at a time per
item, like any timetable) takes due routes; one still active is put back, RETENTION after its
last activity; the rest is deleted: the route, progress, shipments and their names and
addresses, link tokens, the driver token, the position history, text sign-ups (phone numbers),
delivery instructions and feedback,
the messages and webhook deliveries about it, the driver link, the proof photos and the
seller's index entry. Dashboard sessions
past their lifetime go in the same sweep.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from app.access.driver_links import DriverLinks
from app.access.sessions import Sessions
from app.customer import instructions
from app.customer.feedback import Feedback
from app.domain.model import FINAL_STATUSES, STATUSES, Route, Shipment
from app.domain.tracking import StatusChange
from app.live.reads import RUN_CLOCK, WITHDRAWN, Reads
from app.notify import messages as outbox
from app.notify import once, subscriptions
from app.store import Store

log = logging.getLogger(__name__)
KIND = "retention"


class Retention:
    def __init__(self, store: Store, seconds: float, clock: Callable[[], float] = time.time,
                 reads: Reads | None = None, live=None, routes=None, photos=None, *,
                 feedback: Feedback, driver_links: DriverLinks, sessions: Sessions) -> None:
        self.store, self.seconds, self.clock = store, seconds, clock
        # The registry's own parts (app/wiring.py), each forgetting what it keeps.
        self.feedback, self.driver_links, self.sessions = feedback, driver_links, sessions
        self.photos = photos  # proof photos (app/proof/photos.py), files and records
        self.reads = reads  # the live progress: is every shipment final, when was it last active?
        self.live = live  # this process's live progress, forgotten with the route
        self.routes = routes  # this process's route cache, forgotten with the route

    def shorten(self, route_id: str, seconds: float) -> None:
        """Keep this route only `seconds` after it is done: the demo fleet's own routes
        (DEMO_RETENTION), which come around the clock and would fill the store for a month.
        By route, never by seller: a seller's real routes keep the full retention."""
        index = self.store.get_doc(KIND, route_id)
        if index is not None and seconds < index.get("keep_s", self.seconds):
            index["keep_s"] = seconds
            self.store.put_doc(KIND, route_id, index)

    def registered(self, route: Route, shipments: list[Shipment]) -> None:
        """Note what the route stored, and when to look at it again."""
        now = self.clock()
        keep = self.seconds
        self.store.put_doc(KIND, route.id, {
            "route_id": route.id, "seller_id": route.seller_id, "created_at": now,
            "final_at": None, "keep_s": keep, "tracking_ids": [s.tracking_id for s in shipments],
            "token_hashes": [s.token_hash for s in shipments],
            "driver_hash": route.driver_token_hash})
        self.store.schedule(KIND, route.id, now + keep)

    def on_status(self, route: Route, changes: list[StatusChange]) -> None:
        """Ingest's status callback: once every shipment is final, count from now."""
        if not any(c.status in FINAL_STATUSES for c in changes) or self.reads is None:
            return
        progress = self.reads.progress(route.id)
        if progress is None or any(s.status not in FINAL_STATUSES
                                   for s in progress.shipments.values()):
            return
        index = self.store.get_doc(KIND, route.id)
        if index is None:
            return
        now, keep = self.clock(), index.get("keep_s", self.seconds)
        index["final_at"] = now
        self.store.put_doc(KIND, route.id, index)
        self.store.schedule(KIND, route.id, now + keep)
        self.store.expire_route(index, now + keep)

    def due(self, index: dict, now: float) -> float:
        """When the route may go: RETENTION after its final status or last activity. Fix and
        event times come from the driver's clock: one outside registration..now is not used."""
        created = index["created_at"]
        progress = self.reads.progress(index["route_id"]) if self.reads is not None else None
        updated = progress.updated_at if progress is not None else None
        active = updated if isinstance(updated, int | float) and created <= updated <= now \
            else created
        return max(active, index.get("final_at") or created) + index.get("keep_s", self.seconds)

    def sweep(self, limit: int = 200) -> int:
        """Forget the routes whose time has come; answer how many."""
        now = self.clock()
        gone = []
        for route_id in self.store.claim_due(KIND, now, limit):
            index = self.store.get_doc(KIND, route_id)
            if index is None:
                continue
            due = self.due(index, now)
            if due > now:
                self.store.schedule(KIND, route_id, due)
                continue
            self.forget(index)
            gone.append(route_id)
        if gone:
            self.forget_messages(set(gone))
            log.info("retention: forgot %d routes", len(gone))
        # A withdrawn route's links say so for RETENTION, then are unknown like any other.
        for key in self.store.claim_due(WITHDRAWN, now, limit):
            self.store.delete_doc(WITHDRAWN, key)
        self.sessions.sweep()
        if self.photos is not None:
            self.photos.sweep()  # PHOTO_RETENTION_DAYS, when photos go before their route
        return len(gone)

    def forget(self, index: dict) -> None:
        route_id = index["route_id"]
        self.store.forget_route(index)
        for tid in index["tracking_ids"]:
            self.store.delete_doc(subscriptions.KIND, tid)
            self.store.delete_doc(instructions.KIND, tid)
            for status in STATUSES:
                self.store.delete_log(once.KIND, f"{tid}:{status}")
        self.store.delete_log(once.KIND, f"{route_id}:started")
        self.store.delete_doc(RUN_CLOCK, route_id)
        self.feedback.forget(index["seller_id"], index["tracking_ids"])
        self.driver_links.forget(route_id)
        if self.photos is not None:
            self.photos.forget(route_id)
        # This process's caches too (other processes find the route gone and forget it then).
        if self.live is not None:
            self.live.forget(route_id)
        if self.routes is not None:
            self.routes.forget(route_id)
        self.store.delete_doc(KIND, route_id)

    def forget_messages(self, route_ids: set[str]) -> None:
        """Texts (phone numbers, bodies) and webhook deliveries about the forgotten routes."""
        for doc in self.store.list_docs(outbox.KIND):
            if doc.get("route_id") in route_ids:
                self.store.unschedule(outbox.KIND, doc["id"])
                self.store.delete_doc(outbox.KIND, doc["id"])
                self.store.delete_log(once.KIND, doc["id"])

    def run_forever(self, interval: float, sleep: Callable[[float], None]) -> None:
        while True:
            sleep(interval)
            try:
                while self.sweep() > 0:  # a backlog goes at once, a batch at a time
                    sleep(0)
            except Exception:  # the store is away: try again next time
                log.exception("retention sweep failed")


def init_app(app, socketio, retention: Retention | None) -> None:
    """Start this process's sweep on socketio's loop; tests call `sweep()` with their clock."""
    interval = app.config["RETENTION_SWEEP"]
    if interval > 0 and not app.testing and retention is not None:
        socketio.start_background_task(retention.run_forever, interval, socketio.sleep)
