"""What a customer reads of the ETA stays true: no window starting in the past, no day that
flips back and forth near closing, a timeline in time order (issue 19)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.domain.arrival import arrival
from app.domain.tracking import Settings, apply_event, apply_fix, route_path, start_progress
from app.domain.tracking.eta import update_etas
from app.domain.view import customer_view
from tests.support.tracking import (
    STATION,
    TZ,
    delivered,
    fix_at,
    local_ts,
    make_route,
    shipments_of,
    stop_fix,
)

SETTINGS = Settings()


@pytest.mark.parametrize("now_minute", range(0, 60, 1))
def test_a_window_never_starts_before_the_time_it_is_shown_at(now_minute):
    now = local_ts(14, now_minute) + 17  # seconds off the minute, too
    for ahead_s in range(-600, 4 * 3600, 97):
        eta = arrival(now + ahead_s, now, TZ)
        lo, hi = (_epoch(t) for t in eta["window"])
        assert lo >= now - now % 60, (now_minute, ahead_s, eta["text"])  # the minute shown
        assert lo <= max(now, now + ahead_s) <= hi, (now_minute, ahead_s, eta["text"])


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _late_route():
    """Twelve stops, two minutes each, started at 19:30: the last ones fall near closing."""
    route = make_route(n_stops=12, dwell_s=120.0)
    start = local_ts(19, 30)
    progress = start_progress(route, start - 600)
    apply_fix(route, progress, fix_at(*STATION, start), SETTINGS)
    apply_fix(route, progress, stop_fix(route, 1, start + 30, 150), SETTINGS)  # leaves
    return route, progress, start + 30


def _days_shown(route, progress, now):
    shipments = shipments_of(route)
    return {s.tracking_id: customer_view(route, progress, s, SETTINGS, now)["eta"]
            for s in shipments}


def test_a_stop_moved_to_the_next_day_stays_moved_while_the_estimate_wavers():
    route, progress, now = _late_route()
    path = route_path(route)
    seen: dict[str, list[bool]] = {}
    # The estimate wavers with the observed speed, as it does fix by fix near closing time.
    for i, speed in enumerate([8.0, 3.0, 8.0, 3.0, 9.0, 2.5, 10.0]):
        progress.speed = speed
        t = now + i
        update_etas(route, progress, path, t, hold=False, settings=SETTINGS)
        for tid, eta in _days_shown(route, progress, t).items():
            if eta is not None:
                seen.setdefault(tid, []).append(eta["moved_to_next_day"])
    flipped = [tid for tid, days in seen.items()
               if any(a and not b for a, b in zip(days, days[1:], strict=False))]
    assert not flipped, f"moved back to today: {flipped}"
    moved = [tid for tid, days in seen.items() if days[-1]]
    assert moved, "the slow estimates put some stops after closing"
    # Stops the fast estimates keep well before closing were never moved.
    assert not seen["DS0000"][-1]


def test_a_moved_stop_is_estimated_afresh_when_its_day_comes():
    route, progress, now = _late_route()
    path = route_path(route)
    progress.speed = 2.0
    update_etas(route, progress, path, now, hold=False, settings=SETTINGS)
    assert progress.stops[11].moved_to == "2026-11-27"
    morning = local_ts(9, 0, day=27)
    progress.speed, progress.updated_at = 8.0, morning  # as the morning's first fix would
    update_etas(route, progress, path, morning, hold=False, settings=SETTINGS)
    assert progress.stops[11].moved_to is None
    eta = customer_view(route, progress, shipments_of(route)[11], SETTINGS, morning)["eta"]
    assert not eta["moved_to_next_day"] and eta["text"].startswith("Arriving 09:")


def test_the_timeline_is_in_time_order_for_a_back_dated_run():
    route = make_route(n_stops=3)
    registered = local_ts(12, day=28)  # the server's clock: two days after the run's fixes
    progress = start_progress(route, registered)
    t = local_ts(9)
    apply_fix(route, progress, fix_at(*STATION, t), SETTINGS)
    for k in range(3):
        for m in range(180, -1, -20):
            t += 2.5
            apply_fix(route, progress, stop_fix(route, k, t, m), SETTINGS)
        apply_event(route, progress, delivered(k, t + 30), SETTINGS)
        t += 60
    for shipment in shipments_of(route):
        timeline = customer_view(route, progress, shipment, SETTINGS)["timeline"]
        times = [e["at"] for e in timeline]
        assert times == sorted(times), timeline
        assert timeline[0]["status"] == "created" and timeline[-1]["status"] == "delivered"


def test_a_stop_moved_to_the_next_day_is_never_told_the_driver_is_almost_there():
    # A walker who gave up the last stops at closing walks home past them: no "arriving".
    route, progress, now = _late_route()
    progress.speed = 2.0
    update_etas(route, progress, route_path(route), now, hold=False, settings=SETTINGS)
    moved = [k for k, s in enumerate(progress.stops) if s.moved_to]
    assert moved and 11 in moved
    changes, t = [], now
    for k in range(2, 12):
        for m in range(180, -1, -20):
            t += 2.5
            changes += apply_fix(route, progress, stop_fix(route, k, t, m), SETTINGS).changes
    told = {c.tracking_id for c in changes if c.status == "arriving"}
    assert told, "stops still due today are told"
    assert not told & {f"DS{k:03d}0" for k in moved}


def test_a_stop_after_a_moved_stop_is_moved_too():
    """Stops 3-4 moved to the next day and stop 5 (its estimate just after midnight, fitted
    into the next morning) shown live: every stop after a moved one is moved (issue 18)."""
    from app.domain.tracking.eta import _remember_moved

    route, progress, now = _late_route()
    n = len(progress.stops)
    progress.etas = [None] * n
    progress.etas[n - 2] = local_ts(20, 30)  # after closing: moved
    progress.etas[n - 1] = local_ts(23, 59) + 1800  # 00:29 the next day
    _remember_moved(route, progress, now, SETTINGS)
    assert progress.stops[n - 2].moved_to is not None
    assert progress.stops[n - 1].moved_to == progress.stops[n - 2].moved_to
