"""A day planned from checked orders: blocks per courier, each a ready route body."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime, time, timedelta

from flask import current_app, jsonify

from app.domain import sizes
from app.domain.hours import CLOSES, OPENS, zone
from app.domain.model import PROGRAMS, VEHICLES
from app.notify.phone_numbers import PHONE_HINT, country_of, normalize
from app.planning import street_map
from app.planning.plan import PICKUP_DWELL_S, Order, Pickup, plan_day
from app.planning.route_body import route_body
from app.planning.streets import off_map
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.geocode import geocoder_errors
from app.web.api.route_input import timezone_name, window
from app.web.api.validation import InvalidField, choice, latlon, number, obj, text
from app.web.times import server_now


@bp.post("/plans")
def plan():
    """Answer the day's blocks: which courier takes which orders, in which order, by which way."""
    require_seller()
    return jsonify(day_plan(json_body()))


def day_plan(body: object) -> dict:
    """The plan for a request's body (the API's and the dashboard's door alike)."""
    body = obj(body, "body")
    day, tz = day_and_zone(body)
    station = obj(body.get("station"), "station")
    st_lat, st_lon = latlon(station, "station.")
    station_name = text(station, "name", sizes.NAME, required=False, prefix="station.") or "Station"
    couriers, names = _couriers(body.get("couriers"))
    rows = body.get("orders")
    if not isinstance(rows, list) or not rows:
        raise InvalidField("orders", "must be a non-empty list")
    if len(rows) > sizes.ORDERS:
        raise InvalidField("orders", f"must hold at most {sizes.ORDERS} orders")
    now = server_now()
    if day < datetime.fromtimestamp(now, zone(tz)).date():
        raise InvalidField("date", "has passed: give today or a later day")
    pickups = _pickups(body.get("pickups"))
    orders, cleaned = [], []
    for i, raw in enumerate(rows):
        row, order = _order(raw, f"orders[{i}].", now, len(pickups), country_of(tz), day, tz)
        orders.append(order)
        cleaned.append(row)
    hours = number(body, "max_block_hours", 0.5, 12, required=False) or 8.0
    start = _first_start(day, tz, now)
    closing = datetime.combine(day, time(CLOSES), zone(tz)).timestamp()
    with geocoder_errors():  # the same extract the geocoder reads
        city = street_map(current_app.config)
    why = off_map(city, st_lat, st_lon)
    if why:  # every block would leave it as the crow flies
        raise InvalidField("station", f"is {why}")
    result = plan_day(city, (st_lat, st_lon), orders, couriers, start, closing, hours * 3600,
                      [Pickup(p["lat"], p["lon"], p["dwell_s"]) for p in pickups])
    station_out = {"lat": st_lat, "lon": st_lon, "name": station_name}
    blocks = []
    for block in result.blocks:
        programs = Counter(cleaned[i]["program"] for i in block.stops)
        name = names[block.courier]
        arrivals = [_iso(_served_at(t, v, orders), tz)
                    for t, v in zip(block.arrivals, block.visits, strict=True)]
        route = route_body(block, cleaned, name, programs.most_common(1)[0][0], tz,
                           station_out, pickups, day.isoformat())
        for stop, at in zip(route["stops"], arrivals, strict=True):
            stop["planned_at"] = at  # the driver app shows it, as the printed sheet does
        blocks.append({
            "courier": name, "vehicle": block.vehicle, "stops": len(block.stops),
            "parcels": sum(orders[i].parcels for i in block.stops),
            "pickups": sum(kind == "pickup" for kind, _ in block.visits),
            "distance_m": round(block.distance_m), "drive_min": round(block.drive_s / 60),
            "start": _iso(block.start, tz),
            "end": _iso(block.end, tz), "orders": block.stops,
            # When each stop of `route` is served (a pickup included; a slot's door is not rung
            # before the slot opens, however early the courier is there), for the day's sheet.
            "arrivals": arrivals,
            "route": route,
        })
    return {"date": day.isoformat(), "timezone": tz, "blocks": blocks,
            "unassigned": [{"order": i, "reason": why} for i, why in result.unassigned]}


def _first_start(day: date, tz: str, now: float) -> float:
    """When the day's blocks may leave: opening time, or for today no earlier than now (rounded
    up to 5 minutes), since arrivals in the past would be promises already broken."""
    opens = datetime.combine(day, time(OPENS), zone(tz)).timestamp()
    midnight = datetime.combine(day + timedelta(days=1), time(0), zone(tz)).timestamp()
    return max(opens, math.ceil(now / 300) * 300) if now < midnight else opens


def day_and_zone(body: dict) -> tuple[date, str]:
    """The request's delivery day (`date`) and its zone (`timezone`, else the server's)."""
    try:
        day = date.fromisoformat(text(body, "date", 10))
    except ValueError:
        raise ApiError(400, "date must be a day such as 2026-12-03", "date") from None
    return day, timezone_name(body.get("timezone", current_app.config["DEFAULT_TIMEZONE"]))


def _served_at(arrival: float, visit: tuple[str, int], orders: list[Order]) -> float:
    kind, i = visit
    slot = orders[i].slot if kind == "order" else None
    return max(arrival, slot[0]) if slot else arrival


def _iso(ts: float, tz: str) -> str:
    return datetime.fromtimestamp(ts, zone(tz)).isoformat(timespec="seconds")


def _couriers(raw: object) -> tuple[list[str], list[str]]:
    """Each courier's vehicle and name: the name the seller gave (`name`, for one courier), or
    "Courier-<n>". One word: a route keeps the driver's first word only (what customers see),
    so "Courier 1" and "Courier 2" were both "Courier" on the fleet map and in the driver app."""
    if not isinstance(raw, list) or not raw:
        raise InvalidField("couriers", 'must be a non-empty list such as [{"vehicle": "bike", '
                           '"count": 2}] or [{"vehicle": "van", "name": "Aino"}]')
    vehicles: list[str] = []
    names: list[str] = []
    for i, item in enumerate(raw):
        p = f"couriers[{i}]."
        c = obj(item, p[:-1])
        vehicle = choice(c, "vehicle", VEHICLES, prefix=p)
        count = number(c, "count", 1, sizes.COURIERS, required=False, prefix=p) or 1
        if count != math.floor(count):
            raise InvalidField(p + "count", "must be a whole number")
        name = text(c, "name", sizes.NAME, required=False, prefix=p)
        if name and count != 1:
            raise InvalidField(p + "name", "names one courier: give each its own entry")
        for _ in range(int(count)):
            vehicles.append(vehicle)
            names.append(name or f"Courier-{len(names) + 1}")
    if len(vehicles) > sizes.COURIERS:
        raise InvalidField("couriers", f"at most {sizes.COURIERS} couriers in all")
    return vehicles, names


def _pickups(raw: object) -> list[dict]:
    """The places parcels are collected at on the way (a restaurant, a second warehouse)."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > sizes.PICKUPS:
        raise InvalidField("pickups", f"must be a list of at most {sizes.PICKUPS} places")
    out = []
    for k, item in enumerate(raw):
        p = f"pickups[{k}]."
        place = obj(item, p[:-1])
        lat, lon = latlon(place, p)
        dwell = number(place, "dwell_s", 0, 7200, required=False, prefix=p)
        out.append({"lat": lat, "lon": lon,
                    "address": text(place, "address", sizes.ADDRESS, prefix=p),
                    "dwell_s": PICKUP_DWELL_S if dwell is None else dwell})
    return out


def _same_place(found: str, typed: str) -> bool:
    """Whether the typed address says nothing the found one does not ("rikhardinkatu 4" for
    "Rikhardinkatu 4, 00130 Helsinki")."""
    return found.casefold().startswith(typed.casefold().rstrip(", "))


def _order(raw: object, p: str, now: float, n_pickups: int, country: str | None, day: date,
           tz: str) -> tuple[dict, Order]:
    o = obj(raw, p[:-1])
    lat, lon = latlon(o, p)
    pickup = o.get("pickup")
    if pickup is not None and (isinstance(pickup, bool) or not isinstance(pickup, int)
                               or not 0 <= pickup < n_pickups):
        raise InvalidField(p + "pickup", "must be the index of one of the pickups")
    slot = window(o.get("slot"), p + "slot", now)
    if slot:  # as the orders' check says of a CSV's slot: a slot no block could serve
        opens = datetime.combine(day, time(OPENS), zone(tz)).timestamp()
        closes = datetime.combine(day, time(CLOSES), zone(tz)).timestamp()
        if not opens <= slot[0] < slot[1] <= closes:
            raise InvalidField(p + "slot", f"must be on {day.isoformat()} within the service "
                               f"hours {OPENS:02d}:00-{CLOSES:02d}:00")
    parcels = number(o, "parcels", 1, sizes.PARCELS, required=False, prefix=p) or 1
    phone = text(o, "phone", sizes.PHONE, required=False, prefix=p)
    if phone and normalize(phone, country) is None:
        raise InvalidField(p + "phone", PHONE_HINT)
    typed = text(o, "address", sizes.ADDRESS, prefix=p)
    found = text(o, "found_address", sizes.ADDRESS, required=False, prefix=p)
    row = {
        "lat": lat, "lon": lon,
        "recipient": text(o, "recipient", sizes.RECIPIENT, prefix=p),
        # The geocoder's address where the check found one ("Rikhardinkatu 4"), what was typed
        # kept for the driver when it says more or else ("Rikhrdinkatu 4 B 12": the flat).
        "address": found or typed,
        "typed_address": typed if found and not _same_place(found, typed) else None,
        "phone": normalize(phone, country) if phone else phone,
        "reference": text(o, "reference", sizes.REFERENCE, required=False, prefix=p),
        "notes": text(o, "notes", sizes.NOTES, required=False, prefix=p),
        "program": choice(o, "program", PROGRAMS, default="standard", prefix=p),
        "slot": o.get("slot") if slot else None,
        "pickup": pickup,
        "parcels": int(parcels),
    }
    return row, Order(lat, lon, int(parcels), slot, pickup)
