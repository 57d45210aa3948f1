"""Replay simulated blocks as a plain OsmAnd phone would send them: positions only, no events.

The engine then has only app/domain/tracking/visits.py to tell which stops are done. The
simulator's timeline is the truth: the driver visited the stops it delivered or attempted, from
arriving there to the end of the walk back from the door (then it drives off, or parks for the
next stop when that is at the same place).

Stops away is scored twice: strictly against the handover (as with events, so the two runs
compare), and allowing any answer between the handover and GRACE_S after the driver left.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from app.domain.tracking import unserved_before
from bench.eta_replay import EngineSink, Score

# An inferred visit may come this long after the driver left: they are still within the leave
# radius for the first part of the way to the next stop.
GRACE_S = 60.0


@dataclass
class VisitScore(Score):
    true_visits: int = 0
    hits: int = 0  # inferred at the stop, while the driver was there
    early: int = 0  # inferred before the driver's true visit: a pass or a wait nearby
    late: int = 0  # inferred more than GRACE_S after the driver left
    phantom: int = 0  # inferred at a stop the driver never visited
    misses: int = 0  # visited, never inferred
    lag_s: float = 0.0  # sum over hits: inferred visit (the last fix near) - leaving
    mismatches_after_grace: int = 0  # stops away wrong outside [handover, left + GRACE_S]

    def visit_summary(self) -> str:
        inferred = self.hits + self.early + self.late + self.phantom
        lag = self.lag_s / self.hits if self.hits else float("nan")
        return (
            f"visits: {self.true_visits} true, {inferred} inferred: {self.hits} right "
            f"(mean {lag:.0f} s after leaving), {self.early} early (a pass or a wait), "
            f"{self.late} late, {self.phantom} at stops never visited; {self.misses} missed"
        )


class VisitSink(EngineSink):
    """EngineSink without the stop events, and the time each visit ended as well."""

    def __init__(self, settings, sample_at, speeds=None):  # type: ignore[no-untyped-def]
        super().__init__(settings, sample_at, speeds)
        self.score = VisitScore()

    def register(self, driver, payload, reg):  # type: ignore[no-untyped-def]
        reg = super().register(driver, payload, reg)
        run = self.runs[reg.route_id]
        starts = [s.t0 for s in driver.timeline.segments]
        walks = [s.phase == "walk" for s in driver.timeline.segments]
        run["left_at"] = []
        for handover in run["served_at"]:
            i = bisect_left(starts, handover) if handover is not None else len(starts)
            while i < len(starts) and walks[i]:
                i += 1
            run["left_at"].append(starts[i] if i < len(starts) else None)
        return reg

    def send(self, fixes, events) -> None:  # type: ignore[no-untyped-def]
        super().send(fixes, [])

    def _check(self, run: dict, t: float) -> None:
        super()._check(run, t)
        progress = run["progress"]
        if not progress.started:
            return
        handed, left = run["served_at"], run["left_at"]
        surely, maybe = 0, 0  # stops before k surely still to do, and maybe still to do
        for k, n in enumerate(unserved_before(progress)):
            if progress.stops[k].pending or left[k] is None or t < left[k] + GRACE_S:
                self.score.mismatches_after_grace += not surely <= n <= maybe
            surely += handed[k] is None or t < handed[k]
            maybe += left[k] is None or t < left[k] + GRACE_S

    def close(self) -> None:
        score = self.score
        for run in self.runs.values():
            for k, state in enumerate(run["progress"].stops):
                arrived, left = run["arrivals"][k], run["left_at"][k]
                score.true_visits += left is not None
                if state.visited_at is None:
                    score.misses += left is not None
                elif left is None:
                    score.phantom += 1
                elif state.visited_at < arrived:
                    score.early += 1
                elif state.visited_at > left + GRACE_S:
                    score.late += 1
                else:
                    score.hits += 1
                    score.lag_s += state.visited_at - left
