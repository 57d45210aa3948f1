"""Sending on a bounded pool: many destinations at once, one message at a time per destination.

A destination is a webhook endpoint, or a phone number for texts. Its messages wait here in the
order they were claimed (due time, then creation), so an endpoint never gets "delivered" before
"out for delivery", and a slow or dead endpoint holds up only its own messages.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)


def destination(doc: dict) -> str:
    """Who must not get two of these messages at once: the webhook endpoint, or the phone."""
    if doc["kind"] == "webhook":
        return f"webhook:{doc['webhook_id']}"
    return f"{doc['kind']}:{doc['to']}"


class Lanes:
    """One queue per destination, each drained in order by one task on a pool of `size`."""

    def __init__(self, size: int, send: Callable[[str], None]) -> None:
        if size < 1:
            raise ValueError(f"NOTIFY_CONCURRENCY: expected 1 or more, got {size}")
        # concurrent.futures rather than gevent.pool: one code path for both async modes. Once
        # gevent has monkey-patched threading and queue (python -m app, gunicorn -k gevent),
        # the executor's threads are greenlets and a slow `requests.post` only parks its own;
        # in threading mode (tests, small installs) they are OS threads.
        self.pool = ThreadPoolExecutor(size, thread_name_prefix="notify-send")
        self.size, self.send = size, send
        self.lock = threading.Lock()
        self.emptied = threading.Condition(self.lock)
        self.queues: dict[str, deque[str]] = {}  # destination -> ids; the one sending first
        self.held: set[str] = set()

    def __contains__(self, message_id: str) -> bool:
        with self.lock:
            return message_id in self.held

    def ahead(self, key: str) -> int:
        """How many of this destination's messages are here already (sending or waiting)."""
        with self.lock:
            return len(self.queues.get(key, ()))

    def free(self) -> int:
        """Pool slots that no destination holds: how many new destinations can start now."""
        with self.lock:
            return max(0, self.size - len(self.queues))

    def add(self, key: str, message_id: str) -> None:
        with self.lock:
            self.held.add(message_id)
            queue = self.queues.setdefault(key, deque())
            queue.append(message_id)
            if len(queue) > 1:
                return  # the destination's task takes it when the ones before it are done
        try:
            self.pool.submit(self.drain, key)
        except RuntimeError:  # the interpreter is exiting: the message's lease brings it back
            with self.lock:
                del self.queues[key]
                self.held.discard(message_id)
                self.emptied.notify_all()
            raise

    def drain(self, key: str) -> None:
        with self.lock:
            queue = self.queues[key]
        while True:
            message_id = queue[0]
            try:
                self.send(message_id)
            except Exception:  # a store hiccup: the message's lease brings it back later
                log.exception("notification worker: sending %s failed", message_id)
            with self.lock:
                queue.popleft()
                self.held.discard(message_id)
                if not queue:
                    del self.queues[key]
                    self.emptied.notify_all()
                    return

    def wait(self) -> None:
        """Until every queue is empty: all that was added has been sent, or given up on."""
        with self.emptied:
            while self.queues:
                self.emptied.wait()
