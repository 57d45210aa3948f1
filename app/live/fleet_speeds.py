"""The fleet's learned street speeds, between the store and the engine.

Every batch of fixes adds what it taught to the store's running totals (add_sums: several
server processes add without overwriting each other); the ETA reads a copy that is reloaded
from the store now and then, since a street's speed at an hour changes over days, not seconds.
"""

from __future__ import annotations

import threading
import time

from app.domain.tracking.street_speeds import StreetSpeeds
from app.store import Store, StoreUnavailable

KIND = "street_speeds"
# Reload the totals this often: other processes' fixes show up within it.
RELOAD_S = 300.0


class FleetSpeeds:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._speeds: StreetSpeeds | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def current(self) -> StreetSpeeds:
        with self._lock:
            if self._speeds is None or time.monotonic() - self._loaded_at > RELOAD_S:
                try:
                    self._speeds = StreetSpeeds(self._store.read_sums(KIND))
                except StoreUnavailable:  # the ETA falls back on the driver's own speed
                    self._speeds = self._speeds or StreetSpeeds()
                self._loaded_at = time.monotonic()
            return self._speeds

    def learn(self, sums: dict[str, list[float]]) -> None:
        if not sums:
            return
        try:
            self._store.add_sums(KIND, sums)
        except StoreUnavailable:
            # A lesson lost, not a fix: the fixes themselves were stored; only learning waits.
            pass
        with self._lock:
            if self._speeds is not None:
                self._speeds.add(sums)  # this process sees its own fixes at once
