"""The OsmAnd sink: positions travel as Traccar Client sends them, one request per fix per phone.

Routes are still registered through the API, plus `PUT /api/v1/routes/<id>/device` naming the
driver's phone; stop events still go to /api/v1/events, because the OsmAnd protocol has none.
Buffering, backoff and retry are HttpSink's: only the way fixes travel differs.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from simulator.errors import ServerUnavailable, SimulatorError
from simulator.sinks.http import MAX_BATCH, HttpSink, call, error_text

PATH = "/osmand"
KNOTS_PER_MS = 1.943844  # Traccar Client's own factor (Position.kt): the protocol speaks knots
WORKERS = 4  # phones sending at once; each keeps its order, as a phone sends its queue in order
DRAIN_PER_HOUR = 6.0  # battery percent a phone loses per hour on shift


@dataclass
class Phone:
    device_id: str
    battery: float  # percent when the block started
    since: float  # simulated time the block started


@dataclass
class _Outcome:
    sent: int = 0
    rejected: int = 0
    ignored: int = 0
    error: str = ""
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)
    unsent: list[dict] = field(default_factory=list)
    down: ServerUnavailable | None = None


class OsmAndSink(HttpSink):
    def __init__(self, *args, workers: int = WORKERS, device_prefix: str | None = None,
                 **kw) -> None:
        super().__init__(*args, **kw)
        # Unique per run, so two simulators on one server never share a phone; long and random,
        # because the server takes only device ids that nobody could guess (20+ characters).
        self.prefix = device_prefix or f"sim{secrets.token_hex(8)}"
        self.phones: dict[int, Phone] = {}  # by id() of the fleet's slot: one phone per partner
        self.by_token: dict[str, Phone] = {}
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="osmand")
        self.local = threading.local()

    def check(self) -> None:
        super().check()
        # A fix without a device id must be refused (400); 404/405 means no OsmAnd endpoint.
        r = call(self.session, "POST", f"{self.base}{PATH}")
        if r.status_code in (404, 405):
            raise SimulatorError(f"server at {self.base} has no OsmAnd endpoint ({PATH})")

    def register(self, driver, payload, reg):  # type: ignore[no-untyped-def]
        reg = super().register(driver, payload, reg)
        phone = self._phone(driver)
        try:
            r = self._post(f"/api/v1/routes/{reg.route_id}/device",
                           {"device_id": phone.device_id}, self.key, method="PUT")
        except ServerUnavailable as exc:
            self._failed(exc)
            raise
        if r.status_code >= 400:
            raise SimulatorError(f"server refused phone {phone.device_id}: HTTP {r.status_code} "
                                 f"{error_text(r)}")
        self.by_token[reg.driver_token] = phone
        return reg

    def _phone(self, driver) -> Phone:  # type: ignore[no-untyped-def]
        key = id(getattr(driver, "slot", None) or driver)
        start = driver.timeline.start if hasattr(driver, "timeline") else 0.0
        phone = self.phones.get(key)
        if phone is None:
            n = len(self.phones) + 1
            phone = self.phones[key] = Phone(f"{self.prefix}-{n:04d}", 0.0, start)
        # Charged in the van between blocks: 60-100 % at the start, spread over the fleet.
        phone.battery, phone.since = 100.0 - (int(phone.device_id[-4:]) * 37) % 41, start
        return phone

    def _fix_item(self, fix) -> dict:  # type: ignore[no-untyped-def]
        phone = self.by_token[fix.driver.token]
        batt = max(5.0, phone.battery - (fix.t - phone.since) / 3600 * DRAIN_PER_HOUR)
        # Traccar Client's parameters and order. Altitude is not simulated: 0.0 is what Android
        # reports when a fix has none.
        return {"id": phone.device_id, "timestamp": str(int(fix.t)), "lat": repr(fix.lat),
                "lon": repr(fix.lon), "speed": repr(round(fix.speed * KNOTS_PER_MS, 2)),
                "bearing": repr(float(fix.heading)), "altitude": "0.0",
                "accuracy": repr(float(fix.accuracy)), "batt": repr(round(batt, 1))}

    def _drain_fixes(self) -> None:
        while self.fixes:
            batch = [self.fixes.popleft() for _ in range(min(MAX_BATCH, len(self.fixes)))]
            queues: dict[str, list[dict]] = {}
            for item in batch:
                queues.setdefault(item["id"], []).append(item)
            down = None
            unsent: set[int] = set()
            for out in self.pool.map(self._send_phone, queues.values()):
                self.sent += out.sent
                self.rejected += out.rejected
                self.server_dropped += out.ignored
                self.fixes_posted += out.sent + out.rejected
                self.fixes_taken += out.sent - out.ignored
                self.last_error = out.error or self.last_error
                self.reasons.update(out.reasons)
                unsent.update(id(item) for item in out.unsent)
                down = down or out.down
            if down is not None:
                self.fixes.extendleft(reversed([i for i in batch if id(i) in unsent]))
                raise down

    def _send_phone(self, items: list[dict]) -> _Outcome:
        """Send one phone's fixes oldest first; stop at the first sign the server is away."""
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()  # keep-alive per worker
        out = _Outcome()
        for k, item in enumerate(items):
            try:
                r = call(session, "POST", f"{self.base}{PATH}", params=item)
            except ServerUnavailable as exc:
                out.unsent, out.down = items[k:], exc
                return out
            if r.status_code >= 400:
                out.rejected += 1
                out.error = f"{PATH}: HTTP {r.status_code} {error_text(r)}"
                out.reasons["positions", f"HTTP {r.status_code} {error_text(r)}"] += 1
                continue
            out.sent += 1
            try:
                out.ignored += int(r.json().get("dropped", 0) or 0)
            except (ValueError, AttributeError):
                pass  # Traccar itself answers an empty 200
        return out

    def close(self) -> None:
        super().close()
        self.pool.shutdown()

