"""The app factory: configuration, store, Socket.IO, API and pages, bound together."""

from __future__ import annotations

import secrets

from flask import Flask

from .config import from_env
from .extensions import socketio


def async_mode(setting: str) -> str:
    """gevent when the process is monkey-patched for it, else threading (never eventlet)."""
    if setting != "auto":
        return setting
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, store, Socket.IO, API and pages."""
    app = Flask(__name__)
    app.config.update(from_env())
    if test_config:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    from . import logs, metrics
    from .frame_queue import queue_options

    logs.configure(app.config["LOG_FORMAT"])
    socketio.init_app(
        app,
        async_mode=async_mode(app.config["ASYNC_MODE"]),
        **queue_options(app.config["MESSAGE_QUEUE"]),
    )
    from .services import build_services

    app.extensions["doorstep"] = build_services(app.config, socketio)
    metrics.init_app(app, viewers=app.extensions["doorstep"].broadcaster.fanout.viewers)
    from . import limits, openapi, security

    security.init_app(app)
    limits.init_app(app)

    from . import api, sockets, web

    sockets.init_app(socketio)

    app.register_blueprint(api.bp)
    app.register_blueprint(web.bp)
    from . import notify, osmand

    osmand.init_app(app)  # /osmand: real phones (Traccar Client)
    notify.init_app(app)  # the background sender of texts and webhooks
    app.register_blueprint(openapi.bp)
    return app
