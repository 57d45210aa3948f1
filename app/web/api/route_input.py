"""Validate a route registration (`POST /api/v1/routes`) field by field."""

from __future__ import annotations

import math
import time
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain import sizes
from app.domain.hours import local_day
from app.domain.model import PROGRAMS, STOP_KINDS, VEHICLES
from app.domain.route_request import RouteRequest
from app.notify.phone_numbers import PHONE_HINT, country_of, normalize
from app.web.api.validation import InvalidField, choice, latlon, moment, number, obj, text

MAX_WINDOW_S = 86400.0
MAX_WINDOW_DISTANCE_S = 30 * 86400.0
# Planned time at the door when the caller gives none: a van parks and walks, a drone drops.
DEFAULT_DWELL_S = {"van": 150.0, "motorcycle": 100.0, "bike": 90.0, "foot": 75.0, "drone": 40.0}


def parse_route(body: Any, default_timezone: str, max_shipments: int = 500,
                now: float | None = None) -> RouteRequest:
    body = obj(body, "body")
    now = time.time() if now is None else now
    driver = obj(body.get("driver"), "driver")
    # First name only: the customer sees nothing more, so the store keeps nothing more.
    name = text(driver, "name", sizes.NAME, prefix="driver.").split()[0]
    vehicle = choice(driver, "vehicle", VEHICLES, prefix="driver.")
    station = obj(body.get("station"), "station")
    stops = body.get("stops")
    if not isinstance(stops, list) or not stops:
        raise InvalidField("stops", "must be a non-empty list")
    if len(stops) > sizes.STOPS:
        raise InvalidField("stops", f"must hold at most {sizes.STOPS} stops")
    # Every shipment is work for the engine on each fix and a notification on each status:
    # 25,000 on one route held the notification worker for seconds.
    count = sum(len(s["shipments"]) for s in stops
                if isinstance(s, dict) and isinstance(s.get("shipments"), list))
    if count > max_shipments:
        raise InvalidField("stops", f"must hold at most {max_shipments} shipments in all")
    zone = timezone_name(body.get("timezone", default_timezone))
    country = country_of(zone)
    return RouteRequest(
        driver_name=name,
        vehicle=vehicle,
        program=choice(body, "program", PROGRAMS, default="standard"),
        timezone=zone,
        station=latlon(station, "station."),
        station_name=text(station, "name", sizes.NAME, required=False,
                          prefix="station.") or "Station",
        stops=_pickups_first([_stop(s, i, vehicle, now, country) for i, s in enumerate(stops)]),
        legs=_legs(body.get("legs"), len(stops)),
        date=delivery_date(body.get("date"), zone, now),
    )


# As far from today as a slot may be (MAX_WINDOW_DISTANCE_S).
MAX_DAYS_AWAY = 30


def delivery_date(raw: Any, zone: str, now: float) -> str | None:
    """The day the route is driven (`2026-12-04`, local to the route's zone), or None: today.
    Customers read "Arriving tomorrow" or the day until then, and the route does not start
    before it (a phone's fixes or a driver's tap the evening before leave it as it is)."""
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidField("date", "must be a day such as 2026-12-04")
    today = local_day(now, zone)
    if abs((day - today).days) > MAX_DAYS_AWAY:
        # A replay's or a late import's day is taken as it is (the plan page plans a past day
        # as asked); a year's typo is not.
        raise InvalidField("date", f"must be within {MAX_DAYS_AWAY} days of today "
                           f"({today.isoformat()} in the route's time zone)")
    return day.isoformat()


def timezone_name(value: Any) -> str:
    # IANA names are short; a long one made ZoneInfo raise OSError (file name too long): a 500.
    if not isinstance(value, str) or not 0 < len(value) <= sizes.TIMEZONE:
        raise InvalidField("timezone", "must be an IANA time zone name")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidField("timezone", f"unknown time zone {value!r}") from None
    return value


def _stop(raw: Any, i: int, vehicle: str, now: float, country: str | None) -> dict[str, Any]:
    p = f"stops[{i}]."
    s = obj(raw, p[:-1])
    lat, lon = latlon(s, p)
    kind = choice(s, "kind", STOP_KINDS, default="delivery", prefix=p)
    shipments = s.get("shipments")
    if kind == "pickup":
        return _pickup(s, p, lat, lon, vehicle, now)
    pickup = s.get("pickup")
    if pickup is not None and (isinstance(pickup, bool) or not isinstance(pickup, int)):
        raise InvalidField(p + "pickup", "must be the index of a pickup stop before this one")
    if not isinstance(shipments, list) or not shipments:
        raise InvalidField(p + "shipments", "must be a non-empty list")
    if len(shipments) > sizes.SHIPMENTS_PER_STOP:
        raise InvalidField(p + "shipments", f"must hold at most {sizes.SHIPMENTS_PER_STOP}")
    dwell = number(s, "dwell_s", 0, 7200, required=False, prefix=p)
    return {
        "lat": lat,
        "lon": lon,
        "address": text(s, "address", sizes.ADDRESS, required=False, prefix=p) or "",
        "dwell_s": DEFAULT_DWELL_S[vehicle] if dwell is None else dwell,
        "notes": text(s, "notes", sizes.NOTES, required=False, prefix=p) or "",
        "window": window(s.get("window"), p + "window", now),
        "shipments": [_shipment(x, f"{p}shipments[{j}].", country)
                      for j, x in enumerate(shipments)],
        "kind": "delivery",
        "pickup": pickup,
        "planned_at": planned_at(s, p, now),
    }


def _pickup(s: dict[str, Any], p: str, lat: float, lon: float, vehicle: str,
            now: float) -> dict[str, Any]:
    """A place the driver collects parcels at: it has no shipments of its own (its deliveries
    name it), and no slot (it waits for no customer)."""
    if s.get("shipments"):
        raise InvalidField(p + "shipments", "a pickup holds none: the deliveries name it in "
                           "their pickup")
    if s.get("pickup") is not None:
        raise InvalidField(p + "pickup", "only a delivery names its pickup")
    dwell = number(s, "dwell_s", 0, 7200, required=False, prefix=p)
    return {"lat": lat, "lon": lon,
            "address": text(s, "address", sizes.ADDRESS, required=False, prefix=p) or "",
            "dwell_s": DEFAULT_DWELL_S[vehicle] if dwell is None else dwell,
            "notes": text(s, "notes", sizes.NOTES, required=False, prefix=p) or "",
            "window": None, "shipments": [], "kind": "pickup", "pickup": None,
            "planned_at": planned_at(s, p, now)}


def planned_at(s: dict[str, Any], p: str, now: float) -> float | None:
    """When the plan has the stop served (`planned_at`, ISO 8601 with an offset or epoch
    seconds): shown to the driver beside the slot, as the day's printed sheet shows it."""
    if s.get("planned_at") is None:
        return None
    ts = moment(s, "planned_at", p)
    if not (math.isfinite(ts) and abs(ts - now) <= MAX_WINDOW_DISTANCE_S):
        raise InvalidField(p + "planned_at", "must be within 30 days of the server's clock")
    return ts


def _pickups_first(stops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A delivery's pickup is a pickup stop before it, and every pickup loads something."""
    used = set()
    for i, s in enumerate(stops):
        k = s["pickup"]
        if k is None:
            continue
        if not (0 <= k < i and stops[k]["kind"] == "pickup"):
            raise InvalidField(f"stops[{i}].pickup",
                               "must be the index of a pickup stop before this one")
        used.add(k)
    for i, s in enumerate(stops):
        if s["kind"] == "pickup" and i not in used:
            raise InvalidField(f"stops[{i}].kind", "a pickup no delivery names in its pickup")
    return stops


def window(raw: Any, field: str, now: float) -> tuple[float, float] | None:
    """A delivery slot (grocery two-hour slots, express): `{"from": ..., "to": ...}`, each
    epoch seconds or ISO 8601 with an offset. The driver does not hand over before `from`."""
    if raw is None:
        return None
    w = obj(raw, field)
    lo, hi = moment(w, "from", field + "."), moment(w, "to", field + ".")
    for name, ts in (("from", lo), ("to", hi)):
        if not (math.isfinite(ts) and abs(ts - now) <= MAX_WINDOW_DISTANCE_S):
            raise InvalidField(f"{field}.{name}", "must be within 30 days of the server's clock")
    if not 0 < hi - lo <= MAX_WINDOW_S:
        raise InvalidField(field + ".to", "must be after from, by at most 24 hours")
    return (lo, hi)


def _shipment(raw: Any, p: str, country: str | None) -> dict[str, Any]:
    s = obj(raw, p[:-1])
    phone = text(s, "phone", sizes.PHONE, required=False, prefix=p)
    # Stored in E.164, so texts reach a number typed in national form (040 123 4567).
    if phone:
        phone = normalize(phone, country)
        if phone is None:
            raise InvalidField(p + "phone", PHONE_HINT)
    parcels = number(s, "parcels", 1, sizes.PARCELS, required=False, prefix=p) or 1
    if parcels != int(parcels):
        raise InvalidField(p + "parcels", "must be a whole number")
    return {
        "recipient": text(s, "recipient", sizes.RECIPIENT, prefix=p),
        "reference": text(s, "reference", sizes.REFERENCE, required=False, prefix=p),
        "phone": phone,
        "parcels": int(parcels),
    }


def _legs(raw: Any, n_stops: int) -> list[list[tuple[float, float]]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) not in (n_stops, n_stops + 1):
        raise InvalidField("legs", "must hold one polyline per stop (plus one to return)")
    legs, total = [], 0
    for i, leg in enumerate(raw):
        if not isinstance(leg, list) or len(leg) < 2:
            raise InvalidField(f"legs[{i}]", "must be a list of at least 2 [lat, lon] points")
        total += len(leg)
        if total > sizes.LEG_POINTS:
            raise InvalidField("legs", f"must hold at most {sizes.LEG_POINTS} points in all")
        legs.append([_point(pt, f"legs[{i}][{j}]") for j, pt in enumerate(leg)])
    return legs


def _point(pt: Any, field: str) -> tuple[float, float]:
    if not isinstance(pt, list | tuple) or len(pt) != 2:
        raise InvalidField(field, "must be [lat, lon]")
    lat, lon = latlon({"lat": pt[0], "lon": pt[1]}, field + ".")
    return (lat, lon)
