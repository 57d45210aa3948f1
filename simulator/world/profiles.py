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


@dataclass(frozen=True)
class Profile:
    vehicle: str
    mode: str
    top_speed: Range  # m/s on an open street; capped per street by its limit
    accel: float  # m/s^2
    decel: float
    turn_speed: float  # m/s through a sharp turn
    signal_stop_p: float  # chance of a red light / give-way stop where the street changes
    load: Range  # s at the station before leaving
    park: Range  # s to park, lock the bike or land
    walk_speed: Range  # m/s from the vehicle to the door
    dwell: Range  # s at the door
    stops: int  # typical stops in a standard block


PROFILES: dict[str, Profile] = {
    p.vehicle: p
    for p in (
        Profile("van", DRIVING, Range(11.0, 14.5), 1.4, 2.0, 4.0, 0.25,
                Range(900, 1800), Range(20, 75), Range(1.2, 1.6), Range(30, 120), 30),
        Profile("motorcycle", DRIVING, Range(12.0, 15.5), 2.5, 3.0, 5.0, 0.25,
                Range(300, 600), Range(10, 30), Range(1.3, 1.7), Range(25, 90), 12),
        Profile("bike", CYCLING, Range(4.2, 6.5), 0.8, 1.5, 3.0, 0.1,
                Range(300, 600), Range(10, 35), Range(1.2, 1.6), Range(25, 90), 10),
        Profile("foot", WALKING, Range(1.15, 1.6), 0.6, 1.0, 1.0, 0.05,
                Range(180, 420), Range(0, 0), Range(1.15, 1.6), Range(25, 90), 5),
        Profile("drone", AIR, Range(12.0, 17.0), 3.0, 3.0, 12.0, 0.0,
                Range(120, 300), Range(30, 60), Range(0, 0), Range(20, 45), 2),
    )
}
VEHICLES = tuple(PROFILES)


def profile(vehicle: str) -> Profile:
    return PROFILES[vehicle]
