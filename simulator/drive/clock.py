"""Simulated time: service hours in the area's zone, and clocks that pace (or don't) the run."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rules.hours import CLOSES, OPENS, span
from simulator.errors import SimulatorError


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SimulatorError(f"unknown time zone: {name}") from None


def service_window(day: date, tz: ZoneInfo) -> tuple[float, float]:
    """Return (opening, closing) of the delivery day as epoch seconds."""
    open_at = datetime(day.year, day.month, day.day, OPENS, tzinfo=tz)
    close_at = datetime(day.year, day.month, day.day, CLOSES, tzinfo=tz)
    return open_at.timestamp(), close_at.timestamp()


def start_time(tz: ZoneInfo, hhmm: str | None, day: date | None,
               now: datetime | None = None) -> float:
    """Resolve --start/--date: given time, else now if within service hours, else 08:00."""
    now = (now or datetime.now(tz)).astimezone(tz)
    day = day or now.date()
    if hhmm is None:
        if now.date() == day and OPENS <= now.hour < CLOSES - 1:
            return now.replace(microsecond=0).timestamp()
        return service_window(day, tz)[0]
    try:
        h, m = (int(x) for x in hhmm.split(":"))
        at = datetime(day.year, day.month, day.day, h, m, tzinfo=tz)
    except ValueError:
        raise SimulatorError(f"--start must be HH:MM, got {hhmm!r}") from None
    if not OPENS <= h < CLOSES:
        raise SimulatorError(f"--start {hhmm} is outside service hours {span()}")
    return at.timestamp()


def local_day(t: float, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(t, tz).date()


def next_opening(t: float, tz: ZoneInfo) -> float:
    """Return the opening time of the day after the local day of t."""
    day = datetime.fromtimestamp(t, tz).date() + timedelta(days=1)
    return service_window(day, tz)[0]


class Timestamps:
    """ISO 8601 with the area's offset; every fix of a tick shares one string, so cache it."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._last: tuple[float, str] = (float("nan"), "")

    def __call__(self, t: float) -> str:
        if t != self._last[0]:
            self._last = (t, datetime.fromtimestamp(round(t), self.tz).isoformat())
        return self._last[1]


class PacedClock:
    """Maps simulated seconds to wall time with a speed-up; sleeps so the run keeps pace."""

    def __init__(self, sim_start: float, speedup: float) -> None:
        self.sim_start, self.speedup = sim_start, speedup
        self.wall_start = time.monotonic()
        self.epoch_start = time.time()

    def wait_until(self, sim_t: float) -> float:
        """Sleep until sim_t is due; return how far behind the clock we are (wall seconds)."""
        due = self.wall_start + (sim_t - self.sim_start) / self.speedup
        ahead = due - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
            return 0.0
        return -ahead

    def jump(self, sim_from: float, sim_to: float) -> None:
        """Skip simulated time (the night between two days) without waiting for it."""
        self.sim_start += sim_to - sim_from

    def lead(self, sim_t: float) -> float:
        """How far `sim_t` is ahead of the real clock (seconds; negative: behind)."""
        return sim_t - time.time()

    def anchor(self) -> dict | None:
        """How the run's stamps map to the real clock (--links: the demo's launcher tells the
        server, which shows a sped-up run's times on its own clock)."""
        return {"sim": self.sim_start, "real": self.epoch_start, "speedup": self.speedup}


class InstantClock:
    """Never waits: for tests, file output and benchmarks."""

    def __init__(self, now: float | None = None) -> None:
        self.now = now  # the real clock `lead` compares with; None: no real clock at all

    def wait_until(self, sim_t: float) -> float:
        return 0.0

    def lead(self, sim_t: float) -> float:
        return 0.0 if self.now is None else sim_t - self.now

    def anchor(self) -> dict | None:
        return None  # no pace: its stamps map to no real time

    def jump(self, sim_from: float, sim_to: float) -> None:
        pass
