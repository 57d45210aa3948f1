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
# A phone's clock found wrong is corrected by the offset it was found off by while its fixes,
# corrected, land this near the server's clock (network delay, a fix taken a moment before it
# was sent); beyond it the clock was set again and is read afresh.
_SAME_CLOCK_S = 30.0
# A clock behind by a steady amount: this many fixes in a row, each as late as the others
# within the jitter, over this much of the server's time (a backlog's fixes are sent back to
# back: their stamps advance far faster than the server's clock).
_STEADY_FIXES = 3
_RECENT = 12
# A simulator sped up: stamps a fix at most this far from the one before, advancing this many
# times faster than the server's clock over at least this long.
_FAST_STEP_S = 120.0
_FAST_RATE = 1.5
_FAST_SPAN_S = 2.0
_STEADY_JITTER_S = 2.0
_STEADY_SPAN_S = 3.0

def entry(fix: Fix) -> dict:
    # The history keeps what the phone said, as Traccar keeps a fix's own time: the engine
    # took a fix from a clock set ahead at the moment it came (on_time).
    t = fix.timestamp if fix.stamped is None else fix.stamped
    return {"lat": fix.lat, "lon": fix.lon, "t": t, "speed": fix.speed, "heading": fix.heading}


def on_time(fix: Fix, now: float, phone: dict) -> Fix:
    """A phone's fix from a wrong clock, taken at the moment it came (its stamp kept aside).

    A phone is never ahead of the server by more than network jitter: a fix stamped ahead came
    from a wrong clock (set by hand, a glitch). Nor does a live phone fall behind by a steady
    amount: fixes that keep coming as fast as their stamps advance, each minutes older than the
    server's clock, come from a clock set behind (or one that just jumped back), not from a
    backlog. Taken at their own times, such fixes put times to come in the customers'
    timelines, count ETAs from the evening, freeze the driver behind a live fix, or silence
    "next stop" texts as if they were an old backlog. Once found, the clock's offset corrects
    the phone's next fixes at once, until a fix says the clock was set right again.

    `phone` is what the route keeps of the phone (Progress.phone): the offset, and the last
    few fixes' server and phone times.
    """
    recent = phone.setdefault("recent", [])
    recent.append([now, fix.timestamp])
    del recent[:-_RECENT]
    offset = phone.get("clock_offset")
    on_clock = -_SAME_CLOCK_S <= fix.timestamp - now <= CLOCK_SLACK_S
    if on_clock and offset is not None and not _could_be_backlog(fix, offset, phone, now) \
            or on_clock and offset is not None and _steadily_on_clock(recent):
        # Set right again: its fixes are on time. A clock found ahead by less than a dead
        # zone lasted has backlog fixes stamped about now too: only fixes that keep coming
        # on the server's time, as live fixes do, then say the clock was set right.
        phone["clock_offset"] = None
        return fix
    if offset is not None and fix.timestamp + offset <= now + _SAME_CLOCK_S:
        # The same wrong clock, live or its backlog (a dead zone): corrected, it lands now or
        # in the past, when it was taken; a backlog sent back to back is not a fast clock.
        return replace(fix, timestamp=min(fix.timestamp + offset, now), stamped=fix.timestamp,
                       corrected=True)
    if fix.timestamp > now + CLOCK_SLACK_S and _running_fast(recent):
        # A clock that runs faster than time (the simulator sped up through this door) is no
        # phone's wrong clock: its fixes, events and dwell are all on its own time.
        phone["clock_offset"] = None
        return fix
    if offset is not None:
        phone["clock_offset"] = None  # ahead of its own offset: wrong in another way, afresh
    if fix.timestamp > now + CLOCK_SLACK_S or _steadily_behind(recent):
        phone["clock_offset"] = now - fix.timestamp
        phone["offset_found"] = now
        return replace(fix, timestamp=now, stamped=fix.timestamp)
    return fix


def _could_be_backlog(fix: Fix, offset: float, phone: dict, now: float) -> bool:
    """Whether the wrong clock's offset would put this fix at a time it could have been taken
    in a dead zone: in the past, and since the clock was found wrong (one glitch's offset,
    hours off, puts the next fix on time before it: that clock was right)."""
    corrected = fix.timestamp + offset
    found = phone.get("offset_found", -float("inf"))
    return found - _SAME_CLOCK_S <= corrected <= now + _SAME_CLOCK_S


def _running_fast(recent: list[list[float]]) -> bool:
    """Whether the last few fixes' stamps advance steadily faster than the server's clock."""
    if len(recent) < _STEADY_FIXES or recent[-1][0] - recent[0][0] < _FAST_SPAN_S:
        return False
    steps = [t2 - t1 for (_, t1), (_, t2) in zip(recent, recent[1:], strict=False)]
    if not all(0 < step <= _FAST_STEP_S for step in steps):
        return False  # one jump (a glitch hours ahead) is not a fast clock
    return (recent[-1][1] - recent[0][1]) >= _FAST_RATE * (recent[-1][0] - recent[0][0])


def _steadily_on_clock(recent: list[list[float]]) -> bool:
    """Whether the last few fixes all came on the server's clock, over a few seconds, their
    stamps advancing no faster than it (a backlog's stamps run far ahead of their sending)."""
    run = []
    for heard, stamp in reversed(recent):
        if not -_SAME_CLOCK_S <= stamp - heard <= CLOCK_SLACK_S:
            break
        run.append((heard, stamp))
    if len(run) < _STEADY_FIXES or run[0][0] - run[-1][0] < _STEADY_SPAN_S:
        return False
    return run[0][1] - run[-1][1] <= run[0][0] - run[-1][0] + _STEADY_JITTER_S


def _steadily_behind(recent: list[list[float]]) -> bool:
    """Whether the last few fixes are all about as late, and came over a few seconds."""
    heard, stamp = recent[-1]
    lag = heard - stamp
    if lag <= STALE_NEWS_S:
        return False
    steady = [h for h, t in recent if abs((h - t) - lag) <= _STEADY_JITTER_S]
    return len(steady) >= _STEADY_FIXES and heard - min(steady) >= _STEADY_SPAN_S


def late(reason: str | None, fix: Fix, progress: Progress) -> bool:
    """Whether a phone's fix the engine did not take still belongs in the route's history: one
    that came late (older than the last), one the engine judged a jump (what the phone said,
    as Traccar stores it, though the driver is not moved there: a phone deletes every fix a
    200 answered, and a wrong clock's stamp can make a right place look like a jump), or one
    from before the driver got back to the station, flushed after it (a backlog). Not one
    from before the route existed."""
    if reason in ("stale", "jump"):
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
