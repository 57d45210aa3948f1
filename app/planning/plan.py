"""A delivery day planned: geocoded orders split into blocks per courier, each in a good order.

The street networks and the shortest paths are the simulator's own (simulator.world): the app
imports them as a library, the simulator imports nothing of the app.
Split: a sweep around the station (orders sorted by bearing, cut into sectors sized by each
courier's capacity), the classic first step of vehicle routing.
Order: VROOM on the mode's directed network distances (app/planning/tour.py says why; the
simulator's own ordering is the fallback), then the booked slots put first things first.
Time: each block is walked through at the vehicle's typical pace with its stops' dwell, waiting
for slots; what does not fit before closing or within the block's length is listed as
unassigned with the reason, never silently dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.planning.tour import tour
from simulator.world.geo import bearing_deg, haversine_m
from simulator.world.maps import CityMap
from simulator.world.modes import AIR
from simulator.world.network import path_from
from simulator.world.profiles import PROFILES

# Parcels a courier carries in one block, by vehicle (a van's shelves, a cargo bike's box).
CAPACITY = {"van": 200, "motorcycle": 30, "bike": 40, "foot": 15, "drone": 1}
# The share of the vehicle's top speed it keeps over a round (lights, turns, traffic).
_PACE = 0.55
_DOOR_M = 30.0  # vehicle to door and back, each way


@dataclass
class Order:
    lat: float
    lon: float
    parcels: int = 1
    slot: tuple[float, float] | None = None  # epoch seconds


@dataclass
class Block:
    vehicle: str
    stops: list[int]  # order indices in visiting order
    legs: list[list[tuple[float, float]]]  # legs[i] ends at stop i; a last one returns
    arrivals: list[float]  # planned arrival per stop, epoch seconds
    dwell_s: float
    start: float
    end: float
    distance_m: float


@dataclass
class DayPlan:
    blocks: list[Block]
    unassigned: list[tuple[int, str]] = field(default_factory=list)


def dwell_s(vehicle: str) -> float:
    """Planned time at a stop: park, walk to the door and back, hand over (profile means)."""
    p = PROFILES[vehicle]
    walk = p.walk_speed.low and (p.walk_speed.low + p.walk_speed.high) / 2
    door = 2 * _DOOR_M / walk if walk else 0.0
    return (p.park.low + p.park.high) / 2 + door + (p.dwell.low + p.dwell.high) / 2


def pace_ms(vehicle: str) -> float:
    p = PROFILES[vehicle]
    return (p.top_speed.low + p.top_speed.high) / 2 * _PACE


def plan_day(city: CityMap, station: tuple[float, float], orders: list[Order],
             couriers: list[str], start: float, closing: float, max_block_s: float) -> DayPlan:
    """Split `orders` among `couriers` (one vehicle name per courier) and order each block."""
    if not couriers:
        return DayPlan([], [(i, "no courier to take it") for i in range(len(orders))])
    sectors, unassigned = _sweep(station, orders, couriers)
    plan = DayPlan([], unassigned)
    for vehicle, members in zip(couriers, sectors, strict=True):
        if members:
            block, late = _block(city, station, orders, vehicle, members, start,
                                 min(closing, start + max_block_s))
            plan.blocks.append(block)
            plan.unassigned += late
    plan.unassigned.sort()
    return plan


def _sweep(station: tuple[float, float], orders: list[Order],
           couriers: list[str]) -> tuple[list[list[int]], list[tuple[int, str]]]:
    """Sectors around the station, one per courier, each as large as its capacity allows."""
    by_angle = sorted(range(len(orders)),
                      key=lambda i: bearing_deg(*station, orders[i].lat, orders[i].lon))
    capacity = [CAPACITY[v] for v in couriers]
    share = _shares(sum(o.parcels for o in orders), capacity)
    sectors: list[list[int]] = [[] for _ in couriers]
    unassigned = []
    k, load = 0, 0
    for i in by_angle:
        parcels = orders[i].parcels
        while k < len(couriers) and load + parcels > share[k] and sectors[k]:
            k, load = k + 1, 0
        if k == len(couriers) or parcels > capacity[k]:
            unassigned.append((i, "over the couriers' capacity"))
            continue
        sectors[k].append(i)
        load += parcels
    return sectors, unassigned


def _shares(total: int, capacity: list[int]) -> list[int]:
    """The day's parcels spread evenly over the couriers, none beyond its capacity (what a
    small one cannot take goes to the others): in a dense centre a bike is as quick as a van."""
    share = [0] * len(capacity)
    left, open_ = total, [k for k, c in enumerate(capacity) if c > 0]
    while left > 0 and open_:
        each = max(1, math.ceil(left / len(open_)))
        for k in list(open_):
            take = min(each, capacity[k] - share[k], left)
            share[k] += take
            left -= take
            if share[k] == capacity[k]:
                open_.remove(k)
    return share


def _block(city: CityMap, station: tuple[float, float], orders: list[Order], vehicle: str,
           members: list[int], start: float, until: float) -> tuple[Block, list[tuple[int, str]]]:
    mode = PROFILES[vehicle].mode
    points = [station] + [(orders[i].lat, orders[i].lon) for i in members]
    if mode == AIR:
        dist = np.array([[haversine_m(*p, *q) for q in points] for p in points])
        pred, nodes, net = None, None, None
    else:
        net = city.network(mode)
        nodes = [net.snap(lat, lon) for lat, lon in points]
        full, pred = net.shortest(nodes)
        dist = full[:, nodes]
    order = _with_slots(tour(dist), members, orders)
    speed, dwell = pace_ms(vehicle), dwell_s(vehicle)
    t, here, kept, arrivals, late = start, 0, [], [], []
    for j in order:
        arrive = t + dist[here, j] / speed
        slot = orders[members[j - 1]].slot
        begin = max(arrive, slot[0]) if slot else arrive
        back = begin + dwell + dist[j, 0] / speed  # and home from there
        if back > until or (slot and begin > slot[1]):
            late.append((members[j - 1], "does not fit in the block before closing"
                         if back > until else "cannot reach its slot in time"))
            continue
        kept.append(j)
        arrivals.append(arrive)
        t, here = begin + dwell, j
    seq = [0, *kept, 0]

    def leg(a: int, b: int) -> list[tuple[float, float]]:
        if net is None:
            return [points[a], points[b]]
        path = [net.point(n) for n in path_from(pred[a], nodes[a], nodes[b])]
        return [points[a], *path, points[b]]

    legs = [leg(a, b) for a, b in zip(seq, seq[1:], strict=False)]
    distance = float(sum(dist[a, b] for a, b in zip(seq, seq[1:], strict=False)))
    end = t + dist[here, 0] / speed
    return Block(vehicle, [members[j - 1] for j in kept], legs, arrivals, dwell, start, end,
                 distance), late


def _with_slots(order: list[int], members: list[int], orders: list[Order]) -> list[int]:
    """The tour, with booked slots in slot order: a stop without one keeps its place after
    the slotted stop before it in the tour (stable), so the way stays short between slots."""
    key, current = {}, -math.inf
    for j in order:
        slot = orders[members[j - 1]].slot
        if slot:
            current = slot[0]
        key[j] = current if not slot else slot[0]
    return sorted(order, key=lambda j: key[j])


def route_body(block: Block, rows: list[dict[str, Any]], name: str, program: str, tz: str,
               station: dict[str, Any]) -> dict[str, Any]:
    """The block as a `POST /api/v1/routes` body, ready to register."""
    stops = []
    for i in block.stops:
        row = rows[i]
        stop: dict[str, Any] = {
            "lat": row["lat"], "lon": row["lon"], "address": row["address"],
            "dwell_s": round(block.dwell_s),
            "shipments": [{k: row[k] for k in ("recipient", "reference", "phone") if row.get(k)}],
        }
        if row.get("slot"):
            stop["window"] = row["slot"]
        stops.append(stop)
    return {"driver": {"name": name, "vehicle": block.vehicle}, "program": program,
            "timezone": tz, "station": station, "stops": stops,
            "legs": [[[round(lat, 6), round(lon, 6)] for lat, lon in leg] for leg in block.legs]}
