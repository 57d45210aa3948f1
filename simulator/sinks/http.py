"""The server sink: registers routes and posts one batch per tick, like a fleet of phones.

When the server goes away mid-run the run goes on: fixes and events wait in bounded buffers
(oldest fixes dropped first, counted) and delivery is retried with exponential backoff.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests

from simulator.drive.clock import Timestamps
from simulator.errors import ServerUnavailable, SimulatorError
from simulator.sinks.base import Registration, Sink
from simulator.sinks.payloads import event_item, fix_item

if TYPE_CHECKING:
    from simulator.drive.driver import PhoneFix

MAX_BATCH = 5000
MAX_DRIVERS = 100  # driver tokens one batch may name (the server refuses more: docs/api.md)
TIMEOUT = (3.0, 15.0)


class HttpSink(Sink):
    def __init__(self, server: str, key: str, stamps: Timestamps, buffer_limit: int = 100_000,
                 backoff: tuple[float, float] = (0.5, 30.0),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.base = server.rstrip("/")
        self.key, self.stamp = key, stamps
        self.session = requests.Session()
        self.fixes: deque[dict] = deque()
        self.events: deque[dict] = deque()
        self.limit = buffer_limit
        self.backoff_min, self.backoff_max = backoff
        self.monotonic = monotonic
        self.failures = 0
        self.retry_at = 0.0
        self.dropped = self.rejected = self.sent = 0
        self.server_dropped = 0  # valid fixes the server's engine ignored (stale, duplicate...)
        self.fixes_posted = self.fixes_taken = 0  # taken: neither rejected nor ignored
        self.last_error = ""
        # (what, why) -> items the server rejected, for the summary
        self.reasons: Counter[tuple[str, str]] = Counter()

    def check(self) -> None:
        """Fail fast, in one line, when the server is not there at all."""
        try:
            r = self.session.get(f"{self.base}/healthz", timeout=TIMEOUT)
        except requests.RequestException:
            raise SimulatorError(f"cannot reach the server at {self.base}") from None
        if r.status_code >= 400:
            raise SimulatorError(f"server at {self.base} is not healthy (HTTP {r.status_code})")

    def _post(self, path: str, body: dict, token: str, method: str = "POST") -> requests.Response:
        return call(self.session, method, f"{self.base}{path}", json=body,
                    headers={"Authorization": f"Bearer {token}"})

    def register(self, driver, payload, reg):  # type: ignore[no-untyped-def]
        if self.monotonic() < self.retry_at:
            raise ServerUnavailable("waiting before the next try")
        try:
            r = self._post("/api/v1/routes", payload, self.key)
        except ServerUnavailable as exc:
            self._failed(exc)
            raise
        if r.status_code != 201:
            raise SimulatorError(f"server refused the route: HTTP {r.status_code} {error_text(r)}")
        body = r.json()
        return Registration(body["route_id"], body["driver_token"], body.get("shipments", []))

    def send(self, fixes, events):  # type: ignore[no-untyped-def]
        self.events.extend(event_item(d.token, ev, self.stamp(ev.t)) for d, ev in events)
        self.fixes.extend(self._fix_item(f) for f in fixes)
        overflow = len(self.fixes) - self.limit
        for _ in range(max(0, overflow)):
            self.fixes.popleft()
        self.dropped += max(0, overflow)
        if self.monotonic() >= self.retry_at:
            self.flush()

    def flush(self) -> bool:
        """Try to deliver the backlog; on failure schedule the next try. Return True if empty."""
        try:
            self._drain(self.events, "/api/v1/events", "events")
            self._drain_fixes()
        except ServerUnavailable as exc:
            self._failed(exc)
            return False
        self.failures = 0
        return True

    def _failed(self, exc: ServerUnavailable) -> None:
        self.failures += 1
        delay = min(self.backoff_max, self.backoff_min * 2 ** (self.failures - 1))
        self.retry_at = self.monotonic() + delay
        self.last_error = str(exc)

    def _fix_item(self, fix: PhoneFix) -> dict:
        return fix_item(fix, self.stamp(fix.t))

    def _drain_fixes(self) -> None:
        """Deliver the buffered fixes; raise ServerUnavailable (keeping the rest) if it is away."""
        self._drain(self.fixes, "/api/v1/positions", "positions")

    def _drain(self, queue: deque[dict], path: str, key: str) -> None:
        while queue:
            batch = _batch(queue)
            # A batch may carry many drivers; the header token only matters for items without one.
            r = self._post(path, {key: batch}, batch[0].get("driver_token") or self.key)
            for _ in batch:
                queue.popleft()
            taken = 0
            if r.status_code >= 400:
                self.rejected += len(batch)
                self.last_error = f"{path}: HTTP {r.status_code} {error_text(r)}"
                self.reasons[key, f"HTTP {r.status_code} {error_text(r)}"] += len(batch)
            else:
                body = r.json()
                rejected = body.get("rejected", [])
                self.rejected += len(rejected)
                self.reasons.update((key, reason(item)) for item in rejected)
                dropped = int(body.get("dropped", 0) or 0)
                self.server_dropped += dropped
                self.sent += len(batch)
                taken = len(batch) - len(rejected) - dropped
            if key == "positions":
                self.fixes_posted += len(batch)
                self.fixes_taken += taken

    def close(self) -> None:
        """Give a server that is back a last few chances to take the backlog."""
        for _ in range(5):
            if self.flush():
                return
            time.sleep(min(2.0, max(0.0, self.retry_at - self.monotonic())))

    def refused_all(self) -> bool:
        return self.fixes_posted > 0 and self.fixes_taken <= 0

    def report(self) -> list[str]:
        """Lines for the summary: how many items the server rejected, and why."""
        return [f"{n} {what} rejected by the server: {why}"
                for (what, why), n in self.reasons.most_common(5)]

    def status(self) -> str:
        parts = []
        if self.fixes or self.events:
            parts.append(f"backlog {len(self.fixes) + len(self.events)}")
        if self.dropped:
            parts.append(f"dropped {self.dropped}")
        if self.rejected:
            parts.append(f"rejected {self.rejected}")
        if self.server_dropped:
            parts.append(f"server ignored {self.server_dropped}")
        if self.failures:
            parts.append(f"server down ({self.last_error})")
        return ", ".join(parts)


def call(session: requests.Session, method: str, url: str, **kw) -> requests.Response:
    """One request; a server that is away or overloaded raises ServerUnavailable (retry later)."""
    path = urlsplit(url).path
    try:
        r = session.request(method, url, timeout=TIMEOUT, **kw)
    except requests.RequestException as exc:
        raise ServerUnavailable(f"{path}: {type(exc).__name__}") from None
    if r.status_code >= 500 or r.status_code == 429:
        raise ServerUnavailable(f"{path}: HTTP {r.status_code}")
    return r


def error_text(r: requests.Response) -> str:
    try:
        return str(r.json().get("error", ""))
    except ValueError:
        return r.text[:100].replace("\n", " ")


def _batch(queue: deque[dict]) -> list[dict]:
    """The oldest items, at most MAX_BATCH of them naming at most MAX_DRIVERS drivers."""
    batch: list[dict] = []
    drivers: set[object] = set()
    for item in queue:
        token = item.get("driver_token")
        if len(batch) == MAX_BATCH or (token not in drivers and len(drivers) == MAX_DRIVERS):
            break
        drivers.add(token)
        batch.append(item)
    return batch


def reason(item: dict) -> str:
    """A rejected item's reason without its index: "driver_token: over its limit"."""
    field = re.sub(r"^\w+\[\d+\]\.", "", str(item.get("field", "")))
    return f"{field}: {item.get('error', '')}" if field else str(item.get("error", ""))
