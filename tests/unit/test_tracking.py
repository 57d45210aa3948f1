"""The tracking engine as a customer would notice it: stops away, statuses, ETAs, bad fixes."""

from __future__ import annotations

import json

import pytest

from app.domain.model import StopEvent
from app.domain.tracking import (
    EventError,
    Progress,
    Settings,
    apply_event,
    apply_fix,
    start_progress,
    stops_away,
)
from tests.support.tracking import STATION, T0, delivered, fix_at, make_route, stop_fix

SETTINGS = Settings()


def drive_to(route, progress, k, t, step_m=20.0, dt=2.5):
    """Fixes from the previous stop to stop k at 8 m/s; return the time of arrival."""
    for m in range(180, -1, -int(step_m)):
        t += dt
        apply_fix(route, progress, stop_fix(route, k, t, m), SETTINGS)
    return t


@pytest.fixture
def route():
    return make_route()


@pytest.fixture
def progress(route):
    p = start_progress(route, T0)
    apply_fix(route, p, fix_at(*STATION, T0), SETTINGS)
    return p


def test_start_progress_creates_every_shipment(route):
    p = start_progress(route, T0)
    assert {s.status for s in p.shipments.values()} == {"created"}
    assert all(s.timeline[0].text == "Order received" for s in p.shipments.values())


@pytest.mark.parametrize("legs", [True, False])
def test_stops_away_counts_unserved_stops_as_the_route_progresses(legs):
    route = make_route(legs=legs)
    p = start_progress(route, T0)
    t = T0
    for k in range(len(route.stops)):
        t = drive_to(route, p, k, t)
        assert [stops_away(p, j) for j in range(k, len(route.stops))] == list(
            range(len(route.stops) - k)
        )
        t += 60
        apply_event(route, p, delivered(k, t), SETTINGS)
    assert all(s.status == "delivered" for s in p.shipments.values())


def test_a_skipped_stop_still_counts_until_served(route, progress):
    t = drive_to(route, progress, 1, T0)
    apply_event(route, progress, delivered(1, t), SETTINGS)
    assert stops_away(progress, 5) == 4  # stop 0 was skipped and is still to come


def test_timeline_runs_from_created_to_delivered(route, progress):
    t = drive_to(route, progress, 0, T0)
    apply_event(route, progress, delivered(0, t + 30), SETTINGS)
    ship = progress.shipments["DS0000"]
    assert [e.status for e in ship.timeline] == [
        "created",
        "out_for_delivery",
        "approaching",
        "arriving",
        "delivered",
    ]
    assert ship.proof["left_at"] == "front door"
    assert ship.timeline[-1].text == "Delivered, left at front door"


def test_approaching_arrives_n_stops_ahead(route, progress):
    settings = Settings(approaching_stops=2)
    p = start_progress(route, T0)
    changes = apply_event(route, p, StopEvent("route_started", T0), settings)
    approaching = {c.tracking_id for c in changes if c.status == "approaching"}
    assert approaching == {"DS0000", "DS0010", "DS0020"}
    changes = apply_event(route, p, delivered(0, T0 + 100), settings)
    assert [(c.tracking_id, c.text) for c in changes if c.status == "approaching"] == [
        ("DS0030", "2 stops away")
    ]


def test_a_fix_away_from_the_station_starts_the_route(route):
    p = start_progress(route, T0)
    assert not apply_fix(route, p, fix_at(*STATION, T0), SETTINGS).changes
    result = apply_fix(route, p, stop_fix(route, 0, T0 + 30, 50), SETTINGS)
    assert p.started
    assert {c.status for c in result.changes} >= {"out_for_delivery"}


def test_attempt_and_return_to_station(route, progress):
    t = drive_to(route, progress, 0, T0)
    ev = StopEvent("attempted", t, stop=0, reason="recipient_unavailable")
    (change,) = [c for c in apply_event(route, progress, ev, SETTINGS) if c.status == "attempted"]
    assert change.detail == {"reason": "recipient_unavailable", "next_attempt": "2026-11-27"}
    assert "Fri 27 Nov" in change.text
    changes = apply_event(route, progress, StopEvent("returned", t + 600), SETTINGS)
    assert {c.tracking_id for c in changes} == set(progress.shipments)  # none delivered
    assert progress.shipments["DS0000"].status == "returned"
    assert (
        progress.finished
        and apply_fix(route, progress, fix_at(*STATION, t + 700), SETTINGS).reason == "finished"
    )


@pytest.mark.parametrize(
    ("event", "field"),
    [
        (StopEvent("teleported", T0, stop=0), "type"),
        (StopEvent("delivered", T0, stop=99), "stop"),
        (StopEvent("delivered", T0), "stop"),
        (StopEvent("delivered", T0, stop=1, shipment="DS0000"), "shipment"),
        (StopEvent("attempted", T0, stop=0, reason="dog"), "reason"),
        (StopEvent("delivered", T0, stop=0, proof={"gps": "x"}), "proof"),
    ],
)
def test_invalid_events_are_refused_with_the_field(route, progress, event, field):
    before = json.dumps(progress.to_dict())
    with pytest.raises(EventError) as err:
        apply_event(route, progress, event, SETTINGS)
    assert err.value.field == field
    assert json.dumps(progress.to_dict()) == before


def test_delivering_twice_is_refused(route, progress):
    apply_event(route, progress, delivered(0, T0 + 10), SETTINGS)
    with pytest.raises(EventError, match="already delivered"):
        apply_event(route, progress, delivered(0, T0 + 20), SETTINGS)


def test_one_shipment_of_a_stop_at_a_time():
    route = make_route(per_stop=2)
    p = start_progress(route, T0)
    apply_event(route, p, StopEvent("delivered", T0 + 5, stop=0, shipment="DS0001"), SETTINGS)
    assert stops_away(p, 1) == 1  # DS0000 is still on the van
    apply_event(route, p, StopEvent("delivered", T0 + 9, stop=0, shipment="DS0000"), SETTINGS)
    assert stops_away(p, 1) == 0


@pytest.mark.parametrize(
    ("fix_args", "reason"),
    [
        ((STATION[0], STATION[1], T0 - 5), "stale"),
        ((STATION[0], STATION[1], T0), "duplicate"),
        ((STATION[0] + 0.05, STATION[1], T0 + 5), "jump"),  # 5.5 km in 5 s
    ],
)
def test_bad_fixes_are_dropped_and_counted(route, progress, fix_args, reason):
    before = progress.last_fix
    result = apply_fix(route, progress, fix_at(*fix_args), SETTINGS)
    assert (result.accepted, result.reason) == (False, reason)
    assert progress.dropped == {reason: 1}
    assert progress.last_fix == before


def test_a_jump_that_persists_is_believed(route, progress):
    far = (STATION[0] + 0.01, STATION[1])  # the phone really is 1.1 km away after a gap
    results = [apply_fix(route, progress, fix_at(*far, T0 + i), SETTINGS) for i in (1, 2, 3, 4)]
    assert [r.accepted for r in results] == [False, False, False, True]


def test_eta_never_moves_earlier_for_a_driver_standing_still(route, progress):
    t = drive_to(route, progress, 2, T0)
    apply_event(route, progress, delivered(0, t), SETTINGS)
    apply_event(route, progress, delivered(1, t), SETTINGS)
    apply_event(route, progress, delivered(2, t), SETTINGS)
    etas = []
    for i in range(1, 60):  # stuck in traffic for five minutes, GPS wandering a few metres
        jitter = ((i * 7) % 11 - 5) / 111_200 * 3
        apply_fix(
            route, progress, fix_at(route.stops[2].lat + jitter, STATION[1], t + 5 * i), SETTINGS
        )
        etas.append(progress.etas[8])
    assert all(b >= a for a, b in zip(etas, etas[1:], strict=False))
    assert etas[-1] - etas[0] >= 250  # the delay shows up


def test_eta_adds_travel_and_dwell_of_each_stop_before(route, progress):
    t = drive_to(route, progress, 0, T0)
    first, later = progress.etas[1], progress.etas[5]
    per_stop = (later - first) / 4
    # ~200 m at the van's speed plus a 60 s dwell per stop in between.
    assert 60 + 200 / 20 < per_stop < 60 + 200 / 2
    # At the stop: its ETA is the handover, one dwell after arriving.
    assert t < progress.etas[0] <= t + route.stops[0].dwell_s * progress.dwell_ratio


def test_progress_round_trips_through_json(route, progress):
    t = drive_to(route, progress, 1, T0)
    apply_event(route, progress, delivered(0, t), SETTINGS)
    again = Progress.from_dict(json.loads(json.dumps(progress.to_dict())))
    assert again == progress


def test_a_fix_from_a_clock_set_ahead_is_replaced_by_the_next_one_on_time(route, progress):
    """Given the server's clock (the phone door), a fix stamped hours ahead is taken at the
    moment it came (Ingest keeps its stamp aside): the fixes on time after it, and a backlog
    older than that moment, are all taken, none held as stale."""
    from dataclasses import replace

    now = T0 + 100
    glitch = stop_fix(route, 0, now + 5 * 3600, 150)
    ahead = apply_fix(route, progress, replace(glitch, timestamp=now, stamped=glitch.timestamp),
                      SETTINGS, now)
    assert ahead.accepted and progress.matched_at == now
    assert progress.last_fix["stamped"] == now + 5 * 3600
    backlog = apply_fix(route, progress, stop_fix(route, 0, now - 30, 140), SETTINGS, now + 1)
    assert backlog.accepted and progress.last_fix["timestamp"] == now - 30
    on_time = apply_fix(route, progress, stop_fix(route, 0, now + 2, 100), SETTINGS, now + 2)
    assert on_time.accepted and progress.last_fix["timestamp"] == now + 2
    after = apply_fix(route, progress, stop_fix(route, 0, now + 7, 60), SETTINGS, now + 7)
    assert after.accepted and progress.dropped == {}


@pytest.mark.parametrize(("now", "late"), [
    (None, T0 + 10),  # no server clock (the API: a simulator's time runs ahead by design)
    (T0, T0 + 3600),  # both ahead of the server's clock: the late one is stale as before
])
def test_an_older_fix_stays_stale_unless_the_last_one_was_from_the_future(
        route, progress, now, late):
    assert apply_fix(route, progress, stop_fix(route, 0, T0 + 7200, 150), SETTINGS, now).accepted
    result = apply_fix(route, progress, stop_fix(route, 0, late, 140), SETTINGS, now)
    assert (result.accepted, result.reason) == (False, "stale")


def test_a_fix_from_a_clock_minutes_ahead_inside_a_backlog_drops_nothing_after_it(route):
    # A backlog at 1 Hz, one fix stamped ten minutes ahead (a network fix on a drifted clock),
    # then the right ones: they are held, then taken from the first, none lost.
    p = start_progress(route, T0)
    t, kept, dropped = T0, [], 0
    for i in range(40):
        t = T0 + i
        stamp = t + 600 if i == 10 else t
        result = apply_fix(route, p, stop_fix(route, 0, stamp, 180 - 4 * i), SETTINGS)
        kept += [stamp] if result.accepted else []
        kept += [f.timestamp for f in result.replayed]
        dropped += not result.accepted
    assert p.last_fix["timestamp"] == T0 + 39
    right = [T0 + i for i in range(40) if i != 10]
    assert set(right) <= set(kept)  # every right fix moved the driver, none lost
    assert p.dropped.get("stale", 0) == 0


def test_one_late_fix_is_still_dropped_as_stale(route):
    p = start_progress(route, T0)
    for i, stamp in enumerate([T0, T0 + 10, T0 + 5, T0 + 20]):
        result = apply_fix(route, p, stop_fix(route, 0, stamp, 180 - 10 * i), SETTINGS)
        assert result.accepted == (stamp != T0 + 5)
    assert p.dropped == {"stale": 1} and p.held == []
