"""Replay a recorded GPX track as one driver: a one-stop route ending at the track's last point."""

from __future__ import annotations

import random

from simulator.drive.driver import Driver, PhoneFix
from simulator.drive.motion import Polyline, Segment
from simulator.plan.timeline import SimEvent, Timeline
from simulator.world.geo import bearing_deg, haversine_m

DEFAULT_ACCURACY_M = 5.0
PROOF = {"left_at": "front door", "note": "Left at front door", "photo": None}


class ReplayDriver(Driver):
    """Sends the recorded points themselves (no extra noise): at most the newest one per tick."""

    def __init__(self, name: str, vehicle: str, points: list[tuple[float, float, float]],
                 timeline: Timeline) -> None:
        super().__init__(name, vehicle, "standard", timeline, random.Random(0))  # nosec B311 # seeded simulation
        self.points = points
        self.next_i = 0

    def fix(self, t: float) -> PhoneFix | None:
        pts = self.points
        i = self.next_i
        if i >= len(pts) or pts[i][2] > t:
            self.last_t = max(self.last_t, min(t, self.timeline.end))
            return None
        while i + 1 < len(pts) and pts[i + 1][2] <= t:
            i += 1
        self.next_i = i + 1
        lat, lon, at = pts[i]
        speed, heading = 0.0, self.heading
        if i:
            plat, plon, pat = pts[i - 1]
            dist = haversine_m(plat, plon, lat, lon)
            speed = dist / (at - pat) if at > pat else 0.0
            if dist > 0.5:
                heading = bearing_deg(plat, plon, lat, lon)
        self.heading = heading
        self.odometer = self.timeline.segments[min(i, len(self.timeline.segments) - 1)].odo0
        self.last_t = at
        return PhoneFix(self, at, round(lat, 6), round(lon, 6), round(speed, 1), int(heading) % 360,
                   DEFAULT_ACCURACY_M, lat, lon, speed, "drive")


def replay_driver(raw: list[tuple[float, float, float | None]], start: float, interval: float,
                  name: str, vehicle: str) -> tuple[ReplayDriver, dict]:
    """Shift the track to start at `start` (keeping its pace) and build the one-stop route."""
    points = [(lat, lon, start + offset)
              for (lat, lon, _), offset in zip(raw, track_offsets(raw, interval), strict=True)]
    segs, odo = [], 0.0
    for (a, b, t0), (c, d, t1) in zip(points, points[1:] or points, strict=False):
        path = Polyline([(a, b), (c, d)])
        dt = max(t1 - t0, 1e-3)
        segs.append(Segment(t0, t0 + dt, path, 0.0, path.length / dt, 0.0, "drive", odo))
        odo += path.length
    end = points[-1][2]
    # Back at the station once delivered: a replayed route ends, as a real one does, so the
    # seller does not see it "on route" for ever. A second after the last point, so that point
    # reaches the server first: a fix after `returned` is refused ("the route is finished").
    events = [SimEvent(start, "route_started"), SimEvent(end, "arrived", 0),
              SimEvent(end, "delivered", 0, proof=PROOF), SimEvent(end + 1.0, "returned")]
    timeline = Timeline(segs, events, ["delivered"], [end])
    driver = ReplayDriver(name, vehicle, points, timeline)
    lat0, lon0, _ = points[0]
    lat1, lon1, _ = points[-1]
    payload = {
        "driver": {"name": name, "vehicle": vehicle}, "program": "standard",
        "station": {"lat": round(lat0, 6), "lon": round(lon0, 6), "name": "Track start"},
        "stops": [{"lat": round(lat1, 6), "lon": round(lon1, 6), "address": "Track end",
                   "shipments": [{"recipient": "GPX replay", "reference": "gpx-replay"}]}],
        "legs": [[[round(p[0], 6), round(p[1], 6)] for p in points]],
    }
    return driver, payload


def track_offsets(raw: list[tuple[float, float, float | None]], interval: float) -> list[float]:
    """Seconds from the track's first point to each point, keeping every recorded time.

    Recorders leave times out (a first point logged before the clock was set, a point added
    by hand) and phones repeat or step back a second when the clock is corrected. Points
    without a time are spaced evenly between the recorded ones around them (`interval`
    apart before the first and after the last); a time earlier than the one before it is
    taken as that one, so the track never runs backwards.
    """
    known = []  # (index, time), never decreasing
    for k, (_, _, at) in enumerate(raw):
        if at is not None:
            known.append((k, max(at, known[-1][1]) if known else at))
    if not known:
        return [k * interval for k in range(len(raw))]
    times: list[float] = []
    j = 0  # known[j] is the next recorded point at or after k
    for k in range(len(raw)):
        while j < len(known) and known[j][0] < k:
            j += 1
        if j < len(known) and known[j][0] == k:
            times.append(known[j][1])
        elif j == 0:  # before the first recorded time
            times.append(known[0][1] - (known[0][0] - k) * interval)
        elif j == len(known):  # after the last
            times.append(known[-1][1] + (k - known[-1][0]) * interval)
        else:
            (k0, t0), (k1, t1) = known[j - 1], known[j]
            times.append(t0 + (t1 - t0) * (k - k0) / (k1 - k0))
    return [t - times[0] for t in times]
