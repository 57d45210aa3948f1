"""The time from a handover to moving on, learned per driver.

After the parcel is handed over the driver still walks back to the van (or stows the bike's
lock) before the next leg begins. The route's planned dwell (arrival to leaving) holds that
walk; how long it takes is learned from the fixes, as a share of the planned dwell (a stop
with a long walk takes longer to leave than one at the kerb), and drawn towards the plan
until many stops have shown it (one stop's leave is noisy: a walk back of 30 s, then 200 s).

Between a handover and moving on the driver is at the stop, not travelling: counting that time
in the observed pace (matching.observe_speed) charged the walk back to every leg ahead, and the
ETA then added it a second time as the rest of the dwell.
"""

from __future__ import annotations

import statistics

from app.domain.model import Route
from app.domain.tracking.progress import Progress

# This far along the plan past where the driver stood at the handover is moving on: GPS noise
# around a driver walking back to the van moves the match less. The leave ends at the last fix
# within `_STILL_M` of that place (a walker is 20 s past it by the time it is sure).
MOVED_ON_M = 25.0
_STILL_M = 10.0
# A leave longer than this share of the planned dwell is a break, not a walk back.
_MAX_RATIO = 2.0
# The median of the last stops' leaves: one where the way on doubled back along the street
# just driven (the match stays behind, and moving on shows late) does not rule the next ones.
_KEEP = 9
# The plan counts as this many stops against what the driver was seen doing.
_PLAN_WEIGHT = 10.0


def begin(progress: Progress, stop: int, at: float) -> None:
    """The driver handed over at `stop` at `at`: watch for them moving on."""
    progress.leaving = [stop, at, progress.along_m, at]


def follow(route: Route, progress: Progress, at: float) -> bool:
    """Follow the driver after a handover, on each fix; return whether they are still at the
    stop (the time since the last fix is not travel).

    Moving on is the last fix near the handover's place, once the driver went `MOVED_ON_M`
    along the plan: the time after it is travel, the time before it the leave that is learned.
    """
    leaving = progress.leaving
    if leaving is None:
        return False
    stop, handed, along, still = leaving
    if at < handed:
        return True  # a late fix from before the handover: nothing to learn
    gone = progress.along_m - along
    if gone < _STILL_M:
        leaving[3] = at
        return True
    if gone >= MOVED_ON_M:
        end(route, progress, int(stop), max(handed, still))
    return False


def end(route: Route, progress: Progress, stop: int, at: float) -> None:
    """The driver moved on from `stop` at `at` (a fix away, or the next stop's arrival)."""
    leaving, progress.leaving = progress.leaving, None
    if leaving is None or int(leaving[0]) != stop:
        return
    progress.departed_at = max(progress.departed_at or at, at)
    dwell = route.stops[stop].dwell_s
    if dwell > 0:
        ratio = min(max((at - leaving[1]) / dwell, 0.0), _MAX_RATIO)
        progress.leaves = [*progress.leaves[-(_KEEP - 1):], ratio]


def leave_s(progress: Progress, dwell_s: float) -> float:
    """Seconds from a handover to moving on, at a stop planned to take `dwell_s`.

    The plan's share is the rest of the planned dwell once the handover's learned share of it
    has passed; what the driver was seen doing outweighs it as the stops add up.
    """
    plan = max(0.0, 1.0 - progress.dwell_ratio)
    seen = progress.leaves
    if not seen:
        return dwell_s * plan
    w = len(seen) / (len(seen) + _PLAN_WEIGHT)
    return dwell_s * (w * statistics.median(seen) + (1 - w) * plan)


def leaves_at(route: Route, progress: Progress, now: float) -> float:
    """When the driver, still at the stop they handed over at, is expected to move on."""
    leaving = progress.leaving
    if leaving is None:
        return now
    return max(now, leaving[1] + leave_s(progress, route.stops[int(leaving[0])].dwell_s))
