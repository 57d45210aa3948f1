"""A driver on shift: samples its timeline into noisy GPS fixes and yields its stop events."""

from __future__ import annotations

import random
from dataclasses import dataclass

from simulator.drive.gps import GpsOptions, GpsReceiver
from simulator.plan.timeline import SimEvent, Timeline


@dataclass(slots=True)
class PhoneFix:
    """One GPS fix as the phone reports it, plus the ground truth it came from."""

    driver: Driver
    t: float
    lat: float
    lon: float
    speed: float
    heading: int
    accuracy: float
    true_lat: float
    true_lon: float
    true_speed: float
    phase: str
    outlier: bool = False  # an urban-canyon reflection (--gps-outliers)


@dataclass(slots=True)
class NoFix:
    """An instant the phone had no fix (`why`: tunnel, dropout): only the ground truth has it."""

    driver: Driver
    t: float
    true_lat: float
    true_lon: float
    true_speed: float
    phase: str
    why: str


class Driver:
    """Holds one block's timeline and a cursor into it; per-tick work is a few microseconds."""

    def __init__(self, name: str, vehicle: str, program: str, timeline: Timeline,
                 rng: random.Random, gps: GpsOptions | None = None) -> None:
        self.name, self.vehicle, self.program = name, vehicle, program
        self.timeline = timeline
        self.rng = rng
        self.phone = GpsReceiver(rng, gps)
        self.slot: object = None  # the fleet's bookkeeping for this partner
        self.token: str | None = None
        self.route_id: str | None = None
        self.seg_i = self.ev_i = 0
        self.heading = 0.0
        self.odometer = 0.0
        self.last_t = timeline.start
        self.blind: list[NoFix] = []  # instants without a fix since the fleet last took them

    def done(self) -> bool:
        return self.last_t >= self.timeline.end and self.ev_i >= len(self.timeline.events)

    def fix(self, t: float) -> PhoneFix | None:
        """Return the phone's fix at time t, or None outside the block."""
        tl = self.timeline
        if t < tl.start or t > tl.end:
            return None
        segs = tl.segments
        while segs[self.seg_i].t1 < t:
            self.seg_i += 1
        seg = segs[self.seg_i]
        lat, lon, brg, speed, self.odometer = seg.state(t)
        self.last_t = t
        if speed > 0.3:
            self.heading = brg
        phone = self.phone
        if seg.underground(t):  # no sky in a tunnel: the phone has no fix, the truth goes on
            phone.underground(t)
            self.blind.append(NoFix(self, t, lat, lon, speed, seg.phase, "tunnel"))
            return None
        if phone.lost(t):
            self.blind.append(NoFix(self, t, lat, lon, speed, seg.phase, "dropout"))
            return None
        if not phone.due(t, lat, lon):
            return None
        nlat, nlon, acc, outlier = phone.measure(t, lat, lon)
        rng = self.rng
        shown = max(0.0, speed + rng.gauss(0, 0.2)) if speed > 0 else abs(rng.gauss(0, 0.1))
        return PhoneFix(self, t, round(nlat, 6), round(nlon, 6), round(shown, 1),
                   int(self.heading) % 360, round(acc, 1), lat, lon, speed, seg.phase, outlier)

    def events_until(self, t: float) -> list[SimEvent]:
        events = self.timeline.events
        out = []
        while self.ev_i < len(events) and events[self.ev_i].t <= t:
            out.append(events[self.ev_i])
            self.ev_i += 1
        if t >= self.timeline.end:
            self.last_t = t
        return out
