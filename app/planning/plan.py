"""A delivery day planned: geocoded orders split into blocks per courier, each in a good order.

The street networks and the routes on them are the simulator's own (simulator.world): the app
imports them as a library, the simulator imports nothing of the app.
Split: by time first (the booked slots cut into shifts a block's length holds, couriers for each
shift by its parcels), then a sweep around the station (orders sorted by bearing, cut into
sectors of about even shares; a vehicle's capacity is the only hard limit), the classic first
step of vehicle routing.
Order: VROOM on the mode's directed travel times (each street at its speed limit, turn costs and
traffic lights for motor vehicles: what the simulator drives; app/planning/tour.py says why
VROOM, the simulator's own ordering is the fallback), then the booked slots put first things
first, and a pickup (a restaurant, a second warehouse) goes before the first delivery it loads.
Time: each block is walked through on those travel times, slowed to the vehicle's pace, with
its stops' dwell, waiting for slots; what does not fit before closing or within the block's
length is listed as unassigned with the reason, never silently dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.planning.streets import off_map
from app.planning.tour import tour
from simulator.plan.ordering import pickups_before
from simulator.world.geo import bearing_deg, haversine_m
from simulator.world.maps import CityMap
from simulator.world.modes import AIR, CYCLING, WALKING
from simulator.world.profiles import PROFILES

# Parcels a courier carries in one block, by vehicle (a van's shelves, a cargo bike's box).
CAPACITY = {"van": 200, "motorcycle": 30, "bike": 40, "foot": 15, "drone": 1}
# The share of the free-flow time on the network kept over a round (junctions, starting and
# stopping, traffic); and of the vehicle's top speed, where it is the limit (a drone).
_FLOW = 0.75
_PACE = 0.55
# The network's speed on a street with no motor traffic limit (simulator.world.modes): a cargo
# bike or a walker is slower than it, a van is not slower than a city street's limit.
_MODE_CAP_MS = {CYCLING: 7.0, WALKING: 2.0}
_DOOR_M = 30.0  # vehicle to door and back, each way
PICKUP_DWELL_S = 300.0  # at a restaurant or a warehouse: find it, wait for the order, load


@dataclass
class Order:
    lat: float
    lon: float
    parcels: int = 1
    slot: tuple[float, float] | None = None  # epoch seconds
    pickup: int | None = None  # index into the day's pickups: collected there first


@dataclass
class Pickup:
    lat: float
    lon: float
    dwell_s: float = PICKUP_DWELL_S


@dataclass
class Block:
    vehicle: str
    stops: list[int]  # order indices in visiting order (the deliveries)
    # Every stop in visiting order: ("order", i) or ("pickup", k); legs and arrivals follow it.
    visits: list[tuple[str, int]]
    legs: list[list[tuple[float, float]]]  # legs[i] ends at visit i; a last one returns
    arrivals: list[float]  # planned arrival per visit, epoch seconds
    dwell_s: float
    start: float
    end: float
    distance_m: float
    drive_s: float = 0.0  # of the block's time, on the way (not at stops, not waiting)
    courier: int = 0  # which of the day's couriers (an index into plan_day's `couriers`)


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


def slowdown(vehicle: str) -> float:
    """How much longer than the network's free-flow time this vehicle takes on the way."""
    p = PROFILES[vehicle]
    cap = _MODE_CAP_MS.get(p.mode)
    return max(1.0, cap / p.top_speed.mean) / _FLOW if cap else 1.0 / _FLOW


def plan_day(city: CityMap, station: tuple[float, float], orders: list[Order],
             couriers: list[str], start: float, closing: float, max_block_s: float,
             pickups: list[Pickup] | None = None, rebalance: bool = True) -> DayPlan:
    """Split `orders` among `couriers` (one vehicle name per courier) and order each block;
    what does not fit in its courier's block goes to one with time to spare (`rebalance`)."""
    if not couriers:
        return DayPlan([], [(i, "no courier to take it") for i in range(len(orders))])
    sectors, unassigned = _split(station, orders, couriers, max_block_s)
    plan = DayPlan([], unassigned)

    def build(k: int, members: list[int]) -> tuple[Block, list[tuple[int, str]]]:
        block, late = _block(city, station, orders, pickups or [], couriers[k], members, start,
                             closing, max_block_s)
        block.courier = k
        return block, late

    built: dict[int, Block] = {}
    late: list[tuple[int, int, str]] = []  # (courier, order, why)
    for k, (vehicle, members) in enumerate(zip(couriers, sectors, strict=True)):
        members, off = _on_streets(city, orders, pickups or [], vehicle, members)
        late += [(k, i, why) for i, why in off]  # another vehicle's streets may reach it
        if members:
            built[k], left = build(k, members)
            late += [(k, i, why) for i, why in left]
    if rebalance:
        late = _move_late(late, built, build, city, orders, pickups or [], couriers)
    plan.unassigned += [(i, why) for _, i, why in late]
    plan.blocks = [built[k] for k in sorted(built) if built[k].stops]
    plan.unassigned.sort()
    return plan


# Reasons an order is left out of its courier's block that another courier may not have (a
# cargo bike's network reaches a door in a pedestrian street that a van's does not).
_MOVABLE = ("does not fit in the block before closing", "cannot reach its slot in time",
            "its slot is outside its courier's block", "off the street map",
            "its pickup is off the street map")
_TRIES = 3  # other couriers tried per order, those with the most time to spare first


def _move_late(late: list[tuple[int, int, str]], built: dict[int, Block], build: Any,
               city: CityMap, orders: list[Order], pickups: list[Pickup],
               couriers: list[str]) -> list[tuple[int, int, str]]:
    """Each order left out of its block for time (or off its vehicle's streets), offered to the
    couriers whose blocks end earliest (one without a block first): kept where its block,
    planned again with it, still holds every stop it had. Answers what no courier could take."""
    left = []
    for owner, i, why in late:
        if not why.startswith(_MOVABLE):
            left.append((owner, i, why))
            continue
        others = sorted((k for k in range(len(couriers)) if k != owner),
                        key=lambda k: built[k].end if k in built else -math.inf)
        for k in others[:_TRIES]:
            members = built[k].stops if k in built else []
            load = sum(orders[j].parcels for j in members) + orders[i].parcels
            if load > CAPACITY[couriers[k]] or _on_streets(city, orders, pickups, couriers[k],
                                                           [i])[1]:
                continue
            block, _ = build(k, [*members, i])
            if i in block.stops and len(block.stops) == len(members) + 1:
                built[k] = block
                break
        else:
            left.append((owner, i, why))
    return left


def _on_streets(city: CityMap, orders: list[Order], pickups: list[Pickup], vehicle: str,
                members: list[int]) -> tuple[list[int], list[tuple[int, str]]]:
    """The members the vehicle's streets reach, and the others with the reason: a door (or its
    pickup) off the street map is not planned as the crow flies from the nearest corner."""
    mode = PROFILES[vehicle].mode
    if mode == AIR:
        return members, []
    net = city.network(mode)
    kept, off = [], []
    for i in members:
        o = orders[i]
        why = off_map(city, o.lat, o.lon, net)
        if why is None and o.pickup is not None:
            p = pickups[o.pickup]
            why = off_map(city, p.lat, p.lon, net) and "its pickup is off the street map"
        if why:
            off.append((i, why))
        else:
            kept.append(i)
    return kept, off


# The share of a block's length its slots may span: the way out to the first door and back
# from the last one take the rest.
_REACH = 0.8
# The share of a shift's vehicles orders without a slot may fill: sectors cut by bearing leave
# some room unused in each vehicle, and a shift's slotted orders have no other shift to go to.
_FILL = 0.85


def _split(station: tuple[float, float], orders: list[Order], couriers: list[str],
           max_block_s: float) -> tuple[list[list[int]], list[tuple[int, str]]]:
    """The orders split among the couriers by time, then by place. Booked slots are cut into
    shifts no longer than a block holds (the morning's and the evening's slots do not fit one
    block of 8 hours); each shift gets couriers for its parcels, orders without a slot go where
    parcels per courier are fewest, and each shift's orders are swept into sectors."""
    every = _shifts(orders, max_block_s)
    shifts = every[:len(couriers)] or [[]]
    # More shifts than couriers: the later slots go to the latest courier, to be told apart.
    shifts[-1] += [i for group in every[len(couriers):] for i in group]
    crews = _crews([sum(orders[i].parcels for i in g) for g in shifts], couriers)
    for i in range(len(orders)):
        if orders[i].slot is None:  # fewest parcels per courier, while its vehicles have room
            load = [sum(orders[j].parcels for j in g) for g in shifts]
            room = [g for g in range(len(shifts)) if load[g] + orders[i].parcels
                    <= _FILL * sum(CAPACITY[couriers[k]] for k in crews[g])] or range(len(shifts))
            shifts[min(room, key=lambda g: load[g] / len(crews[g]))].append(i)
    sectors: list[list[int]] = [[] for _ in couriers]
    full: list[int] = []
    for group, crew in zip(shifts, crews, strict=True):
        parts, over = _sweep(station, orders, group, [couriers[k] for k in crew])
        for k, part in zip(crew, parts, strict=True):
            sectors[k] = part
        full += over
    unassigned = []
    for i in full:  # another shift's courier with room: better late than not at all
        room = [k for k in range(len(couriers)) if CAPACITY[couriers[k]] - sum(
            orders[j].parcels for j in sectors[k]) >= orders[i].parcels]
        if room:
            sectors[max(room, key=lambda k: CAPACITY[couriers[k]] - sum(
                orders[j].parcels for j in sectors[k]))].append(i)
        else:
            unassigned.append((i, "over the couriers' capacity"))
    return sectors, unassigned


def _shifts(orders: list[Order], max_block_s: float) -> list[list[int]]:
    """The slotted orders in groups by time, each group's slots (from the first one's start
    to the middle of the last one's) within a block's length less the way out and back."""
    slotted = sorted((i for i, o in enumerate(orders) if o.slot), key=lambda i: orders[i].slot)
    groups: list[list[int]] = []
    begin = -math.inf
    for i in slotted:
        a, b = orders[i].slot  # type: ignore[misc]
        if not groups or (a + b) / 2 > begin + max_block_s * _REACH:
            groups.append([])
            begin = a
        groups[-1].append(i)
    return groups


def _crews(parcels: list[int], couriers: list[str]) -> list[list[int]]:
    """Couriers for each shift: one each first (the largest vehicles to the busiest shifts),
    then each further courier to the shift with the most parcels per capacity."""
    by_size = sorted(range(len(couriers)), key=lambda k: -CAPACITY[couriers[k]])
    crews: list[list[int]] = [[] for _ in parcels]
    for g, k in zip(sorted(range(len(parcels)), key=lambda g: -parcels[g]), by_size,
                    strict=False):
        crews[g].append(k)
    for k in by_size[len(parcels):]:
        g = max(range(len(parcels)), key=lambda g: parcels[g] / sum(
            CAPACITY[couriers[c]] for c in crews[g]))
        crews[g].append(k)
    return [sorted(crew) for crew in crews]  # the seller's order: the sweep starts with the first


def _sweep(station: tuple[float, float], orders: list[Order], group: list[int],
           couriers: list[str]) -> tuple[list[list[int]], list[int]]:
    """Sectors around the station, one per courier, each about its share of the parcels (an
    even share: in a dense centre a bike is as quick as a van). The share only cuts the
    sectors: an order beyond its courier's share goes to the next, or to whichever still has
    room in its vehicle; answered apart only when none has."""
    by_angle = sorted(group, key=lambda i: bearing_deg(*station, orders[i].lat, orders[i].lon))
    capacity = [CAPACITY[v] for v in couriers]
    share = _shares(sum(orders[i].parcels for i in group), capacity)
    sectors: list[list[int]] = [[] for _ in couriers]
    loads = [0] * len(couriers)
    over = []
    k = 0
    for i in by_angle:
        parcels = orders[i].parcels
        while k < len(couriers) - 1 and loads[k] + parcels > share[k] and sectors[k]:
            k += 1
        take = k if loads[k] + parcels <= capacity[k] else max(
            range(len(couriers)), key=lambda c: capacity[c] - loads[c])
        if loads[take] + parcels > capacity[take]:
            over.append(i)
            continue
        sectors[take].append(i)
        loads[take] += parcels
    return sectors, over


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


def _block(city: CityMap, station: tuple[float, float], orders: list[Order],
           pickups: list[Pickup], vehicle: str, members: list[int], opening: float,
           closing: float, max_block_s: float) -> tuple[Block, list[tuple[int, str]]]:
    mode = PROFILES[vehicle].mode
    need = sorted({orders[i].pickup for i in members if orders[i].pickup is not None})
    # Matrix indices: 0 the station, 1..m the members' doors, then the pickups they need.
    visits = [("order", i) for i in members] + [("pickup", k) for k in need]
    points = [station] + [_at(v, orders, pickups) for v in visits]
    if mode == AIR:
        metres = np.array([[haversine_m(*p, *q) for q in points] for p in points])
        secs, routes = metres / pace_ms(vehicle), None
    else:
        net = city.network(mode)
        routes = net.routes([net.snap(lat, lon) for lat, lon in points])
        secs = routes.matrix * slowdown(vehicle)
    loads = {len(members) + 1 + n: k for n, k in enumerate(need)}  # matrix index -> pickup
    at_pickup = {j: len(members) + 1 + need.index(orders[i].pickup)
                 for j, i in enumerate(members, start=1) if orders[i].pickup is not None}
    order = pickups_before(_with_slots(tour(secs), members, orders, loads), at_pickup)
    dwell = dwell_s(vehicle)
    start = _leave_at(order, secs, members, orders, loads, pickups, dwell, opening)
    until = min(closing, start + max_block_s)
    t, here, kept, arrivals, late, dropped = start, 0, [], [], [], set()
    for j in order:
        pickup = loads.get(j)
        if pickup is None and orders[members[j - 1]].pickup in dropped:
            late.append((members[j - 1], "its pickup does not fit in the block"))
            continue
        arrive = t + secs[here, j]
        slot = None if pickup is not None else orders[members[j - 1]].slot
        begin = max(arrive, slot[0]) if slot else arrive
        stay = pickups[pickup].dwell_s if pickup is not None else dwell
        back = begin + stay + secs[j, 0]  # and home from there
        if back > until or (slot and begin > slot[1]):
            if pickup is not None:
                dropped.add(pickup)
            else:
                late.append((members[j - 1], _why_late(slot, back, until, start, closing)))
            continue
        kept.append(j)
        arrivals.append(arrive)
        t, here = begin + stay, j
    # A pickup kept for deliveries that all dropped out loads nothing: not a stop.
    served = {orders[members[j - 1]].pickup for j in kept if j not in loads}
    arrivals = [t_ for j, t_ in zip(kept, arrivals, strict=True)
                if j not in loads or loads[j] in served]
    kept = [j for j in kept if j not in loads or loads[j] in served]
    seq = [0, *kept, 0]
    legs, distance = [], 0.0
    for a, b in zip(seq, seq[1:], strict=False):
        if routes is None:
            legs.append([points[a], points[b]])
            distance += float(metres[a, b])
            continue
        path = routes.path(a, b)
        distance += sum(net.edges[e].length_m for e in zip(path, path[1:], strict=False))
        legs.append([points[a], *(net.point(n) for n in path), points[b]])
    drive = float(sum(secs[a, b] for a, b in zip(seq, seq[1:], strict=False)))
    end = t + secs[here, 0]
    return Block(vehicle, [members[j - 1] for j in kept if j not in loads],
                 [_visit(j, members, loads) for j in kept], legs, arrivals, dwell, start, end,
                 distance, drive), late


def _leave_at(order: list[int], secs: Any, members: list[int], orders: list[Order],
              loads: dict[int, int], pickups: list[Pickup], dwell: float,
              opening: float) -> float:
    """When the block leaves the station: just in time for its first slot (the stops before it
    on the way, with their dwell), at opening when it has none or that is earlier. A block that
    left as late as its latest slot needed dropped the morning's slots and waited for hours."""
    t, here = 0.0, 0
    for j in order:
        slot = None if j in loads else orders[members[j - 1]].slot
        t += secs[here, j]
        if slot:
            return max(opening, slot[0] - t)
        t += pickups[loads[j]].dwell_s if j in loads else dwell
        here = j
    return opening


def _why_late(slot: tuple[float, float] | None, back: float, until: float, start: float,
              closing: float) -> str:
    """The limit an order is left out for: its slot beyond the block's length, the slot itself
    passed on the way, or no time left before closing (or the block's end)."""
    if slot and (slot[0] >= until or slot[1] <= start) and until < closing:
        return "its slot is outside its courier's block (max_block_hours)"
    if slot and back <= until:
        return "cannot reach its slot in time"
    return "does not fit in the block before closing"


def _at(visit: tuple[str, int], orders: list[Order],
        pickups: list[Pickup]) -> tuple[float, float]:
    kind, i = visit
    place = orders[i] if kind == "order" else pickups[i]
    return place.lat, place.lon


def _visit(j: int, members: list[int], loads: dict[int, int]) -> tuple[str, int]:
    return ("pickup", loads[j]) if j in loads else ("order", members[j - 1])


def _with_slots(order: list[int], members: list[int], orders: list[Order],
                loads: dict[int, int]) -> list[int]:
    """The tour, with booked slots in slot order: a stop without one (or a pickup) keeps its
    place after the slotted stop before it in the tour (stable), so the way stays short
    between slots."""
    key, current = {}, -math.inf
    for j in order:
        slot = None if j in loads else orders[members[j - 1]].slot
        if slot:
            current = slot[0]
        key[j] = current if not slot else slot[0]
    return sorted(order, key=lambda j: key[j])
