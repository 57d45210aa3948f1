"""Small spherical geometry helpers, cheap enough to call per fix."""

from __future__ import annotations

import math

# One haversine for the app and the simulator (rules/geo.py); re-exported for the world.
from rules.geo import EARTH_RADIUS_M as EARTH_RADIUS_M
from rules.geo import haversine_m as haversine_m


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the initial bearing from point 1 to point 2, degrees in [0, 360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(x, y)) % 360.0


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """Move a point by small metric offsets (flat-earth; fine for GPS noise)."""
    dlat = north_m / EARTH_RADIUS_M
    dlon = east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat)))
    return lat + math.degrees(dlat), lon + math.degrees(dlon)


class LocalProjection:
    """Equirectangular projection around a reference point, in metres; good over a city."""

    def __init__(self, lat0: float, lon0: float) -> None:
        self.lat0, self.lon0 = lat0, lon0
        self.kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
        self.ky = math.radians(1) * EARTH_RADIUS_M

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky


def turn_deg(b1: float, b2: float) -> float:
    """Return the absolute change of heading between two bearings, in [0, 180]."""
    d = abs(b2 - b1) % 360.0
    return 360.0 - d if d > 180.0 else d
