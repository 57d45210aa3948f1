"""What each audience sees. Privacy is decided here and nowhere else.

A customer sees one shipment: its status, ETA and destination; the driver's first name and
vehicle; the driver's position and path only when close (`visible_stops` / `visible_minutes`)
and never after the delivery. Other customers' stops, names and addresses never appear.

A stop the positions show visited (`visited_at`, tracking/visits.py: phones that send no stop
events) is over for the view as a delivery is: no stops away, no ETA, no driver on the map.
Its status is left as it was, so nothing says delivered; the customer reads "Your driver
stopped at your address at 14:22", and the seller sees `visited_at` on the row.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from app.domain.arrival import arrival
from app.domain.geo import EARTH_RADIUS_M, haversine_m
from app.domain.hours import (
    clamped,
    clock_text,
    closing,
    day_text,
    iso_utc,
    latest,
    local_day,
    sane,
)
from app.domain.model import Route, Shipment
from app.domain.run_clock import RunClock, real_eta, real_time
from app.domain.tracking import Progress, Settings, ShipmentProgress, route_path
from app.domain.tracking.eta import moved_day
from app.domain.tracking.lifecycle import stops_away, unserved_before
from app.domain.tracking.statuses import is_final, shown_at, stops_text

_QUIET_S = 900.0
# A driver this close to another customer's stop (and nearer to it than to yours) is at their
# door or parked in front of it (GPS puts a fix within some 10-20 m of the phone). Wider would
# blank the map for most of a dense route, where stops are 50-100 m apart.
DOOR_RADIUS_M = 30.0
_DEG_M = 111_200.0
_LON_BOUND_M = 2 / math.pi * EARTH_RADIUS_M * math.pi / 180 * 0.999  # m per degree, rounded down


def customer_view(
    route: Route,
    progress: Progress,
    shipment: Shipment,
    settings: Settings,
    now: float | None = None,
    clock: RunClock | None = None,
) -> dict[str, Any]:
    """The customer view of one shipment (docs/api.md, `GET /api/v1/track/<token>`).

    `clock`: a sped-up source's (run_clock.py); its times are shown on the server's clock.
    """
    # Before the driver leaves, the day is the wall clock's: the view's clock is then the
    # registration time, and a route registered the evening before read "Arriving tomorrow"
    # (or "today") all through its own delivery morning.
    day_clock = now if now is not None and not progress.started else None
    now = view_clock(progress, now)
    day_clock = now if day_clock is None else day_clock
    ship = progress.shipments[shipment.tracking_id]
    stop = route.stops[ship.stop]
    visited = progress.stops[ship.stop].visited_at
    eta = _eta(route, progress, ship, settings, now)
    # Moved to the next delivery day: not coming today, so no count, no driver, no live map,
    # in the first HTML and every frame alike (it read "3 stops away" beside the move).
    moved = bool(eta and eta["moved_to_next_day"])
    away = None if _over(ship, visited) or moved else stops_away(progress, ship.stop)
    close = _driver_visible(progress, ship, away, eta, settings, now)
    elsewhere = close and _at_another_door(route, progress, ship.stop)
    visible = close and not elsewhere
    ahead = day_ahead(route, day_clock)
    return {
        "tracking_id": ship.tracking_id,
        "status": ship.status,
        "status_text": _status_text(ship, away, visited, route.timezone,
                                    _picking_up(route, progress, ship),
                                    _arrives_today(route, eta, day_clock), ahead, moved),
        # The day the route is planned for (None: the day it was registered), and that day
        # when it is still to come: the headline names it ("Arriving tomorrow").
        "delivery_date": route.date,
        "arrives_on": ahead[0].isoformat() if ahead else None,
        "stops_away": away,
        "visited_at": iso_utc(real_time(clock, visited)),
        "eta": real_eta(eta, clock, route.timezone),
        "destination": {"lat": stop.lat, "lon": stop.lon},
        "driver": {
            "name": first_name(route.driver.name),
            "vehicle": route.driver.vehicle,
            "position": _position(progress, clock) if visible else None,
            # Close enough for the map, but at another customer's door: the page keeps the
            # map's box (the door, a note over it) and shows no position. Says no more than
            # the map going blank would.
            "at_another_stop": elsewhere,
        },
        "path": _path(route, progress, ship, away) if visible else None,
        "timeline": [
            {"status": e.status, "at": iso_utc(shown_at(e)), "text": e.text}
            for e in in_time_order(ship)
        ],
        "proof": _proof(ship, stop.lat, stop.lon),
        # Why it was not delivered and when it is tried again; `at_pickup`: its parcel could
        # not be collected (the page in another language words the headline from this).
        "attempt": dict(ship.attempt) if ship.status == "attempted" and ship.attempt else None,
        "timezone": route.timezone,
        "updated_at": iso_utc(real_time(clock, latest(progress.updated_at, ship.updated_at))),
    }


# What a tracking number alone shows for each status: fixed words, never text that came from
# the driver or the seller (a "left at" such as "door code 4321", a note, the driver's name).
LOOKUP_TEXT = {
    "created": "Order received",
    "out_for_delivery": "Out for delivery",
    "approaching": "On the way",
    "arriving": "Arriving soon",
    "delivered": "Delivered",
    "attempted": "Delivery attempted",
    "returned": "Returned to the station",
}


def lookup_view(view: dict[str, Any]) -> dict[str, Any]:
    """The status-only view for a tracking number without its secret link (the number is
    short, read aloud and printed on the label): status and times, and the ETA window; never
    the proof, the driver, positions, stops away, the destination, or any free text."""
    status = view["status"]
    return {
        "tracking_id": view["tracking_id"],
        "status": status,
        "status_text": LOOKUP_TEXT.get(status, status),
        "eta": (view["eta"] or {}).get("text"),
        "timeline": [{"status": e["status"], "at": e["at"],
                      "text": LOOKUP_TEXT.get(e["status"], e["status"])}
                     for e in view["timeline"]],
        "timezone": view["timezone"],
    }


def route_summary(
    route: Route, progress: Progress, shipments: list[Shipment], settings: Settings,
    clock: RunClock | None = None,
) -> dict[str, Any]:
    """The seller's view of one route: the fleet is theirs, so the position is always there.
    `clock` as in customer_view."""
    now = progress.updated_at
    away = unserved_before(progress)
    rows = []
    for shipment in sorted(shipments, key=lambda s: (s.stop, s.tracking_id)):
        ship = progress.shipments[shipment.tracking_id]
        visited = progress.stops[ship.stop].visited_at
        eta = real_eta(_eta(route, progress, ship, settings, now), clock, route.timezone)
        rows.append(
            {
                "tracking_id": ship.tracking_id,
                "recipient": shipment.recipient,
                "reference": shipment.reference,
                "stop": ship.stop,
                "address": route.stops[ship.stop].address,
                "status": ship.status,
                "stops_away": None if _over(ship, visited) else away[ship.stop],
                "visited_at": iso_utc(real_time(clock, visited)),
                "eta": eta["text"] if eta else None,
                "eta_at": eta["at"] if eta else None,
                # The shipment's own last status change: the route's latest fix moved every
                # row's time on every tick, and said nothing about the shipment.
                "updated_at": iso_utc(real_time(clock, latest(ship.updated_at))),
                # The seller opens the proof photo from the dashboard (never the lookup).
                "photo": (ship.proof or {}).get("photo") if ship.status == "delivered" else None,
            }
        )
    return {
        "route_id": route.id,
        "driver": first_name(route.driver.name),
        "vehicle": route.driver.vehicle,
        "program": route.program,
        "date": route.date,  # the planned delivery day, None: the day it was registered
        "status": route_status(progress),
        "position": _position(progress, clock),
        "leg": progress.leg,
        "stops_done": sum(s.served for s in progress.stops),
        # Visited with no outcome yet (no stop events): not counted as done.
        "stops_visited": sum(not s.served and s.visited_at is not None for s in progress.stops),
        "stops_total": len(route.stops),
        "dropped": dict(progress.dropped),
        "phone": _phone(progress),
        "timezone": route.timezone,
        "updated_at": iso_utc(real_time(clock, progress.updated_at)),
        "shipments": rows,
        "planned": _planned(route) if not progress.started else None,
    }


def _planned(route: Route) -> dict[str, Any]:
    """The planned way and stops of a route not started yet, for the seller's fleet map: the
    day is seen before it starts. Once the driver is on the way, the position tells it, and
    the summary (sent on every update) stays small."""
    path: list[list[float]] = [[round(route.station.lat, 5), round(route.station.lon, 5)]]
    ways = route.legs or [[(s.lat, s.lon)] for s in route.stops]
    for leg in ways:
        for lat, lon in leg:
            point = [round(lat, 5), round(lon, 5)]
            if point != path[-1]:
                path.append(point)
    return {"station": path[0],
            "stops": [[round(s.lat, 5), round(s.lon, 5)] for s in route.stops],
            "path": path}


def view_clock(progress: Progress, now: float | None) -> float:
    """The time the view is computed for: the source's clock, not the server's.

    Fix timestamps are the clock (a simulator's speeded-up or back-dated time works as-is).
    A wall-clock `now` is taken only when it is a little past the last update, so the ETA of
    a real phone that has gone quiet keeps slipping instead of freezing.
    """
    clock = progress.updated_at
    if progress.phone is not None and now is not None:
        # A real phone (the OsmAnd door): the server's clock is the customer's. A backlog's
        # or a slow clock's last fix would show a window that began before the page did.
        return now
    if not sane(clock):  # absurd or missing in the store: the server's clock will do
        return now if now is not None else 0.0
    if now is None or not 0 <= now - clock <= _QUIET_S:
        return clock
    return now


def in_time_order(ship: ShipmentProgress) -> list:
    """The timeline by time. Entries are appended as they come in, on the clock of whatever
    sent them: "created" on the server's when the route is registered, later ones on the
    phone's or a replay's, which may be days earlier. Equal times keep their order."""
    return sorted(ship.timeline, key=lambda e: e.at if sane(e.at) else 0.0)


def route_status(progress: Progress) -> str:
    if progress.finished:
        return "finished"
    return "on_route" if progress.started else "not_started"


def first_name(name: str) -> str:
    return name.split()[0] if name.strip() else ""


def _over(ship: ShipmentProgress, visited: float | None) -> bool:
    """Whether the driver is done with the shipment's stop: an outcome, or a visit."""
    return is_final(ship) or visited is not None


def _eta(
    route: Route, progress: Progress, ship: ShipmentProgress, settings: Settings, now: float
) -> dict[str, Any] | None:
    visited = progress.stops[ship.stop].visited_at
    if _over(ship, visited) or not progress.started or progress.finished:
        return None
    at = progress.etas[ship.stop] if ship.stop < len(progress.etas) else None
    if at is None:
        return None
    return arrival(at, now, route.timezone, settings.service_start_hour, settings.service_end_hour,
                   moved_to=moved_day(progress, ship.stop), slot=route.stops[ship.stop].window)


def _driver_visible(
    progress: Progress,
    ship: ShipmentProgress,
    away: int | None,
    eta: dict[str, Any] | None,
    settings: Settings,
    now: float,
) -> bool:
    if away is None or not progress.started or progress.finished or progress.last_fix is None:
        return False
    if away <= settings.visible_stops:
        return True
    if settings.visible_minutes is None or eta is None or eta["moved_to_next_day"]:
        return False
    at = progress.etas[ship.stop]
    return at is not None and at - now <= settings.visible_minutes * 60


def _at_another_door(route: Route, progress: Progress, mine: int) -> bool:
    """Whether the driver stands at another customer's stop: showing the position then would
    show that customer's door to this one. The map comes back as the driver moves on."""
    fix = progress.last_fix
    if fix is None:
        return False
    lat, lon = fix["lat"], fix["lon"]
    own_m = None
    # On a street running east-west every stop passes the latitude test. The great-circle
    # distance is at least 2/pi x R x cos(lat) x the longitude difference (haversine's second
    # term alone; a stop past the latitude test is within 0.001 degrees of the fix, which
    # bounds both cosines), so only stops this cannot rule out cost a haversine.
    lon_m = _LON_BOUND_M * math.cos(math.radians(min(90.0, abs(lat) + 0.001)))
    for stop in route.stops:
        if stop.index == mine or abs(stop.lat - lat) * _DEG_M > DOOR_RADIUS_M:
            continue
        dlon = abs(stop.lon - lon)
        if min(dlon, 360.0 - dlon) * lon_m > DOOR_RADIUS_M:
            continue
        if own_m is None:
            own = route.stops[mine]
            own_m = haversine_m(lat, lon, own.lat, own.lon)
        other_m = haversine_m(lat, lon, stop.lat, stop.lon)
        if other_m < DOOR_RADIUS_M and other_m < own_m:
            return True
    return False


def _position(progress: Progress, clock: RunClock | None = None) -> dict[str, Any] | None:
    fix = progress.last_fix
    if fix is None:
        return None
    return {
        "lat": round(fix["lat"], 6),
        "lon": round(fix["lon"], 6),
        "heading": fix.get("heading"),
        "speed": fix.get("speed"),
        "at": iso_utc(real_time(clock, fix["timestamp"])),
    }


def _phone(progress: Progress) -> dict[str, Any] | None:
    """What the driver's phone last said of itself (OsmAnd door), fix or heartbeat."""
    phone = progress.phone
    if not phone:
        return None
    return {"battery": phone.get("battery"), "charging": phone.get("charging"),
            "heard_at": iso_utc(phone.get("heard_at"))}


def _path(
    route: Route, progress: Progress, ship: ShipmentProgress, away: int | None
) -> list[list[float]] | None:
    """The way from the driver to this customer's door, along the streets: only when this stop
    is next. Before that none: the planned path runs past other customers' doors, and a
    straight line drawn across the blocks looked like a way the driver would take (an outside
    check of the street map). The driver and the door are on the map either way."""
    fix = progress.last_fix or {}
    here = [round(fix["lat"], 6), round(fix["lon"], 6)]
    stop = route.stops[ship.stop]
    there = [stop.lat, stop.lon]
    path = route_path(route)
    mark = path.mark_m[ship.stop]
    if away != 0 or progress.leg != ship.stop:
        return None
    if progress.along_m >= mark:
        return [here, there]  # at the door: the last few metres
    inner = path.slice(progress.along_m, mark)[1:-1]
    return [here, *([round(lat, 6), round(lon, 6)] for lat, lon in inner), there]


def _picking_up(route: Route, progress: Progress, ship: ShipmentProgress) -> bool:
    """On the way, and the parcel is still at its pickup (a restaurant, a second warehouse)."""
    k = route.stops[ship.stop].pickup
    return (k is not None and progress.started and not progress.finished
            and not progress.stops[k].served and not is_final(ship))


def _arrives_today(route: Route, eta: dict[str, Any] | None, now: float) -> bool:
    """Whether the delivery is due on today's local date: the ETA window's day, or before the
    driver has left (no ETA yet) the day the route, a block of one day, was registered."""
    tz, today = route.timezone, local_day(clamped(now), route.timezone)
    if clamped(now) >= closing(today, tz):
        return False  # no driver goes out after 20:00: whatever is not delivered comes another day
    if not eta:
        planned = route.date or local_day(clamped(route.created_at), tz).isoformat()
        return planned == today.isoformat()
    if eta.get("moved_to_next_day") or not (eta.get("window") or [None])[0]:
        return False  # no window, or one whose time was absurd (iso_utc gave None)
    start = datetime.fromisoformat(eta["window"][0].replace("Z", "+00:00")).timestamp()
    return local_day(clamped(start), tz) == today


def day_ahead(route: Route, now: float) -> tuple[date, bool] | None:
    """The route's delivery day when it is after today's local date, and whether it is
    tomorrow; None for a route of today (or of no date)."""
    if not route.date:
        return None
    day = date.fromisoformat(route.date)  # validated when registered
    today = local_day(clamped(now), route.timezone)
    return (day, day == today + timedelta(days=1)) if day > today else None


def _status_text(ship: ShipmentProgress, away: int | None, visited: float | None, tz: str,
                 picking_up: bool = False, today: bool = False,
                 ahead: tuple[date, bool] | None = None, moved: bool = False) -> str:
    if moved and not is_final(ship):
        return "Coming on the next delivery day"
    if picking_up:
        return "Your order is being picked up"
    if visited is not None and not is_final(ship):
        # Seen from the positions alone: the driver was there, the outcome is unknown.
        return f"Your driver stopped at your address at {clock_text(visited, tz)}"
    if ship.status == "approaching" and away is not None:
        return stops_text(away)
    if ship.status == "out_for_delivery":
        return "Out for delivery"
    if ship.status == "created" and today:
        # On the delivery day itself "Order received" read as if nothing were happening yet.
        return "Arriving today"
    if ship.status == "created" and ahead:
        # Planned for a later day: the day it comes, never "today".
        return "Arriving tomorrow" if ahead[1] else f"Arriving on {day_text(ahead[0])}"
    if ship.status == "delivered" and ship.proof:
        return f"Delivered at {clock_text(_delivered_at(ship), tz)}"
    return ship.timeline[-1].text if ship.timeline else ship.status


def _proof(ship: ShipmentProgress, lat: float, lon: float) -> dict[str, Any] | None:
    if ship.status != "delivered" or not ship.proof:
        return None
    proof = {k: ship.proof.get(k) for k in ("left_at", "note", "photo", "signature")}
    return {**proof, "at": iso_utc(_delivered_at(ship)), "location": {"lat": lat, "lon": lon}}


def _delivered_at(ship: ShipmentProgress) -> float | None:
    """The proof's time as the customer is told it: its timeline entry's (statuses.shown_at), so
    a sped-up demo never reads "Delivered at 10:09" at 09:53."""
    entry = next((e for e in reversed(ship.timeline) if e.status == "delivered"), None)
    return shown_at(entry) if entry is not None and entry.heard is not None else (
        ship.proof.get("at"))
