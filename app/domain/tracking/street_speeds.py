"""Speeds learned per street segment and local hour from the fleet's own past fixes.

A traffic model without an outside service: every fix on the plan adds the metres it moved
and the seconds it took to the segments it crossed (red lights and queues included, time at
stops not), per vehicle kind and local hour. The ETA then times the way ahead segment by
segment where the fleet has been before, and at the driver's blended speed elsewhere.

Segments are named by their ends' coordinates rounded to about 10 m, so two routes over the
same street (legs are built from the same map's nodes) share what was learned.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict

from app.domain.geo import Path
from app.domain.hours import local

# Less than this many seconds observed on a segment at an hour is not yet a speed.
MIN_SECONDS = 20.0


def local_hour(t: float, timezone: str) -> int:
    return local(t, timezone).hour


def segment_key(path: Path, i: int) -> str:
    (a_lat, a_lon), (b_lat, b_lon) = path.points[i], path.points[i + 1]
    return f"{a_lat:.4f},{a_lon:.4f}>{b_lat:.4f},{b_lon:.4f}"


def observation(path: Path, vehicle: str, hour: int, from_m: float, to_m: float,
                seconds: float) -> dict[str, list[float]]:
    """Sums to add for one stretch driven between two fixes: key -> [metres, seconds].

    The seconds are shared by the metres driven on each segment; standing still (a red
    light) is charged to the segment the driver stands on.
    """
    if seconds <= 0:
        return {}
    if to_m - from_m < 1.0:
        i = path.segment_at(to_m)
        return {f"{vehicle}|{hour}|{segment_key(path, i)}": [0.0, seconds]}
    out: dict[str, list[float]] = {}
    total = to_m - from_m
    i = path.segment_at(from_m)
    while i < len(path.points) - 1 and path.cum[i] < to_m:
        lo, hi = max(from_m, path.cum[i]), min(to_m, path.cum[i + 1])
        if hi > lo:
            out[f"{vehicle}|{hour}|{segment_key(path, i)}"] = [hi - lo, seconds * (hi - lo) / total]
        i += 1
    return out


class StreetSpeeds:
    """The learned sums (key -> [metres, seconds]) and the ETA's use of them."""

    def __init__(self, sums: dict[str, list[float]] | None = None) -> None:
        self.sums: dict[str, list[float]] = sums if sums is not None else {}
        self._times: OrderedDict[tuple, tuple[list[float], list[float]]] = OrderedDict()

    def add(self, more: dict[str, list[float]]) -> None:
        for key, (m, s) in more.items():
            cur = self.sums.setdefault(key, [0.0, 0.0])
            cur[0] += m
            cur[1] += s
        self._times.clear()

    def travel_s(self, path: Path, vehicle: str, hour: int, from_m: float, to_m: float,
                 fallback: float) -> float:
        """Seconds from `from_m` to `to_m` along the path: learned segments at their speed,
        the others at `fallback` m/s (the driver's blended speed)."""
        secs, metres = self._cumulative(path, vehicle, hour)
        return max(0.0, _at(path, secs, to_m) - _at(path, secs, from_m)
                   + (_at(path, metres, to_m) - _at(path, metres, from_m)) / fallback)

    def _cumulative(self, path: Path, vehicle: str, hour: int) -> tuple[list[float], list[float]]:
        """Along the path: seconds on learned segments, and metres on the others (built once
        per path and hour: the ETA asks for every stop on every fix)."""
        key = (path, vehicle, hour)  # the Path itself: an id could be reused
        cached = self._times.get(key)
        if cached is None:
            secs, metres = [0.0], [0.0]
            for i in range(len(path.points) - 1):
                length = path.cum[i + 1] - path.cum[i]
                seen = self.sums.get(f"{vehicle}|{hour}|{segment_key(path, i)}")
                known = bool(seen) and seen[1] >= MIN_SECONDS and seen[0] > 0
                secs.append(secs[-1] + (length * seen[1] / seen[0] if known else 0.0))
                metres.append(metres[-1] + (0.0 if known else length))
            cached = self._times[key] = (secs, metres)
            if len(self._times) > 256:
                self._times.popitem(last=False)
        return cached


def _at(path: Path, cum: list[float], along_m: float) -> float:
    along_m = min(max(along_m, 0.0), path.length)
    i = max(0, min(len(cum) - 2, bisect_right(path.cum, along_m) - 1))
    length = path.cum[i + 1] - path.cum[i]
    share = (along_m - path.cum[i]) / length if length > 0 else 0.0
    return cum[i] + share * (cum[i + 1] - cum[i])
