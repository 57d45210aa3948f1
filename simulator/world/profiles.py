"""Vehicle profiles: how each kind of delivery partner moves, parks and dwells."""

from __future__ import annotations

import random
from dataclasses import dataclass

from simulator.world.modes import AIR, CYCLING, DRIVING, WALKING


@dataclass(frozen=True)
class Range:
    """A uniform range; a profile's numbers are drawn from these per driver or per stop."""

    low: float
    high: float

    def draw(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Profile:
    vehicle: str
    mode: str
    top_speed: Range  # m/s on an open street; capped per street by its limit and traffic
    accel: float  # m/s^2
    decel: float
    turn_speed: float  # m/s through a sharp turn
    yield_p: float  # chance of a give-way stop at a sharp turn without traffic lights
    red_p: float  # chance a traffic light stops it (bikes filter to the front, turn beside it)
    load: Range  # s at the station before leaving
    park: Range  # s to find a place and park, lock the bike or land (a minute or two at most)
    walk_speed: Range  # m/s from the vehicle to the door
    dwell: Range  # s at the door for one package
    stops: int  # typical stops in a standard block
    walk_radius: float  # m: addresses this close to where the vehicle stands are walked to
    in_traffic: bool  # slowed by congestion (motor vehicles; bikes filter past it)


PROFILES: dict[str, Profile] = {
    p.vehicle: p
    for p in (
        Profile("van", DRIVING, Range(11.0, 14.5), 1.4, 2.0, 4.0, 0.3, 0.5,
                Range(900, 1800), Range(20, 90), Range(1.2, 1.6), Range(30, 120), 30,
                150.0, True),
        Profile("motorcycle", DRIVING, Range(12.0, 15.5), 2.5, 3.0, 5.0, 0.3, 0.5,
                Range(300, 600), Range(10, 30), Range(1.3, 1.7), Range(25, 90), 12,
                50.0, True),
        # Electric cargo bikes: assisted up to 25 km/h (EN 15194), filtering past queues.
        Profile("bike", CYCLING, Range(5.0, 6.9), 1.0, 1.5, 4.0, 0.1, 0.3,
                Range(300, 600), Range(10, 35), Range(1.2, 1.6), Range(25, 90), 10,
                50.0, False),
        Profile("foot", WALKING, Range(1.15, 1.6), 0.6, 1.0, 1.0, 0.0, 0.5,
                Range(180, 420), Range(0, 0), Range(1.15, 1.6), Range(25, 90), 5,
                0.0, False),
        Profile("drone", AIR, Range(12.0, 17.0), 3.0, 3.0, 12.0, 0.0, 0.0,
                Range(120, 300), Range(30, 60), Range(0, 0), Range(20, 45), 2,
                0.0, False),
    )
}
VEHICLES = tuple(PROFILES)


def profile(vehicle: str) -> Profile:
    return PROFILES[vehicle]
