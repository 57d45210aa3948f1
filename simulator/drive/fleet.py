"""Run a fleet: start blocks, sample every driver once per tick, pass each tick to the sinks."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO
from zoneinfo import ZoneInfo

from simulator.drive.clock import (
    InstantClock,
    PacedClock,
    local_day,
    next_opening,
    service_window,
    zone,
)
from simulator.drive.driver import Driver
from simulator.drive.gps import GpsOptions
from simulator.errors import ServerUnavailable, SimulatorError
from simulator.plan.ahead import PlanJob, PlannedBlock, Planner
from simulator.plan.outcomes import FAIL_RATE
from simulator.plan.programs import PROGRAMS, default_program, stop_count
from simulator.sinks.base import Registration, Sink
from simulator.sinks.payloads import link_record, person_name
from simulator.world.maps import CityMap
from simulator.world.osm_reader import Address
from simulator.world.profiles import PROFILES

BREAK_S = (300.0, 1200.0)  # between two blocks of one driver in --repeat mode
MAX_LEAD_S = 6 * 3600.0  # a repeating day starts at most this far ahead of the real clock
REGISTER_RETRY_S = 60.0  # simulated seconds before a block whose registration failed retries


@dataclass
class FleetConfig:
    counts: dict[str, int]  # vehicle -> number of drivers
    start: float  # epoch seconds, simulated
    timezone: str
    stops: int | None = None
    program: str | None = None
    fail_rate: float = FAIL_RATE
    interval: float = 3.0
    seed: int = 1
    repeat: bool = False
    reasons: dict[str, float] | None = None  # failed attempts' reasons and their shares
    out_of_order: float = 0.0  # chance a driver swaps the next two stops
    gps: GpsOptions | None = None  # dropouts, outliers, a phone's reporting rule
    station: tuple[float, float] | None = None  # None: the map's own (CityMap.station)
    area: tuple[float, float, float] | None = None  # stops only within: lat, lon, radius m
    # Each driver's first block: at the station, loaded, at `start`, and leaving this many
    # simulated seconds later (the dashboard's demo: the seller sees the driver leave at once).
    leave_after: float | None = None


@dataclass
class Slot:
    """One delivery partner across blocks, with running totals for the summary."""

    name: str
    vehicle: str
    index: int
    rng: random.Random
    next_start: float | None
    driver: Driver | None = None
    planning: bool = False  # a plan for the next block is ordered
    blocks: int = 0
    delivered: int = 0
    attempted: int = 0
    not_attempted: int = 0
    distance_m: float = 0.0
    walk_m: float = 0.0  # of distance_m, on foot between the vehicle and the doors
    duration_s: float = 0.0
    route_ids: list[str] = field(default_factory=list)



def order_for(slot: Slot, cfg: FleetConfig, station: Address, tz: ZoneInfo, now: float) -> PlanJob:
    """The order for a partner's next block, at its arrival time (now if it has none)."""
    prof = PROFILES[slot.vehicle]
    program = PROGRAMS[cfg.program or default_program(slot.vehicle, slot.index + slot.blocks)]
    start = slot.next_start if slot.next_start is not None else now
    closing = service_window(local_day(start, tz), tz)[1]
    load_s = cfg.leave_after if slot.blocks == 0 else None
    return PlanJob(slot.vehicle, program.name, stop_count(program, prof, cfg.stops), station,
                 start, closing, cfg.fail_rate, slot.name, cfg.timezone, slot.rng.getstate(),
                 cfg.reasons, cfg.out_of_order, cfg.area, load_s)

class Fleet:
    def __init__(self, city: CityMap | None, config: FleetConfig, sinks: list[Sink],
                 clock: PacedClock | InstantClock, links: IO[str] | None = None,
                 on_tick: Callable[[Fleet, float, float], None] | None = None,
                 planner: Planner | None = None) -> None:
        self.city, self.cfg, self.sinks, self.clock = city, config, sinks, clock
        self.planner = planner or Planner(city)  # type: ignore[arg-type]
        self.start_delays: list[float] = []  # simulated seconds each block started late
        self.links, self.on_tick = links, on_tick
        self.tz = config.timezone
        master = random.Random(config.seed)  # nosec B311 # seeded simulation
        self.slots: list[Slot] = []
        for vehicle, n in config.counts.items():
            for i in range(n):
                rng = random.Random(master.getrandbits(64))  # nosec B311 # seeded simulation
                arrive = config.start + rng.uniform(0, 600)  # partners arrive over ten minutes
                if config.leave_after is not None:  # drawn all the same: the seed's day stays
                    arrive = config.start
                self.slots.append(Slot(person_name(rng), vehicle, i, rng, arrive))
        self.station = city.station() if city is not None else None  # replay has no map
        if config.station is not None and self.station is not None:
            self.station = Address(*config.station, self.station.label)
        self.zone = zone(self.tz)
        self.t = config.start

    def run(self) -> None:
        """Tick until every block is over (or forever with repeat); Ctrl-C stops it cleanly."""
        try:
            while self.tick():
                pass
        except BaseException:  # Ctrl-C, SIGTERM: leave now, not once the plans under way are done
            self.planner.abort()
            raise
        else:
            self.planner.close()
        finally:
            for sink in self.sinks:
                sink.close()

    def tick(self) -> bool:
        t = self.t
        self._start_due(t)
        fixes, events, blind = [], [], []
        for slot in self.slots:
            d = slot.driver
            if d is None:
                continue
            events.extend((d, ev) for ev in d.events_until(t))
            fix = d.fix(t)
            if fix is not None:
                fixes.append(fix)
            if d.blind:
                blind += d.blind
                d.blind = []
        for d, ev in events:
            slot = self._slot_of(d)
            if ev.type == "delivered":
                slot.delivered += 1
            elif ev.type == "attempted":
                slot.attempted += 1
        lag = self.clock.wait_until(t)
        for sink in self.sinks:
            sink.send(fixes, events)
            record = getattr(sink, "no_fix", None)  # a sink made outside `Sink` may lack it
            if blind and record is not None:
                record(blind)
        for slot in self.slots:
            if slot.driver is not None and slot.driver.done():
                self._end_block(slot)
        if self.on_tick:
            self.on_tick(self, t, lag)
        if not any(s.driver or s.next_start is not None for s in self.slots):
            return False
        self.t = self._next_time(t)
        return True

    def _start_due(self, t: float) -> None:
        """Order plans for partners arriving soon; put on shift those whose plan is ready."""
        planner = self.planner
        idle = [s for s in self.slots if s.driver is None and s.next_start is not None]
        soon = [s for s in idle if not s.planning and s.next_start <= t + planner.lookahead]
        for slot in sorted(soon, key=lambda s: s.next_start):  # first to arrive, first planned
            planner.submit(id(slot), order_for(slot, self.cfg, self.station, self.zone, t))
            slot.planning = True
        for slot in idle:
            if slot.planning and slot.next_start <= t:
                block = planner.take(id(slot))  # None: not ready, the partner is late
                if block is not None:
                    slot.planning = False
                    self._start_block(slot, block)

    def _slot_of(self, driver: Driver) -> Slot:
        return driver.slot  # type: ignore[return-value]

    def _next_time(self, t: float) -> float:
        nxt = t + self.cfg.interval
        if any(s.driver for s in self.slots):
            return nxt
        upcoming = min(s.next_start for s in self.slots if s.next_start is not None)
        if upcoming - nxt > 3600:  # the night: skip it rather than wait for it
            upcoming = self._back_to_today(upcoming)
            jump_to = upcoming - self.cfg.interval
            self.clock.jump(nxt, jump_to)
            return jump_to
        return nxt

    def _back_to_today(self, upcoming: float) -> float:
        """Take whole days back from the next day's start when it runs ahead of the real clock.

        A sped-up run that repeats (the demo fleet) gains hours on the real clock every day,
        and servers refuse fixes more than a day ahead of theirs (FIX_MAX_AHEAD). Starting each
        new day at most MAX_LEAD_S ahead keeps a whole service day inside that window; the
        local hour stays (DST aside), and every slot is idle here, so no route sees time
        go back.
        """
        lead = self.clock.lead(upcoming)
        if lead <= MAX_LEAD_S:
            return upcoming
        back = math.ceil((lead - MAX_LEAD_S) / 86400) * 86400
        for slot in self.slots:
            if slot.next_start is not None:
                slot.next_start -= back
        return upcoming - back

    def _start_block(self, slot: Slot, block: PlannedBlock) -> None:
        slot.rng.setstate(block.rng_state)
        driver = Driver(slot.name, slot.vehicle, block.payload["program"], block.timeline,
                        slot.rng, self.cfg.gps)
        self.start_delays.append(self.t - block.timeline.start)
        try:
            self.launch(slot, driver, block.payload)
        except ServerUnavailable:
            slot.next_start = self.t + REGISTER_RETRY_S  # the run goes on; try this block later

    def launch(self, slot: Slot, driver: Driver, payload: dict) -> None:
        """Register a block's route through the sink chain and put the driver on shift."""
        driver.slot = slot
        reg: Registration | None = None
        for sink in self.sinks:
            reg = sink.register(driver, payload, reg)
        if reg is None:
            raise SimulatorError("no sink registered the route (add a server or --dry-run)")
        driver.route_id, driver.token = reg.route_id, reg.driver_token
        slot.driver, slot.next_start = driver, None
        slot.route_ids.append(reg.route_id)
        self._write_link(driver, reg)

    def _end_block(self, slot: Slot) -> None:
        d = slot.driver
        assert d is not None  # nosec B101 # type narrowing
        tl = d.timeline
        slot.blocks += 1
        slot.not_attempted += tl.outcomes.count("not_attempted")
        slot.distance_m += d.odometer
        slot.walk_m += tl.walked_m(tl.end)
        slot.duration_s += tl.end - tl.start
        slot.driver = None
        if self.cfg.repeat:
            nxt = tl.end + slot.rng.uniform(*BREAK_S)
            if nxt > service_window(local_day(nxt, self.zone), self.zone)[1] - 1800:
                nxt = next_opening(nxt, self.zone) + slot.rng.uniform(0, 600)
            slot.next_start = nxt

    def _write_link(self, driver: Driver, reg: Registration) -> None:
        if self.links is not None:
            record = link_record(driver, reg, self.clock.anchor())
            self.links.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.links.flush()

    def active(self) -> int:
        return sum(1 for s in self.slots if s.driver is not None)

