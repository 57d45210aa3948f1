"""The app's long-lived parts, built once per process: the one place the data path is connected.

Each part gets what it uses as constructor arguments; requests reach the parts through
`app.extensions.services()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO

from app.access.driver_links import DriverLinks
from app.access.sellers import Sellers
from app.access.sessions import Sessions
from app.basemap.choice import Basemap, choose
from app.customer.branding import Branding
from app.customer.feedback import Feedback
from app.customer.instructions import Instructions
from app.domain.tracking import Settings
from app.live.fleet_speeds import FleetSpeeds
from app.live.ingest import Ingest
from app.live.reads import Reads
from app.live.route_cache import RouteCache
from app.live.write_behind import LiveProgress
from app.notify import Notify
from app.notify.dispatch import Dispatch
from app.notify.messages import Messages
from app.notify.providers import provider_from_config
from app.notify.subscriptions import Subscriptions
from app.notify.webhooks import Endpoints
from app.notify.worker import RetryPolicy, Worker
from app.ops.retention import Retention
from app.planning import Geocoding, geocoding
from app.proof.photos import Photos
from app.proof.storage import open_photo_storage
from app.realtime.broadcaster import Broadcaster
from app.realtime.frames import Fanout
from app.store import Store, open_store


class Clock:
    """The process's one clock, every part's `now()`: the wall clock, or CLOCK (an injected
    `now()` for tests). A test may move it after the app is built (`services(app).clock.now =
    ...`): every part, and every door through `app.web.times.server_now`, reads the same one."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now()


@dataclass
class Services:
    store: Store
    sellers: Sellers
    ingest: Ingest
    reads: Reads
    broadcaster: Broadcaster
    notify: Notify | None = None
    retention: Retention | None = None
    driver_links: DriverLinks | None = None
    sessions: Sessions | None = None  # the dashboard's sign-ins
    photos: Photos | None = None
    instructions: Instructions | None = None
    feedback: Feedback | None = None
    branding: Branding | None = None
    basemap: Basemap | None = None  # the street map (BASEMAP)
    geocoding: Geocoding | None = None  # addresses to places, built on first use
    limiter: Limiter | None = None  # the guessing limits' moving windows, bound in create_app
    # The demo fleet this process drives (`python -m app` with DEMO), once it has started.
    demo_fleet: Any = None  # app/ops/demo.py DemoFleet (which imports this registry's lookup)
    clock: Clock | None = None  # every part's clock


def build_services(config: dict, socketio: SocketIO) -> Services:
    store = open_store(config["STORE_URL"])
    clock = Clock(config.get("CLOCK") or time.time)
    settings = Settings(visible_stops=config["VISIBLE_STOPS"])
    routes = RouteCache(store)
    # Progress lives in this process (app/live/write_behind.py); views read it there.
    live = LiveProgress(store, config["POSITION_HISTORY"], config["WRITE_BEHIND"],
                        spawn=socketio.start_background_task, sleep=socketio.sleep)
    driver_links = DriverLinks(store, config["SECRET_KEY"], clock)
    reads = Reads(store, routes, settings, live, config["LINK_TTL_AFTER_DELIVERY"], driver_links,
                  clock=clock)
    fanout = Fanout(socketio.server)
    broadcaster = Broadcaster(socketio, reads, config["BROADCAST_INTERVAL"],
                              config["BROADCAST_TICK"], fanout=fanout)
    feedback, sessions = Feedback(store, clock), Sessions(store, clock)
    notify = _notify(config, store, reads, clock, feedback)
    s3 = {"endpoint": config["PHOTO_S3_ENDPOINT"], "region": config["PHOTO_S3_REGION"],
          "key_id": config["PHOTO_S3_KEY_ID"], "secret": config["PHOTO_S3_SECRET"]}
    photos = Photos(store, open_photo_storage(config["PHOTO_STORE"], s3), config["PHOTO_MAX_SIDE"],
                    config["PHOTO_MAX_PIXELS"], config["PHOTO_RETENTION"], clock=clock)
    retention = Retention(store, config["RETENTION"], clock, reads, live=live, routes=routes,
                          photos=photos, feedback=feedback, driver_links=driver_links,
                          sessions=sessions)
    # Status changes become texts, webhooks and scheduled messages; ingest commits them as jobs
    # together with the progress that made them. Retention counts from a route's final status.
    ingest = Ingest(store, routes, settings, on_change=broadcaster.touch,
                    outbox=notify.dispatch, live=live, on_status=retention.on_status,
                    on_register=retention.registered, link_secret=config["SECRET_KEY"],
                    on_forget=reads.forget, clock=clock,
                    speeds=FleetSpeeds(store) if config["LEARN_STREET_SPEEDS"] else None)
    return Services(store, Sellers(store, config["SELLER_KEYS"]), ingest, reads, broadcaster,
                    notify, retention, driver_links, sessions, photos, Instructions(store, clock),
                    feedback, Branding(store),
                    choose(config["BASEMAP"], config["TILE_ATTRIBUTION"]), geocoding(config),
                    _limiter(config), clock=clock)



def _notify(config: dict, store: Store, reads: Reads, clock: Clock, feedback: Feedback,
            ) -> Notify:
    """Texts, webhooks and scheduled messages: what ingest's status changes become."""
    messages, subs = Messages(store, clock), Subscriptions(store, clock)
    endpoints = Endpoints(store, clock)
    dispatch = Dispatch(store, reads, messages, subs, endpoints, clock, config["PUBLIC_URL"],
                        config["SECRET_KEY"])
    policy = RetryPolicy(base=config["WEBHOOK_RETRY_BASE"], cap=config["WEBHOOK_RETRY_CAP"],
                         max_attempts=config["WEBHOOK_MAX_ATTEMPTS"],
                         timeout=config["WEBHOOK_TIMEOUT"])
    worker = Worker(dispatch, messages, endpoints, subs, provider_from_config(config), policy,
                    clock, config["NOTIFY_CONCURRENCY"], config["WEBHOOK_ALLOW_PRIVATE"],
                    config.get("WEBHOOK_CA_BUNDLE") or True, reads=reads, feedback=feedback)
    return Notify(messages, subs, endpoints, dispatch, worker)


def _limiter(config: dict) -> Limiter:
    """Flask-Limiter, unbound (app/access/limits.py binds it and counts with it)."""
    url = config["STORE_URL"]
    uri = url if url.split(":", 1)[0] in ("redis", "rediss") else "memory://"
    options = {"socket_connect_timeout": 1, "socket_timeout": 1} if uri != "memory://" else {}
    # Flask-Limiter owns the moving windows of the guessing limits; no limit of its own is
    # declared, so swallow_errors only covers its hooks, never a count (see _unavailable).
    return Limiter(
        get_remote_address, storage_uri=uri, storage_options=options,
        strategy="moving-window", key_prefix="doorstep-limits", swallow_errors=True,
    )
