"""Tracking settings and the vehicle profiles the ETA starts from."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.hours import CLOSES, OPENS


@dataclass(frozen=True)
class VehicleProfile:
    speed: float  # typical effective speed in town, m/s (lights, turns and traffic included)
    max_speed: float  # fastest plausible sustained speed, m/s: the base of the jump filter


PROFILES = {
    "van": VehicleProfile(speed=8.0, max_speed=20.0),
    "motorcycle": VehicleProfile(speed=9.0, max_speed=25.0),
    "bike": VehicleProfile(speed=4.5, max_speed=12.0),
    "foot": VehicleProfile(speed=1.3, max_speed=4.0),
    "drone": VehicleProfile(speed=15.0, max_speed=25.0),
}


def profile(vehicle: str) -> VehicleProfile:
    return PROFILES.get(vehicle, PROFILES["van"])


@dataclass
class Settings:
    visible_stops: int = 10  # the customer sees the driver within this many stops ...
    visible_minutes: float | None = None  # ... or within this many minutes of the ETA
    approaching_stops: int = 5
    arriving_m: float = 400
    service_start_hour: int = OPENS
    service_end_hour: int = CLOSES
    max_speed_factor: float = 2.5
    # A fix farther than this from the station starts a route that has no route_started event.
    start_radius_m: float = 150
    # Within this distance of a stop's end of leg the driver counts as arrived there.
    at_stop_m: float = 30
    # Matching: how far behind the last match a fix may land (GPS noise), and beyond which
    # distance from the path a fix is a detour that does not move the driver along the route.
    match_behind_m: float = 60
    off_route_m: float = 250
    # The observed speed outweighs the profile once it rests on this many seconds of travel.
    speed_trust_s: float = 120
    # Older observations fade with this time constant, so a change of traffic shows up.
    speed_memory_s: float = 1800
    # Routes without delivered/attempted events (tracking/visits.py): a stop counts as visited
    # once the driver stayed within `visit_radius_m` of it (plus the fix's accuracy) for
    # `visit_min_s` and then went beyond `leave_radius_m`. 0 s turns inference off. Red
    # lights and queues last about as long: only the stops where the driver is on the plan
    # are watched.
    visit_radius_m: float = 50
    leave_radius_m: float = 100
    visit_min_s: float = 45
