"""The OsmAnd protocol as Traccar decodes it (OsmAndProtocolDecoder): form fields or JSON.

Form (query string, or a urlencoded body when the query is empty): `id`/`deviceid`, `lat`+`lon`
or `location=lat,lon`, `timestamp` (epoch seconds, epoch milliseconds, ISO 8601, or
`yyyy-MM-dd HH:mm:ss` in PHONE_TIMEZONE), `speed` in KNOTS, `bearing`/`heading`, `altitude`,
`accuracy`, `batt` (percent), `charge`, `valid`. JSON (Content-Type application/json, Traccar
Client 9): `device_id` and `location` (one, or a list) with `timestamp` (ISO), `coords`
{latitude, longitude, speed m/s, heading, accuracy} and `battery` {level 0-1, is_charging};
or, from the Traccar Client SDK with `uploadJson`, a list of objects holding the form's fields.
Negative speed, heading, accuracy or battery means unknown.

A request with a device id and no location at all is a heartbeat (Traccar Client 10 with
heartbeat on and no fix, a request with only cell or wifi data, a JSON `location` without
`coords`): Traccar takes it and keeps the last location, so it is a report with no fixes here,
never an error. A phone refused with a 4xx retries that request for ever at the head of its
queue (docs/api.md), so only a request that cannot be right is refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from app.domain.model import Fix
from app.web.numbers import to_float, to_whole

KNOT = 1852 / 3600  # m/s
INT_MAX = 2**31 - 1  # Traccar: a timestamp below this is seconds, above it milliseconds
_LOCATION_FIELDS = ("lat", "lon", "location")
_EPOCH_FRACTION = re.compile(r"[0-9]{1,16}\.[0-9]{1,9}")


def null_island(fix: Fix) -> bool:
    """(0, 0) exactly: what a phone sends before it has any fix (Traccar's filter.zero drops
    it too). Nobody delivers there, and taken as a first fix it would hold back the right
    ones behind the jump filter."""
    return fix.lat == 0.0 and fix.lon == 0.0


class BadFix(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class PhoneReport:
    """What one phone request says: its fixes, and the phone's own state."""

    device: str
    fixes: list[Fix] = field(default_factory=list)
    battery: float | None = None  # percent
    charging: bool | None = None
    invalid: int = 0  # fixes the phone itself marked `valid=false`: kept off the route
    entries: int = 1  # what the request carried (fixes, heartbeats): the work it costs


def _number(value: Any, field: str, lo: float, hi: float) -> float:
    if isinstance(value, str) and value.count(",") == 1 and "." not in value:
        # A phone set to a language that writes decimal commas (60,1699): refused, the
        # client would retry it at the head of its queue for ever.
        value = value.replace(",", ".")
    x = to_float(value)
    if x is None:
        raise BadFix(field, "must be a number (ASCII digits)")
    if not lo <= x <= hi:
        raise BadFix(field, f"must be between {lo:g} and {hi:g}")
    return x


def _optional(value: Any, field: str, hi: float) -> float | None:
    """A measurement the phone may not have (speed, heading, accuracy): absent, negative,
    unreadable or beyond `hi` means unknown. Never a refusal: Traccar reads these with
    parseDouble and keeps the fix, and a refused fix blocks the phone's queue for ever."""
    x = to_float(value) if value is not None and value != "" else None
    return None if x is None or not 0 <= x <= hi else x


def _flag(value: Any) -> bool | None:
    """`true`/`false` (any case) or a JSON boolean; anything else is unknown."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return {"true": True, "false": False}.get(text)


def _battery(value: Any) -> float | None:
    """Percent, or unknown. Never a refusal: the phone would resend the whole fix for ever
    (docs/api.md) over a field that is only shown to the seller."""
    x = to_float(value)
    return x if x is not None and 0 <= x <= 100 else None


def timestamp(value: Any, now: Callable[[], float], zone: tzinfo = UTC) -> float:
    """Epoch seconds from what a phone sends; a time without a zone is in `zone`."""
    if value is None or value == "":
        return now()  # Traccar does the same: a fix without a time is a fix from now
    # Traccar reads epochs with Long.parseLong (a leading `+` is a number) and ISO 8601 in
    # either case (`t`, `z`); a fraction of a second on an epoch is kept.
    text = str(value).strip().upper().removeprefix("+")
    n = to_whole(text)
    if n is not None:
        return float(n) if n < INT_MAX else n / 1000.0
    if _EPOCH_FRACTION.fullmatch(text):
        x = float(text)
        return x if x < INT_MAX else x / 1000.0
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadFix("timestamp", "must be epoch seconds, milliseconds or ISO 8601") from None
    try:
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).timestamp()
    except (OverflowError, ValueError):  # year 1 with a positive offset: outside any window
        return math.nan


def from_form(params: Mapping[str, str], now: Callable[[], float],
              zone: tzinfo = UTC) -> PhoneReport:
    device = params.get("id") or params.get("deviceid")
    if not device:
        raise BadFix("id", "is required (the device identifier)")
    battery = _battery(params.get("batt"))
    charging = _flag(params.get("charge"))
    if not any(params.get(name) for name in _LOCATION_FIELDS):
        return PhoneReport(device, [], battery, charging)  # a heartbeat, or cell/wifi only
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
    fix = Fix(
        lat=_number(lat_raw, lat_name, -90, 90),
        lon=_number(lon_raw, lon_name, -180, 180),
        timestamp=timestamp(params.get("timestamp"), now, zone),
        speed=None if speed is None else speed * KNOT,
        heading=_heading(params.get("bearing", params.get("heading"))),
        accuracy=_optional(params.get("accuracy"), "accuracy", 100000),
    )
    # Traccar: valid unless `valid` says otherwise; only "true" and "1" say valid.
    valid = params.get("valid")
    if valid is not None and not (valid.strip().lower() == "true" or valid.strip() == "1") \
            or null_island(fix):
        return PhoneReport(device, [], battery, charging, invalid=1)
    return PhoneReport(device, [fix], battery, charging)


def peek_json(body: Any, query: Mapping[str, str]) -> tuple[str, int]:
    """The device a JSON request names and how many entries it carries, without decoding
    them (osmand._incoming says why)."""
    if isinstance(body, list):
        first = body[0] if body and isinstance(body[0], dict) else None
        device = _text(first.get("id") or first.get("deviceid")) if first else ""
        if not device:
            raise BadFix("body[0].id", "is required (the device identifier)")
        return device, len(body)
    device = _json_device(body, query)
    location = body.get("location")
    return device, len(location) if isinstance(location, list) and location else 1


def _json_device(body: Any, query: Mapping[str, str]) -> str:
    """The device a JSON object names (its `device_id`, else the query's `id`)."""
    if not isinstance(body, dict):
        raise BadFix("body", "must be a JSON object")
    device = body.get("device_id") or query.get("id") or query.get("deviceid")
    if not device or not isinstance(device, str):
        raise BadFix("device_id", "is required")
    return device


def from_json(body: Any, query: Mapping[str, str], now: Callable[[], float],
              zone: tzinfo = UTC) -> PhoneReport:
    if isinstance(body, list):
        return _flat_list(body, now, zone)
    device = _json_device(body, query)
    location = body.get("location")
    # A phone back in coverage may send the fixes it stored as a list; an empty list is a
    # heartbeat, as is a location without coordinates.
    locations = location if isinstance(location, list) else [location]
    if not locations:
        locations = [None]
    fixes, battery, charging, unreadable, zero = [], None, None, [], 0
    for i, loc in enumerate(locations):
        name = f"location[{i}]" if isinstance(location, list) else "location"
        if loc is None:
            continue  # no location at all: a heartbeat
        if not isinstance(loc, dict):
            unreadable.append(BadFix(name, "must be an object"))
            continue
        if loc.get("coords") not in (None, {}):
            try:
                fix = _location(loc, name, now, zone)
            except BadFix as exc:  # one unreadable fix of a stored list: the others count
                unreadable.append(exc)
            else:
                if null_island(fix):
                    zero += 1
                else:
                    fixes.append(fix)
        if isinstance(loc.get("battery"), dict):  # the latest that knows says how it is now
            level = to_float(loc["battery"].get("level"))
            percent = None if level is None else _battery(round(level * 100, 1))
            battery = battery if percent is None else percent
            said = _flag(loc["battery"].get("is_charging"))
            charging = charging if said is None else said
    if unreadable and len(unreadable) == len(locations):
        raise unreadable[0]  # nothing in it could be read: say what
    return PhoneReport(device, fixes, battery, charging, invalid=len(unreadable) + zero,
                  entries=len(locations))


def _flat_list(items: list, now: Callable[[], float], zone: tzinfo) -> PhoneReport:
    """The SDK's `uploadJson` mode: a list of objects holding the form's fields, one per fix."""
    if not items or not all(isinstance(item, dict) for item in items):
        raise BadFix("body", "must be a JSON object, or a list of objects with the form's fields")
    reports, unreadable = [], []
    for i, item in enumerate(items):
        try:
            reports.append(from_form({k: _text(v) for k, v in item.items()}, now, zone))
        except BadFix as exc:  # one unreadable fix of a stored list: the others count
            unreadable.append(BadFix(f"body[{i}].{exc.field}", exc.message))
    if not reports:
        raise unreadable[0]
    device = reports[0].device
    if any(r.device != device for r in reports):
        raise BadFix("id", "must name the same device in every item")
    battery = next((r.battery for r in reversed(reports) if r.battery is not None), None)
    charging = next((r.charging for r in reversed(reports) if r.charging is not None), None)
    return PhoneReport(device, [f for r in reports for f in r.fixes], battery, charging,
                  sum(r.invalid for r in reports) + len(unreadable), entries=len(items))


def _text(value: Any) -> str:
    """A JSON value as the form would carry it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _location(location: dict, name: str, now: Callable[[], float], zone: tzinfo) -> Fix:
    coords = location["coords"]
    if not isinstance(coords, dict):
        raise BadFix(f"{name}.coords", "must be an object")
    for key in ("latitude", "longitude"):
        if coords.get(key) is None:
            raise BadFix(f"{name}.coords.{key}", "is required")
    return Fix(
        lat=_number(coords["latitude"], f"{name}.coords.latitude", -90, 90),
        lon=_number(coords["longitude"], f"{name}.coords.longitude", -180, 180),
        timestamp=timestamp(location.get("timestamp"), now, zone),
        speed=_optional(coords.get("speed"), f"{name}.coords.speed", 1000),
        heading=_heading(coords.get("heading")),
        accuracy=_optional(coords.get("accuracy"), f"{name}.coords.accuracy", 100000),
    )


def _heading(value: Any) -> float | None:
    x = _optional(value, "heading", 720)
    return None if x is None else x % 360.0
