"""Fixes: dropping the bad ones, and moving the driver along the planned path."""

from __future__ import annotations

import math

from app.domain.geo import Path, haversine_m
from app.domain.model import Fix, Route
from app.domain.tracking.progress import Progress
from app.domain.tracking.settings import Settings, profile

# Distance a fix may move whatever the time between fixes: GPS noise alone does this much.
_JUMP_SLACK_M = 50.0
# After this many jumps in a row the "jumps" are the truth (a long GPS gap, a bad anchor).
_JUMP_STREAK_LIMIT = 3
# Matching prefers the nearer of two stretches that pass a fix about as closely: 1 km farther
# along costs as much as 30 m of distance from the path.
_AHEAD_COST = 0.03
_GOOD_MATCH_M = 40.0
# A fix stamped further than this ahead of the server's clock came from a wrong clock (a phone is
# never ahead of the server by more than network jitter): it is taken at the moment it came.
CLOCK_SLACK_S = 5.0
# A route is registered on the morning of its round at the latest: a phone's fix stamped this
# long before the route existed belongs to an earlier round. Shorter would drop the start of a
# round whose route was registered after the driver left (a backlog from before it).
BEFORE_ROUTE_S = 6 * 3600.0
# A fix this inaccurate (a cell or wifi position) cannot make a precise one a "jump".
_COARSE_M = 200.0


def screen(route: Route, progress: Progress, fix: Fix, settings: Settings,
           now: float | None = None) -> str | None:
    """Why this fix must be dropped (`stale`, `duplicate`, `jump`, `finished`,
    `before_route`), or None.

    `now` is the server's clock, given by a door whose clients' clocks are real (phones): a
    fix older than the last one is then stale only if the last one was not from the future.
    """
    if progress.finished:
        return "finished"
    if now is not None and fix.timestamp < route.created_at - BEFORE_ROUTE_S:
        # A phone's queue from an earlier round (yesterday's, sent late): it must not start
        # today's route or text its customers.
        return "before_route"
    last = progress.last_fix
    if last is None:
        return None
    dt = fix.timestamp - last["timestamp"]
    if dt < 0 and now is not None and last.get("stamped") is not None \
            and not last.get("corrected"):
        # The last fix came from a clock set ahead (taken at the moment it came, Ingest; not
        # one a known offset corrected, which is as true as a right clock's): a
        # backlog's fixes after it are older than that moment, and on time. As Traccar keeps
        # the right one as the latest, they go on from it rather than being held as late.
        unwind(progress, fix.timestamp)
        progress.jump_streak = 0
        return None
    if dt < 0:
        return "stale"
    moved = haversine_m(last["lat"], last["lon"], fix.lat, fix.lon)
    if dt == 0 and moved < 1.0:
        return "duplicate"  # the same fix sent again
    # Two fixes within one second (times are whole seconds) are both taken where they are
    # no farther apart than GPS noise allows.
    slack = _JUMP_SLACK_M + (fix.accuracy or 0.0) + (last.get("accuracy") or 0.0)
    limit = settings.max_speed_factor * profile(route.driver.vehicle).max_speed * dt + slack
    coarse = (last.get("accuracy") or 0.0) > _COARSE_M > (fix.accuracy or _COARSE_M + 1)
    if moved > limit and progress.jump_streak < _JUMP_STREAK_LIMIT and not coarse:
        progress.jump_streak += 1
        return "jump"
    progress.jump_streak = 0
    return None


def unwind(progress: Progress, t: float) -> None:
    """Bring back to `t` the times a fix from the future left in the progress."""
    if progress.matched_at is not None and progress.matched_at > t:
        progress.matched_at = t
    if progress.departed_at is not None and progress.departed_at > t:
        progress.departed_at = t
    if progress.leaving is not None and progress.leaving[1] > t:
        progress.leaving = None  # nothing to learn from a walk back timed by a wrong clock
    if progress.dwell_stop is not None and progress.dwell_from > t:
        progress.dwell_stop = None  # a stay that began in the future never happened
    progress.dwell_to = min(progress.dwell_to, max(t, progress.dwell_from))
    # The estimates counted from the wrong clock's time are dropped, not kept by the rule that
    # a driver standing still never brings an arrival forward (eta.update_etas).
    progress.etas = [None] * len(progress.etas)
    for state in progress.stops:
        if state.moved_at is not None and state.moved_at > t:
            # Moved to the next delivery day by an ETA counted from the wrong clock's time
            # (one fix stamped hours ahead): estimated again from the fix on time.
            state.moved_to = state.moved_at = None


def advance(route: Route, progress: Progress, path: Path, fix: Fix, settings: Settings) -> float:
    """Match the fix to the path and move the driver along; return the metres advanced."""
    noise = settings.match_behind_m + (fix.accuracy or 0.0)
    # The way back to the station only counts once every stop is served or visited: it often
    # runs along the same streets as the deliveries.
    last_open = next(
        (k for k in range(len(progress.stops) - 1, -1, -1) if progress.stops[k].pending), None
    )
    end = path.length if last_open is None else path.mark_m[last_open]
    if progress.matched_at is None:
        # First fix: the phone may start anywhere, but most likely on the way to stop 0.
        first_leg = path.mark_m[0] if path.mark_m else path.length
        m = path.match(fix.lat, fix.lon, 0.0, first_leg)
        if m.offset_m > settings.off_route_m:
            m = path.match(fix.lat, fix.lon, 0.0, end, _AHEAD_COST)
    else:
        # Ahead: as far as the driver could have gone since last seen on the path, so a
        # detour that rejoins the route further on is picked up again.
        reach = profile(route.driver.vehicle).max_speed * (fix.timestamp - progress.matched_at)
        lo = max(0.0, progress.along_m - noise)
        m = path.match(
            fix.lat, fix.lon, lo, min(end, progress.along_m + noise + reach), _AHEAD_COST
        )
    progress.offset_m = m.offset_m
    if m.offset_m > settings.off_route_m + (fix.accuracy or 0.0):
        return 0.0  # a detour: the driver is somewhere off the plan, progress stays put
    if m.offset_m <= _GOOD_MATCH_M + (fix.accuracy or 0.0):
        # Only a close match pins the search window; a loose one lets it keep growing, so
        # a match stuck on an earlier stretch of the route catches up with the driver.
        progress.matched_at = fix.timestamp
    # Never backwards: a fix a little behind is noise around a driver standing still.
    gained = max(0.0, m.along_m - progress.along_m)
    progress.along_m += gained
    set_leg(progress, path)
    return gained


def set_leg(progress: Progress, path: Path) -> None:
    marks = path.mark_m
    leg = progress.leg
    while leg < len(marks) and progress.along_m > marks[leg]:
        leg += 1
    progress.leg = leg
    start = marks[leg - 1] if 0 < leg <= len(marks) else 0.0
    progress.leg_m = progress.along_m - start


def observe_speed(
    route: Route, progress: Progress, dt: float, gained: float, at_stop: bool, settings: Settings
) -> None:
    """Blend the driver's recent speed along the path with the vehicle profile.

    Time at stops is left out: dwell is planned per stop, and counting it here would make
    the ETA pay for it twice.
    """
    decay = math.exp(-dt / settings.speed_memory_s)
    progress.obs_dist = progress.obs_dist * decay + gained
    progress.obs_time = progress.obs_time * decay + (0.0 if at_stop else dt)
    base = profile(route.driver.vehicle).speed
    if progress.obs_time <= 0:
        progress.speed = base
        return
    observed = min(max(progress.obs_dist / progress.obs_time, 0.3 * base), 2.0 * base)
    w = progress.obs_time / (progress.obs_time + settings.speed_trust_s)
    progress.speed = w * observed + (1 - w) * base
