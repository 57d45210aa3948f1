"""Distances on the Earth and a route's planned path as one measured polyline.

Per-fix work happens here, so everything is plain floats: haversine for distances (about a
microsecond, precise enough for a city), a local flat projection for point-to-segment matching.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

# One haversine for the app and the simulator (rules/geo.py); re-exported for the domain.
from rules.geo import EARTH_RADIUS_M as EARTH_RADIUS_M
from rules.geo import haversine_m as haversine_m


@dataclass(frozen=True)
class Match:
    along_m: float  # distance from the start of the path
    offset_m: float  # distance from the fix to the path
    segment: int


class Path:
    """A polyline with cumulative lengths, and projection of points onto a stretch of it.

    `marks` are named vertices (here: the end of each leg, at its stop): `mark_m` their
    distances along the path, `mark_xy` their places in the flat projection.
    """

    def __init__(self, points: list[tuple[float, float]], marks: list[int]):
        if not points:
            raise ValueError("a path needs at least one point")
        self.points = points
        lat0, lon0 = points[0]
        # Equirectangular projection around the first point: within a city the error is far
        # below GPS noise, and it turns matching into cheap planar arithmetic.
        self._kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
        self._ky = math.radians(1) * EARTH_RADIUS_M
        self._lat0, self._lon0 = lat0, lon0
        self.xy = [self.project(lat, lon) for lat, lon in points]
        self.cum = [0.0]
        for (a_lat, a_lon), (b_lat, b_lon) in zip(points, points[1:], strict=False):
            self.cum.append(self.cum[-1] + haversine_m(a_lat, a_lon, b_lat, b_lon))
        self.length = self.cum[-1]
        self.mark_m = [self.cum[i] for i in marks]
        self.mark_xy = [self.xy[i] for i in marks]

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self._lon0) * self._kx, (lat - self._lat0) * self._ky

    def segment_at(self, along_m: float) -> int:
        """Index of the segment holding `along_m` (a segment i runs from point i to i+1)."""
        return max(0, min(len(self.points) - 2, bisect_right(self.cum, along_m) - 1))

    def match(
        self, lat: float, lon: float, lo_m: float, hi_m: float, ahead_cost: float = 0.0
    ) -> Match:
        """Closest point of the path between `lo_m` and `hi_m` along it.

        `ahead_cost` metres of offset per metre beyond `lo_m` make a near stretch win over a
        far one that passes about as close (a route that comes back along the same street).
        """
        px, py = self.project(lat, lon)
        if len(self.points) == 1:
            x, y = self.xy[0]
            return Match(0.0, math.hypot(px - x, py - y), 0)
        first, last = self.segment_at(lo_m), self.segment_at(hi_m)
        best, best_score = Match(0.0, math.inf, first), math.inf
        xy, cum = self.xy, self.cum
        for i in range(first, last + 1):
            ax, ay = xy[i]
            bx, by = xy[i + 1]
            dx, dy = bx - ax, by - ay
            seg2 = dx * dx + dy * dy
            t = 0.0 if seg2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
            off = math.hypot(px - ax - t * dx, py - ay - t * dy)
            along = cum[i] + t * (cum[i + 1] - cum[i])
            score = off + ahead_cost * max(0.0, along - lo_m)
            # Strictly less: on a path that doubles back, the earlier stretch wins ties.
            if score < best_score:
                best, best_score = Match(along, off, i), score
        return best

    def point_at(self, along_m: float) -> tuple[float, float]:
        i = self.segment_at(along_m)
        seg = self.cum[i + 1] - self.cum[i]
        t = 0.0 if seg == 0 else max(0.0, min(1.0, (along_m - self.cum[i]) / seg))
        (a_lat, a_lon), (b_lat, b_lon) = self.points[i], self.points[i + 1]
        return a_lat + t * (b_lat - a_lat), a_lon + t * (b_lon - a_lon)

    def slice(self, from_m: float, to_m: float) -> list[tuple[float, float]]:
        """The path's points between two distances along it, ends included."""
        if to_m <= from_m:
            return [self.point_at(from_m)]
        i, j = self.segment_at(from_m), self.segment_at(to_m)
        inner = self.points[i + 1 : j + 1]
        return [self.point_at(from_m), *inner, self.point_at(to_m)]
