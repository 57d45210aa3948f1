"""Notifications: text updates, seller webhooks and scheduled messages, built once per process
(by app/wiring.py, with the rest of the data path).

Ingest commits `dispatch.jobs` with every batch of status changes; the worker (one background
task per process, sending on a pool of NOTIFY_CONCURRENCY) does everything that talks to the
network.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

from app.notify.dispatch import Dispatch
from app.notify.messages import Messages
from app.notify.subscriptions import Subscriptions
from app.notify.webhooks import Endpoints
from app.notify.worker import Worker


@dataclass
class Notify:
    messages: Messages
    subscriptions: Subscriptions
    endpoints: Endpoints
    dispatch: Dispatch
    worker: Worker


def init_app(app, socketio, worker: Worker) -> None:
    """Start this process's sender; tests call `worker.run_once()` with their own clock."""
    interval = app.config["NOTIFY_INTERVAL"]
    if interval > 0 and not app.testing:
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
