"""The app factory: configuration, store, Socket.IO, API and pages, bound together."""

from __future__ import annotations

import secrets

from flask import Flask

from app.config import from_env
from app.extensions import KEY, socketio
from app.web.json_input import StrictJSON


def async_mode(setting: str) -> str:
    """gevent when the process is monkey-patched for it, else threading (never eventlet)."""
    if setting != "auto":
        return setting
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    if not monkey.is_module_patched("socket"):
        return "threading"
    import gevent

    # Every greenlet otherwise keeps a copy of the stack that spawned it (10 frames) and its
    # spawner's locals: 34 frame objects, about 10 KB, per connected viewer (four greenlets
    # each), measured with bench.viewer_memory. Only gevent's debugging tools read them.
    gevent.config.track_greenlet_tree = False
    return "gevent"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, store, Socket.IO, API and pages."""
    app = Flask(__name__)
    app.json = StrictJSON(app)  # request bodies: strict, depth-limited, fields named
    app.config.update(from_env())
    if test_config:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    from app.ops import logs, metrics
    from app.realtime.queue import queue_options

    logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    socketio.init_app(
        app,
        async_mode=async_mode(app.config["ASYNC_MODE"]),
        **queue_options(app.config["MESSAGE_QUEUE"]),
    )
    from app.wiring import build_services

    # The one entry Doorstep keeps in app.extensions: every part it built (app/wiring.py).
    services = app.extensions[KEY] = build_services(app.config, socketio)
    metrics.init_app(app, viewers=services.broadcaster.fanout.viewers)
    from app import basemap
    from app.access import limits, security_headers
    from app.web.api import openapi

    # Before the headers: the CSP names the basemap's origin.
    basemap.init_app(app, services.basemap)
    security_headers.init_app(app)
    from app.web import assets

    assets.init_app(app)  # static files: versioned URLs cached long, text gzipped
    limits.init_app(app)
    from app import i18n

    i18n.init_app(app)

    from app.realtime import sockets
    from app.web import api, pages

    sockets.init_app(socketio)

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    from app import notify
    from app.web import osmand

    osmand.init_app(app)  # /osmand: real phones (Traccar Client)
    # The background sender of texts and webhooks.
    notify.init_app(app, socketio, services.notify.worker)
    from app.ops import retention

    # Personal data goes RETENTION_DAYS after a route is done.
    retention.init_app(app, socketio, services.retention)
    app.register_blueprint(openapi.bp)
    return app
