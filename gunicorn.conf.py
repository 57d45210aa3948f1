"""gunicorn settings for production: `gunicorn 'app:create_app()'` reads this file itself.

One gevent worker per process: Socket.IO needs sticky sessions, and the design notes measured
gevent as the choice for thousands of sockets. Scale out with more processes behind nginx, with
REDIS_URL and MESSAGE_QUEUE set (docs/deployment.md).
"""

import gc
import os

_host, _port = os.environ.get("HOST", "0.0.0.0"), os.environ.get("PORT", "8000")
bind = os.environ.get("BIND", f"{_host}:{_port}")
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


def worker_exit(server, worker):
    # Progress is written behind (app/live/write_behind.py): write what is left before exit.
    app = getattr(worker, "wsgi", None)
    svc = getattr(app, "extensions", {}).get("doorstep")
    if svc is not None:
        try:
            svc.ingest.save()
        except Exception as exc:  # the store is away: nothing more can be done here
            server.log.warning("could not save live progress on exit: %s", exc)
