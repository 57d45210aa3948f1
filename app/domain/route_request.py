"""A route registration, validated: what the door (app/web/api/route_input.py) hands to ingest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class RouteRequest:
    driver_name: str
    vehicle: str
    program: str
    timezone: str
    station: tuple[float, float]
    station_name: str
    # lat, lon, address, dwell_s, window ((from, to) or None), shipments: [{recipient, reference,
    # phone}]
    stops: list[dict[str, Any]]
    legs: list[list[tuple[float, float]]]
    # The local delivery day (ISO date), or None: the day it is registered.
    date: str | None = None
