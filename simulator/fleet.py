"""Run a fleet: start blocks, sample every driver once per tick, pass each tick to the sinks."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO
from zoneinfo import ZoneInfo

from simulator.clock import InstantClock, PacedClock, next_opening, service_window, zone
from simulator.driver import Driver
from simulator.errors import ServerUnavailable, SimulatorError
from simulator.maps import CityMap
from simulator.osm_reader import Address
from simulator.payloads import person_name, route_payload
from simulator.planning import plan_block
from simulator.profiles import PROFILES
from simulator.programs import PROGRAMS, default_program, stop_count
from simulator.sinks.base import Registration, Sink
from simulator.timeline import build_timeline

BREAK_S = (300.0, 1200.0)  # between two blocks of one driver in --repeat mode
REGISTER_RETRY_S = 60.0  # simulated seconds before a block whose registration failed retries


@dataclass
class FleetConfig:
    counts: dict[str, int]  # vehicle -> number of drivers
    start: float  # epoch seconds, simulated
    timezone: str
    stops: int | None = None
    program: str | None = None
    fail_rate: float = 0.05
    interval: float = 3.0
    seed: int = 1
    repeat: bool = False


@dataclass
class Slot:
    """One delivery partner across blocks, with running totals for the summary."""

    name: str
    vehicle: str
    index: int
    rng: random.Random
    next_start: float | None
    driver: Driver | None = None
    blocks: int = 0
    delivered: int = 0
    attempted: int = 0
    not_attempted: int = 0
    distance_m: float = 0.0
    duration_s: float = 0.0
    route_ids: list[str] = field(default_factory=list)


class Fleet:
    def __init__(self, city: CityMap | None, config: FleetConfig, sinks: list[Sink],
                 clock: PacedClock | InstantClock, links: IO[str] | None = None,
                 on_tick: Callable[[Fleet, float, float], None] | None = None) -> None:
        self.city, self.cfg, self.sinks, self.clock = city, config, sinks, clock
        self.links, self.on_tick = links, on_tick
        self.tz = config.timezone
        master = random.Random(config.seed)
        self.slots: list[Slot] = []
        for vehicle, n in config.counts.items():
            for i in range(n):
                rng = random.Random(master.getrandbits(64))
                arrive = config.start + rng.uniform(0, 600)  # partners arrive over ten minutes
                self.slots.append(Slot(person_name(rng), vehicle, i, rng, arrive))
        self.station = _station(city) if city is not None else None  # replay has no map
        self.zone = zone(self.tz)
        self.t = config.start

    def run(self) -> None:
        """Tick until every block is over (or forever with repeat); Ctrl-C stops it cleanly."""
        try:
            while self.tick():
                pass
        finally:
            for sink in self.sinks:
                sink.close()

    def tick(self) -> bool:
        t = self.t
        for slot in self.slots:
            if slot.driver is None and slot.next_start is not None and slot.next_start <= t:
                self._start_block(slot)
        fixes, events = [], []
        for slot in self.slots:
            d = slot.driver
            if d is None:
                continue
            events.extend((d, ev) for ev in d.events_until(t))
            fix = d.fix(t)
            if fix is not None:
                fixes.append(fix)
        for d, ev in events:
            slot = self._slot_of(d)
            if ev.type == "delivered":
                slot.delivered += 1
            elif ev.type == "attempted":
                slot.attempted += 1
        lag = self.clock.wait_until(t)
        for sink in self.sinks:
            sink.send(fixes, events)
        for slot in self.slots:
            if slot.driver is not None and slot.driver.done():
                self._end_block(slot)
        if self.on_tick:
            self.on_tick(self, t, lag)
        if not any(s.driver or s.next_start is not None for s in self.slots):
            return False
        self.t = self._next_time(t)
        return True

    def _slot_of(self, driver: Driver) -> Slot:
        return driver.slot  # type: ignore[return-value]

    def _next_time(self, t: float) -> float:
        nxt = t + self.cfg.interval
        if any(s.driver for s in self.slots):
            return nxt
        upcoming = min(s.next_start for s in self.slots if s.next_start is not None)
        if upcoming - nxt > 3600:  # the night: skip it rather than wait for it
            jump_to = upcoming - self.cfg.interval
            self.clock.jump(nxt, jump_to)
            return jump_to
        return nxt

    def _start_block(self, slot: Slot) -> None:
        cfg, rng = self.cfg, slot.rng
        prof = PROFILES[slot.vehicle]
        program = PROGRAMS[cfg.program or default_program(slot.vehicle, slot.index + slot.blocks)]
        station = self.station
        assert station is not None and self.city is not None
        if program.pickup:
            place = rng.choice(self.city.addresses)
            station = Address(place.lat, place.lon, f"Restaurant at {place.label}")
        plan = plan_block(self.city, prof, program, rng, stop_count(program, prof, cfg.stops),
                          station)
        start = slot.next_start or self.t
        closing = service_window(_local_day(start, self.zone), self.zone)[1]
        timeline = build_timeline(plan, prof, program, rng, start, closing, cfg.fail_rate)
        driver = Driver(slot.name, slot.vehicle, program.name, timeline, rng)
        dwell = (prof.dwell.low + prof.dwell.high) / 2 * program.dwell_factor + prof.park.low
        try:
            self.launch(slot, driver, route_payload(plan, slot.name, self.tz, rng, dwell))
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
        assert d is not None
        tl = d.timeline
        slot.blocks += 1
        slot.not_attempted += tl.outcomes.count("not_attempted")
        slot.distance_m += d.odometer
        slot.duration_s += tl.end - tl.start
        slot.driver = None
        if self.cfg.repeat:
            nxt = tl.end + slot.rng.uniform(*BREAK_S)
            if nxt > service_window(_local_day(nxt, self.zone), self.zone)[1] - 1800:
                nxt = next_opening(nxt, self.zone) + slot.rng.uniform(0, 600)
            slot.next_start = nxt

    def _write_link(self, driver: Driver, reg: Registration) -> None:
        if self.links is None:
            return
        record = {"route_id": reg.route_id, "driver": driver.name, "vehicle": driver.vehicle,
                  "program": driver.program,
                  "shipments": [{"tracking_id": s.get("tracking_id"),
                                 "tracking_url": s.get("tracking_url"), "stop": s.get("stop")}
                                for s in reg.shipments]}
        self.links.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.links.flush()

    def active(self) -> int:
        return sum(1 for s in self.slots if s.driver is not None)


def _local_day(t: float, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(t, tz).date()


def _station(city: CityMap) -> Address:
    lat, lon = city.station_point()
    stem = city.path.name.split(".")[0]
    return Address(lat, lon, "Station HEL1" if stem == "Helsinki" else f"Station {stem[:12]}")
