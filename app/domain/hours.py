"""Service hours: deliveries happen from 8 am to 8 pm local time, every day of the week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(ts: float, tz: str) -> datetime:
    return datetime.fromtimestamp(ts, zone(tz))


def iso_utc(ts: float | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC with a `Z`, to the second."""
    if ts is None:
        return None
    return datetime.fromtimestamp(round(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def at_hour(day: date, hour: int, tz: str) -> float:
    """Epoch seconds of `hour`:00 local time on `day` (fold=0 on a DST overlap)."""
    if hour >= 24:
        day, hour = day + timedelta(days=1), hour - 24
    return datetime.combine(day, time(hour), zone(tz)).timestamp()


def next_delivery_day(ts: float, tz: str) -> date:
    """The delivery day after the one `ts` falls on (every day is a delivery day)."""
    return local(ts, tz).date() + timedelta(days=1)


@dataclass(frozen=True)
class ServiceTime:
    at: float  # the time, inside service hours
    day: date  # local delivery day
    moved_to_next_day: bool


def fit(ts: float, tz: str, start_hour: int = 8, end_hour: int = 20) -> ServiceTime:
    """Place an estimated arrival inside service hours.

    Before opening it waits for opening; after closing it moves to the next delivery day,
    because the driver's block ends and the parcel goes back to the station.
    """
    day = local(ts, tz).date()
    opens, closes = at_hour(day, start_hour, tz), at_hour(day, end_hour, tz)
    if ts < opens:
        return ServiceTime(opens, day, False)
    if ts > closes:
        day += timedelta(days=1)
        return ServiceTime(at_hour(day, start_hour, tz), day, True)
    return ServiceTime(ts, day, False)


def closing(day: date, tz: str, end_hour: int = 20) -> float:
    return at_hour(day, end_hour, tz)


def day_text(day: date) -> str:
    """`Fri 27 Nov`: short, unambiguous for a customer, independent of the locale."""
    return f"{day:%a} {day.day} {day:%b}"


def clock_text(ts: float, tz: str) -> str:
    return local(ts, tz).strftime("%H:%M")
