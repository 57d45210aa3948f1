"""Delivery programs: how many stops a block has and what happens at them."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.world.profiles import Profile


@dataclass(frozen=True)
class Program:
    name: str
    max_stops: int | None  # cap on stops whatever the vehicle (None: the vehicle's own count)
    dwell_factor: float  # groceries take longer to carry in
    slot_s: int | None  # grocery time slots: the driver waits for a slot to open
    pickup: bool  # restaurant: collect at a restaurant first, then one drop-off


PROGRAMS: dict[str, Program] = {
    p.name: p
    for p in (
        Program("standard", None, 1.0, None, False),
        Program("express", 4, 1.0, None, False),
        Program("grocery", 8, 1.8, 3600, False),
        Program("restaurant", 1, 0.7, None, True),
    )
}


def stop_count(program: Program, prof: Profile, requested: int | None) -> int:
    """Return how many stops a block gets: the request, else the vehicle's typical count."""
    n = requested if requested is not None else prof.stops
    return max(1, min(n, program.max_stops) if program.max_stops else n)


def default_program(vehicle: str, index: int) -> str:
    """Pick a plausible program mix: vans standard, motorcycles express/restaurant, etc."""
    mix = {
        "van": ("standard", "standard", "grocery"),
        "motorcycle": ("express", "restaurant"),
        "bike": ("standard", "restaurant", "express"),
        "foot": ("standard", "express"),
        "drone": ("express",),
    }[vehicle]
    return mix[index % len(mix)]
