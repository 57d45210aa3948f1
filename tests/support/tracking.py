"""Builders shared by the tracking tests: a straight street of stops, fixes along it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from app.domain.geo import haversine_m
from app.domain.model import DriverProfile, Fix, Point, Route, Shipment, Stop, StopEvent
from app.domain.tracking import Progress, Settings, apply_fix

TZ = "Europe/Helsinki"
STATION = (60.1650, 24.9300)
STEP_LAT = 0.0018  # about 200 m north per stop


def local_ts(hour: int, minute: int = 0, day: int = 26) -> float:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo(TZ)).timestamp()


T0 = local_ts(9)


def make_route(
    n_stops: int = 12,
    vehicle: str = "van",
    legs: bool = True,
    dwell_s: float = 60.0,
    route_id: str = "r_test",
    per_stop: int = 1,
) -> Route:
    """Stops every ~200 m due north of the station; two shipments on none, `per_stop` each."""
    stops = [
        Stop(
            index=i,
            lat=STATION[0] + STEP_LAT * (i + 1),
            lon=STATION[1],
            address=f"Testikatu {i + 1}",
            shipments=[f"DS{i:03d}{j}" for j in range(per_stop)],
            dwell_s=dwell_s,
        )
        for i in range(n_stops)
    ]
    route_legs = []
    if legs:
        prev = STATION
        for s in stops:
            mid = ((prev[0] + s.lat) / 2, prev[1])
            route_legs.append([prev, mid, (s.lat, s.lon)])
            prev = (s.lat, s.lon)
    return Route(
        id=route_id,
        seller_id="demo",
        driver=DriverProfile(name="Aino", vehicle=vehicle),
        station=Point(*STATION),
        station_name="Station HEL1",
        stops=stops,
        legs=route_legs,
        program="standard",
        timezone=TZ,
        driver_token_hash="x",
        created_at=T0 - 3600,
    )


def shipments_of(route: Route) -> list[Shipment]:
    return [
        Shipment(
            tracking_id=tid,
            token=f"tok-{tid}",
            route_id=route.id,
            seller_id="demo",
            stop=stop.index,
            recipient=f"Recipient {tid}",
        )
        for stop in route.stops
        for tid in stop.shipments
    ]


def fix_at(lat: float, lon: float, t: float, **kw: float) -> Fix:
    return Fix(lat=lat, lon=lon, timestamp=t, **kw)


def stop_fix(route: Route, k: int, t: float, metres_before: float = 0.0) -> Fix:
    """A fix on the street `metres_before` short of stop k."""
    s = route.stops[k]
    return Fix(lat=s.lat - metres_before / 111_200, lon=s.lon, timestamp=t, speed=8.0)


def delivered(k: int, t: float) -> StopEvent:
    return StopEvent(type="delivered", timestamp=t, stop=k, proof={"left_at": "front door"})


def distance_to_stop(route: Route, fix: Fix, k: int) -> float:
    s = route.stops[k]
    return haversine_m(fix.lat, fix.lon, s.lat, s.lon)


STOP_SPACING_M = STEP_LAT * 111_200  # stop k is (k + 1) spacings north of the station


def street_fix(metres: float, t: float, speed: float = 0.0, east_m: float = 0.0) -> Fix:
    """A fix on the test street, `metres` north of the station (and `east_m` off it)."""
    return Fix(
        lat=STATION[0] + metres / 111_200,
        lon=STATION[1] + east_m / 55_400,  # metres per degree of longitude at 60 N
        timestamp=t,
        speed=speed,
        accuracy=5.0,
    )


def drive(
    route: Route,
    progress: Progress,
    settings: Settings,
    from_m: float,
    to_m: float,
    t: float,
    speed: float = 10.0,
    dt: float = 2.0,
) -> float:
    """Fixes along the street from one place to another at `speed`; return the last time."""
    step = speed * dt if to_m >= from_m else -speed * dt
    m = from_m
    while (to_m - m) * step > 0:
        m = min(m + step, to_m) if step > 0 else max(m + step, to_m)
        t += dt
        apply_fix(route, progress, street_fix(m, t, speed), settings)
    return t


def stay(
    route: Route,
    progress: Progress,
    settings: Settings,
    metres: float,
    t: float,
    seconds: float,
    dt: float = 3.0,
    jitter: Callable[[int], tuple[float, float]] | None = None,
) -> float:
    """Fixes of a driver standing at one place for `seconds`; `jitter(i)` -> (north, east) m."""
    for i in range(int(seconds // dt)):
        t += dt
        north, east = jitter(i) if jitter else (0.0, 0.0)
        apply_fix(route, progress, street_fix(metres + north, t, 0.0, east), settings)
    return t
