"""Times a client sends, accepted only within a window of the server's clock.

One fix stamped in year 10000 (or year 1) once broke every page that showed it. Phones' clocks
drift a little and a phone back in coverage sends the fixes it stored, so the window is wide
enough for both: FIX_MAX_AGE back (default 7 days) and FIX_MAX_AHEAD ahead (default 1 day,
Traccar's filter.future). The simulator's speeded-up time stays inside it: a simulated
delivery day starts today.
"""

from __future__ import annotations

import math

from flask import current_app

from app.extensions import services


def server_now() -> float:
    """The server's clock: the registry's (app/wiring.py; CLOCK, an injected `now()` for tests)."""
    return services().clock()


def _span(seconds: float) -> str:
    days = seconds / 86400
    return f"{days:g} day{'' if days == 1 else 's'}" if days >= 1 else f"{seconds:g} seconds"


def refusal(ts: float) -> str | None:
    """Why a client's time is refused, or None when it is inside the window."""
    cfg, now = current_app.config, server_now()
    back, ahead = cfg["FIX_MAX_AGE"], cfg["FIX_MAX_AHEAD"]
    if not math.isfinite(ts) or not now - back <= ts <= now + ahead:
        return (f"must be within {_span(back)} before and {_span(ahead)} after the server's "
                "clock")
    return None
