"""Turn a planned block into a timeline: every motion segment and stop event, in simulated seconds.

The whole block is decided up front from the driver's own random stream, so sampling it later is
cheap and the same seed always gives the same day. The block fits inside the service window: a stop
is only attempted if the driver can still hand it over and get back to the station before closing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from simulator.drive.motion import Polyline, Segment, piece_duration, ramp
from simulator.plan.block import BlockPlan, Leg
from simulator.plan.programs import Program
from simulator.world.geo import haversine_m, turn_deg
from simulator.world.profiles import Profile

REASONS = (("recipient_unavailable", 5), ("no_access", 2), ("no_safe_location", 2),
           ("business_closed", 1))
SAFE_PLACES = ("front door", "reception", "mailroom", "back door", "porch")
SHARP_TURN_DEG = 50.0


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

    @property
    def start(self) -> float:
        return self.segments[0].t0

    @property
    def end(self) -> float:
        return self.segments[-1].t1


class _Builder:
    def __init__(self, prof: Profile, rng: random.Random, t: float, here: tuple[float, float]):
        self.prof, self.rng, self.t, self.here = prof, rng, t, here
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
        if seconds > 0:
            self._add(Polyline([self.here]), 0.0, seconds, 0.0, 0.0, phase)

    def walk(self, to: tuple[float, float], speed: float) -> None:
        if speed > 0 and haversine_m(*self.here, *to) > 1.0:
            path = Polyline([self.here, to])
            self._add(path, 0.0, path.length / speed, speed, 0.0, "walk")
            self.here = to

    def drive(self, leg: Leg) -> None:
        path = Polyline(leg.points)
        runs = self._runs(path, leg.caps)
        prof = self.prof
        joints = [0.0] + [self._joint(a[2], b[2], b[3]) for a, b in zip(runs, runs[1:],
                                                                       strict=False)] + [0.0]
        for k, (s_a, s_b, cruise, _) in enumerate(runs):
            v_in, v_out = joints[k], joints[k + 1]
            if k and v_in == 0.0:
                self._add(path, s_a, self.rng.uniform(5, 40), 0.0, 0.0, "drive")
            s = s_a
            for dist, v0, a in ramp(v_in, cruise, v_out, s_b - s_a, prof.accel, prof.decel):
                self._add(path, s, piece_duration(dist, v0, a), v0, a, "drive")
                s += dist
        self.here = (path.lat[-1], path.lon[-1])

    def _runs(self, path: Polyline, caps: list[float]) -> list[tuple[float, float, float, bool]]:
        """Split a path where the street's speed changes or it turns sharply."""
        runs: list[tuple[float, float, float, bool]] = []
        heading = None
        for k, cap in enumerate(caps):
            if path.cum[k + 1] - path.cum[k] < 0.01:
                continue
            cruise = min(cap * self.compliance, self.top)
            sharp = heading is not None and turn_deg(heading, path.bearing[k]) > SHARP_TURN_DEG
            heading = path.bearing[k]
            if runs and abs(runs[-1][2] - cruise) < 0.5 and not sharp:
                runs[-1] = (runs[-1][0], path.cum[k + 1], runs[-1][2], runs[-1][3])
            else:
                runs.append((path.cum[k], path.cum[k + 1], cruise, sharp))
        return runs

    def _joint(self, v1: float, v2: float, sharp: bool) -> float:
        """Speed where two runs meet: a red light, a sharp turn, or the slower street."""
        if self.rng.random() < self.prof.signal_stop_p:
            return 0.0
        return min(v1, v2, self.prof.turn_speed) if sharp else min(v1, v2)

    def _add(self, path: Polyline, s0: float, dt: float, v0: float, a: float, phase: str) -> None:
        if dt <= 0:
            return
        self.segs.append(Segment(self.t, self.t + dt, path, s0, v0, a, phase, self.odo))
        self.t += dt
        self.odo += v0 * dt + 0.5 * a * dt * dt


def build_timeline(plan: BlockPlan, prof: Profile, program: Program, rng: random.Random,
                   start: float, closing: float, fail_rate: float) -> Timeline:
    """Simulate the block from arrival at the station to the return, deciding every outcome."""
    b = _Builder(prof, rng, start, (plan.station.lat, plan.station.lon))
    b.stay(prof.load.draw(rng), "load")
    events = [SimEvent(b.t, "route_started")]
    route_start, done = b.t, None
    tl = Timeline(b.segs, events)
    for i, stop in enumerate(plan.stops):
        mark = b.mark()
        b.drive(plan.legs[i])
        arrived = b.t
        if program.slot_s:
            b.stay(route_start + (i // 3) * program.slot_s - b.t, "wait")
        b.stay(prof.park.draw(rng), "park")
        walk_speed = prof.walk_speed.draw(rng)
        b.walk((stop.lat, stop.lon), walk_speed)
        b.stay(prof.dwell.draw(rng) * program.dwell_factor, "dwell")
        handover = b.t
        b.walk(plan.park[i], walk_speed)
        check = b.mark()
        b.drive(plan.return_leg(i))
        if b.t > closing:
            b.rollback(mark)
            break
        b.rollback(check)
        events.append(SimEvent(arrived, "arrived", i))
        events.append(_outcome(rng, i, handover, fail_rate))
        tl.outcomes.append(events[-1].type)
        tl.arrivals.append(arrived)
        tl.service.append(check[1] - arrived)
        done = i
    missing = len(plan.stops) - len(tl.outcomes)
    tl.outcomes += ["not_attempted"] * missing
    tl.arrivals += [None] * missing
    tl.service += [None] * missing
    b.drive(plan.return_leg(done))
    b.stay(1.0, "returned")
    events.append(SimEvent(b.t, "returned"))
    return tl


def _outcome(rng: random.Random, stop: int, t: float, fail_rate: float) -> SimEvent:
    if rng.random() < fail_rate:
        reason = rng.choices([r for r, _ in REASONS], [w for _, w in REASONS])[0]
        return SimEvent(t, "attempted", stop, reason=reason)
    if rng.random() < 0.4:
        proof = {"left_at": "recipient", "note": "Handed to resident", "photo": None}
    else:
        place = rng.choice(SAFE_PLACES)
        proof = {"left_at": place, "note": f"Left at {place}", "photo": None}
    return SimEvent(t, "delivered", stop, proof=proof)
