"""Visited stops, inferred from positions alone, for phones that send no stop events.

A plain OsmAnd / Traccar Client phone sends positions only: without this, no stop would ever
count as done, "N stops away" would never count down and ETAs would keep pointing at stops
the driver has left. A stop counts as visited when the driver stayed within
`Settings.visit_radius_m` of it (plus the fix's accuracy) for at least `visit_min_s`, then left:
a fix beyond `leave_radius_m` (or beyond the radius and that far on along the planned path, for
one-way streets that take a van round the block), or clearly at another stop still to do.

Only the stops about where the driver is on the planned path are watched: from the leave radius
behind that place to the visit radius ahead. So a van that waits at a red light, crawls past
its next door on a street the plan comes back to later, or passes a later stop's door on its
way marks nothing, and the work per fix is a few distances. Only a driver standing still off
the plan is also matched against the stops skipped earlier, to count a stop visited late.

A visit is not a delivery. The stop records `visited_at` and stops counting in "stops away"
and the ETAs; its shipments keep their status (no status change, text or webhook), so nothing
claims a parcel was delivered or attempted. The customer sees "Your driver stopped at your
address at 14:22", no ETA and no driver on the map; the seller sees the row's `visited_at`.

Events win. Inference runs only while the route has had no event at all (route_started,
arrived, delivered, attempted, returned): an app that sends events reports outcomes and knows
better, and a stop it has not reported is one the driver will come back to, which a guess from
the positions would count as done. A `delivered` or `attempted` event for a stop already
visited is still taken, with its proof.
"""

from __future__ import annotations

import math

from app.domain.geo import Path
from app.domain.model import Fix, Route
from app.domain.tracking.lifecycle import approach, learn_dwell
from app.domain.tracking.progress import Progress
from app.domain.tracking.settings import Settings
from app.domain.tracking.statuses import StatusChange

# A stop this much nearer than the one the driver is staying at takes over: two doors on one
# street, visited one after the other, are both within the radius of each other.
_NEARER_M = 20.0
# Slower than a walk: a driver parked, or at a door (a van crawling in a queue is faster).
_STANDING_MS = 1.0


def infer_visits(
    route: Route,
    progress: Progress,
    path: Path,
    fix: Fix,
    moving: bool,
    settings: Settings,
    changes: list[StatusChange],
) -> bool:
    """Follow the driver's stay near a stop; return whether a stop was just visited.

    `moving` says the fix moved the driver along the plan: when it did not, the plan's idea
    of where the driver is may be wrong (a stop skipped earlier, a door passed again).
    """
    if progress.outcomes_reported or settings.visit_min_s <= 0:
        return False
    slack = min(fix.accuracy or 0.0, settings.visit_radius_m)
    # The path's flat projection: within a city its error is far below GPS noise, and it
    # is several times cheaper than haversine.
    at = path.project(fix.lat, fix.lon)
    here = progress.dwell_stop
    gap = math.inf if here is None else math.dist(at, path.mark_xy[here])
    # Loading before the route, or back after the last stop: nearer the station than the
    # stop, the driver is at the station, not at a stop next door.
    home = math.dist(at, path.xy[0])
    near = min(settings.visit_radius_m + slack, home)
    done = here is not None and progress.dwell_to - progress.dwell_from >= settings.visit_min_s
    # Standing, and not moving along the plan: the plan may be wrong about where the driver
    # is. A driver done at one door may be at a neighbour in the plan, next door, which the
    # match does not place them at (the way there passes the first door again, or the two
    # were taken in the other order); a driver staying nowhere may be back at a stop skipped
    # earlier.
    lost = not moving and (fix.speed or 0.0) < _STANDING_MS
    also = (here - 1, here + 1) if lost and done else ()
    other, other_gap = _nearest_open(
        progress, path, at, near, settings.leave_radius_m, here, also, lost
    )
    # Done at this door and now clearly at another: two doors of one building, or of one
    # street. Not before: a van parks where it can, often nearer the neighbour.
    over = done and other is not None and other_gap + _takeover_m(path, here, other) < gap
    if here is not None and not over:
        if gap <= near:
            progress.dwell_to = fix.timestamp
            return False
        if (
            gap <= settings.leave_radius_m + slack
            and home >= gap
            and not _moved_on(progress, path, settings)
        ):
            return False  # GPS noise, or the walk back to the van: not gone yet
    visited = here is not None and _leave(route, progress, fix.timestamp, settings, changes)
    if other is not None:
        progress.dwell_stop, progress.dwell_along = other, progress.along_m
        progress.dwell_from = progress.dwell_to = fix.timestamp
    return visited


def _takeover_m(path: Path, k: int, j: int) -> float:
    """How much nearer stop j than stop k a fix must be for the driver to be at j instead.

    Two doors of one building are closer together than GPS noise: half the way between them.
    """
    return min(_NEARER_M, math.dist(path.mark_xy[k], path.mark_xy[j]) / 2)


def _moved_on(progress: Progress, path: Path, settings: Settings) -> bool:
    """Whether the driver went on along the plan, past the stop (or the stay's start).

    A one-way street can take a van round the block, within the leave radius for minutes.
    """
    start = max(progress.dwell_along, path.mark_m[progress.dwell_stop])
    return progress.along_m - start > settings.leave_radius_m


def _leave(
    route: Route, progress: Progress, at: float, settings: Settings, changes: list[StatusChange]
) -> bool:
    """The driver left the stop they stayed near: visited, if they stayed long enough."""
    k, stayed = progress.dwell_stop, progress.dwell_to - progress.dwell_from
    progress.dwell_stop = None
    state = progress.stops[k]
    if stayed < settings.visit_min_s or not state.pending:
        if state.pending:
            # Too short, as far as the fixes go: a dead zone may have cut the stay, and its
            # backlog, sent after a live fix, may show the rest (engine._catch_up).
            progress.short_stay = [k, progress.dwell_along, progress.dwell_from,
                                   progress.dwell_to]
        return False
    state.visited_at = progress.dwell_to
    if state.arrived_at is None:
        state.arrived_at = progress.dwell_from
    progress.departed_at = progress.dwell_to
    if route.stops[k].dwell_s > 0:
        learn_dwell(progress, stayed / route.stops[k].dwell_s)
    changes += approach(route, progress, at, settings)
    return True


def _nearest_open(
    progress: Progress,
    path: Path,
    at: tuple[float, float],
    near: float,
    behind: float,
    here: int | None,
    also: tuple[int, ...],
    skipped_too: bool,
) -> tuple[int | None, float]:
    """The nearest stop still to do within `near` of `at`, other than `here`, and its distance.

    Looks only at the stops about where the driver is on the plan: from `behind` metres
    behind that place along the path (noise at a door, or a van parked past it, moves the
    match on) to `near` metres ahead; then at the stops in `also`; with `skipped_too`, when
    the driver stays nowhere, at the stops before the first of those.
    """
    stops, marks, places, along = progress.stops, path.mark_m, path.mark_xy, progress.along_m
    lo = hi = progress.leg
    while lo > 0 and marks[lo - 1] >= along - behind:
        lo -= 1
    while hi < len(stops) and marks[hi] <= along + near:
        hi += 1
    best, best_m = None, math.inf
    for k in (*range(lo, hi), *also):
        if k != here and 0 <= k < len(stops) and stops[k].pending:
            d = math.dist(at, places[k])
            if d <= near and d < best_m:
                best, best_m = k, d
    if best is None and skipped_too and here is None:
        for k in range(lo):
            if stops[k].pending:
                d = math.dist(at, places[k])
                if d <= near and d < best_m:
                    best, best_m = k, d
    return best, best_m

