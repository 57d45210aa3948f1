"""Congestion by local hour and road class: the speed traffic lets a motor vehicle keep.

Central-city traffic is slowest on the main roads at the morning and evening peaks; side
streets feel less of it and courtyards none. A speed rather than a share of the limit: a jam
is as slow on a 30 km/h main road as on a 50 km/h one. Tuned so a van in the bundled central
Helsinki moves at about the published central-London figure, red lights included
(docs/simulator.md, bench/realism.py).
"""

from __future__ import annotations

# km/h that traffic on a main road allows, by local hour (service hours are 08:00-20:00).
HOURLY_KMH = {7: 14.0, 8: 10.5, 9: 11.5, 10: 13.0, 11: 13.0, 12: 12.5, 13: 12.5, 14: 12.5,
              15: 11.5, 16: 10.5, 17: 10.5, 18: 11.5, 19: 14.0, 20: 18.0}
NIGHT_KMH = 30.0
# How much of it each road class feels (0: none; side streets flow faster than main roads).
EXPOSURE = {"motorway": 1.0, "trunk": 1.0, "primary": 1.0, "secondary": 1.0, "tertiary": 0.9,
            "unclassified": 0.8, "residential": 0.7, "road": 0.7, "living_street": 0.0,
            "service": 0.0}


def traffic_speed(hour: int, highway: str) -> float:
    """The speed (m/s) traffic allows on this road at this local hour; inf: no congestion."""
    base = highway[:-5] if highway.endswith("_link") else highway
    exposure = EXPOSURE.get(base, 0.7)
    if exposure <= 0:
        return float("inf")
    return HOURLY_KMH.get(hour, NIGHT_KMH) / exposure / 3.6
