"""gunicorn settings for production: `gunicorn 'app:create_app()'` reads this file itself.

One gevent worker per process: Socket.IO needs sticky sessions, and the design notes measured
gevent as the choice for thousands of sockets. Scale out with more processes behind nginx, with
REDIS_URL and MESSAGE_QUEUE set (docs/deployment.md). HOST, PORT and DEMO mean what they mean
for `python -m app`, with the same defaults (app/config.py); BIND overrides HOST and PORT.
"""

import gc
import os

from app.config import from_env

_settings = from_env()
bind = os.environ.get("BIND", f"{_settings['HOST']}:{_settings['PORT']}")
worker_class = os.environ.get("WORKER_CLASS", "gevent")
workers = 1
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
timeout = 60
graceful_timeout = 10
accesslog = os.environ.get("ACCESS_LOG") or None


def post_worker_init(worker):
    # Measured (design.md): tail latency under gevent is set by the garbage collector. Freeze what
    # start-up allocated and collect young objects less often.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    _start_demo(worker)


_demo = []


def _start_demo(worker):
    """DEMO on: the demo fleet drives against this worker, as under `python -m app`."""
    app = getattr(worker, "wsgi", None)
    if not getattr(app, "config", {}).get("DEMO"):
        return
    from app.extensions import socketio
    from app.ops.demo import DemoFleet

    host, _, port = bind.rpartition(":")
    local = "127.0.0.1" if host in ("", "0.0.0.0", "127.0.0.1") else host
    shown = "localhost" if local == "127.0.0.1" else local  # as `python -m app` prints it
    fleet = DemoFleet(app, f"http://{local}:{port}", f"http://{shown}:{port}")
    _demo.append(fleet)
    socketio.start_background_task(fleet.run)


def worker_exit(server, worker):
    for fleet in _demo:
        fleet.stop()
    # Progress is written behind (app/live/write_behind.py): write what is left before exit.
    app = getattr(worker, "wsgi", None)
    svc = getattr(app, "extensions", {}).get("doorstep")
    if svc is not None:
        try:
            svc.ingest.save()
        except Exception as exc:  # the store is away: nothing more can be done here
            server.log.warning("could not save live progress on exit: %s", exc)
