"""Which delivery programs are offered where: a table of service areas, one or more per program.

An area is a polygon (`"polygon": [[lat, lon], ...]`) or a circle (`"center": [lat, lon]`,
`"radius_km": r`). The table is a JSON file `{"areas": [...]}` named by the SERVICE_AREAS setting,
or the built-in table for Helsinki below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.domain.geo import haversine_m
from app.domain.model import PROGRAMS

HELSINKI = {"areas": [
    {"program": "standard", "name": "Greater Helsinki", "center": [60.1699, 24.9384],
     "radius_km": 25},
    {"program": "locker", "name": "Helsinki and Espoo lockers", "center": [60.1790, 24.8800],
     "radius_km": 14},
    {"program": "grocery", "name": "Helsinki inner city", "center": [60.1750, 24.9400],
     "radius_km": 6},
    {"program": "express", "name": "Central Helsinki",
     "polygon": [[60.1560, 24.9180], [60.1560, 24.9650], [60.1760, 24.9720], [60.1850, 24.9520],
                 [60.1800, 24.9200]]},
    {"program": "restaurant", "name": "Kluuvi and Kaartinkaupunki", "center": [60.1680, 24.9470],
     "radius_km": 2.0},
]}


@dataclass(frozen=True)
class Area:
    program: str
    name: str
    polygon: tuple[tuple[float, float], ...] = ()
    center: tuple[float, float] | None = None
    radius_km: float = 0.0

    def contains(self, lat: float, lon: float) -> bool:
        if self.center is not None:
            return haversine_m(lat, lon, *self.center) <= self.radius_km * 1000
        return inside(lat, lon, self.polygon)


def inside(lat: float, lon: float, polygon: tuple[tuple[float, float], ...]) -> bool:
    """Ray casting; areas are small enough that lat/lon is a plane."""
    hit = False
    for (lat1, lon1), (lat2, lon2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (lon1 > lon) != (lon2 > lon):
            cross = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            hit ^= lat < cross
    return hit


def parse(table: dict) -> list[Area]:
    """Areas from a table, with a clear error for a malformed entry."""
    areas = []
    for i, raw in enumerate(table.get("areas", [])):
        program = raw.get("program")
        if program not in PROGRAMS:
            raise ValueError(f"SERVICE_AREAS: area {i}: unknown program {program!r}")
        if "polygon" in raw and len(raw["polygon"]) >= 3:
            areas.append(Area(program, str(raw.get("name", program)),
                              polygon=tuple((float(a), float(b)) for a, b in raw["polygon"])))
        elif "center" in raw and "radius_km" in raw:
            lat, lon = raw["center"]
            areas.append(Area(program, str(raw.get("name", program)),
                              center=(float(lat), float(lon)), radius_km=float(raw["radius_km"])))
        else:
            raise ValueError(f"SERVICE_AREAS: area {i}: needs a polygon or center and radius_km")
    return areas


def load(path: str) -> list[Area]:
    """The table from a JSON file, or the built-in Helsinki table when `path` is empty."""
    return parse(json.loads(Path(path).read_text("utf-8")) if path else HELSINKI)


def programs_at(areas: list[Area], lat: float, lon: float) -> list[dict]:
    """Every program, whether it is offered at the point, and in which area."""
    result = []
    for program in PROGRAMS:
        area = next((a for a in areas if a.program == program and a.contains(lat, lon)), None)
        result.append({"program": program, "offered": area is not None,
                       "area": area.name if area else None})
    return result
