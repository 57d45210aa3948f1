"""The engine's entry points for positions: start a route's progress, apply a fix."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.geo import haversine_m
from app.domain.hours import local_day
from app.domain.model import Fix, Route, TimelineEntry
from app.domain.tracking import leaving
from app.domain.tracking.eta import update_etas
from app.domain.tracking.geometry import route_path
from app.domain.tracking.lifecycle import approach, arrive, start_route
from app.domain.tracking.matching import advance, observe_speed, screen, set_leg, unwind
from app.domain.tracking.progress import Progress, ShipmentProgress, StopProgress
from app.domain.tracking.settings import Settings, profile
from app.domain.tracking.statuses import StatusChange
from app.domain.tracking.street_speeds import StreetSpeeds, local_hour, observation
from app.domain.tracking.visits import infer_visits

# Less than this along the path between two fixes is a driver standing still.
_STILL_M = 5.0


@dataclass
class FixResult:
    accepted: bool
    reason: str | None = None  # why it was dropped
    changes: list[StatusChange] = field(default_factory=list)
    # Fixes held back earlier as stale, applied now before this one (see _believe_held).
    replayed: list[Fix] = field(default_factory=list)
    # What this fix teaches the street speeds (street_speeds.observation): key -> [m, s].
    travelled: dict[str, list[float]] = field(default_factory=dict)


# This many fixes in a row, in time order, all older than the last one: it is the last one whose
# clock was wrong (a network fix timed by a drifted system clock), not all of them.
_HELD_TO_BELIEVE = 3
# A phone's last fix no older than this (server clock) is live: a series older than it is a
# backlog being sent behind it, not proof that its clock was wrong.
_LIVE_S = 120.0
# A phone's fix stamped this long before its route was registered cannot start it (one glitch
# from hours back texted every customer); a clock up to this slow still starts the round.
_START_SLACK_S = 2 * 3600.0


def start_progress(route: Route, now: float) -> Progress:
    """Fresh progress for a registered route: every shipment `created`."""
    shipments = {
        tid: ShipmentProgress(
            tracking_id=tid,
            stop=stop.index,
            timeline=[TimelineEntry(status="created", at=now, text="Order received")],
            updated_at=now,
        )
        for stop in route.stops
        for tid in stop.shipments
    }
    return Progress(
        route_id=route.id,
        stops=[StopProgress() for _ in route.stops],
        shipments=shipments,
        speed=profile(route.driver.vehicle).speed,
        etas=[None] * len(route.stops),
        updated_at=now,
    )


def apply_fix(route: Route, progress: Progress, fix: Fix, settings: Settings,
              now: float | None = None, speeds: StreetSpeeds | None = None) -> FixResult:
    """Move the route's progress to this fix; drop (and count) a fix that cannot be right.

    A route without a `route_started` event starts on the first fix that is farther than
    `start_radius_m` from the station, or that ends a visit to a stop: a driver who has left
    is out for delivery, whether or not the app said so. `now` (the server's clock) lets a fix
    on time replace one from a clock set ahead (matching.screen).
    """
    reason = screen(route, progress, fix, settings, now)
    if reason == "stale":
        return _hold(route, progress, fix, settings, now)
    if reason is not None:
        progress.dropped[reason] = progress.dropped.get(reason, 0) + 1
        return FixResult(False, reason)
    progress.held = []
    path = route_path(route)
    last = progress.last_fix
    changes: list[StatusChange] = []
    # A phone's fix from before its route was registered (a slow clock, a glitch, a queue
    # from earlier) is the driver's place but not the start of this round.
    may_start = ((now is None or fix.timestamp >= route.created_at - _START_SLACK_S)
                 and not before_day(route, fix.timestamp))
    if not progress.started and may_start and _left_station(route, fix, settings):
        changes += start_route(route, progress, fix.timestamp, settings)
    first_leg = max(0, progress.leg - 1)
    along_before = progress.along_m
    gained = advance(route, progress, path, fix, settings)
    progress.prev_fix_at = last["timestamp"] if last else None
    progress.last_fix = dict(vars(fix))  # asdict's deep copy was 14% of a batch POST; all flat
    progress.updated_at = fix.timestamp
    moving = gained >= _STILL_M
    visited = infer_visits(route, progress, path, fix, moving, settings, changes)
    if not progress.started:
        if not visited or not may_start:
            return FixResult(True, None, changes)
        # A stop within the start radius of the station: visiting it is leaving.
        changes += start_route(route, progress, fix.timestamp, settings)
    at_stop = _check_arrivals(
        route, progress, path.mark_m, first_leg, fix.timestamp, settings, changes
    )
    # Walking back to the van after a handover is time at the stop, not travel; the metres
    # the match creeps on meanwhile are GPS noise, not the van's pace.
    still = leaving.follow(route, progress, fix.timestamp)
    at_stop |= still
    if last is not None:
        # Time spent serving a stop between two fixes is dwell, not travel.
        dt = max(0.0, fix.timestamp - max(last["timestamp"], progress.departed_at or 0.0))
        observe_speed(route, progress, dt, 0.0 if still else gained, at_stop, settings)
    travelled = {}
    # Only while moving: a van standing still may be at a red light or parked short of the
    # door (then the walk and the handover would be charged to the street as traffic).
    if last is not None and moving and not at_stop and progress.started \
            and not progress.finished:
        hour = local_hour(fix.timestamp, route.timezone)
        travelled = observation(path, route.driver.vehicle, hour, along_before,
                                progress.along_m, dt)
    # A phone's estimate starts from the server's clock when its fix is older (a slow clock, a
    # backlog): counted from the fix's own time, the window shown would already be past.
    clock = fix.timestamp if now is None else max(fix.timestamp, now)
    # A driver not yet gone on from the stop they handed over at has not moved, whatever the
    # GPS noise around the door makes of the match.
    hold = (not moving or progress.leaving is not None) and not visited
    update_etas(route, progress, path, clock, hold=hold, settings=settings, speeds=speeds)
    return FixResult(True, None, changes, travelled=travelled)


def before_day(route: Route, ts: float) -> bool:
    """Whether `ts` falls before the local day the route is planned for: a phone carried
    around the evening before (or a tap on Start) must not start tomorrow's round, text its
    customers or run their ETAs as today."""
    return bool(route.date) and local_day(ts, route.timezone).isoformat() < route.date


def _hold(route: Route, progress: Progress, fix: Fix, settings: Settings,
          now: float | None) -> FixResult:
    """A fix older than the last: held (and counted stale) until it is clear which is wrong.

    One stale fix is a late one, and dropping it costs nothing. A series of them, each newer
    than the one before, means the last accepted fix came from a wrong clock (a glitch minutes
    ahead, inside a backlog too, where the server's clock cannot tell): the series is then
    taken, from its first fix, instead of every right fix being dropped until the wrong
    clock's moment.
    """
    if _late_not_glitch(progress, fix, now):
        # A late fix, or a list sent again: not a series after a wrong clock. Nothing moves
        # back (a phone's late fixes still go into the history: Ingest.positions), but what a
        # phone's backlog behind a live fix shows of the doors visited counts.
        progress.dropped["stale"] = progress.dropped.get("stale", 0) + 1
        changes = _catch_up(route, progress, fix, settings, now) if now is not None else []
        return FixResult(False, "stale", changes)
    held = progress.held
    if held and fix.timestamp <= held[-1]["timestamp"]:
        held.clear()  # not a series in time order: start again from this one
    held.append(dict(vars(fix)))
    if len(held) < _HELD_TO_BELIEVE:
        progress.dropped["stale"] = progress.dropped.get("stale", 0) + 1
        return FixResult(False, "stale")
    series = [Fix(**f) for f in held]
    progress.held, progress.behind = [], None
    unwind(progress, series[0].timestamp)
    # The wrong clock's fix keeps its place, not its time: the series follows on from there.
    progress.last_fix = {**progress.last_fix, "timestamp": series[0].timestamp - 1e-3}
    progress.dropped["stale"] = max(0, progress.dropped.get("stale", 0) - (len(series) - 1))
    replayed, changes = [], []
    for earlier in series[:-1]:
        result = apply_fix(route, progress, earlier, settings, now)
        changes += result.changes
        if result.accepted:
            replayed.append(earlier)
    result = apply_fix(route, progress, fix, settings, now)
    return FixResult(result.accepted, result.reason, changes + result.changes,
                     replayed + result.replayed)


def _catch_up(route: Route, progress: Progress, fix: Fix, settings: Settings,
              now: float) -> list[StatusChange]:
    """Follow a backlog sent behind a live fix on a copy of the progress, placed where the
    backlog is, and count the stops the copy sees visited (tracking/visits.py) as visited.

    The copy is kept between requests (`progress.behind`): a phone sends its backlog one fix
    a request. Only visits are taken from it; the driver's place, the ETAs and the statuses
    stay those of the live fix, apart from the customers now nearer the driver.
    """
    if progress.outcomes_reported or progress.finished or not progress.started:
        return []
    behind = progress.behind
    if behind is not None and behind["last_fix"]["timestamp"] < fix.timestamp:
        copy = Progress.from_dict(behind)
    else:
        copy = Progress.from_dict({**progress.to_dict(), "behind": None, "held": []})
        _place_at(route, copy, fix, progress.along_m)
    apply_fix(route, copy, fix, settings)
    # Caught up with the live fix: the backlog is over.
    caught_up = copy.last_fix["timestamp"] >= progress.last_fix["timestamp"]
    progress.behind = None if caught_up else copy.to_dict()
    if not caught_up:
        # The live fix after the backlog so far: where the driver is now ends the stays the
        # backlog shows (a door the driver has since left is visited), on a throwaway copy.
        copy = Progress.from_dict(progress.behind)
        apply_fix(route, copy, Fix(**progress.last_fix), settings)
    k = copy.dwell_stop
    if k is not None and copy.stops[k].pending and progress.dwell_stop in (None, k):
        # A stay the backlog shows still going on at the live fix (near the door, not yet
        # left): the live fixes go on from it, and the next one away ends it as a visit.
        same = progress.dwell_stop == k
        progress.dwell_stop, progress.dwell_along = k, copy.dwell_along
        progress.dwell_from = min(progress.dwell_from, copy.dwell_from) if same \
            else copy.dwell_from
        progress.dwell_to = max(progress.dwell_to, copy.dwell_to)
    seen = False
    for mine, theirs in zip(progress.stops, copy.stops, strict=True):
        if mine.pending and theirs.visited_at is not None:
            mine.visited_at = theirs.visited_at
            mine.arrived_at = mine.arrived_at if mine.arrived_at is not None \
                else theirs.arrived_at
            seen = True
    return approach(route, progress, now, settings) if seen else []


def _place_at(route: Route, copy: Progress, fix: Fix, up_to_m: float) -> None:
    """Put a copy of the progress where a late fix is on the path, just before its time."""
    unwind(copy, fix.timestamp)  # a stay begun before the fix is kept: it may go on in it
    stay = copy.short_stay
    if copy.dwell_stop is None and stay is not None and stay[2] <= fix.timestamp \
            and copy.stops[int(stay[0])].pending:
        # A stay the live fix ended too short: the backlog may be the rest of it.
        copy.dwell_stop, copy.dwell_along = int(stay[0]), stay[1]
        copy.dwell_from, copy.dwell_to = stay[2], min(stay[3], fix.timestamp)
    copy.jump_streak = 0
    m = route_path(route).match(fix.lat, fix.lon, 0.0, up_to_m)
    copy.along_m = m.along_m
    set_leg(copy, route_path(route))
    copy.matched_at = fix.timestamp
    copy.last_fix = {**vars(fix), "timestamp": fix.timestamp - 1e-3}


def _late_not_glitch(progress: Progress, fix: Fix, now: float | None) -> bool:
    """Whether a fix older than the last is simply late, so the last one stands.

    With the server's clock (a phone), the last fix is believed when it is recent: fixes
    older than a live one are a backlog or a late upload. Only while the phone is itself
    sending old fixes (a backlog) can a series older than the last show that the last one
    came from a wrong clock; resent fixes never reach here (the history knows them). Without
    the server's clock (the API), a fix older than the one before the last is a resend.
    """
    if now is not None:
        return progress.last_fix["timestamp"] >= now - _LIVE_S
    return progress.prev_fix_at is not None and fix.timestamp <= progress.prev_fix_at


def _left_station(route: Route, fix: Fix, settings: Settings) -> bool:
    away = haversine_m(route.station.lat, route.station.lon, fix.lat, fix.lon)
    return away > settings.start_radius_m + (fix.accuracy or 0.0)


def _check_arrivals(
    route: Route,
    progress: Progress,
    marks: list[float],
    first_leg: int,
    at: float,
    settings: Settings,
    changes: list[StatusChange],
) -> bool:
    """Arriving and arrived for the stops near the driver; return whether they are at one.

    Looks from the stop just passed to the one being driven to, so a fix that lands beyond a
    stop (sparse fixes, noise) still marks the arrival there.
    """
    at_stop = False
    for k in range(first_leg, min(progress.leg, len(route.stops) - 1) + 1):
        state = progress.stops[k]
        # A stop moved to the next delivery day is not being driven to today: a driver who
        # gave up the last stops at closing and walks back past them is going home.
        if not state.pending or state.moved_to is not None:
            continue
        remaining = marks[k] - progress.along_m
        if remaining <= settings.arriving_m:
            changes += arrive(route, progress, k, at)
        if remaining <= settings.at_stop_m and state.arrived_at is None:
            state.arrived_at = at
        # A driver who went on without telling is travelling again, not dwelling.
        at_stop |= state.arrived_at is not None and -remaining <= 2 * settings.at_stop_m
    return at_stop
