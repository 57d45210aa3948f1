"""Plan a block: pick real addresses, snap them to the mode's network, order them, find paths.

A van parks once and the driver walks to every address within its profile's walking radius
before driving on, as couriers do in a dense centre (docs/simulator.md); a driver may also take
stops out of the registered order (`out_of_order`), and the plan then holds both orders.
A restaurant block first rides to the restaurant (a pickup stop) and collects the orders there.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulator.plan.ordering import order_stops, pickups_before
from simulator.plan.programs import Program
from simulator.plan.service import draw_packages, expected_pickup, expected_service
from simulator.world.geo import haversine_m
from simulator.world.maps import CityMap
from simulator.world.modes import AIR, CYCLING, DRIVING, WALKING, YARD_MS
from simulator.world.network import Network, path_from
from simulator.world.osm_reader import Address
from simulator.world.profiles import Profile

LatLon = tuple[float, float]
Area = tuple[float, float, float]  # lat, lon, radius in metres: where the block's stops are
MAX_WALKED = 8  # addresses served from one parking place at most
# A way on foot longer than this many times the straight line (plus a street's width) means the
# door was snapped to the wrong side of a block: the walk is then taken as straight.
MAX_DETOUR, DETOUR_SLACK_M = 3.0, 60.0


@dataclass
class Leg:
    """A planned path: points, and per piece between points the speed cap and road class."""

    points: list[LatLon]
    caps: list[float]
    roads: list[str] = field(default_factory=list)
    lights: list[bool] = field(default_factory=list)  # per point: traffic lights there
    underground: list[bool] = field(default_factory=list)  # per piece: a tunnel (no GPS)


@dataclass
class Visit:
    """One stop as the driver does it: the drive (if any), where the vehicle stands, the walk."""

    stop: int  # index into BlockPlan.stops, the registered order
    leg: Leg  # the vehicle's path here; unused when `parks` is False (it stays where it is)
    parks: bool  # the vehicle moves and parks for this stop (else: walked to from the last)
    park: LatLon  # where the vehicle stands
    walk_m: float  # from the vehicle to the door, one way
    src: int = 0  # the planner's index of the vehicle's node, for the way back
    walk: list[LatLon] = field(default_factory=list)  # the way on foot to the door, if any
    walk_underground: list[bool] = field(default_factory=list)  # per piece of `walk`


@dataclass
class BlockPlan:
    vehicle: str
    program: str
    station: Address
    stops: list[Address]  # in the registered (planned) order
    packages: list[int]  # per registered stop
    dwell: list[float]  # per registered stop: the model's expected time there (sent to the server)
    legs: list[Leg]  # the planned path: legs[i] ends where the vehicle stands for stop i
    visits: list[Visit]  # what the driver does, in the order they do it
    _returns: dict[int, Leg] = field(default_factory=dict, repr=False)
    _router: object = field(default=None, repr=False)
    _planned_last: int = 0
    pickup: int | None = None  # the registered index of the pickup stop, if the block has one

    def return_leg(self, after: int | None) -> Leg:
        """Return the path back to the station after visit `after` (None: from the station)."""
        return self._route_back(0 if after is None else self.visits[after].src)

    def planned_return(self) -> Leg:
        """The way back after the registered last stop (for the route sent to the server)."""
        return self._route_back(self._planned_last)

    def _route_back(self, src: int) -> Leg:
        if src not in self._returns:
            self._returns[src] = self._router(src)  # type: ignore[operator]
        return self._returns[src]


def plan_block(city: CityMap, prof: Profile, program: Program, rng: random.Random,
               n_stops: int, station: Address, out_of_order: float = 0.0,
               area: Area | None = None, pickup: Address | None = None) -> BlockPlan:
    """Choose n_stops distinct addresses (in `area`, if given) and an order to visit them;
    with a `pickup`, it is visited first and every delivery is collected there."""
    pool = [a for a in city.addresses if a.label != station.label and in_area(a, area)
            and (pickup is None or a.label != pickup.label)]
    stops = rng.sample(pool, min(n_stops, len(pool)))
    packages = [draw_packages(rng) for _ in stops]
    if pickup is not None:
        stops, packages = [pickup, *stops], [0, *packages]
    if prof.mode == AIR:
        pts = [(station.lat, station.lon)] + [(a.lat, a.lon) for a in stops]
        dist = np.array([[haversine_m(*p, *q) for q in pts] for p in pts])
        net, routes = None, None
    else:
        net = city.network(prof.mode)
        # Vans stand on real streets: snapped to a courtyard way, they crawled out at 5 km/h.
        snap = net.snap_kerb if prof.mode == DRIVING else net.snap
        nodes = [snap(station.lat, station.lon)] + [snap(a.lat, a.lon) for a in stops]
        routes = net.routes(nodes)
        dist = routes.matrix
        pts = [net.point(n) for n in nodes]
    home = (station.lat, station.lon)
    # Matrix index 1 is the pickup: before every delivery, since each is collected there.
    loads = {m: 1 for m in range(2, len(stops) + 1)} if pickup is not None else {}
    order = pickups_before(order_stops(dist), loads)
    reg = {m: k for k, m in enumerate(order)}  # matrix index -> registered stop index

    def leg(a: int, b: int) -> Leg:
        if net is None or routes is None:
            return Leg([pts[a], pts[b]], [float("inf")], ["air"], [False, False])
        if a == b == 0:  # nothing done: the vehicle never left the station
            return Leg([home], [], [], [False])
        out = _leg(net, routes.path(a, b))
        # The station stands off the network (on a pedestrian street, in a yard): the vehicle
        # crosses to and from its street at a yard's pace, rather than jumping there (issue 22).
        if a == 0:
            out = _yard(home, out, YARD_MS[prof.mode], leaving=True)
        if b == 0:
            out = _yard(home, out, YARD_MS[prof.mode], leaving=False)
        return out

    on_foot = _footpaths(city, prof)

    def visits(seq: list[int]) -> list[Visit]:
        out: list[Visit] = []
        here, walked = 0, 0
        for m in seq:
            door = (stops[m - 1].lat, stops[m - 1].lon)
            near = haversine_m(*pts[here], *door)
            if out and walked < MAX_WALKED and near <= prof.walk_radius:
                walked += 1
                way, under = on_foot(pts[here], door)
                out.append(Visit(reg[m], Leg([pts[here]], []), False, pts[here],
                                 _length(way), here, way, under))
                continue
            way, under = on_foot(pts[m], door)
            out.append(Visit(reg[m], leg(here, m), True, pts[m], _length(way), m, way, under))
            here, walked = m, 1
        return out

    planned = visits(order)
    done = pickups_before(_deviate(order, rng, out_of_order), loads)
    by_reg = {v.stop: v for v in planned}
    pkgs = [packages[m - 1] for m in order]
    first = reg[1] if pickup is not None else None

    def dwell(k: int) -> float:
        v = by_reg[k]
        return (expected_pickup(prof, v.walk_m, v.parks) if k == first
                else expected_service(prof, program, pkgs[k], v.walk_m, v.parks))

    return BlockPlan(
        prof.vehicle, program.name, station, [stops[m - 1] for m in order], pkgs,
        [dwell(k) for k in range(len(order))],
        [v.leg for v in planned], planned if done == order else visits(done),
        _router=lambda src: leg(src, 0), _planned_last=planned[-1].src if planned else 0,
        pickup=first)


def in_area(a: Address, area: Area | None) -> bool:
    return area is None or haversine_m(a.lat, a.lon, area[0], area[1]) <= area[2]


def _deviate(order: list[int], rng: random.Random, p: float) -> list[int]:
    """The order a driver really takes: each next pair swapped with chance p."""
    if p <= 0:
        return order
    seq, k = list(order), 0
    while k < len(seq) - 1:
        if rng.random() < p:
            seq[k], seq[k + 1] = seq[k + 1], seq[k]
            k += 2
        else:
            k += 1
    return seq


def _leg(net: Network, path: list[int]) -> Leg:
    edges = [net.edges[(a, b)] for a, b in zip(path, path[1:], strict=False)]
    return Leg([net.point(n) for n in path], [e.cap_ms for e in edges],
               [e.highway for e in edges], [bool(net.signal[n]) for n in path],
               [e.underground for e in edges])


def _yard(station: LatLon, leg: Leg, cap: float, leaving: bool) -> Leg:
    """The leg with a straight piece between the station and the street's end of it."""
    kerb = leg.points[0] if leaving else leg.points[-1]
    if haversine_m(*station, *kerb) < 1.0:
        return leg
    under = leg.underground or [False] * len(leg.caps)
    if leaving:
        return Leg([station, *leg.points], [cap, *leg.caps], ["service", *leg.roads],
                   [False, *leg.lights], [False, *under])
    return Leg([*leg.points, station], [*leg.caps, cap], [*leg.roads, "service"],
               [*leg.lights, False], [*under, False])


Way = tuple[list[LatLon], list[bool]]  # points, and per piece whether it is underground


def _footpaths(city: CityMap, prof: Profile) -> Callable[[LatLon, LatLon], Way]:
    """The way on foot from a parked vehicle to a door: along the pedestrian network for a
    driver who parks (straight, it cut through buildings: issue 22); straight for a walker, who
    is already on the street beside the door, and for a drone."""
    if prof.mode not in (DRIVING, CYCLING):
        return lambda a, b: ([a, b], [False])
    foot = city.network(WALKING)
    trees: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    reach = prof.walk_radius * MAX_DETOUR + DETOUR_SLACK_M

    def way(a: LatLon, b: LatLon) -> Way:
        src, dst = foot.snap(*a), foot.snap(*b)
        if src == dst:
            return [a, b], [False]
        if src not in trees:
            trees[src] = foot.shortest([src], limit=reach)
        dist, pred = trees[src]
        nodes = path_from(pred[0], src, dst) if np.isfinite(dist[0, dst]) else []
        pts = [a, *(foot.point(n) for n in nodes), b] if nodes else []
        straight = haversine_m(*a, *b)
        if not pts or _length(pts) > straight * MAX_DETOUR + DETOUR_SLACK_M:
            return [a, b], [False]
        # A pedestrian tunnel (under a station, a square) on the way: no GPS in it either.
        under = [foot.edges[e].underground for e in zip(nodes, nodes[1:], strict=False)]
        return pts, [False, *under, False]

    return way


def _length(points: list[LatLon]) -> float:
    return sum(haversine_m(*p, *q) for p, q in zip(points, points[1:], strict=False))
