"""Estimated arrival per stop: travel along the plan at the blended speed, plus dwell times."""

from __future__ import annotations

from datetime import date

from app.domain.geo import Path, haversine_m
from app.domain.hours import fit, local_day
from app.domain.model import Route
from app.domain.tracking.leaving import leave_s, leaves_at
from app.domain.tracking.progress import Progress
from app.domain.tracking.settings import Settings, profile
from app.domain.tracking.street_speeds import StreetSpeeds, local_hour

# A stop left this far behind the driver was skipped; it is served last, if at all.
_SKIPPED_M = 200.0


def update_etas(
    route: Route, progress: Progress, path: Path, now: float, hold: bool, settings: Settings,
    speeds: StreetSpeeds | None = None,
) -> None:
    """Recompute `progress.etas` from the driver's place at `now`.

    `hold` says nothing happened that could bring arrivals forward (the driver did not move
    and no stop was served or visited): then no ETA moves earlier, so a waiting customer
    never sees the time jump back and forth on GPS noise. `speeds`: the fleet's learned
    street speeds at this hour, where it has driven before (street_speeds.py).
    """
    speed = progress.speed or profile(route.driver.vehicle).speed
    old = progress.etas
    etas: list[float | None] = [None] * len(route.stops)
    # A driver still at the stop they handed over at leaves when their walk back is done.
    t, s = leaves_at(route, progress, now), progress.along_m
    skipped = []
    ratio = progress.dwell_ratio
    hour = local_hour(now, route.timezone) if speeds is not None else 0
    vehicle = route.driver.vehicle
    for k, stop in enumerate(route.stops):
        state = progress.stops[k]
        if state.served or state.visited_at is not None:  # not .pending: a call per stop costs
            continue
        mark = path.mark_m[k]
        if mark < s - _SKIPPED_M and state.arrived_at is None:
            skipped.append(k)
            continue
        # A slot's start holds the handover back: the driver waits (grocery slots).
        opens = stop.window[0] if stop.window else t
        if state.arrived_at is not None:
            begin = max(state.arrived_at, opens)
        else:
            drive = (max(0.0, mark - s) / speed if speeds is None
                     else speeds.travel_s(path, vehicle, hour, s, mark, speed))
            begin = max(t + drive, opens)
        s = max(s, mark)
        # The handover, not the van's arrival: the customer waits for the parcel, which comes
        # after parking and the walk to the door. `ratio` is learned from arrival to outcome
        # (lifecycle.learn_dwell), so arrival + dwell x ratio is when the outcome comes.
        etas[k] = max(t, begin + stop.dwell_s * ratio)
        # The driver leaves after the walk back, learned per driver (tracking/leaving.py).
        t = etas[k] + leave_s(progress, stop.dwell_s)
    lat, lon = path.point_at(s)
    for k in skipped:
        stop = route.stops[k]
        # Off the plan: the straight line is all we know about the way back to it.
        t += haversine_m(lat, lon, stop.lat, stop.lon) / speed
        begin = max(t, stop.window[0] if stop.window else t)
        etas[k] = begin + stop.dwell_s * ratio
        t = etas[k] + leave_s(progress, stop.dwell_s)
        lat, lon = stop.lat, stop.lon
    if hold and len(old) == len(etas):
        etas = [e if e is None or o is None else max(e, o) for e, o in zip(etas, old, strict=True)]
    progress.etas = etas
    _remember_moved(route, progress, now, settings)


def _remember_moved(route: Route, progress: Progress, now: float, settings: Settings) -> None:
    """Mark the stops whose arrival falls after closing as moved to the next delivery day.

    Once moved, a stop stays moved until that day comes (or it is served): near closing time
    the estimate wavers by a minute either side of it with every fix, and a customer told
    "next delivery day" must not be told "arriving 19:55" a minute later, and back again.
    """
    today = local_day(now, route.timezone).isoformat()
    for state in progress.stops:
        if state.moved_to is not None and state.moved_to <= today:
            state.moved_to = state.moved_at = None  # that day has come: estimate afresh
    # In the order the driver comes to them: a stop after a moved one is moved too (an outside
    # check read "moved to the next delivery day" on stops 3-4 and a live "5 stops away" on
    # stop 5, whose estimate after midnight fitted into the next morning without counting as
    # moved). A day after today is a move, whatever fit() thinks of the estimate's own day.
    later = None
    timed = sorted((at, k) for k, at in enumerate(progress.etas) if at is not None)
    for at, k in timed:
        state = progress.stops[k]
        fitted = fit(at, route.timezone, settings.service_start_hour, settings.service_end_hour)
        day = fitted.day.isoformat()
        if fitted.moved_to_next_day or later is not None:
            later = max(later or day, day)
        if later is None:
            continue
        if state.moved_to is None:
            state.moved_at = now
        state.moved_to = max(state.moved_to or later, later)
        later = state.moved_to


def moved_day(progress: Progress, stop: int) -> date | None:
    """The delivery day the stop was moved to, if it was (see _remember_moved)."""
    moved = progress.stops[stop].moved_to
    return date.fromisoformat(moved) if moved else None
