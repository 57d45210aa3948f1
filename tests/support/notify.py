"""Shared by the notification tests: an injected clock, an app using it, a real HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

from tests.support.servers import until

SELLER = {"Authorization": "Bearer demo"}
HELSINKI = ZoneInfo("Europe/Helsinki")


def helsinki(*args) -> float:
    """Epoch seconds of a wall-clock time in Helsinki: helsinki(2026, 11, 26, 14, 22)."""
    return datetime(*args, tzinfo=HELSINKI).timestamp()


class Clock:
    """The injected `now()`: tests move it instead of waiting."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def make_app(clock: Clock, **config):
    from app import create_app

    return create_app({
        "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
        "SELLER_KEYS": {"demo": "demo", "acme": "acme-key"}, "CLOCK": clock,
        "WEBHOOK_RETRY_BASE": 10.0, "WEBHOOK_TIMEOUT": 1.0,
        # The Receiver listens on 127.0.0.1, which webhooks may reach only when allowed.
        "WEBHOOK_ALLOW_PRIVATE": True, "DEMO": False, **config,
    })


def worker(app):
    return app.extensions["doorstep"].notify.worker


class Receiver:
    """A webhook endpoint (or SMS gateway) on a free port that records every request.

    `statuses` is what it answers, in order (then 200 for ever); `delay` stalls each answer.
    Each request keeps `at` (time.monotonic() on arrival); `most_at_once` is the largest number
    of requests it was answering at the same time.
    """

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.statuses, self.delay = list(statuses or []), delay
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.answering = self.most_at_once = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append({"headers": dict(self.headers), "body": body,
                                              "status": status, "path": self.path,
                                              "at": time.monotonic()})
                    receiver.answering += 1
                    receiver.most_at_once = max(receiver.most_at_once, receiver.answering)
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.answering -= 1
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the client gave up waiting (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def ok(self) -> list[dict]:
        """The requests answered 2xx: the deliveries that count."""
        with self.lock:
            return [r for r in self.requests if 200 <= r["status"] < 300]

    def wait_for(self, n: int, timeout: float = 15.0) -> None:
        until(lambda: len(self.requests) >= n, timeout, f"{n} requests to arrive")


def signed_by(secret: str, request: dict) -> bool:
    """Check the signature independently of the app's own code."""
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"]["X-Doorstep-Signature"])


def event(request: dict) -> dict:
    return json.loads(request["body"])
