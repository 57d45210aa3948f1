"""A phone's fixes (the OsmAnd door): its clock, its history, and what its backlog may say.

Programs calling the API send in order and hear what was dropped; a phone is told every fix
is taken, sends late, twice, in reverse and from a wrong clock. These are the rules Ingest
applies to a phone's fixes only.
"""

from __future__ import annotations

from dataclasses import replace

from app.domain.model import Fix
from app.domain.tracking import Progress
from app.domain.tracking.matching import CLOCK_SLACK_S
from app.live.write_behind import LiveProgress

# What a customer is told only while it is true: how far the driver is. A phone's fix older
# than this makes no such news (its backlog's timeline entries are kept, no text or webhook).
NEWS = {"approaching", "arriving"}
STALE_NEWS_S = 120.0
# A phone's clock that moved this much further than the server's between two requests jumped:
# more than a phone's sampling gap (a distance filter while parked, a sped-up simulator's).
_CLOCK_JUMP_S = 600.0


def entry(fix: Fix) -> dict:
    # The history keeps what the phone said, as Traccar keeps a fix's own time: the engine
    # took a fix from a clock set ahead at the moment it came (on_time).
    t = fix.timestamp if fix.stamped is None else fix.stamped
    return {"lat": fix.lat, "lon": fix.lon, "t": t, "speed": fix.speed, "heading": fix.heading}


def on_time(fix: Fix, now: float, last: dict | None, heard: float | None) -> Fix:
    """A phone's fix from a clock that just jumped ahead, taken at the moment it came.

    A phone is never ahead of the server by more than network jitter: a fix stamped hours
    ahead of the one before it, with seconds between the two requests, came from a wrong
    clock (set by hand, a glitch). Taken at its own time, it would put a future time in the
    customers' timeline and count every ETA from the evening. A clock that is ahead and
    runs on from there (the simulator sped up, a phone set wrong for good) is not a jump: its
    fixes keep their times, in order.
    """
    if fix.timestamp <= now + CLOCK_SLACK_S:
        return fix
    if last is not None and heard is not None:
        since = fix.timestamp - (last.get("stamped") or last["timestamp"])
        if since - (now - heard) <= _CLOCK_JUMP_S:
            return fix
    return replace(fix, timestamp=now, stamped=fix.timestamp)


def late(reason: str | None, fix: Fix, progress: Progress) -> bool:
    """Whether a phone's fix the engine did not take still belongs in the route's history: one
    that came late (older than the last), or one from before the driver got back to the
    station, flushed after it (a backlog). Not one the engine judged wrong (a jump) or from
    before the route existed."""
    if reason == "stale":
        return True
    return reason == "finished" and progress.finished_at is not None \
        and fix.timestamp <= progress.finished_at


class History:
    """What a route's history already holds, read only when a fix older than the last comes
    (the store's log is read then, never for fixes in order), and what this request added."""

    def __init__(self, live: LiveProgress, route_id: str) -> None:
        self._live, self._route_id = live, route_id
        self._saved: set[tuple] | None = None
        self._oldest: float | None = None
        self._added: set[tuple] = set()

    def has(self, fix: Fix) -> bool:
        key = _key(entry(fix))
        return key in self._added or key in self._read()

    def before_all(self, fix: Fix) -> bool:
        """Whether the history is full and the fix older than all it keeps."""
        self._read()
        return self._oldest is not None and fix.timestamp < self._oldest

    def _read(self) -> set[tuple]:
        if self._saved is None:
            saved = self._live.history(self._route_id)
            self._saved = {_key(e) for e in saved}
            full = len(saved) >= self._live.history_len
            self._oldest = saved[0]["t"] if full else None
        return self._saved

    def add(self, fix: Fix) -> None:
        self._added.add(_key(entry(fix)))


def _key(entry: dict) -> tuple:
    return (round(entry["t"], 3), round(entry["lat"], 6), round(entry["lon"], 6))
