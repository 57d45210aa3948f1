"""The only place that emits to sockets: coalesced, one frame per room per tick.

Ingest marks routes dirty; once per BROADCAST_INTERVAL the broadcaster reads each dirty route once,
computes every shipment's customer view and the seller's summary, and emits only what changed.
Bursts collapse to the latest state (latest position wins), so a slow viewer never falls behind
and the Redis message queue carries coalesced frames, not raw fixes.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict

from flask_socketio import SocketIO

from .domain.view import customer_view, route_summary
from .reads import Reads

log = logging.getLogger(__name__)

# Event names, listed once here and once in app/static/js/events.js.
SNAPSHOT, VIEW, FLEET = "snapshot", "view", "fleet"


def shipment_room(tracking_id: str) -> str:
    return f"shipment:{tracking_id}"


def seller_room(seller_id: str) -> str:
    return f"seller:{seller_id}"


class Broadcaster:
    def __init__(self, socketio: SocketIO, reads: Reads, interval: float) -> None:
        self.socketio = socketio
        self.reads = reads
        self.interval = interval
        self._dirty: set[str] = set()
        self._last: dict[str, str] = {}  # room -> last frame sent, to skip repeats
        self._task = None

    def touch(self, route_id: str) -> None:
        """Note that a route changed; it is sent at the next tick."""
        self._dirty.add(route_id)
        if self._task is None:
            self._task = self.socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            self.socketio.sleep(self.interval)
            try:
                self.flush()
            except Exception:  # one bad route must not stop every viewer's updates
                log.exception("broadcast tick failed")

    def flush(self) -> int:
        """Send every dirty route's changed views; answer how many frames were sent."""
        dirty, self._dirty = self._dirty, set()
        sent = 0
        fleets: dict[str, list[dict]] = defaultdict(list)
        now = time.time()
        for route_id in dirty:
            loaded = self.reads.route_state(route_id)
            if loaded is None:
                continue
            route, progress, shipments = loaded
            for shipment in shipments:
                view = customer_view(route, progress, shipment, self.reads.settings, now=now)
                sent += self._send(VIEW, view, shipment_room(shipment.tracking_id))
            summary = route_summary(route, progress, shipments, self.reads.settings)
            fleets[route.seller_id].append(summary)
        for seller_id, routes in fleets.items():
            self.socketio.emit(FLEET, {"routes": routes}, to=seller_room(seller_id))
            sent += 1
        return sent

    def _send(self, event: str, data: dict, room: str) -> int:
        frame = json.dumps(data, sort_keys=True, separators=(",", ":"))
        if self._last.get(room) == frame:
            return 0
        self._last[room] = frame
        self.socketio.emit(event, data, to=room)
        return 1

    def forget(self, tracking_id: str) -> None:
        self._last.pop(shipment_room(tracking_id), None)
