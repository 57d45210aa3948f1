"""The driver's view of their block: the stops in order, what is done, which one is next.

The driver sees what they need at the door (address, the recipient's first name, the
instructions) and nothing the customer alone should see (phone numbers, references, links).
"""

from __future__ import annotations

from typing import Any

from app.domain.hours import iso_utc
from app.domain.model import Route, Shipment
from app.domain.tracking import Progress
from app.domain.tracking.statuses import is_final
from app.domain.view import first_name, route_status


def driver_view(route: Route, progress: Progress, shipments: list[Shipment],
                instructions: dict[str, dict] | None = None) -> dict[str, Any]:
    """The block as the driver app shows it (docs/api.md, `GET /api/v1/driver/block`), with
    the customers' own delivery instructions (note, safe place) by tracking id."""
    instructions = instructions or {}
    by_stop: dict[int, list[Shipment]] = {}
    for s in sorted(shipments, key=lambda s: s.tracking_id):
        by_stop.setdefault(s.stop, []).append(s)
    stops = []
    for stop in route.stops:
        state = progress.stops[stop.index]
        ships = [{"tracking_id": s.tracking_id, "recipient": first_name(s.recipient),
                  "parcels": s.parcels,
                  "status": progress.shipments[s.tracking_id].status,
                  "instructions": _instructions(instructions.get(s.tracking_id))}
                 for s in by_stop.get(stop.index, [])]
        # A pickup has no shipments of its own: it is done once picked up, never before.
        outcomes = bool(ships) and all(is_final(progress.shipments[s["tracking_id"]])
                                       for s in ships)
        stops.append({
            "index": stop.index, "lat": stop.lat, "lon": stop.lon, "address": stop.address,
            "notes": stop.notes, "shipments": ships, "kind": stop.kind, "pickup": stop.pickup,
            # What a pickup loads: the stops it is for, so the courier knows how many parcels.
            "for_stops": [s.index for s in route.stops if s.pickup == stop.index],
            "done": state.served or outcomes,
            "arrived": state.arrived_at is not None and not state.served,
            "eta": iso_utc(progress.etas[stop.index]) if stop.index < len(progress.etas)
            else None,
            # The plan's time at the stop and the customer's booked slot, as the printed
            # day's sheet shows them: the courier sees whether they run early or late.
            "planned_at": iso_utc(stop.planned_at),
            "window": [iso_utc(t) for t in stop.window] if stop.window else None,
        })
    upcoming = [s["index"] for s in stops if not s["done"]]
    return {
        "route_id": route.id,
        "driver": {"name": first_name(route.driver.name), "vehicle": route.driver.vehicle},
        "program": route.program,
        "date": route.date,
        "timezone": route.timezone,
        "status": route_status(progress),
        "station": {"lat": route.station.lat, "lon": route.station.lon,
                    "name": route.station_name},
        "next_stop": upcoming[0] if upcoming else None,
        "stops": stops,
        # legs[i] ends at stop i; an extra last leg returns to the station.
        "legs": [[list(p) for p in leg] for leg in route.legs],
    }


def _instructions(doc: dict | None) -> dict | None:
    return {"note": doc["note"], "safe_place": doc["safe_place"]} if doc else None
