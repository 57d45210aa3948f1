"""Service hours: deliveries happen from 8 am to 8 pm local time, every day of the week."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

# Service hours, local time: written once, in rules/hours.py (the simulator keeps them too).
from rules.hours import CLOSES as CLOSES
from rules.hours import OPENS as OPENS

# Times in the store came from clients. The doors keep new ones within days of the server's
# clock (app/web/times.py), but a store written before that, or by hand, may hold any number,
# and datetime cannot hold year 10000. Every conversion here is therefore total: arithmetic
# clamps into these years, and text shows a time outside them as unknown. One bad value
# degrades one field, never a page, a socket or the broadcaster's tick.
TS_MIN = -30610224000.0  # 1000-01-01
TS_MAX = 253370764800.0  # 9999-01-01
UNKNOWN_CLOCK = "--:--"


def sane(ts: Any) -> bool:
    """Whether `ts` is an epoch time every conversion here can show as it is."""
    kind = type(ts)
    if kind is float or kind is int:  # the views ask this ~20 times per frame: the usual case first
        return TS_MIN <= ts <= TS_MAX  # NaN compares false
    return (isinstance(ts, int | float) and not isinstance(ts, bool)
            and TS_MIN <= ts <= TS_MAX)


def latest(*times: Any) -> float | None:
    """The latest of the times that are sane; None when none is."""
    if len(times) == 2:  # the views' case, without a generator
        a, b = times
        a, b = (a if sane(a) else None), (b if sane(b) else None)
        if a is None or b is None:
            return b if a is None else a
        return b if b > a else a  # max() answers the first of equals: so does this
    return max((t for t in times if sane(t)), default=None)


def clamped(ts: float) -> float:
    """`ts` within the years datetime and every zone can hold (NaN: the earliest)."""
    return min(max(ts, TS_MIN), TS_MAX) if ts == ts else TS_MIN


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(ts: float, tz: str) -> datetime:
    return datetime.fromtimestamp(clamped(ts), zone(tz))


# The views format several times per update for every watched shipment (thousands a second
# under load, app/realtime/broadcaster.py): strftime and zone lookups were ~20% of the server's CPU.
# The caches below give the same strings, computed once per day, hour or window edge.

@lru_cache(maxsize=64)
def _utc_day(days: int) -> str:
    return datetime.fromtimestamp(days * 86400, UTC).strftime("%Y-%m-%d")


def iso_utc(ts: float | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC with a `Z`, to the second; None when unknown or absurd."""
    return _iso_second(round(ts)) if sane(ts) else None


@lru_cache(maxsize=16384)
def _iso_second(t: int) -> str:
    # Cached: one route update formats the same few seconds (its last fix, its timeline) for
    # the seller and for every watching customer.
    days, secs = divmod(t, 86400)  # UTC has no leap seconds in epoch time
    return f"{_utc_day(days)}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}Z"


@lru_cache(maxsize=4096)
def at_hour(day: date, hour: int, tz: str) -> float:
    """Epoch seconds of `hour`:00 local time on `day` (fold=0 on a DST overlap)."""
    if hour >= 24:
        day, hour = day + timedelta(days=1), hour - 24
    return datetime.combine(day, time(hour), zone(tz)).timestamp()


# tz -> (first second, first second of the next day, the local day): the day a time falls on.
_days: dict[str, tuple[float, float, date]] = {}


def local_day(ts: float, tz: str) -> date:
    """local(ts, tz).date(), without a zone conversion while `ts` stays within one day."""
    span = _days.get(tz)
    if span is not None and span[0] <= ts < span[1]:
        return span[2]
    day = local(ts, tz).date()
    start, end = at_hour(day, 0, tz), at_hour(day, 24, tz)
    # Midnight can fall in a DST gap in a few zones: cache only a span that checks out.
    if (start <= ts < end and local(start, tz).date() == day
            and local(end, tz).date() != day and local(end - 1, tz).date() == day):
        _days[tz] = (start, end, day)
    return day


def next_delivery_day(ts: float, tz: str) -> date:
    """The delivery day after the one `ts` falls on (every day is a delivery day)."""
    return local_day(ts, tz) + timedelta(days=1)


class ServiceTime(NamedTuple):  # not a frozen dataclass: built per ETA, its __init__ is 3x slower
    at: float  # the time, inside service hours
    day: date  # local delivery day
    moved_to_next_day: bool


def fit(ts: float, tz: str, start_hour: int = OPENS, end_hour: int = CLOSES) -> ServiceTime:
    """Place an estimated arrival inside service hours.

    Before opening it waits for opening; after closing it moves to the next delivery day,
    because the driver's block ends and the parcel goes back to the station.
    """
    ts = clamped(ts)
    day = local_day(ts, tz)
    opens, closes = at_hour(day, start_hour, tz), at_hour(day, end_hour, tz)
    if ts < opens:
        return ServiceTime(opens, day, False)
    if ts > closes:
        day += timedelta(days=1)
        return ServiceTime(at_hour(day, start_hour, tz), day, True)
    return ServiceTime(ts, day, False)


def closing(day: date, tz: str, end_hour: int = CLOSES) -> float:
    return at_hour(day, end_hour, tz)


@lru_cache(maxsize=64)
def day_text(day: date) -> str:
    """`Fri 27 Nov`: short, unambiguous for a customer, independent of the locale."""
    return f"{day:%a} {day.day} {day:%b}"


@lru_cache(maxsize=8192)
def clock_text(ts: float, tz: str) -> str:
    # Cached: window edges fall on five-minute marks, so a few values serve every view.
    return local(ts, tz).strftime("%H:%M") if sane(ts) else UNKNOWN_CLOCK
