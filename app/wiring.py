"""The app's long-lived parts, built once per process and reached through `services()`."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_socketio import SocketIO

from app.access.sellers import Sellers
from app.domain.tracking import Settings
from app.live.ingest import Ingest
from app.live.reads import Reads
from app.live.route_cache import RouteCache
from app.live.write_behind import LiveProgress
from app.notify import Notify, build_notify
from app.realtime.broadcaster import Broadcaster
from app.realtime.frames import Fanout
from app.store import Store, open_store


@dataclass
class Services:
    store: Store
    sellers: Sellers
    ingest: Ingest
    reads: Reads
    broadcaster: Broadcaster
    notify: Notify | None = None


def build_services(config: dict, socketio: SocketIO) -> Services:
    store = open_store(config["STORE_URL"])
    settings = Settings(visible_stops=config["VISIBLE_STOPS"])
    routes = RouteCache(store)
    reads = Reads(store, routes, settings)
    # Progress lives in this process (app/live/write_behind.py); views read it there.
    reads.live = live = LiveProgress(store, config["POSITION_HISTORY"], config["WRITE_BEHIND"],
                                     spawn=socketio.start_background_task, sleep=socketio.sleep)
    fanout = Fanout(socketio)
    socketio.server.manager.fanout = fanout  # a FrameQueue delivers other processes' frames
    broadcaster = Broadcaster(socketio, reads, config["BROADCAST_INTERVAL"],
                              config["BROADCAST_TICK"], fanout)
    notify = build_notify(config, store, routes)
    # Status changes become texts, webhooks and scheduled messages; ingest commits them as jobs
    # together with the progress that made them.
    ingest = Ingest(store, routes, settings, on_change=broadcaster.touch,
                    outbox=notify.dispatch, live=live)
    reads.link_ttl = config["LINK_TTL_AFTER_DELIVERY"]
    return Services(store, Sellers(store, config["SELLER_KEYS"]), ingest, reads, broadcaster,
                    notify)


def services() -> Services:
    return current_app.extensions["doorstep"]
