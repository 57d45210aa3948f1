"""An ETA as a customer reads it: a time, a window around it, inside service hours."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from app.domain.hours import (
    CLOSES,
    OPENS,
    ServiceTime,
    at_hour,
    clamped,
    clock_text,
    day_text,
    fit,
    iso_utc,
)

_ROUND_S = 300  # windows start and end on five minutes: "14:10-14:40", never "14:07-14:38"
_MIN_HALF_S = 600
_MAX_HALF_S = 5400
# The window's half width as a share of the time still to go: the error grows with it.
_SPREAD = 0.15


def window_half(remaining_s: float) -> float:
    return min(_MAX_HALF_S, max(_MIN_HALF_S, _SPREAD * max(0.0, remaining_s)))


def arrival(
    at: float, now: float, tz: str, start_hour: int = OPENS, end_hour: int = CLOSES,
    moved_to: date | None = None, slot: list[float] | None = None,
) -> dict[str, Any]:
    """The `eta` object of the customer view for an estimated arrival `at`, seen at `now`.

    `slot` is the stop's booked delivery slot [from, to], if it has one.
    `moved_to` is the delivery day the engine already moved the stop to (tracking/eta.py):
    once told "next delivery day", a customer is not told "arriving 19:50" again by the next
    fix's estimate landing a minute before closing.
    """
    at, now = clamped(at), clamped(now)  # stored times may be absurd (app/domain/hours.py)
    fitted = fit(max(at, now), tz, start_hour, end_hour)
    if moved_to is not None and moved_to > fitted.day:
        fitted = ServiceTime(at_hour(moved_to, start_hour, tz), moved_to, True)
    opens = at_hour(fitted.day, start_hour, tz)
    closes = at_hour(fitted.day, end_hour, tz)
    if fitted.moved_to_next_day:
        # Tomorrow's order of stops is not known yet: promise the day, not an hour.
        lo, hi = opens, closes
        text = f"Moved to the next delivery day, {day_text(fitted.day)}"
    else:
        half = window_half(fitted.at - now)
        # Rounded down to a mark, but never to before the minute it is shown in: a window
        # shown at 14:07 that starts at 14:05 promises a time already gone ("14:07-14:25").
        lo = max(opens, math.floor((fitted.at - half) / _ROUND_S) * _ROUND_S,
                 math.floor(now / 60) * 60)
        hi = min(closes, math.ceil((fitted.at + half) / _ROUND_S) * _ROUND_S)
        if slot is not None and fitted.at <= slot[1]:
            # On time for the booked slot: promise no wider than the slot itself. A handover
            # estimated after the slot's end shows as it is: late is what the customer must know.
            lo, hi = max(lo, min(slot[0], fitted.at)), min(hi, slot[1])
        text = f"Arriving {clock_text(lo, tz)}-{clock_text(hi, tz)}"
    return {
        "at": iso_utc(fitted.at),
        "window": [iso_utc(lo), iso_utc(hi)],
        "text": text,
        "day": fitted.day.isoformat(),
        "moved_to_next_day": fitted.moved_to_next_day,
    }
