"""Turn a planned block into a timeline: every motion segment and stop event, in simulated seconds.

The whole block is decided up front from the driver's own random stream, so sampling it later is
cheap and the same seed always gives the same day. The block fits inside the service window: a stop
is only attempted if the driver can still hand it over and get back to the station before closing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from simulator.drive.motion import Polyline, Segment, piece_duration, ramp
from simulator.plan.block import BlockPlan, Leg
from simulator.plan.outcomes import REASONS
from simulator.plan.programs import Program
from simulator.plan.service import door_time, pickup_time
from simulator.world.geo import haversine_m, turn_deg
from simulator.world.profiles import Profile
from simulator.world.traffic import traffic_speed

OUTCOMES = {"delivered", "attempted", "picked_up"}  # the events that close a stop
SAFE_PLACES = ("front door", "reception", "mailroom", "back door", "porch")
SHARP_TURN_DEG = 50.0
# Traffic lights: red for a van half the time, waiting part of a 60-110 s cycle; routing counts the
# expected wait (network.LIGHT_COST_S). A give-way at a turn without lights is a short stop.
# Lights along one street are coordinated: after a red one, the next few are mostly green
# (a profile's red_p is the chance at the first one).
RED_P_IN_WAVE = 0.3  # times red_p
RED_WAIT_S = (5.0, 55.0)
YIELD_WAIT_S = (1.0, 6.0)
LIGHT_SPAN_M = 40.0  # lights this close are one junction (OSM often tags each approach)
GREEN_WAVE_M = 300.0


@dataclass
class SimEvent:
    t: float
    type: str
    stop: int | None = None
    proof: dict | None = None
    reason: str | None = None


@dataclass
class Timeline:
    segments: list[Segment]
    events: list[SimEvent]
    outcomes: list[str] = field(default_factory=list)  # per stop: delivered/attempted/not_attempted
    arrivals: list[float | None] = field(default_factory=list)  # ground truth, per stop
    service: list[float | None] = field(default_factory=list)  # s from arrival to leaving, per stop
    # Per stop, the booked slot (grocery): (opens, closes) in simulated epoch seconds, or None.
    slots: list[tuple[float, float] | None] = field(default_factory=list)

    @property
    def start(self) -> float:
        return self.segments[0].t0

    def walked_m(self, until: float) -> float:
        """Metres on foot between the vehicle and the doors up to `until` (the rest is road)."""
        total = 0.0
        for seg in self.segments:
            if seg.t0 >= until:
                break
            if seg.phase == "walk":
                dt = min(until, seg.t1) - seg.t0
                total += seg.v0 * dt + 0.5 * seg.a * dt * dt
        return total

    def left_undone(self, emitted: int) -> int:
        """Stops without an outcome among the first `emitted` events (a run stopped mid-block)."""
        done = sum(ev.type in OUTCOMES for ev in self.events[:emitted])
        return len(self.outcomes) - done

    @property
    def end(self) -> float:
        return self.segments[-1].t1


class _Builder:
    def __init__(self, prof: Profile, rng: random.Random, t: float, here: tuple[float, float],
                 tz: ZoneInfo):
        self.prof, self.rng, self.t, self.here, self.tz = prof, rng, t, here, tz
        self.segs: list[Segment] = []
        self.odo = 0.0
        self.top = prof.top_speed.draw(rng)
        self.compliance = rng.uniform(0.85, 1.02)  # how closely this driver keeps to limits

    def mark(self) -> tuple[int, float, float, tuple[float, float]]:
        return len(self.segs), self.t, self.odo, self.here

    def rollback(self, mark: tuple[int, float, float, tuple[float, float]]) -> None:
        n, self.t, self.odo, self.here = mark
        del self.segs[n:]

    def stay(self, seconds: float, phase: str) -> None:
        # Never in a tunnel: every place a driver stays (the station, a parking place, a door, a
        # walker's spot) is snapped outside them (Network.snap); a red light in one is on the leg.
        if seconds > 0:
            self._add(Polyline([self.here]), 0.0, seconds, 0.0, 0.0, phase)

    def walk(self, way: list[tuple[float, float]], speed: float,
             underground: list[bool] | None = None) -> None:
        """On foot along `way` (from here), at a steady pace; `underground` per piece."""
        to = way[-1]
        if speed > 0 and haversine_m(*self.here, *to) > 1.0:
            path = Polyline([self.here, *way[1:]], underground)
            self._add(path, 0.0, path.length / speed, speed, 0.0, "walk")
            self.here = to

    def drive(self, leg: Leg) -> None:
        path = Polyline(leg.points, leg.underground)
        hour = datetime.fromtimestamp(self.t, self.tz).hour
        runs = self._runs(path, leg, hour)
        prof = self.prof
        self.last_light = self.last_red = -GREEN_WAVE_M
        joints = [(0.0, 0.0, "")] + [self._joint(a, b) for a, b in zip(runs, runs[1:],
                                                                         strict=False)]
        joints.append((0.0, 0.0, ""))
        for k, run in enumerate(runs):
            (v_in, wait, phase), v_out = joints[k], joints[k + 1][0]
            self._add(path, run.start, wait, 0.0, 0.0, phase)
            s = run.start
            for dist, v0, a in ramp(v_in, run.cruise, v_out, run.end - run.start, prof.accel,
                                    prof.decel):
                self._add(path, s, piece_duration(dist, v0, a), v0, a, "drive")
                s += dist
        self.here = (path.lat[-1], path.lon[-1])

    def _runs(self, path: Polyline, leg: Leg, hour: int) -> list[_Run]:
        """Split a path where the street's speed changes, it turns sharply or has lights."""
        runs: list[_Run] = []
        heading = None
        traffic = self.prof.in_traffic
        for k, cap in enumerate(leg.caps):
            if path.cum[k + 1] - path.cum[k] < 0.01:
                continue
            jam = traffic_speed(hour, leg.roads[k]) if traffic and leg.roads else self.top
            cruise = min(cap * self.compliance, jam, self.top)
            sharp = heading is not None and turn_deg(heading, path.bearing[k]) > SHARP_TURN_DEG
            light = bool(runs) and bool(leg.lights) and leg.lights[k]
            heading = path.bearing[k]
            if runs and abs(runs[-1].cruise - cruise) < 0.5 and not sharp and not light:
                runs[-1].end = path.cum[k + 1]
            else:
                runs.append(_Run(path.cum[k], path.cum[k + 1], cruise, sharp, light))
        return runs

    def _joint(self, a: _Run, b: _Run) -> tuple[float, float, str]:
        """(speed, wait, phase) where two runs meet: lights, a give-way, a turn, a slower street."""
        rng = self.rng
        if b.light and b.start - self.last_light > LIGHT_SPAN_M:
            self.last_light = b.start
            wave = b.start - self.last_red < GREEN_WAVE_M
            if rng.random() < self.prof.red_p * (RED_P_IN_WAVE if wave else 1.0):
                self.last_red = b.start
                return 0.0, rng.uniform(*RED_WAIT_S), "light"
        elif b.sharp and not b.light and rng.random() < self.prof.yield_p:
            return 0.0, rng.uniform(*YIELD_WAIT_S), "drive"
        v = min(a.cruise, b.cruise)
        return (min(v, self.prof.turn_speed) if b.sharp else v), 0.0, ""

    def _add(self, path: Polyline, s0: float, dt: float, v0: float, a: float, phase: str) -> None:
        if dt <= 0:
            return
        self.segs.append(Segment(self.t, self.t + dt, path, s0, v0, a, phase, self.odo))
        self.t += dt
        self.odo += v0 * dt + 0.5 * a * dt * dt


@dataclass
class _Run:
    start: float
    end: float
    cruise: float
    sharp: bool
    light: bool


def build_timeline(plan: BlockPlan, prof: Profile, program: Program, rng: random.Random,
                   start: float, closing: float, fail_rate: float, tz: str = "UTC",
                   reasons: dict[str, float] | None = None,
                   load_s: float | None = None) -> Timeline:
    """Simulate the block from arrival at the station to the return, deciding every outcome.

    `load_s`: seconds at the station before leaving, instead of the vehicle's usual loading."""
    b = _Builder(prof, rng, start, (plan.station.lat, plan.station.lon), ZoneInfo(tz))
    load = prof.load.draw(rng)  # drawn all the same, so the rest of the day stays the seed's
    b.stay(load if load_s is None else load_s, "load")
    events = [SimEvent(b.t, "route_started")]
    route_start, done = b.t, None
    n = len(plan.stops)
    tl = Timeline(b.segs, events, ["not_attempted"] * n, [None] * n, [None] * n, [None] * n)
    for j, v in enumerate(plan.visits):
        mark = b.mark()
        if v.parks:
            b.drive(v.leg)
        arrived = b.t
        at_pickup = v.stop == plan.pickup
        if program.slot_s and not at_pickup:
            opens = route_start + (j // 3) * program.slot_s
            tl.slots[v.stop] = (opens, opens + program.slot_s)
            b.stay(opens - b.t, "wait")
            # Early for the slot, the driver waits in the van: at the stop for the customer
            # (and for the server's `arrived`) only when the slot opens.
            arrived = b.t
        if v.parks:
            b.stay(prof.park.draw(rng), "park")
        walk_speed = prof.walk_speed.draw(rng)
        stop = plan.stops[v.stop]
        b.walk(v.walk or [v.park, (stop.lat, stop.lon)], walk_speed, v.walk_underground)
        if at_pickup:  # waiting for the order and loading: not a door's hand-over
            b.stay(pickup_time(rng), "pickup")
        else:
            b.stay(door_time(prof, program, plan.packages[v.stop], rng), "dwell")
        handover = b.t
        b.walk(v.walk[::-1] or [(stop.lat, stop.lon), v.park], walk_speed,
               v.walk_underground[::-1])
        check = b.mark()
        b.drive(plan.return_leg(j))
        if b.t > closing:
            b.rollback(mark)
            break
        b.rollback(check)
        events.append(SimEvent(arrived, "arrived", v.stop))
        events.append(SimEvent(handover, "picked_up", v.stop) if at_pickup
                      else _outcome(rng, v.stop, handover, fail_rate, reasons or REASONS))
        tl.outcomes[v.stop] = events[-1].type
        tl.arrivals[v.stop] = arrived
        tl.service[v.stop] = check[1] - arrived
        done = j
    b.drive(plan.return_leg(done))
    b.stay(1.0, "returned")
    events.append(SimEvent(b.t, "returned"))
    return tl


def _outcome(rng: random.Random, stop: int, t: float, fail_rate: float,
             reasons: dict[str, float]) -> SimEvent:
    if rng.random() < fail_rate:
        reason = rng.choices(list(reasons), list(reasons.values()))[0]
        return SimEvent(t, "attempted", stop, reason=reason)
    if rng.random() < 0.4:
        proof = {"left_at": "recipient", "note": "Handed to resident", "photo": None}
    else:
        place = rng.choice(SAFE_PLACES)
        proof = {"left_at": place, "note": f"Left at {place}", "photo": None}
    return SimEvent(t, "delivered", stop, proof=proof)
