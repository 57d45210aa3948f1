"""A sped-up source's clock (the demo's simulator) read on the server's.

A simulator run at x10 stamps its fixes and events on its own clock, which runs ten times as fast
as the real one from the moment it started. The engine keeps those stamps (its ETAs, dwell and
service hours are all in them), and the views turn them back into the server's time on the way
out, so a seller and a customer read real times and an ETA window the driver keeps in real time.
A phone's clock runs at the real rate: its routes have no run clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.hours import clock_text, iso_utc


@dataclass(frozen=True)
class RunClock:
    """The source's time `sim` was the server's `real`; it runs `speedup` times as fast."""

    sim: float
    real: float
    speedup: float

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> RunClock | None:
        """The clock a launcher recorded (app/ops/demo.py), or None when it is not one."""
        try:
            sim, real, speedup = (float(record[k]) for k in ("sim", "real", "speedup"))
        except (KeyError, TypeError, ValueError):
            return None
        if not all(map(math.isfinite, (sim, real, speedup))) or speedup <= 0:
            return None
        return cls(sim, real, speedup)

    def real_time(self, t: float | None) -> float | None:
        """The server's time when the source's clock read `t`."""
        return None if t is None else self.real + (t - self.sim) / self.speedup


def real_time(clock: RunClock | None, t: float | None) -> float | None:
    return t if clock is None else clock.real_time(t)


def _epoch(iso: str | None) -> float | None:
    return None if iso is None else datetime.fromisoformat(iso).timestamp()


def real_eta(eta: dict[str, Any] | None, clock: RunClock | None, tz: str) -> dict[str, Any] | None:
    """The customer view's `eta` with its time and window on the server's clock.

    The window was rounded and fitted into service hours on the source's clock (the engine's
    moves to the next day are in the source's day), and keeps those edges once mapped. A move to
    the next delivery day names a day, not an hour, and stays as it is.
    """
    if eta is None or clock is None or eta["moved_to_next_day"]:
        return eta
    lo, hi = (clock.real_time(_epoch(edge)) for edge in eta["window"])
    if lo is None or hi is None:
        return eta
    return dict(eta, at=iso_utc(clock.real_time(_epoch(eta["at"]))),
                window=[iso_utc(lo), iso_utc(hi)],
                text=f"Arriving {clock_text(lo, tz)}-{clock_text(hi, tz)}")
