"""Polylines and kinematic segments: where a driver is at time t, with acceleration."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from simulator.world.geo import bearing_deg, haversine_m


class Polyline:
    """A path of (lat, lon) points with cumulative distance, for interpolation by distance.

    `underground`: per piece between two points, whether it runs in a tunnel; kept as spans of
    distance along the path, the mouths included (no fix is sent from exactly there either).
    """

    __slots__ = ("lat", "lon", "cum", "bearing", "tunnels")

    def __init__(self, points: list[tuple[float, float]],
                 underground: list[bool] | None = None) -> None:
        self.lat = [p[0] for p in points]
        self.lon = [p[1] for p in points]
        self.cum = [0.0]
        self.bearing: list[float] = []
        for (a, b), (c, d) in zip(points, points[1:], strict=False):
            self.cum.append(self.cum[-1] + haversine_m(a, b, c, d))
            self.bearing.append(bearing_deg(a, b, c, d) if (a, b) != (c, d) else 0.0)
        if not self.bearing:
            self.bearing.append(0.0)
        self.tunnels: list[tuple[float, float]] = []
        for k, below in enumerate(underground or ()):
            if not below:
                continue
            a, b = self.cum[min(k, len(self.cum) - 1)], self.cum[min(k + 1, len(self.cum) - 1)]
            if self.tunnels and self.tunnels[-1][1] == a:  # one tunnel of several pieces
                self.tunnels[-1] = (self.tunnels[-1][0], b)
            else:
                self.tunnels.append((a, b))

    def underground(self, s: float) -> bool:
        """Whether distance s along the path lies in a tunnel (its mouths included)."""
        return any(a <= s <= b for a, b in self.tunnels)

    @property
    def length(self) -> float:
        return self.cum[-1]

    def at(self, s: float) -> tuple[float, float, float]:
        """Return (lat, lon, bearing) at distance s along the path."""
        if s <= 0.0 or len(self.cum) == 1:
            return self.lat[0], self.lon[0], self.bearing[0]
        if s >= self.cum[-1]:
            return self.lat[-1], self.lon[-1], self.bearing[-1]
        i = bisect.bisect_right(self.cum, s) - 1
        span = self.cum[i + 1] - self.cum[i]
        f = (s - self.cum[i]) / span if span > 0 else 0.0
        return (self.lat[i] + f * (self.lat[i + 1] - self.lat[i]),
                self.lon[i] + f * (self.lon[i + 1] - self.lon[i]), self.bearing[i])


@dataclass(slots=True)
class Segment:
    """Constant acceleration along a path from t0 to t1; phase says what the driver is doing."""

    t0: float
    t1: float
    path: Polyline
    s0: float
    v0: float
    a: float
    phase: str
    odo0: float  # distance travelled in the block before this segment (for the summary)

    def underground(self, t: float) -> bool:
        """Whether the driver is in a tunnel at time t (no GPS there)."""
        if not self.path.tunnels:
            return False
        dt = min(max(t - self.t0, 0.0), self.t1 - self.t0)
        return self.path.underground(self.s0 + self.v0 * dt + 0.5 * self.a * dt * dt)

    def state(self, t: float) -> tuple[float, float, float, float, float]:
        """Return (lat, lon, bearing, speed, odometer) at time t within the segment."""
        dt = min(max(t - self.t0, 0.0), self.t1 - self.t0)
        ds = self.v0 * dt + 0.5 * self.a * dt * dt
        lat, lon, brg = self.path.at(self.s0 + ds)
        return lat, lon, brg, max(0.0, self.v0 + self.a * dt), self.odo0 + ds


def ramp(v_in: float, v_cruise: float, v_out: float, length: float,
         accel: float, decel: float) -> list[tuple[float, float, float]]:
    """Split a run of length m into pieces (distance, v0, a): speed up, cruise, slow down."""
    if length <= 0.01:
        return []
    d_acc = max(0.0, (v_cruise**2 - v_in**2) / (2 * accel))
    d_dec = max(0.0, (v_cruise**2 - v_out**2) / (2 * decel))
    if d_acc + d_dec <= length:
        pieces = [(d_acc, v_in, accel), (length - d_acc - d_dec, v_cruise, 0.0),
                  (d_dec, v_cruise, -decel)]
        return [p for p in pieces if p[0] > 1e-6]
    peak = math.sqrt((2 * accel * decel * length + decel * v_in**2 + accel * v_out**2)
                     / (accel + decel))
    if peak < max(v_in, v_out):
        # Too short to respect both limits: one even change of speed over the run.
        return [(length, v_in, (v_out**2 - v_in**2) / (2 * length))]
    d1 = (peak**2 - v_in**2) / (2 * accel)
    return [p for p in ((d1, v_in, accel), (length - d1, peak, -decel)) if p[0] > 1e-6]


def piece_duration(dist: float, v0: float, a: float) -> float:
    """Time to cover dist starting at v0 with acceleration a."""
    if abs(a) < 1e-9:
        return dist / v0 if v0 > 0 else 0.0
    v1 = math.sqrt(max(0.0, v0 * v0 + 2 * a * dist))
    return (v1 - v0) / a
