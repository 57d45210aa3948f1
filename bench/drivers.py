"""The bench's fleet: straight routes east of a station, drivers sending fixes in batches.

Every fix carries a whole-second timestamp, so the `at` a viewer receives names exactly one fix;
the send time of each fix is kept to measure latency from ingest to the viewer's socket.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

STATION = (60.1675, 24.9450)
LEG_M = 1000.0
SPEED = 5.0  # m/s: a fix every 2 s moves 10 m, far inside the engine's jump filter
# Drivers one POST names at most: the API refuses a batch naming more than 100 driver tokens
# (app/web/api/positions.py MAX_DRIVERS_PER_BATCH); a relay batching its fleet sends several.
BATCH = 100


def east(metres: float) -> tuple[float, float]:
    return STATION[0], STATION[1] + metres / (111_320 * math.cos(math.radians(STATION[0])))


def route_payload(i: int, stops: int) -> dict:
    points = [east(LEG_M * k) for k in range(stops + 1)]
    return {
        "driver": {"name": f"Driver{i} Bench", "vehicle": "van"}, "program": "standard",
        "timezone": "Europe/Helsinki",
        "station": {"lat": points[0][0], "lon": points[0][1], "name": "Bench station"},
        "stops": [{"lat": p[0], "lon": p[1], "address": f"Bench street {i}-{k}",
                   "shipments": [{"recipient": f"R{i}-{k}", "reference": f"b-{i}-{k}"}]}
                  for k, p in enumerate(points[1:])],
        "legs": [[list(points[k]), list(points[k + 1])] for k in range(stops)],
    }


def register(base: str, routes: int, stops: int, key: str, threads: int = 8) -> list[dict]:
    """Register `routes` routes and start them; answer the API's answers, in order."""
    local = threading.local()

    def one(i: int) -> dict:
        s = getattr(local, "s", None) or requests.Session()
        local.s = s
        r = s.post(f"{base}/api/v1/routes", json=route_payload(i, stops), timeout=30,
                   headers={"Authorization": f"Bearer {key}"})
        r.raise_for_status()
        return r.json()

    with ThreadPoolExecutor(threads) as pool:
        regs = list(pool.map(one, range(routes)))
    now = int(time.time()) - 5
    for k in range(0, len(regs), BATCH):
        events = [{"type": "route_started", "timestamp": now, "driver_token": r["driver_token"]}
                  for r in regs[k:k + BATCH]]
        for _ in range(60):  # EVENTS_PER_SELLER (200/s by default): wait for the next window
            resp = requests.post(f"{base}/api/v1/events", json={"events": events}, timeout=60,
                                 headers={"Authorization": f"Bearer {regs[0]['driver_token']}"})
            if resp.status_code != 429:
                break
            time.sleep(0.5)
        resp.raise_for_status()
    return regs


class Drivers:
    """Each driver sends a fix every `period` s; one POST per tick carries all drivers due.

    With several servers, each driver always posts to the same one (one POST per server and tick),
    as nginx's hash on the Authorization header keeps a driver on one process.
    """

    def __init__(self, bases: str | list[str], regs: list[dict], period: int = 2,
                 batch: int = BATCH) -> None:
        self.bases = [bases] if isinstance(bases, str) else list(bases)
        self.regs, self.period, self.batch = regs, period, batch
        self.sent: dict[tuple[str, int], float] = {}  # (route, timestamp) -> send time
        self.posts: list[tuple[float, float, int, int]] = []  # (sent, took, items, accepted)
        self.errors = 0
        self.error_kinds: dict[str, int] = {}  # HTTP status or exception name -> how many
        self.start = int(time.time()) + 1
        self._pool = ThreadPoolExecutor(8)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def position(self, ts: int) -> tuple[float, float]:
        return east(200 + SPEED * (ts - self.start))

    def _post(self, base: str, items: list[dict], keys: list[tuple[str, int]]) -> None:
        s = requests.Session()
        t0 = time.time()
        for k in keys:
            self.sent[k] = t0
        try:
            r = s.post(f"{base}/api/v1/positions", json={"positions": items}, timeout=60,
                       headers={"Authorization": f"Bearer {items[0]['driver_token']}"})
            body = r.json() if r.status_code == 200 else {}
            for item in body.get("rejected", ()):  # refused fixes are lost fixes: say why
                self._error("rejected: " + str(item.get("error"))[:40])
            if body.get("dropped"):
                self._error("dropped", body["dropped"])
            self.posts.append((t0, time.time() - t0, len(items), body.get("accepted", 0)))
            if r.status_code != 200:
                self._error(str(r.status_code))
        except requests.RequestException as exc:
            self._error(type(exc).__name__)

    def _error(self, kind: str, n: int = 1) -> None:
        self.errors += n
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + n

    def _run(self) -> None:
        tick = self.start
        while not self._stop.is_set():
            delay = tick - time.time()
            if delay > 0:
                time.sleep(delay)
            lat, lon = self.position(tick)
            n = len(self.bases)
            for s, base in enumerate(self.bases):
                due = [r for i, r in enumerate(self.regs)
                       if i % self.period == tick % self.period and i // self.period % n == s]
                for k in range(0, len(due), self.batch):
                    part = due[k:k + self.batch]
                    items = [{"driver_token": r["driver_token"], "lat": lat, "lon": lon,
                              "timestamp": tick, "speed": SPEED, "heading": 90, "accuracy": 5}
                             for r in part]
                    self._pool.submit(self._post, base, items,
                                      [(r["route_id"], tick) for r in part])
            tick += 1

    def run(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._pool.shutdown(wait=True)
