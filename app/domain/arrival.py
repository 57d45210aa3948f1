"""An ETA as a customer reads it: a time, a window around it, inside service hours."""

from __future__ import annotations

import math
from typing import Any

from app.domain.hours import CLOSES, OPENS, at_hour, clamped, clock_text, day_text, fit, iso_utc

_ROUND_S = 300  # windows start and end on five minutes: "14:10-14:40", never "14:07-14:38"
_MIN_HALF_S = 600
_MAX_HALF_S = 5400
# The window's half width as a share of the time still to go: the error grows with it.
_SPREAD = 0.15


def window_half(remaining_s: float) -> float:
    return min(_MAX_HALF_S, max(_MIN_HALF_S, _SPREAD * max(0.0, remaining_s)))


def arrival(
    at: float, now: float, tz: str, start_hour: int = OPENS, end_hour: int = CLOSES
) -> dict[str, Any]:
    """The `eta` object of the customer view for an estimated arrival `at`, seen at `now`."""
    at, now = clamped(at), clamped(now)  # stored times may be absurd (app/domain/hours.py)
    fitted = fit(max(at, now), tz, start_hour, end_hour)
    opens = at_hour(fitted.day, start_hour, tz)
    closes = at_hour(fitted.day, end_hour, tz)
    if fitted.moved_to_next_day:
        # Tomorrow's order of stops is not known yet: promise the day, not an hour.
        lo, hi = opens, closes
        text = f"Moved to the next delivery day, {day_text(fitted.day)}"
    else:
        half = window_half(fitted.at - now)
        lo = max(opens, math.floor((max(fitted.at - half, now)) / _ROUND_S) * _ROUND_S)
        hi = min(closes, math.ceil((fitted.at + half) / _ROUND_S) * _ROUND_S)
        text = f"Arriving {clock_text(lo, tz)}-{clock_text(hi, tz)}"
    return {
        "at": iso_utc(fitted.at),
        "window": [iso_utc(lo), iso_utc(hi)],
        "text": text,
        "day": fitted.day.isoformat(),
        "moved_to_next_day": fitted.moved_to_next_day,
    }
