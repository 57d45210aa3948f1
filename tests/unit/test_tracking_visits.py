"""Visited stops inferred from positions alone: what a phone without stop events shows."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest

from app.domain.model import FINAL_STATUSES, Point, StopEvent
from app.domain.tracking import (
    Progress,
    Settings,
    apply_event,
    apply_fix,
    start_progress,
    stops_away,
)
from tests.support.tracking import (
    STATION,
    STOP_SPACING_M,
    T0,
    delivered,
    drive,
    make_route,
    stay,
    street_fix,
)

SETTINGS = Settings()
STOP = [STOP_SPACING_M * (k + 1) for k in range(12)]  # metres north of the station


@pytest.fixture
def route():
    return make_route()


@pytest.fixture
def progress(route):
    return start_progress(route, T0)


def visited(progress):
    return [k for k, s in enumerate(progress.stops) if s.visited_at is not None]


def away(progress, route):
    return [stops_away(progress, k) for k in range(len(route.stops))]


def test_a_stay_at_a_stop_then_leaving_counts_it_visited(route, progress):
    t = drive(route, progress, SETTINGS, 0, STOP[0], T0)
    t = stay(route, progress, SETTINGS, STOP[0], t, 90)
    assert visited(progress) == []  # still there: nothing is known to be done yet
    assert away(progress, route)[5] == 5
    waiting_eta = progress.etas[1] - route.stops[1].dwell_s * progress.dwell_ratio  # arrival
    changes = []
    left = t
    for m in range(10, 140, 10):  # drives on towards stop 1
        t += 1
        changes += apply_fix(route, progress, street_fix(STOP[0] + m, t, 10.0), SETTINGS).changes
    assert visited(progress) == [0]
    # The last fix near the door: the visit ends once the driver is out of the radius.
    assert left <= progress.stops[0].visited_at <= left + 6
    assert away(progress, route)[1:] == list(range(11))  # stop 1 is next, and so on
    assert progress.etas[0] is None
    # The ~60 m left at driving speed, then the handover after its own dwell: no dwell
    # for the stop just left.
    dwell = route.stops[1].dwell_s * progress.dwell_ratio
    assert t + dwell < progress.etas[1] <= t + 60 + dwell
    assert progress.etas[1] - dwell < waiting_eta  # arriving sooner, the visit learned from
    # One more stop closer for everyone: stop 6 is now within `approaching_stops` (5).
    assert [(c.tracking_id, c.text) for c in changes if c.status == "approaching"] == [
        ("DS0060", "5 stops away")
    ]
    # Nothing claims a delivery.
    assert progress.shipments["DS0000"].status not in FINAL_STATUSES
    assert all(c.status not in FINAL_STATUSES for c in changes)


def test_a_van_driving_past_every_door_visits_none(route, progress):
    drive(route, progress, SETTINGS, 0, STOP[-1] + 150, T0, speed=10.0, dt=1.0)
    assert visited(progress) == []
    assert away(progress, route) == list(range(12))


def test_waiting_at_a_later_stops_door_on_the_way_is_no_visit():
    route = make_route(legs=False, route_id="r_swapped")  # its own id: paths are cached by id
    # Stop 2 lies beyond stop 3, whose door is 30 m off the street: the way to stop 2 passes
    # stop 3's door, and comes back to it after.
    route.stops[2].lat, route.stops[3].lat = route.stops[3].lat, route.stops[2].lat
    route.stops[3].lon += 30 / 55_400
    p = start_progress(route, T0)
    t = drive(route, p, SETTINGS, 0, STOP[2], T0)
    t = stay(route, p, SETTINGS, STOP[2], t, 90)  # a long queue right by stop 3's door
    t = drive(route, p, SETTINGS, STOP[2], STOP[3], t)
    assert visited(p) == []
    t = stay(route, p, SETTINGS, STOP[3], t, 60)  # at stop 2, the next in the plan
    t = drive(route, p, SETTINGS, STOP[3], STOP[2] + 20, t)
    assert visited(p) == [2]
    t = stay(route, p, SETTINGS, STOP[2], t, 60, jitter=lambda i: (0.0, 30.0))  # at its door
    drive(route, p, SETTINGS, STOP[2], STOP[4] + 100, t)
    assert visited(p) == [2, 3]


def test_two_doors_of_one_building_are_visited_in_the_plans_order():
    route = make_route(legs=False, route_id="r_building")
    route.stops[1].lat, route.stops[1].lon = route.stops[0].lat, STATION[1] + 20 / 55_400
    p = start_progress(route, T0)
    t = drive(route, p, SETTINGS, 0, STOP[0] - 10, T0)
    # The van parks where it can: by the second door, 17 m from the first.
    t = stay(route, p, SETTINGS, STOP[0], t, 50, jitter=lambda i: (2.0, 17.0))
    t = stay(route, p, SETTINGS, STOP[0], t, 60)  # at the first door
    assert visited(p) == [0]
    t = stay(route, p, SETTINGS, STOP[0], t, 60, jitter=lambda i: (0.0, 20.0))
    assert visited(p) == [0]
    drive(route, p, SETTINGS, STOP[0], STOP[1] - 50, t)
    assert visited(p) == [0, 1]
    assert stops_away(p, 2) == 0


@pytest.mark.parametrize("seconds", [40, 90])
def test_a_stop_at_a_red_light_away_from_stops_is_nothing(route, progress, seconds):
    between = (STOP[0] + STOP[1]) / 2  # 100 m from either door
    t = drive(route, progress, SETTINGS, 0, between, T0)
    t = stay(route, progress, SETTINGS, between, t, seconds)
    drive(route, progress, SETTINGS, between, STOP[1] - 60, t)
    assert visited(progress) == []
    assert away(progress, route)[3] == 3


def test_gps_noise_at_the_door_still_makes_one_visit(route, progress):
    rng = random.Random(4)

    def wander(i):
        if i == 20:
            return 75.0, 10.0  # one wild fix, still within the leave radius
        return rng.gauss(0, 12), rng.gauss(0, 12)

    t = drive(route, progress, SETTINGS, 0, STOP[0] - 30, T0)
    t = stay(route, progress, SETTINGS, STOP[0], t, 120, jitter=wander)
    assert visited(progress) == []
    left = t
    t = drive(route, progress, SETTINGS, STOP[0], STOP[1], t)
    assert visited(progress) == [0]
    first = progress.stops[0].visited_at
    assert left <= first <= left + 6  # the stay was not cut short by the noise
    assert progress.dwell_seen == 1
    stay(route, progress, SETTINGS, STOP[1] - 150, t, 60)  # back near it: still one visit
    assert progress.stops[0].visited_at == first and progress.dwell_seen == 1


def test_a_route_whose_app_sends_events_is_never_guessed_visited(route, progress):
    # The app said the route started, so it will say what is done: a van that lingers by
    # the first stop while circling the block before parking has visited nothing yet.
    apply_event(route, progress, StopEvent("route_started", T0), SETTINGS)
    t = drive(route, progress, SETTINGS, 0, STOP[0], T0)
    t = stay(route, progress, SETTINGS, STOP[0], t, 90)
    drive(route, progress, SETTINGS, STOP[0], STOP[1] - 50, t)
    assert visited(progress) == []
    assert away(progress, route)[1] == 1  # stop 0 is still to do


def test_a_late_delivered_event_still_delivers_a_visited_stop_with_proof(route, progress):
    t = drive(route, progress, SETTINGS, 0, STOP[0], T0)
    t = stay(route, progress, SETTINGS, STOP[0], t, 90)
    t = drive(route, progress, SETTINGS, STOP[0], STOP[1] - 50, t)
    assert visited(progress) == [0]
    before, ratio = away(progress, route), progress.dwell_ratio
    changes = apply_event(route, progress, delivered(0, t + 600), SETTINGS)
    ship = progress.shipments["DS0000"]
    assert ship.status == "delivered" and ship.proof["left_at"] == "front door"
    assert [c.status for c in changes] == ["delivered"]
    assert away(progress, route) == before  # it was counted done at the visit already
    assert progress.dwell_ratio == ratio  # ten minutes after leaving is not time at the door
    assert progress.stops[0].served and progress.stops[0].visited_at is not None


def test_the_return_to_the_station_does_not_claim_a_visited_stops_parcel_back(route, progress):
    t = drive(route, progress, SETTINGS, 0, STOP[0], T0)
    t = stay(route, progress, SETTINGS, STOP[0], t, 90)
    t = drive(route, progress, SETTINGS, STOP[0], STOP[1] - 50, t)
    changes = apply_event(route, progress, StopEvent("returned", t + 600), SETTINGS)
    assert "DS0000" not in {c.tracking_id for c in changes}
    assert progress.shipments["DS0000"].status == "arriving"
    assert progress.shipments["DS0010"].status == "returned"


def test_once_the_app_reports_outcomes_positions_mark_nothing(route, progress):
    t = drive(route, progress, SETTINGS, 0, STOP[0], T0)
    t = stay(route, progress, SETTINGS, STOP[0], t, 60)
    apply_event(route, progress, delivered(0, t), SETTINGS)
    t = drive(route, progress, SETTINGS, STOP[0], STOP[1], t)
    t = stay(route, progress, SETTINGS, STOP[1], t, 120)  # no event for stop 1
    drive(route, progress, SETTINGS, STOP[1], STOP[3], t)
    assert visited(progress) == []
    assert away(progress, route)[5] == 4  # stop 1 is still to do: the driver will say when


def test_a_stop_skipped_and_visited_later_counts_then(route, progress):
    t = drive(route, progress, SETTINGS, 0, STOP[0], T0)
    t = stay(route, progress, SETTINGS, STOP[0], t, 60)
    t = drive(route, progress, SETTINGS, STOP[0], STOP[2], t)  # past stop 1 without stopping
    t = stay(route, progress, SETTINGS, STOP[2], t, 60)
    t = drive(route, progress, SETTINGS, STOP[2], STOP[1], t)  # back to it
    assert visited(progress) == [0, 2]
    assert stops_away(progress, 3) == 1
    t = stay(route, progress, SETTINGS, STOP[1], t, 60)
    drive(route, progress, SETTINGS, STOP[1], STOP[3] - 30, t)
    assert visited(progress) == [0, 1, 2]
    assert stops_away(progress, 3) == 0


def test_loading_at_the_station_next_to_a_stop_is_no_visit():
    route = make_route(route_id="r_bay")
    route.stops[0].lat = STATION[0] + 40 / 111_200  # a door 40 m from the loading bay
    route.legs[0] = [STATION, (route.stops[0].lat, STATION[1])]
    p = start_progress(route, T0)
    rng = random.Random(2)
    t = stay(route, p, SETTINGS, 0, T0, 1200, jitter=lambda i: (rng.gauss(0, 6), rng.gauss(0, 6)))
    drive(route, p, SETTINGS, 0, STOP[1], t)
    assert p.started and visited(p) == []


def test_a_stop_next_to_the_station_visited_before_leaving_starts_the_route():
    route = make_route(vehicle="foot", route_id="r_next_door")
    route.station = Point(STATION[0] - 100 / 111_200, STATION[1])  # stop 0 is 100 m from it
    route.stops[0].lat = STATION[0]
    route.legs[0] = [(route.station.lat, STATION[1]), STATION]
    p = start_progress(route, T0)
    t = stay(route, p, SETTINGS, -100, T0, 300)  # loading
    t = drive(route, p, SETTINGS, -100, 0, t, speed=1.4)
    t = stay(route, p, SETTINGS, 0, t, 60)
    assert not p.started
    drive(route, p, SETTINGS, 0, -70, t, speed=1.4)  # back past the station to the next ones
    assert visited(p) == [0] and p.started
    assert p.shipments["DS0010"].status == "approaching"


def test_inference_can_be_turned_off(route, progress):
    settings = Settings(visit_min_s=0)
    t = drive(route, progress, settings, 0, STOP[0], T0)
    t = stay(route, progress, settings, STOP[0], t, 90)
    drive(route, progress, settings, STOP[0], STOP[1], t)
    assert visited(progress) == []


def test_progress_stored_before_visits_existed_still_loads(route, progress):
    t = drive(route, progress, SETTINGS, 0, STOP[0] - 100, T0)
    apply_event(route, progress, StopEvent("arrived", t, stop=0), SETTINGS)
    old = json.loads(json.dumps(progress.to_dict()))
    for stop in old["stops"]:
        del stop["visited_at"]
    for name in ("outcomes_reported", "dwell_stop", "dwell_along", "dwell_from", "dwell_to"):
        del old[name]
    again = Progress.from_dict(old)
    assert again == dataclasses.replace(progress, outcomes_reported=False)
    assert again.stops[0].pending and not again.outcomes_reported
