"""One refreshed status line on a terminal (occasional plain lines otherwise), and the summary."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import IO

from rules.hours import CLOSES
from simulator.drive.fleet import Fleet


class StatusLine:
    def __init__(self, stream: IO[str] | None = None, enabled: bool = True) -> None:
        # sys.stderr as it is now, not as it was at import: a caller (or a test's capture) may
        # have replaced it since, and the old stream may be closed.
        stream = sys.stderr if stream is None else stream
        self.stream = stream
        self.enabled = enabled
        self.tty = stream.isatty()
        self.every = 0.25 if self.tty else 30.0
        # Off a terminal, only occasional lines: the first after one interval.
        self.next_at = 0.0 if self.tty else time.monotonic() + self.every

    def __call__(self, fleet: Fleet, t: float, lag: float) -> None:
        now = time.monotonic()
        if not self.enabled or now < self.next_at:
            return
        self.next_at = now + self.every
        line = self.line(fleet, t, lag)
        if self.tty:
            self.stream.write("\r\x1b[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def line(self, fleet: Fleet, t: float, lag: float) -> str:
        clock = datetime.fromtimestamp(t, fleet.zone).strftime("%H:%M:%S")
        delivered = sum(s.delivered for s in fleet.slots)
        attempted = sum(s.attempted for s in fleet.slots)
        parts = [f"{clock} {fleet.active()}/{len(fleet.slots)} on shift",
                 f"{delivered} delivered, {attempted} attempted"]
        if lag > 1.0:
            parts.append(f"behind by {lag:.1f} s")
        parts += [s.status() for s in fleet.sinks if s.status()]
        return " | ".join(parts)

    def done(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")


def summary(fleet: Fleet, stopped: bool = False) -> str:
    """Per driver: blocks, stops delivered / attempted / not done, road and walk distance, time
    on shift; `stopped`: the run was interrupted (Ctrl-C), so blocks under way count as left."""
    rows = [f"{'driver':<22} {'vehicle':<10} {'blocks':>6} {'delivered':>9} {'attempted':>9} "
            f"{'not done':>8} {'road km':>7} {'walk km':>7} {'hours':>6}"]
    left = 0
    for s in fleet.slots:
        dist, walk, dur, undone = s.distance_m, s.walk_m, s.duration_s, s.not_attempted
        blocks = str(s.blocks)
        d = s.driver
        if d is not None:  # interrupted mid-block: count what was done so far, and what was not
            dist += d.odometer
            walk += d.timeline.walked_m(d.last_t)
            dur += d.last_t - d.timeline.start
            undone += d.timeline.left_undone(d.ev_i)
            blocks = f"{s.blocks}+1"  # the block under way, not finished
        left += undone
        rows.append(f"{s.name:<22} {s.vehicle:<10} {blocks:>6} {s.delivered:>9} "
                    f"{s.attempted:>9} {undone:>8} {(dist - walk) / 1000:>7.2f} "
                    f"{walk / 1000:>7.2f} {dur / 3600:>6.2f}")
    rows.append("blocks: finished (+1: one under way when the run stopped); road km: between "
                "stops (driven, ridden, or a walker's walk); walk km: on foot between the parked "
                "vehicle and the doors, there and back")
    if left:
        why = "the run was stopped" if stopped else f"service hours end at {CLOSES:02d}:00"
        rows.append(f"{left} stops not done: {why}")
    for sink in fleet.sinks:
        rows += sink.report()
    return "\n".join(rows)
