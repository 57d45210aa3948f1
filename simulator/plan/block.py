"""Plan a block: pick real addresses, snap them to the mode's network, order them, find paths."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from simulator.plan.ordering import order_stops
from simulator.plan.programs import Program
from simulator.world.geo import haversine_m
from simulator.world.maps import CityMap
from simulator.world.modes import AIR
from simulator.world.network import Network, path_from
from simulator.world.osm_reader import Address
from simulator.world.profiles import Profile

LatLon = tuple[float, float]


@dataclass
class Leg:
    """A planned path: points, and the street's speed cap for each piece between points."""

    points: list[LatLon]
    caps: list[float]


@dataclass
class BlockPlan:
    vehicle: str
    program: str
    station: Address
    stops: list[Address]  # in visiting order
    park: list[LatLon]  # where the vehicle stops for each stop (on the network)
    legs: list[Leg]  # legs[i] ends where the vehicle stops for stop i
    _returns: dict[int, Leg] = field(default_factory=dict, repr=False)
    _router: object = field(default=None, repr=False)

    def return_leg(self, after: int | None) -> Leg:
        """Return the path back to the station from stop `after` (None: from the station)."""
        key = -1 if after is None else after
        if key not in self._returns:
            self._returns[key] = self._router(key)  # type: ignore[operator]
        return self._returns[key]


def plan_block(city: CityMap, prof: Profile, program: Program, rng: random.Random,
               n_stops: int, station: Address) -> BlockPlan:
    """Choose n_stops distinct addresses and an efficient order to visit them."""
    pool = [a for a in city.addresses if a.label != station.label]
    stops = rng.sample(pool, min(n_stops, len(pool)))
    if prof.mode == AIR:
        return _plan_air(prof, program, station, stops)
    net = city.network(prof.mode)
    nodes = [net.snap(station.lat, station.lon)] + [net.snap(a.lat, a.lon) for a in stops]
    dist, pred = net.shortest(nodes)
    order = order_stops(dist[:, nodes])
    seq = [0, *order]
    legs = [_leg(net, pred[a], nodes[a], nodes[b]) for a, b in zip(seq, seq[1:], strict=False)]

    def router(after: int) -> Leg:
        src = 0 if after < 0 else order[after]
        return _leg(net, pred[src], nodes[src], nodes[0])

    return BlockPlan(prof.vehicle, program.name, station, [stops[i - 1] for i in order],
                     [net.point(nodes[i]) for i in order], legs, _router=router)


def _leg(net: Network, pred_row: np.ndarray, src: int, dst: int) -> Leg:
    path = path_from(pred_row, src, dst)
    points = [net.point(n) for n in path]
    caps = [net.edges[(a, b)].cap_ms for a, b in zip(path, path[1:], strict=False)]
    return Leg(points, caps)


def _plan_air(prof: Profile, program: Program, station: Address, stops: list[Address]) -> BlockPlan:
    pts = [(station.lat, station.lon)] + [(a.lat, a.lon) for a in stops]
    dist = np.array([[haversine_m(*p, *q) for q in pts] for p in pts])
    order = order_stops(dist)
    seq = [0, *order]
    legs = [Leg([pts[a], pts[b]], [float("inf")]) for a, b in zip(seq, seq[1:], strict=False)]

    def router(after: int) -> Leg:
        src = 0 if after < 0 else order[after]
        return Leg([pts[src], pts[0]], [float("inf")])

    return BlockPlan(prof.vehicle, program.name, station, [stops[i - 1] for i in order],
                     [pts[i] for i in order], legs, _router=router)
