"""After a handover: the walk back to the van is time at the stop, learned per driver, and the
time at the door is learned robustly (tracking/leaving.py, lifecycle.learn_dwell)."""

from __future__ import annotations

import json

import pytest

from app.domain.model import StopEvent
from app.domain.tracking import Progress, Settings, apply_event, apply_fix, start_progress
from tests.support.tracking import (
    STATION,
    STOP_SPACING_M,
    T0,
    delivered,
    drive,
    fix_at,
    make_route,
    stay,
)

SETTINGS = Settings()
SPEED = 10.0  # the van's speed between stops, m/s


def _started(route):
    progress = start_progress(route, T0)
    apply_fix(route, progress, fix_at(*STATION, T0), SETTINGS)
    return progress


def _serve(route, progress, k, t, hand_s, leave_s):
    """Drive on from where the van is to stop k, hand over after `hand_s` and stand `leave_s`
    (the walk back); return the time the van moves on."""
    here = progress.along_m
    t = drive(route, progress, SETTINGS, here, (k + 1) * STOP_SPACING_M, t, SPEED)
    apply_event(route, progress, StopEvent("arrived", t, k), SETTINGS)
    t = stay(route, progress, SETTINGS, (k + 1) * STOP_SPACING_M, t, hand_s)
    apply_event(route, progress, delivered(k, t), SETTINGS)
    return stay(route, progress, SETTINGS, (k + 1) * STOP_SPACING_M, t, leave_s)


def test_the_walk_back_after_a_handover_is_not_counted_as_travel():
    """A driver who walks two minutes back to the van after each handover still drives at
    10 m/s: the ETA's pace must not fall to a crawl (it did: the stand after the handover was
    travel time with no distance, and the ETA added the walk again as the rest of the dwell)."""
    route = make_route(dwell_s=180.0)
    progress = _started(route)
    t = T0
    for k in range(3):
        t = _serve(route, progress, k, t, 60.0, 120.0)
    drive(route, progress, SETTINGS, progress.along_m, 3.5 * STOP_SPACING_M, t, SPEED)
    assert progress.speed > 8.5


def test_a_drivers_leave_time_is_learned_from_the_handover_to_moving_on():
    route = make_route(dwell_s=200.0)
    progress = _started(route)
    t = T0
    for k in range(4):
        t = _serve(route, progress, k, t, 100.0, 90.0)
    assert len(progress.leaves) == 3  # the fourth is still being left
    # 90 s of a 200 s dwell, give or take a fix (3 s) and the first metres on.
    assert progress.leaves == pytest.approx([0.45] * 3, abs=0.03)


def test_the_next_stop_does_not_slip_while_the_driver_walks_back():
    """Right after a handover, the next customer's ETA already holds the walk back: it stays
    put while the driver walks to the van, instead of slipping by the whole walk (it did)."""
    route = make_route(dwell_s=200.0)
    progress = _started(route)
    t = T0
    for k in range(4):
        t = _serve(route, progress, k, t, 100.0, 100.0)
    t = drive(route, progress, SETTINGS, progress.along_m, 5 * STOP_SPACING_M, t, SPEED)
    apply_event(route, progress, StopEvent("arrived", t, 4), SETTINGS)
    t = stay(route, progress, SETTINGS, 5 * STOP_SPACING_M, t, 100.0)
    apply_event(route, progress, delivered(4, t), SETTINGS)
    at_handover = progress.etas[5]
    stay(route, progress, SETTINGS, 5 * STOP_SPACING_M, t, 99.0)
    assert progress.etas[5] == pytest.approx(at_handover, abs=15.0)


def test_the_next_doors_arrival_ends_the_walk_back_when_the_van_does_not_move():
    """Two doors walked to from one parking place: the second door's `arrived` is when the
    driver is done with the first (no fix moves along the plan in between)."""
    route = make_route(dwell_s=200.0)
    progress = _started(route)
    t = _serve(route, progress, 0, T0, 100.0, 0.0)
    apply_event(route, progress, StopEvent("arrived", t + 60, 1), SETTINGS)
    assert progress.leaving is None
    assert progress.leaves == [pytest.approx(60 / 200)]


@pytest.mark.parametrize("early_s", [0.0, 800.0])
def test_one_arrival_seen_early_does_not_lengthen_every_stop_ahead(early_s):
    """The time at the door is learned as a median: one stop whose arrival was seen 800 s
    early (a van passing the door, then circling the block to park) leaves the ratio where
    the other stops put it; a mean moved it by half."""
    route = make_route(dwell_s=200.0)
    progress = _started(route)
    t = T0
    for k in range(6):
        here = progress.along_m
        t = drive(route, progress, SETTINGS, here, (k + 1) * STOP_SPACING_M, t, SPEED)
        arrived = t - (early_s if k == 2 else 0.0)
        apply_event(route, progress, StopEvent("arrived", arrived, k), SETTINGS)
        t = stay(route, progress, SETTINGS, (k + 1) * STOP_SPACING_M, t, 150.0)
        apply_event(route, progress, delivered(k, t), SETTINGS)
    assert progress.dwell_ratio == pytest.approx(0.75, abs=0.03)


def test_the_leave_state_round_trips_through_json():
    route = make_route(dwell_s=200.0)
    progress = _started(route)
    _serve(route, progress, 0, T0, 100.0, 30.0)
    assert progress.leaving is not None
    again = Progress.from_dict(json.loads(json.dumps(progress.to_dict())))
    assert again == progress
