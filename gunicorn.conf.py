"""gunicorn settings for production: `gunicorn 'app:create_app()'` reads this file itself.

One gevent worker per process: Socket.IO needs sticky sessions, and the design notes measured
gevent as the choice for thousands of sockets. Scale out with more processes behind nginx, with
REDIS_URL and MESSAGE_QUEUE set (docs/deployment.md). HOST, PORT and DEMO mean what they mean
for `python -m app`, with the same defaults (app/config.py); BIND overrides HOST and PORT.
"""

import gc

from app.config import from_env

_settings = from_env()  # every setting is read there, the one place (app/config.py)
bind = _settings["BIND"] or f"{_settings['HOST']}:{_settings['PORT']}"
worker_class = _settings["WORKER_CLASS"]
workers = 1
worker_connections = _settings["WORKER_CONNECTIONS"]
timeout = 60
graceful_timeout = 10
accesslog = _settings["ACCESS_LOG"] or None


def post_worker_init(worker):
    # Measured (../shared/design.md): tail latency under gevent is set by the garbage
    # collector. Freeze what
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

    # The same address the dashboard's demo uses (app/config.py internal_url), never a header.
    internal = app.config["INTERNAL_URL"]
    if not internal:  # a unix socket: nothing to point a simulator at
        worker.log.warning("DEMO is on but the server listens on %s: set INTERNAL_URL", bind)
        return
    shown = internal.replace("127.0.0.1", "localhost")  # as `python -m app` prints it
    fleet = DemoFleet(app, internal, shown)
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
