"""A phone's clock and queue as they really are (issue 17): fixes stamped ahead, late, twice,
before the route or after its end; every fix the phone is told is taken is in the history.

These run on the real clock, as a phone does: the route's zone is chosen so that the test runs
at about noon there, inside service hours, whatever time of day the suite runs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from app.extensions import services
from tests.support.phones import (  # noqa: F401 (an autouse fixture, imported to apply here)
    DEVICE,
    SELLER,
    A,
    B,
    at,
    history,
    phone_route,
    routes_registered_two_hours_ago,
    send,
    start,
    text_events,
    view,
    window_start,
)


def test_a_fix_from_a_clock_hours_ahead_moves_no_stop_to_tomorrow(client):
    """The blocker of the outside check: one fix stamped 13 h ahead (inside the day Traccar
    allows) made every stop 'Moved to the next delivery day', for good."""
    reg = phone_route(client)
    now = time.time()
    start(client, reg, now - 61)
    send(client, *[at(0.05 * k, now - 60 + 3 * k) for k in range(10)])
    assert not view(client, reg, 2)["eta"]["moved_to_next_day"]
    assert send(client, at(0.5, now + 13 * 3600)) == {"accepted": 1, "dropped": 0}
    # The next fix on time is taken after it, moves the driver on, and the estimate is
    # counted from its time again: no stop stays moved to tomorrow.
    assert send(client, at(0.55, time.time())) == {"accepted": 1, "dropped": 0}
    after = view(client, reg, 2)
    assert not after["eta"]["moved_to_next_day"], after["eta"]
    lat = view(client, reg)["driver"]["position"]["lat"]
    assert lat == pytest.approx(A[0] + (B[0] - A[0]) * 0.55, abs=1e-6)
    assert len(history(client, reg)) == 12


def test_a_clock_a_little_ahead_then_corrected_loses_no_fix(client):
    """A clock 40 s fast (under a minute), then set right: every fix is kept."""
    reg = phone_route(client)
    now = time.time()
    ahead = send(client, *[at(0.01 * k, now + 40 - 20 + k) for k in range(20)])
    right = send(client, *[at(0.2 + 0.01 * k, now - 20 + k) for k in range(20)])
    assert ahead["accepted"] + right["accepted"] == 40, (ahead, right)
    assert len(history(client, reg)) == 40


def test_two_glitched_fixes_inside_a_backlog_lose_nothing_after_them(client):
    """Back in coverage, 400 fixes of a backlog; two of them stamped 30 min ahead (still in
    the past). The rest are all taken, and the driver ends where the last fix is."""
    reg = phone_route(client)
    now = time.time()
    start(client, reg, now - 3601)
    backlog = [at(0.002 * k, now - 3600 + k) for k in range(400)]
    for k in (200, 201):
        backlog[k] = at(0.002 * k, now - 3600 + k + 1800)
    answers = [send(client, fix) for fix in backlog]  # one a request, as the 10.x SDK sends
    assert sum(a["accepted"] for a in answers) == 400
    assert len(history(client, reg)) == 400
    lat = view(client, reg)["driver"]["position"]["lat"]
    assert lat == pytest.approx(A[0] + (B[0] - A[0]) * 0.002 * 399, abs=1e-6)


def test_late_fixes_go_into_the_history_in_time_order_and_a_resend_is_stored_once(client):
    reg = phone_route(client)
    now = time.time()
    fixes = [at(0.01 * k, now - 120 + 2 * k) for k in range(30)]
    answers = [send(client, fix) for fix in reversed(fixes)]  # newest first
    assert sum(a["accepted"] for a in answers) == 30
    times = history(client, reg)
    assert len(times) == 30 and times == sorted(times)
    again = send(client, *fixes)  # the whole list sent again: nothing stored twice
    assert again == {"accepted": 0, "dropped": 30}
    assert len(history(client, reg)) == 30


def test_a_backlog_from_before_the_return_is_kept_after_it(client):
    """The driver got back to the station offline; the phone flushes the round after the
    `returned` event: the round is the route's history, fixes after the return are not."""
    reg = phone_route(client)
    driver = {"Authorization": f"Bearer {reg['driver_token']}"}
    now = time.time()
    send(client, *[at(0.05 * k, now - 1000 + k) for k in range(3)])
    for event in ({"type": "route_started"}, {"type": "returned"}):
        resp = client.post("/api/v1/events", json={
            **event, "timestamp": datetime.fromtimestamp(now - 60, UTC).isoformat()},
            headers=driver)
        assert resp.status_code == 200, resp.json
    flushed = send(client, *[at(0.001 * k, now - 900 + 2 * k) for k in range(100)])
    assert flushed == {"accepted": 100, "dropped": 0}
    after = send(client, at(0.1, now - 10))
    assert after == {"accepted": 0, "dropped": 1}
    assert len(history(client, reg)) == 103


def test_fixes_from_before_the_route_was_registered_do_not_start_it(app, client):
    """Yesterday evening's queue, sent after today's route was linked: no start, no text."""
    reg = phone_route(client, phones=True)
    yesterday = time.time() - 7200 - 14 * 3600  # 14 h before the route was registered
    answer = send(client, *[at(0.5 + 0.005 * k, yesterday + 5 * k) for k in range(20)])
    assert answer == {"accepted": 0, "dropped": 20}
    assert view(client, reg)["status"] == "created"
    assert history(client, reg) == []
    assert text_events(client, app) == []


def test_no_fix_yet_at_zero_zero_holds_back_nothing(client):
    reg = phone_route(client)
    now = time.time()
    zero = {"timestamp": datetime.fromtimestamp(now - 10, UTC).isoformat(),
            "coords": {"latitude": 0, "longitude": 0, "accuracy": 5}}
    assert send(client, zero) == {"accepted": 0, "dropped": 1}
    resp = client.get(f"/?id={DEVICE}&lat=0&lon=0&timestamp={int(now) - 9}")
    assert resp.json == {"accepted": 0, "dropped": 1}
    answer = send(client, *[at(0.05 * k, now - 8 + k) for k in range(3)])
    assert answer == {"accepted": 3, "dropped": 0}
    assert len(history(client, reg)) == 3


def test_a_coarse_first_fix_does_not_make_the_precise_ones_jumps(client):
    """A network position 3 km off with its 1.5 km accuracy, then GPS: the GPS is believed."""
    reg = phone_route(client)
    now = time.time()
    coarse = at(0.0, now - 20, accuracy=1500)
    coarse["coords"]["latitude"] += 0.027  # 3 km north
    assert send(client, coarse)["accepted"] == 1
    answer = send(client, *[at(0.05 * k, now - 15 + 5 * k) for k in range(3)])
    assert answer == {"accepted": 3, "dropped": 0}
    assert view(client, reg)["driver"]["position"]["lat"] == pytest.approx(
        A[0] + (B[0] - A[0]) * 0.1, abs=1e-6)


def test_a_clock_hours_ahead_is_undone_for_a_driver_creeping_along(client):
    """The second outside check: fixes 5 m apart (the estimate then never comes earlier)
    kept the wrong clock's 'next delivery day' for good."""
    reg = phone_route(client)
    now = time.time()
    start(client, reg, now - 61)
    send(client, *[at(0.3 + 0.02 * k, now - 40 + 3 * k) for k in range(10)])
    send(client, at(0.5, now + 12 * 3600))
    for k in range(3):
        send(client, at(0.5 + 0.001 * k, time.time() + k * 0.01))
    eta = view(client, reg, 2)["eta"]
    assert not eta["moved_to_next_day"], eta


def test_a_slow_clock_never_shows_a_window_already_past(client):
    """A phone an hour slow for good: its fixes are taken, and the window shown starts no
    earlier than now."""
    reg = phone_route(client)
    now = time.time()
    start(client, reg, now - 3700)
    send(client, *[at(0.1 + 0.02 * k, now - 3600 + 3 * k) for k in range(10)])
    assert window_start(client, reg) >= now - 15 * 60  # windows start on a quarter hour


def test_a_flushed_backlog_texts_no_stops_away_that_are_no_longer_true(app, client):
    """An hour's backlog flushed now: 'Out for delivery' is texted, '1 stop away' and 'You
    are the next stop' (true an hour ago) are not; the timeline still has them."""
    reg = phone_route(client, phones=True)
    now = time.time()
    answer = send(client, *[at(0.02 * k, now - 3600 + 5 * k) for k in range(50)])
    assert answer["accepted"] == 50
    events = text_events(client, app)
    assert "out_for_delivery" in events and "approaching" not in events, events
    timeline = [e["status"] for e in view(client, reg, 1)["timeline"]]
    assert "approaching" in timeline


def test_live_fixes_still_text_stops_away(app, client):
    phone_route(client, phones=True)
    now = time.time()
    send(client, *[at(0.02 * k, now - 50 + k) for k in range(50)])
    assert "approaching" in text_events(client, app)


def test_one_glitched_fix_from_hours_before_the_route_does_not_start_it(app, client):
    reg = phone_route(client, phones=True)
    t = time.time() - 7200 - 5 * 3600  # 5 h before the route was registered
    assert send(client, at(0.9, t))["accepted"] == 1
    assert view(client, reg)["status"] == "created"
    assert text_events(client, app) == []


def test_a_phone_clock_an_hour_slow_still_starts_a_route_registered_now(client):
    """A third outside check: with the start rule at a minute, a phone 10-60 min slow never
    started its route (no ETA, no texts) until its clock passed the registration."""
    from app.live.ingest import Ingest

    reg = phone_route(client)
    route = client.application.extensions["doorstep"].ingest.routes.get(reg["route_id"])
    assert isinstance(client.application.extensions["doorstep"].ingest, Ingest)
    slow = route.created_at - 3600
    answer = send(client, *[at(0.5 + 0.1 * k, slow + 5 * k) for k in range(10)])
    assert answer["accepted"] == 10
    assert view(client, reg, 2)["status"] != "created"


def _live(app, client, reg, ahead: float, seconds: int, t0: float, frac0: float) -> list:
    """A fix every 2 s for `seconds`, each sent as it is taken, from a clock `ahead` s fast;
    the server's clock (CLOCK) stepped with them. Answers each reply and the seller's
    position time after each fix."""
    clock = [t0]
    services(app).clock.now = lambda: clock[0]
    seen = []
    for k in range(0, seconds, 2):
        clock[0] = t0 + k + 0.3
        reply = send(client, at(frac0 + 0.001 * k, t0 + k + ahead))
        route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
        shown = datetime.fromisoformat(route["position"]["at"].replace("Z", "+00:00"))
        seen.append((reply, shown.timestamp() - clock[0]))
    return seen


@pytest.mark.parametrize("ahead", [8.0, 20.0])
def test_a_clock_seconds_ahead_stays_corrected_and_a_resend_is_stored_once(app, client, ahead):
    """The eighth outside check: a clock 8-20 s fast was corrected on one fix and taken as set
    right on the next (within half a minute of the server), in turn: the driver's time stood
    seconds to come, and a fix sent twice was stored twice."""
    reg = phone_route(client)
    t0 = time.time() - 120
    seen = _live(app, client, reg, ahead, 40, t0, 0.1)
    assert all(reply == {"accepted": 1, "dropped": 0} for reply, _ in seen), seen
    assert all(lag <= 0.5 for _, lag in seen), seen  # never a time to come
    again = send(client, at(0.1 + 0.001 * 38, t0 + 38 + ahead))
    assert again == {"accepted": 0, "dropped": 1}
    assert len(history(client, reg)) == 20


def test_a_clock_set_right_after_running_ahead_is_read_as_it_is(app, client):
    """A clock 3 min fast, then set right (the phone's network time came back): after a few
    seconds of fixes on the server's time, they are taken at their own times again."""
    reg = phone_route(client)
    t0 = time.time() - 300
    _live(app, client, reg, 180, 20, t0, 0.1)
    after = _live(app, client, reg, 0.0, 20, t0 + 30, 0.2)
    assert all(reply == {"accepted": 1, "dropped": 0} for reply, _ in after), after
    assert -1.5 <= after[-1][1] <= 0.5, after  # its own time (shown to the second)
    assert len(history(client, reg)) == 20
