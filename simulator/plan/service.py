"""What happens at a stop, as one model: packages per stop, and the time a stop takes.

The timeline draws from it and the route sent to the server carries its expected value, so the
server's stop times start from the simulator's own dwell (issue 22: they were a minute short).
"""

from __future__ import annotations

import random

from simulator.plan.programs import Program
from simulator.world.profiles import Profile

# Packages per stop: 1 + a geometric count of extra ones, mean 1.74 as in the Amazon Last Mile
# Routing Research Challenge data (docs/simulator.md); P(extra) is 0.74 / 1.74.
EXTRA_PACKAGE_P = 0.74 / 1.74
MAX_PACKAGES = 12
PER_PACKAGE_S = 8.0  # scanning and a photo for each package after the first


def draw_packages(rng: random.Random) -> int:
    n = 1
    while n < MAX_PACKAGES and rng.random() < EXTRA_PACKAGE_P:
        n += 1
    return n


def door_time(prof: Profile, program: Program, packages: int, rng: random.Random) -> float:
    """Seconds at the door: handing over (or trying to), scanning, the proof photo."""
    return (prof.dwell.draw(rng) + PER_PACKAGE_S * (packages - 1)) * program.dwell_factor


def expected_service(prof: Profile, program: Program, packages: int, walk_m: float,
                     parks: bool) -> float:
    """Expected seconds from arriving at a stop to leaving it: the dwell sent to the server.

    `parks`: the vehicle parks for this stop (the first of a group walked to from one place).
    """
    walk = 2 * walk_m / prof.walk_speed.mean if prof.walk_speed.mean > 0 and walk_m > 1 else 0.0
    door = (prof.dwell.mean + PER_PACKAGE_S * (packages - 1)) * program.dwell_factor
    return (prof.park.mean if parks else 0.0) + walk + door


# At a pickup (a restaurant): find it, wait for the order to be ready, load. Seconds.
PICKUP_WAIT_S = (60.0, 420.0)


def pickup_time(rng: random.Random) -> float:
    return rng.uniform(*PICKUP_WAIT_S)


def expected_pickup(prof: Profile, walk_m: float, parks: bool) -> float:
    """Expected seconds at a pickup, from arriving to leaving (the dwell sent to the server)."""
    walk = 2 * walk_m / prof.walk_speed.mean if prof.walk_speed.mean > 0 and walk_m > 1 else 0.0
    return (prof.park.mean if parks else 0.0) + walk + sum(PICKUP_WAIT_S) / 2
