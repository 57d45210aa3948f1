"""The only place that emits to sockets: coalesced, at most one frame per room per interval.

Ingest marks routes dirty. Every BROADCAST_TICK the broadcaster takes the dirty routes that have
not been sent within BROADCAST_INTERVAL (a leading-edge throttle: a route quiet for a while goes
out at the next tick, a burst collapses to its latest state), reads each once, computes the
customer view of every shipment somebody watches and the seller's summary, and hands each frame,
encoded once, to the room's members (app/realtime/frames.py). With several processes it also
publishes the tick's frames as one queue message (app/realtime/queue.py); the other processes
deliver them to their own viewers, so a route's frames always come from the process that took it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from flask_socketio import SocketIO

from app.domain.view import customer_view, route_summary
from app.i18n.catalogs import DEFAULT, LANGUAGES
from app.i18n.page_view import page_view
from app.live.reads import Reads
from app.ops import metrics
from app.realtime import engineio
from app.realtime.frames import Fanout, packet

log = logging.getLogger(__name__)

# Event names, listed once here and once in app/static/js/events.js.
SNAPSHOT, VIEW, FLEET, WITHDRAWN = "snapshot", "view", "fleet", "withdrawn"
# Rooms whose last frame is remembered (to skip repeats); beyond it the oldest are forgotten.
REMEMBERED = 50_000
# Routes computed between two deliveries within a tick.
CHUNK = 100
# Routes computed between two yields to the loop: a connecting viewer's handshake, a POST and
# a socket's writer wait at most this many routes' work (about 5 ms), not a whole chunk's.
YIELD_EVERY = 25
# The tick loop ends after this long with nothing to send, and the next change starts it again:
# an idle process (or each of the hundreds of apps a test run builds) does not wake every tick.
IDLE_EXIT_S = 1.0


def shipment_room(tracking_id: str, lang: str = DEFAULT) -> str:
    # One room per language a customer reads in: the English room keeps its old name.
    return f"shipment:{tracking_id}" if lang == DEFAULT else f"shipment:{tracking_id}:{lang}"


def seller_room(seller_id: str) -> str:
    return f"seller:{seller_id}"


class Broadcaster:
    def __init__(self, socketio: SocketIO, reads: Reads, interval: float, tick: float = 0.05,
                 *, fanout: Fanout) -> None:
        self.socketio = socketio
        self.reads = reads
        self.interval = interval
        self.tick = min(tick, interval)
        self.fanout = fanout  # built in app/wiring.py
        manager = socketio.server.manager
        self.queue = manager if hasattr(manager, "publish_frames") else None
        # Another process may have viewers of any room: compute every view, not only watched ones.
        self.shared = engineio.has_queue(manager)
        self._dirty: dict[str, float] = {}  # route -> when it first changed since last sent
        self._sent: dict[str, float] = {}  # route -> when it was last sent
        self._last: dict[str, int] = {}  # room -> hash of the last frame sent
        self._task = None
        self._task_lock = threading.Lock()  # a change and an ending loop never miss each other

    def touch(self, route_id: str) -> None:
        """Note that a route changed; it is sent at the next tick its interval allows."""
        if route_id in self._dirty:
            # The change not yet sent is overtaken: its viewers never see it. Expected for a
            # burst within BROADCAST_INTERVAL; for fixes farther apart, a tick that falls
            # behind (a server short of CPU), counted so a lost fix can be told from a bug.
            metrics.COALESCED.inc()
        with self._task_lock:
            self._dirty.setdefault(route_id, time.monotonic())
            if self._task is None:
                self._task = self.socketio.start_background_task(self._run)

    def snapshot(self, sid: str, data: dict) -> None:
        """Send a viewer that just joined its room the current state, to its socket only.

        Encoded as the ticks' frames are (orjson, one Socket.IO packet written straight to the
        socket), not through Socket.IO's emit: that walks the whole view looking for binary
        data and encodes it with the standard library, the larger part of a connect's cost."""
        # The extension's current server, as Socket.IO's emit used: it handles this connect.
        self.fanout.send_to(self.socketio.server, sid, packet(SNAPSHOT, data))

    def withdrawn(self, seller_id: str, route_id: str, tracking_ids: list[str]) -> int:
        """Tell the open pages of a withdrawn route at once (app/live/withdraw.py): each
        customer's page reloads and reads that the delivery was withdrawn (a last map would
        otherwise stay on it), and the seller's fleet drops the route. Published like any
        tick's frames, so viewers on other processes are told too."""
        self._dirty.pop(route_id, None)
        frames: list[tuple[str, str, str, dict]] = []
        for tid in tracking_ids:
            for lang in LANGUAGES:
                room = shipment_room(tid, lang)
                self._last.pop(room, None)
                frames.append((room, WITHDRAWN, packet(WITHDRAWN, {}), {}))
        fleet = {"routes": [], "withdrawn": [route_id]}
        frames.append((seller_room(seller_id), FLEET, packet(FLEET, fleet), fleet))
        return self._deliver(frames)

    def _run(self) -> None:
        idle_since = time.monotonic()
        while True:
            self.socketio.sleep(self.tick)
            try:
                with metrics.TICK.time():
                    self.flush()
            except Exception:  # one bad route must not stop every viewer's updates
                log.exception("broadcast tick failed")
            with self._task_lock:
                if self._dirty:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since >= IDLE_EXIT_S:
                    self._task = None  # the next touch() starts the loop again
                    return

    def flush(self, force: bool = False) -> int:
        """Send the due routes' changed views; answer how many frames were sent."""
        now = time.monotonic()
        due = [rid for rid, _ in list(self._dirty.items())
               if force or now - self._sent.get(rid, -1e9) >= self.interval]
        if not due:
            return 0
        frames: list[tuple[str, str, str, dict]] = []
        fleets: dict[str, list[dict]] = defaultdict(list)
        wall = self.reads.clock()  # the registry's clock, as every view's
        sent = 0
        for i, route_id in enumerate(due):
            if i and i % CHUNK == 0:
                # Frames leave as they are made (a dashboard gets one fleet frame per chunk),
                # and the sockets' writers get the loop between chunks: a big batch no longer
                # holds its first routes back until its last one is computed.
                sent += self._deliver(self._fleet_frames(frames, fleets))
                frames, fleets = [], defaultdict(list)
                self.socketio.sleep(0)
            elif i and i % YIELD_EVERY == 0:
                self.socketio.sleep(0)
            metrics.DELAY.observe(now - self._dirty.pop(route_id))
            self._sent[route_id] = now
            loaded = self.reads.route_state(route_id)
            if loaded is None:
                continue
            route, progress, shipments = loaded
            for shipment in shipments:
                rooms = {lang: shipment_room(shipment.tracking_id, lang) for lang in LANGUAGES}
                watched = [lang for lang, room in rooms.items()
                           if self.shared or self.fanout.members(room)]
                if not watched:
                    continue
                if self.reads.link_expired(route, progress, shipment):
                    for lang in watched:  # a socket outlives its link by a tick at most
                        self.fanout.close(rooms[lang])
                    continue
                view = customer_view(route, progress, shipment, self.reads.settings, now=wall,
                                     clock=self.reads.run_clock(route))
                for lang in watched:
                    self._frame(frames, rooms[lang], VIEW, page_view(view, lang))
            if self.shared or self.fanout.members(seller_room(route.seller_id)):
                summary = route_summary(route, progress, shipments, self.reads.settings,
                                        self.reads.run_clock(route))
                fleets[route.seller_id].append(summary)
        sent += self._deliver(self._fleet_frames(frames, fleets))
        self._forget_sent(now)
        return sent

    def _fleet_frames(self, frames: list, fleets: dict[str, list[dict]]) -> list:
        for seller_id, routes in fleets.items():
            self._frame(frames, seller_room(seller_id), FLEET, {"routes": routes}, repeat=True)
        return frames

    def _frame(self, frames: list, room: str, event: str, data: dict,
               repeat: bool = False) -> None:
        text = packet(event, data)
        if not repeat:
            h = hash(text)
            if self._last.pop(room, None) == h:
                self._last[room] = h
                return
            self._last[room] = h
            if len(self._last) > REMEMBERED:
                del self._last[next(iter(self._last))]
        frames.append((room, event, text, data))

    def _deliver(self, frames: list[tuple[str, str, str, dict]]) -> int:
        """Hand frames to this process's viewers and publish them once; answer frames made."""
        if not frames:
            return 0
        counts: dict[str, int] = defaultdict(int)
        for room, event, text, _ in frames:
            counts[event] += self.fanout.send(room, text)
        for event, n in counts.items():
            metrics.FRAMES.labels(event).inc(n)
        if self.queue is not None:
            self.queue.publish_frames([(room, text) for room, _, text, _ in frames])
        elif self.shared:  # a non-Redis queue: its own emit, one message per frame
            manager = self.socketio.server.manager
            for room, event, _, data in frames:
                engineio.publish(manager, engineio.emit_message(manager, event, data, "/", room))
        return len(frames)

    def _forget_sent(self, now: float) -> None:
        if len(self._sent) > 2 * max(1, len(self._dirty)) + 1000:
            self._sent = {r: t for r, t in self._sent.items() if now - t < self.interval}
