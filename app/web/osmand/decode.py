"""The OsmAnd protocol as Traccar decodes it (OsmAndProtocolDecoder): form fields or JSON.

Form (query string, or a urlencoded body when the query is empty): `id`/`deviceid`, `lat`+`lon`
or `location=lat,lon`, `timestamp` (epoch seconds, epoch milliseconds, ISO 8601 or
`yyyy-MM-dd HH:mm:ss` in UTC), `speed` in KNOTS, `bearing`/`heading`, `altitude`, `accuracy`,
`batt`. JSON (Content-Type application/json, Traccar Client 9+): `device_id` and `location`
with `timestamp` (ISO) and `coords` {latitude, longitude, speed m/s, heading, accuracy};
negative speed or heading means unknown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from app.domain.model import Fix
from app.web.numbers import to_float, to_whole

KNOT = 1852 / 3600  # m/s
INT_MAX = 2**31 - 1  # Traccar: a timestamp below this is seconds, above it milliseconds


class BadFix(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.field, self.message = field, message


def _number(value: Any, field: str, lo: float, hi: float) -> float:
    x = to_float(value)
    if x is None:
        raise BadFix(field, "must be a number (ASCII digits)")
    if not lo <= x <= hi:
        raise BadFix(field, f"must be between {lo:g} and {hi:g}")
    return x


def _optional(value: Any, field: str, hi: float) -> float | None:
    """A measurement the phone may not have: absent or negative means unknown."""
    if value is None or value == "":
        return None
    x = _number(value, field, -math.inf, hi)
    return None if x < 0 else x


def timestamp(value: Any, now: Callable[[], float]) -> float:
    if value is None or value == "":
        return now()  # Traccar does the same: a fix without a time is a fix from now
    text = str(value).strip()
    n = to_whole(text)
    if n is not None:
        return float(n) if n < INT_MAX else n / 1000.0
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadFix("timestamp", "must be epoch seconds, milliseconds or ISO 8601") from None
    try:
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    except (OverflowError, ValueError):  # year 1 with a positive offset: outside any window
        return math.nan


def from_form(params: Mapping[str, str], now: Callable[[], float]) -> tuple[str, list[Fix]]:
    device = params.get("id") or params.get("deviceid")
    if not device:
        raise BadFix("id", "is required (the device identifier)")
    if params.get("location"):
        parts = params["location"].split(",")
        if len(parts) < 2:
            raise BadFix("location", "must be lat,lon")
        lat_raw, lon_raw, lat_name, lon_name = parts[0], parts[1], "location", "location"
    else:
        lat_raw, lon_raw, lat_name, lon_name = params.get("lat"), params.get("lon"), "lat", "lon"
    if lat_raw in (None, "") or lon_raw in (None, ""):
        raise BadFix("lat" if lat_raw in (None, "") else "lon", "is required")
    speed = _optional(params.get("speed"), "speed", 2000)
    return device, [Fix(
        lat=_number(lat_raw, lat_name, -90, 90),
        lon=_number(lon_raw, lon_name, -180, 180),
        timestamp=timestamp(params.get("timestamp"), now),
        speed=None if speed is None else speed * KNOT,
        heading=_heading(params.get("bearing", params.get("heading"))),
        accuracy=_optional(params.get("accuracy"), "accuracy", 100000),
    )]


def from_json(body: Any, query: Mapping[str, str],
              now: Callable[[], float]) -> tuple[str, list[Fix]]:
    if not isinstance(body, dict):
        raise BadFix("body", "must be a JSON object")
    device = body.get("device_id") or query.get("id") or query.get("deviceid")
    if not device or not isinstance(device, str):
        raise BadFix("device_id", "is required")
    location = body.get("location")
    # A phone back in coverage may send the fixes it stored as a list.
    locations = location if isinstance(location, list) and location else [location]
    return device, [_location(loc, now) for loc in locations]


def _location(location: Any, now: Callable[[], float]) -> Fix:
    if not isinstance(location, dict) or not isinstance(location.get("coords"), dict):
        raise BadFix("location.coords", "is required")
    coords = location["coords"]
    for name in ("latitude", "longitude"):
        if coords.get(name) is None:
            raise BadFix(f"location.coords.{name}", "is required")
    return Fix(
        lat=_number(coords["latitude"], "location.coords.latitude", -90, 90),
        lon=_number(coords["longitude"], "location.coords.longitude", -180, 180),
        timestamp=timestamp(location.get("timestamp"), now),
        speed=_optional(coords.get("speed"), "location.coords.speed", 1000),
        heading=_heading(coords.get("heading")),
        accuracy=_optional(coords.get("accuracy"), "location.coords.accuracy", 100000),
    )


def _heading(value: Any) -> float | None:
    x = _optional(value, "heading", 720)
    return None if x is None else x % 360.0
