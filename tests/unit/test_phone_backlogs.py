"""A phone's backlog and clock around a glitch (issue 17, the third outside check): a fix
stamped hours ahead inside a flushed backlog, a backlog sent behind a live fix, a clock that
jumps back, a backlog longer than the history, and the times a customer reads.

On the real clock, as a phone is (tests/support/phones.py puts the route's zone at noon).
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from app.extensions import services
from tests.support.phones import (  # noqa: F401 (an autouse fixture, imported to apply here)
    SELLER,
    history,
    phone_route,
    place,
    routes_registered_two_hours_ago,
    send,
    stamp,
    start,
    text_events,
    view,
    walk_round,
)


def moved(client, reg) -> list[bool]:
    return [view(client, reg, k)["eta"] and view(client, reg, k)["eta"]["moved_to_next_day"]
            for k in range(3)]


def visited(client, reg) -> list[bool]:
    return [view(client, reg, k)["visited_at"] is not None for k in range(3)]


def test_a_fix_hours_ahead_inside_a_flushed_backlog_moves_no_stop(client):
    """Back in coverage, the round's backlog one fix a request; one of its fixes is stamped
    three hours ahead (in the evening, after closing), with many older ones after it."""
    reg = phone_route(client)
    now = time.time()
    start(client, reg, now - 900)
    backlog = walk_round(now - 600)[:20]
    backlog[8] = place(*[backlog[8]["coords"][k] for k in ("latitude", "longitude")],
                       now + 3 * 3600)
    answers = [send(client, fix) for fix in backlog]
    assert sum(a["accepted"] for a in answers) == 20
    assert moved(client, reg) == [False, False, False]
    assert len(history(client, reg)) == 20


def test_a_fix_hours_ahead_never_puts_a_future_time_in_the_timeline(client):
    reg = phone_route(client)
    now = time.time()
    fixes = walk_round(now - 40)[:8]
    fixes[-1] = place(*[fixes[-1]["coords"][k] for k in ("latitude", "longitude")],
                      now + 3600)
    send(client, *fixes)
    for k in range(3):
        for entry in view(client, reg, k)["timeline"]:
            at = datetime.fromisoformat(entry["at"].replace("Z", "+00:00")).timestamp()
            assert at <= time.time() + 5, entry


def test_a_backlog_sent_behind_a_live_fix_still_counts_the_doors_it_visited(app, client):
    """The phone sends where it is now, then the dead zone's fixes behind it (oldest first):
    the doors the backlog shows the driver staying at count as visited, the driver stays
    where the live fix put them, and no visited door's customer is texted 'next stop'."""
    reg = phone_route(client, phones=True)
    now = time.time()
    trip = walk_round(now - 300)
    live = [f for f in trip if stamp(f) <= now - 2][-1]
    assert send(client, live)["accepted"] == 1
    answers = [send(client, fix) for fix in trip if stamp(fix) < stamp(live)]
    assert all(a["accepted"] == 1 for a in answers), answers
    assert visited(client, reg)[:2] == [True, True]
    position = view(client, reg, 2)["driver"]["position"]
    assert (position["lat"], position["lon"]) == (live["coords"]["latitude"],
                                                   live["coords"]["longitude"])
    texts = client.get("/api/v1/messages?kind=text", headers=SELLER).json["messages"]
    text_events(client, app)
    texts = client.get("/api/v1/messages?kind=text", headers=SELLER).json["messages"]
    late = [m for m in texts if m["event"] == "approaching"
            and m["tracking_id"] in {reg["shipments"][0]["tracking_id"]}
            and "next stop" in m["body"]]
    assert len(late) <= 1, late


def test_a_clock_that_jumps_back_an_hour_does_not_hold_the_driver_for_minutes(app, client):
    """Live fixes every 2 s, then the phone's clock is an hour slow: within a few of its
    fixes (seconds, not the two minutes until the last one is no longer live) the driver
    moves again."""
    reg = phone_route(client)
    trip = walk_round(time.time() - 20, step=2.0)
    for fix in trip[:10]:
        assert send(client, fix)["accepted"] == 1
    clock = [time.time()]  # the server's, a fix every 0.6 s (stepped: no sleeping)
    services(app).clock.now = lambda: clock[0]
    moved_on = None
    for k, fix in enumerate(trip[10:25]):
        slow = place(fix["coords"]["latitude"], fix["coords"]["longitude"],
                     clock[0] - 3600)
        send(client, slow)
        position = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json[
            "position"]
        if position["lon"] == fix["coords"]["longitude"] and moved_on is None:
            moved_on = k
        clock[0] += 0.6
    assert moved_on is not None and moved_on <= 8, moved_on


def test_a_backlog_longer_than_the_history_stores_no_fix_twice(app, client):
    app.extensions["doorstep"].ingest.live.history_len = 50
    reg = phone_route(client)
    now = time.time()
    backlog = walk_round(now - 1000, step=1.0)[:120]
    answers = [send(client, *backlog[k:k + 10]) for k in range(0, 120, 10)]
    assert sum(a["accepted"] for a in answers) == 120
    again = send(client, *backlog[:10])  # the first answer was lost: the phone sends again
    assert again["accepted"] == 0, again
    times = history(client, reg)
    assert len(times) == len(set(times)) == 50


def test_a_clock_ahead_for_good_is_taken_at_the_server_s_time(client):
    """A phone set an hour ahead for good: its fixes are taken as they come, in order, with
    their own times in the history; nothing a customer reads is in the future."""
    reg = phone_route(client)
    ahead = time.time() + 3600
    trip = walk_round(ahead)[:12]
    answers = [send(client, fix) for fix in trip]
    assert sum(a["accepted"] for a in answers) == 12
    assert history(client, reg) == [stamp(f) for f in trip]
    route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
    at = datetime.fromisoformat(route["position"]["at"].replace("Z", "+00:00")).timestamp()
    assert at <= time.time() + 1
    assert (route["position"]["lat"], route["position"]["lon"]) == (
        trip[-1]["coords"]["latitude"], trip[-1]["coords"]["longitude"])
    for k in range(3):
        for entry in view(client, reg, k)["timeline"]:
            shown = datetime.fromisoformat(entry["at"].replace("Z", "+00:00")).timestamp()
            assert shown <= time.time() + 1, entry


def test_a_clock_behind_for_good_still_texts_the_next_stop(app, client):
    """A phone ten minutes slow, live: its fixes are not an old backlog, so the customers
    are texted how far the driver is, and the map is not 'updated 10 min ago'."""
    reg = phone_route(client, phones=True)
    trip = walk_round(time.time())
    clock = [time.time()]  # the server's, a fix every half second (stepped: no sleeping)
    services(app).clock.now = lambda: clock[0]
    for fix in trip[:30]:
        slow = place(fix["coords"]["latitude"], fix["coords"]["longitude"], clock[0] - 600)
        assert send(client, slow)["accepted"] == 1
        clock[0] += 0.5
    assert "approaching" in text_events(client, app)
    route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
    at = datetime.fromisoformat(route["position"]["at"].replace("Z", "+00:00")).timestamp()
    assert abs(at - time.time()) < 60


def test_a_clock_ahead_for_a_moment_leaves_no_time_to_come_in_any_timeline(client):
    """The fourth outside check: two fixes five and fifteen minutes ahead as the driver left a
    door left the next customer's 'almost there' at the wrong clock's time for good."""
    reg = phone_route(client)
    trip = walk_round(time.time() - 200, step=5.0)
    for k, fix in enumerate(trip):
        if 14 <= k <= 16:  # leaving the first door, on the way to the second
            fix = place(fix["coords"]["latitude"], fix["coords"]["longitude"],
                        stamp(fix) + 300 * (k - 13))
        send(client, fix)
    for k in range(3):
        for entry in view(client, reg, k)["timeline"]:
            shown = datetime.fromisoformat(entry["at"].replace("Z", "+00:00")).timestamp()
            assert shown <= time.time() + 1, entry


def test_a_stay_cut_by_a_dead_zone_counts_when_its_backlog_comes_behind_a_live_fix(client):
    """The fourth outside check: the dead zone began 35 s into the minute at the first door;
    back in coverage the phone sent where it was, then the backlog. The door counts."""
    from tests.support.helpers import STOPS

    reg = phone_route(client)
    door = [k for k, f in enumerate(walk_round(0))
            if (f["coords"]["latitude"], f["coords"]["longitude"]) == STOPS[0][:2]]
    dead, back = door[0] + 7, door[-1] + 4  # the live fix 20 s past the door, near the next
    trip = walk_round(time.time() - 5 * back - 2)
    for fix in trip[:dead]:
        send(client, fix)
    assert send(client, trip[back])["accepted"] == 1
    for fix in trip[dead:back]:
        assert send(client, fix)["accepted"] == 1
    assert visited(client, reg)[0]


def test_after_a_backlog_no_window_starts_before_the_page_shows_it(client):
    """The fourth outside check: at 11:40 a customer read 'Arriving 11:30-11:55'."""
    reg = phone_route(client)
    now = time.time()
    send(client, *walk_round(now - 1200)[:10])  # twenty minutes ago, flushed now
    eta = view(client, reg, 2)["eta"]
    start = datetime.fromisoformat(eta["window"][0].replace("Z", "+00:00")).timestamp()
    assert start >= now - 60, eta


def test_a_sped_up_simulator_through_the_phone_door_keeps_its_own_times(client):
    """`simulator run --protocol osmand --speedup 30`: its clock runs thirty times faster than
    the server's and ahead of it; its fixes (and its events) keep their own times."""
    reg = phone_route(client)
    start_at = time.time()
    trip = walk_round(start_at, step=10.0)[:14]
    for k, fix in enumerate(trip):
        while time.time() < start_at + 0.3 * k:
            time.sleep(0.02)
        assert send(client, fix)["accepted"] == 1
    route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
    at = datetime.fromisoformat(route["position"]["at"].replace("Z", "+00:00")).timestamp()
    assert abs(at - stamp(trip[-1])) <= 1, (route["position"]["at"], stamp(trip[-1]))


def _door(k: int) -> list[int]:
    from tests.support.helpers import STOPS

    return [i for i, f in enumerate(walk_round(0))
            if (f["coords"]["latitude"], f["coords"]["longitude"]) == STOPS[k][:2]]


def _shift(fix: dict, seconds: float) -> dict:
    return place(fix["coords"]["latitude"], fix["coords"]["longitude"], stamp(fix) + seconds)


def test_a_whole_stay_in_a_dead_zone_behind_a_live_fix_near_the_door_counts(client):
    """The fifth outside check: the live fix came 90 m past the door (not yet 'left'), then
    the backlog with the whole stay: the stay goes on in the live fixes, and the next one
    away from the door makes it a visit."""
    reg = phone_route(client)
    door = _door(1)
    dead, back = door[0] - 4, door[-1] + 4
    trip = walk_round(time.time() - 5 * (back + 6) - 2)
    for fix in trip[:dead]:
        send(client, fix)
    send(client, trip[back])
    for fix in trip[dead:back]:
        send(client, fix)
    for fix in trip[back + 1:back + 6]:
        send(client, fix)
    assert visited(client, reg)[:2] == [True, True]


def _ahead_through_a_dead_zone(app, client, gap: float, ahead: float = 3600,
                               in_stay: int | None = None) -> tuple[dict, list[str], list[dict]]:
    """A phone `ahead` s ahead for good (an hour unless said): live (each fix as it is taken,
    the live fix after the dead zone sent first), then the dead zone's backlog, `gap` s apart.
    The server's clock is stepped as the requests come (CLOCK), ending at about now. Answers
    the route, every time a customer or the seller is shown, and the round as really driven."""
    reg = phone_route(client)
    door = _door(1)
    dead, back = door[0] - 4, door[-1] + 8
    if in_stay is not None:  # coverage back at the door, `in_stay` fixes into the stay
        dead, back = door[0] - 24, door[0] + in_stay
    trip = walk_round(time.time() - 5 * back - 10)
    clock = [0.0]
    services(app).clock.now = lambda: clock[0]
    for fix in trip[:dead] + [trip[back]]:
        clock[0] = stamp(fix) + 0.5
        send(client, _shift(fix, ahead))
    for fix in trip[dead:back]:
        clock[0] += gap
        send(client, _shift(fix, ahead))
    route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
    times = [route["position"]["at"]]
    for k in range(3):
        shown = view(client, reg, k)
        times += [e["at"] for e in shown["timeline"]] + [shown["visited_at"]]
    return reg, [at for at in times if at], trip


def _none_to_come(times: list[str]) -> None:
    for at in times:
        t = datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()
        assert t <= time.time() + 1, at


def test_a_clock_an_hour_ahead_for_good_through_a_dead_zone_stays_corrected(app, client):
    """The fifth outside check: a phone an hour ahead, live, then a dead zone over a door; the
    backlog (an hour ahead too) was taken at its own times: a visit 'at 13:34' read at 12:35."""
    reg, times, _ = _ahead_through_a_dead_zone(app, client, 0.01)
    assert visited(client, reg)[:2] == [True, True]
    _none_to_come(times)


def test_a_fix_an_hour_ahead_inside_a_json_list_is_kept(client):
    """The sixth outside check: one fix stamped an hour ahead inside a 9.x JSON backlog list
    was answered 200 and dropped (taken at the moment it came, its place looked like a jump);
    the phone deletes the whole list on a 200."""
    reg = phone_route(client)
    trip = walk_round(time.time() - 5 * 29 - 1)[:30]  # flushed as soon as it ends
    trip[2] = _shift(trip[2], 3600)  # near the station: far from the last fix, a second ago
    answer = send(client, *trip)
    assert answer == {"accepted": 30, "dropped": 0}, answer
    assert len(history(client, reg)) == 30


def test_a_clock_an_hour_ahead_with_its_backlog_behind_a_live_fix_shows_no_time_to_come(
        app, client):
    """The seventh outside check: the backlog's last fixes, corrected to within seconds of now
    and sent back to back, were taken for a fast clock's and kept their own times: 'stopped
    at your address at 14:28' at 13:28."""
    reg, times, _ = _ahead_through_a_dead_zone(app, client, 0.3)
    assert visited(client, reg)[:2] == [True, True]
    _none_to_come(times)


@pytest.mark.parametrize("gap", [0.01, 0.3])
def test_a_clock_a_minute_ahead_through_a_longer_dead_zone_keeps_its_correction(
        app, client, gap):
    """The eighth outside check: a clock one to eight minutes ahead, a dead zone longer than
    that; the backlog's fixes from the last minute before the flush, stamped about the server's
    time, were taken for a clock set right: the correction was dropped, the rest of the backlog
    taken at the moment it came (a door never visited, visits timed a minute late and to come,
    the driver's position a minute ahead)."""
    reg, times, trip = _ahead_through_a_dead_zone(app, client, gap, ahead=60)
    assert visited(client, reg)[:2] == [True, True]
    _none_to_come(times)
    door = _door(1)
    shown = view(client, reg, 1)["visited_at"]
    at = datetime.fromisoformat(shown.replace("Z", "+00:00")).timestamp()
    # At the door as it was really driven (the phone's stamps less the minute it is ahead).
    assert stamp(trip[door[0]]) - 5 <= at <= stamp(trip[door[-1]]) + 30, shown


@pytest.mark.parametrize("ahead", [0, 60, 180])
def test_a_stay_going_on_when_coverage_returns_counts_with_a_fast_clock(app, client, ahead):
    """The ninth outside check's case as far as the test client reproduces it: the driver at a
    door when coverage comes back (the live fix at the door sent first, the stay going on
    after it), right clock and minutes fast alike. The check's live run (stops 400 m apart, a
    4-minute dead zone, sent in real time) lost this visit with a fast clock; not reproduced
    here yet (README, what does not work yet)."""
    reg, times, trip = _ahead_through_a_dead_zone(app, client, 0.01, ahead=ahead, in_stay=6)
    door = _door(1)
    server = [0.0]
    services(app).clock.now = lambda: server[0]
    for fix in trip[door[0] + 7:door[-1] + 6]:
        server[0] = stamp(fix) + 0.5
        send(client, _shift(fix, ahead))
    assert visited(client, reg)[:2] == [True, True]
