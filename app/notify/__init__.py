"""Notifications: text updates, seller webhooks and scheduled messages, built once per process.

Ingest commits `dispatch.jobs` with every batch of status changes; the worker (one background
task per process, sending on a pool of NOTIFY_CONCURRENCY) does everything that talks to the
network.
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass

from app.live.reads import Reads
from app.live.route_cache import RouteCache
from app.notify.dispatch import Dispatch
from app.notify.messages import Messages
from app.notify.providers import provider_from_config
from app.notify.subscriptions import Subscriptions
from app.notify.webhooks import Endpoints
from app.notify.worker import RetryPolicy, Worker
from app.store import Store


@dataclass
class Notify:
    messages: Messages
    subscriptions: Subscriptions
    endpoints: Endpoints
    dispatch: Dispatch
    worker: Worker


def build_notify(config: dict, store: Store, routes: RouteCache, reads: Reads) -> Notify:
    # CLOCK is for tests (an injected `now()`); production reads the wall clock.
    clock = config.get("CLOCK") or time.time
    messages, subs = Messages(store, clock), Subscriptions(store, clock)
    endpoints = Endpoints(store, clock)
    dispatch = Dispatch(store, routes, messages, subs, endpoints, clock, config["PUBLIC_URL"],
                        config["SECRET_KEY"])
    policy = RetryPolicy(base=config["WEBHOOK_RETRY_BASE"], cap=config["WEBHOOK_RETRY_CAP"],
                         max_attempts=config["WEBHOOK_MAX_ATTEMPTS"],
                         timeout=config["WEBHOOK_TIMEOUT"])
    worker = Worker(dispatch, messages, endpoints, subs, provider_from_config(config), policy,
                    clock, config["NOTIFY_CONCURRENCY"], config["WEBHOOK_ALLOW_PRIVATE"],
                    config.get("WEBHOOK_CA_BUNDLE") or True, reads=reads)
    return Notify(messages, subs, endpoints, dispatch, worker)


def init_app(app, socketio) -> None:
    """Start this process's sender; tests call `worker.run_once()` with their own clock."""
    interval = app.config["NOTIFY_INTERVAL"]
    if interval > 0 and not app.testing:
        worker = app.extensions["doorstep"].notify.worker
        _stop_on_term(worker)
        socketio.start_background_task(worker.run_forever, interval, socketio.sleep)


def _stop_on_term(worker: Worker) -> None:
    """Claim nothing new once the process is told to stop.

    gunicorn keeps a stopping worker alive for a while to finish its requests; a message claimed
    then would sit out its lease instead of going out from the next process. gunicorn offers the
    app no shutdown hook, so chain onto its SIGTERM handler.
    """
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum, frame):
        worker.running = False
        if callable(previous):
            previous(signum, frame)

    try:
        signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread (an embedding app): the loop just runs to the end
        pass
