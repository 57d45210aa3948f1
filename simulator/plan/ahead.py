"""Plan blocks off the tick loop, ahead of time, so a fleet's clock never waits for routing.

Planning a block (addresses, Dijkstra, stop ordering, kinematics) costs 2-30 ms; 2,000 partners
arriving over ten minutes is 15 s of it. `PoolPlanner` does it in worker processes a few
simulated minutes before each partner arrives. A plan depends only on its `PlanJob` (which carries
the partner's random state), so output is the same bytes whichever planner made it.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from simulator.plan.block import plan_block
from simulator.plan.programs import PROGRAMS
from simulator.plan.timeline import Timeline, build_timeline
from simulator.sinks.payloads import route_payload
from simulator.world.maps import CityMap
from simulator.world.osm_reader import Address
from simulator.world.profiles import PROFILES

LOOKAHEAD_S = 600.0  # simulated seconds before a partner arrives that the block is planned


@dataclass
class PlanJob:
    """Everything a block's plan depends on (picklable, for a worker process)."""

    vehicle: str
    program: str
    stops: int
    station: Address
    start: float
    closing: float
    fail_rate: float
    driver_name: str
    timezone: str
    rng_state: tuple
    reasons: dict[str, float] | None = None  # shares of failed attempts' reasons
    out_of_order: float = 0.0  # chance the driver swaps the next two stops
    area: tuple[float, float, float] | None = None  # the delivery area: lat, lon, radius m
    load_s: float | None = None  # time at the station before leaving; None: the vehicle's draw


@dataclass
class PlannedBlock:
    timeline: Timeline
    payload: dict  # the POST /api/v1/routes body
    rng_state: tuple  # the partner's random state after planning


def plan(city: CityMap, order: PlanJob) -> PlannedBlock:
    rng = random.Random()  # nosec B311 # simulation
    rng.setstate(order.rng_state)
    prof, program = PROFILES[order.vehicle], PROGRAMS[order.program]
    pickup = None
    if program.pickup:  # the block starts at the station and collects at a restaurant
        place = rng.choice(city.addresses)
        pickup = Address(place.lat, place.lon, f"Restaurant at {place.label}")
    blk = plan_block(city, prof, program, rng, order.stops, order.station, order.out_of_order,
                     order.area, pickup)
    timeline = build_timeline(blk, prof, program, rng, order.start, order.closing,
                              order.fail_rate, order.timezone, order.reasons, order.load_s)
    payload = route_payload(blk, order.driver_name, order.timezone, rng, timeline.slots)
    return PlannedBlock(timeline, payload, rng.getstate())


class Planner:
    """Plans in the tick loop when a block is due: for tests and --max-speed (no clock to keep)."""

    lookahead = 0.0

    def __init__(self, city: CityMap) -> None:
        self.city = city
        self.ready: dict[int, PlannedBlock] = {}

    def submit(self, key: int, order: PlanJob) -> None:
        self.ready[key] = plan(self.city, order)

    def take(self, key: int) -> PlannedBlock | None:
        """Return the finished plan, or None if it is not ready yet (the partner is late)."""
        return self.ready.pop(key, None)

    def close(self) -> None:
        pass

    def abort(self) -> None:
        """The run was stopped: drop what is being planned, without waiting for it."""
        self.close()


_city: CityMap | None = None  # the worker process's map


def _init(city: CityMap | str) -> None:
    global _city
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, quietly
    # A forked worker inherits the CLI's SIGTERM handler, which would make it raise in the
    # middle of a plan: a SIGTERM meant for the worker ends it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A parent killed outright (SIGTERM, SIGKILL) never shuts the pool down, and a forked worker
    # would wait on its queue forever: leave when the parent is gone.
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    if isinstance(city, str):  # spawned rather than forked: read the map again
        from simulator.world.maps import load_map

        city = load_map(city)
    _city = city


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _plan_here(order: PlanJob) -> PlannedBlock:
    assert _city is not None  # nosec B101 # type narrowing
    return plan(_city, order)


class PoolPlanner(Planner):
    """Plans in worker processes, LOOKAHEAD_S ahead; `wait` makes take() block (for tests)."""

    lookahead = LOOKAHEAD_S

    def __init__(self, city: CityMap, workers: int = 1, wait: bool = False) -> None:
        super().__init__(city)
        fork = "fork" in multiprocessing.get_all_start_methods()
        # Forked workers inherit the parsed map and its networks; others must read it again.
        ctx = multiprocessing.get_context("fork" if fork else "spawn")
        self.pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init,
                                        initargs=(city if fork else str(city.path),))
        self.futures: dict[int, Future[PlannedBlock]] = {}
        self.wait = wait

    def submit(self, key: int, order: PlanJob) -> None:
        self.futures[key] = self.pool.submit(_plan_here, order)

    def take(self, key: int) -> PlannedBlock | None:
        future = self.futures.get(key)
        if future is None or not (self.wait or future.done()):
            return None
        del self.futures[key]
        return future.result()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)

    def abort(self) -> None:
        """Terminate the workers rather than wait for them: a large block (or a map read again
        by a spawned worker) takes seconds to plan, and shutdown would wait for it, and for the
        next one already queued, before an interrupted run could exit."""
        processes = list((self.pool._processes or {}).values())  # noqa: SLF001 # no public way
        self.pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:  # SIGKILL: a worker keeps nothing, and a stopped one ends too
            proc.kill()
        for proc in processes:
            proc.join(5.0)
