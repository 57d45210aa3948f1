"""Progress kept in this process for the routes it ingests, written behind to the store.

Reading progress from the store, parsing it, and writing it back costs far more than the
engine's work on a fix (dataclasses.asdict alone is ~0.6 ms for a small route). So the routes
this process ingests keep their live Progress here; the store gets a copy at most every
WRITE_BEHIND seconds, in one batched write, together with the position history.

Several processes: a route's fixes should reach one process at a time (nginx hashes the driver's
token, see docs/deployment.md). An entry left alone for IDLE_S is dropped, so a route whose
driver moved to another process is read back from the store, never served stale for long.

While the store refuses these writes (`failing`), ingest refuses new fixes with a 503: a driver
is never told "accepted" for more than the WRITE_BEHIND seconds a crash can lose.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable

from app.domain.tracking import Progress
from app.jsontext import dumps
from app.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

IDLE_S = 60.0
HISTORY = "positions"


def encode(progress: Progress) -> str:
    """Progress.to_dict() as JSON, without asdict's deep copy (~20x slower)."""
    return dumps(progress, default=vars)


def record(progress: Progress) -> dict:
    """The same record as Progress.to_dict()."""
    return json.loads(encode(progress))


class LiveProgress:
    def __init__(self, store: Store, history_len: int, interval: float = 1.0,
                 spawn: Callable | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.history_len = history_len
        self.interval = interval
        self._spawn, self._sleep, self._clock = spawn, sleep, clock
        self._task = None
        self._live: dict[str, tuple[Progress, float]] = {}
        self._unsaved: set[str] = set()
        self._history: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        # Held by a save from taking the new history to having written it, and by a read of
        # the history: a read never sees it neither pending nor stored (nor both).
        self._saving = threading.Lock()
        # Why the last write to the store failed (None: it did not); ingest then answers 503.
        self.failing: StoreUnavailable | None = None

    def get(self, route_id: str) -> Progress | None:
        """The live progress, or the store's when this process does not ingest the route."""
        entry = self._fresh(route_id)
        if entry is not None:
            return entry[0]
        raw = self.store.get_progress(route_id)
        return None if raw is None else Progress.from_dict(raw)

    def _fresh(self, route_id: str) -> tuple[Progress, float] | None:
        """The live entry, unless it was left alone for IDLE_S with nothing left to save: the
        route's driver may have moved to another process, whose copy is in the store. The loop
        that evicts such entries ends when there is nothing to save, so they are also checked
        here."""
        entry = self._live.get(route_id)
        if entry is None or entry[1] >= self._clock() - IDLE_S:
            return entry
        with self._lock:
            if route_id in self._unsaved:
                return entry
            self._live.pop(route_id, None)
        return None

    def history(self, route_id: str) -> list[dict]:
        """The route's accepted fixes, oldest first, with those not written behind yet."""
        with self._saving:
            saved = self.store.read_log(HISTORY, route_id)
            with self._lock:
                pending = [fix for rid, fix in self._history if rid == route_id]
        # In time order: a phone's late fixes (a backlog sent behind live ones) are appended
        # when they come, and Python's sort is linear on the runs of an almost sorted list.
        return sorted([*saved, *pending], key=_time)[-self.history_len:]

    def checkout(self, route_id: str) -> Progress | None:
        """The progress ingest is about to change (call under ingest's lock for the route)."""
        entry = self._fresh(route_id)
        if entry is not None:
            return entry[0]
        raw = self.store.get_progress(route_id)
        if raw is None:
            return None
        progress = Progress.from_dict(raw)
        self._live[route_id] = (progress, self._clock())
        return progress

    def reload(self, route_id: str) -> None:
        """Drop a route's live progress (a change the store refused): the next checkout reads
        the store's copy again."""
        self._live.pop(route_id, None)

    def changed(self, route_id: str, progress: Progress, fixes: list[dict] = ()) -> None:
        """Note a change to save, and the accepted fixes to append to the route's history."""
        self._live[route_id] = (progress, self._clock())
        with self._lock:
            self._unsaved.add(route_id)
            self._history.extend((route_id, f) for f in fixes)
            if self._task is None and self._spawn is not None:
                self._task = self._spawn(self._run)

    def _run(self) -> None:
        # The loop ends once a save leaves nothing behind (the next change starts it again), so
        # an idle process, or each app a test run builds, does not wake every interval.
        while True:
            self._sleep(self.interval)
            try:
                self.save()
            except Exception:  # the store is away: keep the changes, try again next time
                log.exception("write-behind failed")
            with self._lock:
                if not self._unsaved and not self._history:
                    self._task = None
                    return

    def save(self) -> int:
        """Write every changed route and the new history in one batch; answer routes saved."""
        with self._saving:
            return self._save()

    def _save(self) -> int:
        with self._lock:
            unsaved, self._unsaved = self._unsaved, set()
            history, self._history = self._history, []
        records = {rid: encode(self._live[rid][0]) for rid in unsaved if rid in self._live}
        try:
            if records:
                self.store.put_progresses(records)
            if history:
                self.store.append_logs(HISTORY, history, self.history_len)
        except Exception as exc:
            with self._lock:  # put it all back, in order, for the next attempt
                self._unsaved |= unsaved
                self._history[:0] = history
            self.failing = exc if isinstance(exc, StoreUnavailable) else StoreUnavailable(
                str(exc))
            raise
        self.failing = None
        self._evict()
        return len(records)

    def _evict(self) -> None:
        old = self._clock() - IDLE_S
        with self._lock:
            for rid in [r for r, (_, at) in self._live.items() if at < old]:
                if rid not in self._unsaved:
                    del self._live[rid]

    def forget(self, route_id: str) -> None:
        """Drop a route deleted from the store (retention): nothing of it is written again."""
        with self._lock:
            self._live.pop(route_id, None)
            self._unsaved.discard(route_id)
            self._history = [(r, f) for r, f in self._history if r != route_id]

    def __len__(self) -> int:
        return len(self._live)


def _time(fix: dict) -> float:
    """A stored fix's time for ordering; one the store holds unreadable sorts first (every
    stored time renders totally: docs/security.md)."""
    t = fix.get("t")
    return t if isinstance(t, (int, float)) and t == t else float("-inf")
