"""JSON bodies of the public API (docs/api.md), built from plans, fixes and events."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from simulator.drive.driver import Driver, PhoneFix
from simulator.plan.block import BlockPlan
from simulator.plan.timeline import SimEvent

if TYPE_CHECKING:
    from simulator.sinks.base import Registration

FIRST = ("Aino", "Mikko", "Sofia", "Juha", "Emma", "Olli", "Helmi", "Leo", "Maria", "Jari",
         "Noor", "Ali", "Kaisa", "Ville", "Linnea", "Omar", "Sanna", "Teemu", "Iida", "Pekka")
LAST = ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Lehtonen", "Hämäläinen", "Laine",
        "Heikkinen", "Koskinen", "Järvinen")


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def route_payload(plan: BlockPlan, driver_name: str, tz: str, rng: random.Random,
                  slots: list[tuple[float, float] | None] | None = None) -> dict:
    """The POST /api/v1/routes body: ordered stops with shipments, and the planned legs.

    Each stop's dwell_s is the simulator's own expected time there (plan.service), so the
    server's stop times start where the simulated driver's will be; a grocery stop's booked
    slot goes as its `window`, as a shop's system would send it.
    """
    stops = []
    for k, (stop, n, dwell) in enumerate(zip(plan.stops, plan.packages, plan.dwell,
                                             strict=True)):
        body = {"lat": round(stop.lat, 6), "lon": round(stop.lon, 6),
                "address": stop.label, "dwell_s": round(dwell)}
        if k == plan.pickup:  # a restaurant: no shipments of its own; the deliveries name it
            stops.append({**body, "kind": "pickup"})
            continue
        body["shipments"] = [{"recipient": f"{rng.choice(FIRST)} {rng.choice(LAST)[0]}.",
                              "reference": f"order-{rng.randint(100000, 999999)}"}
                             for _ in range(n)]
        if plan.pickup is not None:
            body["pickup"] = plan.pickup
        slot = slots[k] if slots and k < len(slots) else None
        if slot is not None:
            body["window"] = {"from": round(slot[0]), "to": round(slot[1])}
        stops.append(body)
    legs = [_polyline(leg.points) for leg in plan.legs]
    legs.append(_polyline(plan.planned_return().points))
    # Legs end where the vehicle stops; the last few metres on foot go to the door.
    for leg, stop in zip(legs, stops, strict=False):
        leg.append([stop["lat"], stop["lon"]])
    return {
        "driver": {"name": driver_name, "vehicle": plan.vehicle},
        "program": plan.program,
        "timezone": tz,
        "station": {"lat": round(plan.station.lat, 6), "lon": round(plan.station.lon, 6),
                    "name": plan.station.label},
        "stops": stops,
        "legs": legs,
    }


def _polyline(points: list[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lat, lon in points:
        p = [round(lat, 6), round(lon, 6)]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) == 1:
        # A leg that goes nowhere (the last stop's parking spot is the station's) is still a
        # leg: the API asks for two points at least. Found by 2,000 drivers against the app.
        out.append(list(out[0]))
    return out


def fix_item(fix: PhoneFix, stamp: str) -> dict:
    return {"driver_token": fix.driver.token, "lat": fix.lat, "lon": fix.lon, "timestamp": stamp,
            "speed": fix.speed, "heading": fix.heading, "accuracy": fix.accuracy}


def event_item(token: str | None, ev: SimEvent, stamp: str) -> dict:
    item: dict = {"driver_token": token, "type": ev.type, "timestamp": stamp}
    if ev.stop is not None:
        item["stop"] = ev.stop
    if ev.proof is not None:
        item["proof"] = ev.proof
    if ev.reason is not None:
        item["reason"] = ev.reason
    return item


def link_record(driver: Driver, reg: Registration, clock: dict | None = None) -> dict:
    """One line of --links: the route, where its customers follow it, and the run's clock."""
    return {"route_id": reg.route_id, "driver": driver.name, "vehicle": driver.vehicle,
            "program": driver.program, "clock": clock,
            "shipments": [{"tracking_id": s.get("tracking_id"),
                           "tracking_url": s.get("tracking_url"), "stop": s.get("stop")}
                          for s in reg.shipments]}
