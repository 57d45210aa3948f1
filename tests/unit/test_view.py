"""The customer and seller views: the JSON contract, and privacy in one place."""

from __future__ import annotations

import json

import pytest

from app.domain.model import StopEvent
from app.domain.tracking import Settings, apply_event, apply_fix, start_progress
from app.domain.view import customer_view, route_summary
from tests.support.tracking import (
    STATION,
    STOP_SPACING_M,
    T0,
    delivered,
    drive,
    fix_at,
    local_ts,
    make_route,
    shipments_of,
    stay,
    stop_fix,
)

SETTINGS = Settings(visible_stops=3)
KEYS = {
    "tracking_id", "status", "status_text", "stops_away", "visited_at", "eta", "destination",
    "driver", "path", "timeline", "proof", "attempt", "timezone", "updated_at",
    "delivery_date", "arrives_on",
}  # fmt: skip


@pytest.fixture
def route():
    return make_route()


@pytest.fixture
def shipments(route):
    return {s.tracking_id: s for s in shipments_of(route)}


def on_the_way_to(route, k, t0=T0, settings=SETTINGS):
    """Progress of a driver 100 m short of stop k, every stop before it delivered."""
    p = start_progress(route, t0)
    apply_fix(route, p, fix_at(*STATION, t0), settings)
    apply_event(route, p, StopEvent("route_started", t0), settings)
    t = t0
    for j in range(k + 1):
        for m in (150, 100) if j == k else (150, 100, 50, 0):
            t += 10
            apply_fix(route, p, stop_fix(route, j, t, m), settings)
        if j < k:
            apply_event(route, p, delivered(j, t + 30), settings)
            t += 30
    return p


def test_the_view_has_the_documented_shape(route, shipments):
    p = on_the_way_to(route, 2)
    view = customer_view(route, p, shipments["DS0040"], SETTINGS)
    assert set(view) == KEYS
    assert view["status"] == "approaching" and view["stops_away"] == 2
    assert view["status_text"] == "2 stops away"
    assert set(view["eta"]) == {"at", "window", "text", "day", "moved_to_next_day"}
    assert view["eta"]["text"].startswith("Arriving ")
    assert view["driver"]["name"] == "Aino" and view["driver"]["vehicle"] == "van"
    assert view["updated_at"].endswith("Z") and view["eta"]["at"].endswith("Z")
    json.dumps(view)


@pytest.mark.parametrize(("tracking_id", "visible"), [("DS0050", True), ("DS0060", False)])
def test_driver_position_only_within_visible_stops(route, shipments, tracking_id, visible):
    p = on_the_way_to(route, 2)  # DS0050 is 3 stops away, DS0060 is 4
    view = customer_view(route, p, shipments[tracking_id], SETTINGS)
    text = json.dumps(view)
    driver_lat = str(round(p.last_fix["lat"], 6))
    assert (view["driver"]["position"] is not None) is visible
    assert view["path"] is None  # not the next stop: no way drawn across the blocks
    assert (driver_lat in text) is visible


def test_visible_minutes_opens_the_map_earlier(route, shipments):
    p = on_the_way_to(route, 2)
    settings = Settings(visible_stops=0, visible_minutes=120)
    assert customer_view(route, p, shipments["DS0090"], settings)["driver"]["position"]
    assert customer_view(route, p, shipments["DS0090"], Settings(visible_stops=0))["path"] is None


def test_the_next_stop_sees_the_planned_path_to_the_door(route, shipments):
    p = on_the_way_to(route, 2)
    path = customer_view(route, p, shipments["DS0020"], SETTINGS)["path"]
    assert len(path) > 2  # along the leg, not a straight line
    assert path[-1] == [route.stops[2].lat, route.stops[2].lon]


def test_after_delivery_the_map_shows_the_door_and_proof_not_the_driver(route, shipments):
    p = on_the_way_to(route, 3)
    view = customer_view(route, p, shipments["DS0010"], SETTINGS)
    assert view["status"] == "delivered"
    assert view["driver"]["position"] is None and view["path"] is None and view["eta"] is None
    assert view["proof"]["left_at"] == "front door"
    assert view["proof"]["location"] == view["destination"]
    assert str(round(p.last_fix["lat"], 6)) not in json.dumps(view)


def test_the_view_never_names_another_customer(route, shipments):
    route.stops[2].address = "Salainen katu 99"
    route.driver.name = "Aino Virtanen"
    p = on_the_way_to(route, 1)
    for tid, shipment in shipments.items():
        text = json.dumps(customer_view(route, p, shipment, SETTINGS))
        for other in shipments.values():
            if other.tracking_id != tid:
                assert other.recipient not in text and other.tracking_id not in text
        assert "Testikatu" not in text and "Salainen" not in text
        assert "Virtanen" not in text


def test_a_stop_out_of_reach_before_8_pm_moves_to_the_next_day(route, shipments):
    p = on_the_way_to(route, 0, t0=local_ts(19, 50))
    view = customer_view(route, p, shipments["DS0110"], SETTINGS)
    assert view["eta"]["moved_to_next_day"] is True
    assert view["eta"]["day"] == "2026-11-27"
    assert view["eta"]["text"] == "Moved to the next delivery day, Fri 27 Nov"
    assert (
        customer_view(route, p, shipments["DS0000"], SETTINGS)["eta"]["moved_to_next_day"] is False
    )


def test_eta_window_is_local_and_widens_with_time_to_go(route, shipments):
    p = on_the_way_to(route, 0)
    near = customer_view(route, p, shipments["DS0010"], SETTINGS)["eta"]
    far = customer_view(route, p, shipments["DS0110"], SETTINGS)["eta"]

    def width(eta):
        lo, hi = eta["window"]
        return int(hi[11:13]) * 60 + int(hi[14:16]) - int(lo[11:13]) * 60 - int(lo[14:16])

    assert width(far) >= width(near) > 0
    assert near["text"].startswith("Arriving 09:") or near["text"].startswith("Arriving 08:")


def test_seller_summary_shows_the_fleet(route, shipments):
    p = on_the_way_to(route, 2)
    apply_event(
        route, p, StopEvent("attempted", p.updated_at, stop=2, reason="no_access"), SETTINGS
    )
    summary = route_summary(route, p, list(shipments.values()), SETTINGS)
    assert summary["status"] == "on_route" and summary["position"]["lat"] == round(
        p.last_fix["lat"], 6
    )
    assert (summary["stops_done"], summary["stops_total"]) == (3, 12)
    rows = {r["tracking_id"]: r for r in summary["shipments"]}
    assert rows["DS0020"]["status"] == "attempted"
    assert rows["DS0050"]["stops_away"] == 2 and rows["DS0050"]["eta"].startswith("Arriving")
    assert rows["DS0050"]["address"] == "Testikatu 6"
    assert summary["planned"] is None  # on the way: the position tells it
    json.dumps(summary)


def test_a_route_not_started_shows_its_planned_day(route, shipments):
    summary = route_summary(route, start_progress(route, T0), list(shipments.values()), SETTINGS)
    planned = summary["planned"]
    assert summary["status"] == "not_started" and summary["position"] is None
    assert len(planned["stops"]) == len(route.stops) == 12
    assert planned["station"] == [round(STATION[0], 5), round(STATION[1], 5)]
    assert planned["path"][0] == planned["station"] and len(planned["path"]) > len(route.stops)
    assert planned["stops"][3] == [round(route.stops[3].lat, 5), round(route.stops[3].lon, 5)]
    json.dumps(summary)


def first_stop_visited(route):
    """Progress of a phone that sends no events: 90 s at stop 0, then on towards stop 1."""
    p = start_progress(route, T0)
    t = drive(route, p, SETTINGS, 0, STOP_SPACING_M, T0)
    t = stay(route, p, SETTINGS, STOP_SPACING_M, t, 90)
    drive(route, p, SETTINGS, STOP_SPACING_M, 2 * STOP_SPACING_M - 60, t)
    return p


def test_a_visited_stop_says_so_without_claiming_a_delivery(route, shipments):
    p = first_stop_visited(route)
    view = customer_view(route, p, shipments["DS0000"], SETTINGS)
    assert view["status"] == "arriving"  # as it was: no outcome is known
    assert view["status_text"] == "Your driver stopped at your address at 09:01"
    assert view["visited_at"].endswith("Z") and view["proof"] is None
    assert view["stops_away"] is None and view["eta"] is None
    assert view["driver"]["position"] is None and view["path"] is None
    assert "Delivered" not in json.dumps(view)
    assert {e["status"] for e in view["timeline"]} & {"delivered", "attempted"} == set()
    following = customer_view(route, p, shipments["DS0010"], SETTINGS)
    assert following["stops_away"] == 0 and following["status"] == "arriving"
    assert following["visited_at"] is None and following["eta"]["text"].startswith("Arriving")


def test_seller_summary_shows_a_visit_apart_from_deliveries(route, shipments):
    p = first_stop_visited(route)
    summary = route_summary(route, p, list(shipments.values()), SETTINGS)
    assert (summary["stops_done"], summary["stops_visited"]) == (0, 1)
    rows = {r["tracking_id"]: r for r in summary["shipments"]}
    assert rows["DS0000"]["status"] == "arriving" and rows["DS0000"]["visited_at"].endswith("Z")
    assert rows["DS0000"]["stops_away"] is None and rows["DS0000"]["eta"] is None
    assert rows["DS0050"]["stops_away"] == 4 and rows["DS0050"]["visited_at"] is None



def test_the_next_customer_never_sees_the_driver_at_another_door(route, shipments):
    """Within the visible stops, the driver standing at stop 1 would show stop 1's door to the
    customer of stop 2: the position and path are withheld until the driver moves on."""
    p = on_the_way_to(route, 1)
    t = p.updated_at
    for metres in (25, 10, 0):
        t += 10
        apply_fix(route, p, stop_fix(route, 1, t, metres), SETTINGS)
        for tid in ("DS0020", "DS0030"):  # 1 and 2 stops away: both within the visible stops
            view = customer_view(route, p, shipments[tid], SETTINGS)
            assert view["stops_away"] is not None and view["driver"]["position"] is None
            assert view["path"] is None and view["driver"]["at_another_stop"] is True
            assert str(round(p.last_fix["lat"], 6)) not in json.dumps(view)
    # The customer being delivered to sees the driver arrive at their own door.
    assert customer_view(route, p, shipments["DS0010"], SETTINGS)["driver"]["position"]
    apply_event(route, p, delivered(1, t + 30), SETTINGS)
    apply_fix(route, p, stop_fix(route, 2, t + 60, 100), SETTINGS)  # moved on, 100 m past
    driver = customer_view(route, p, shipments["DS0020"], SETTINGS)["driver"]
    assert driver["position"] and driver["at_another_stop"] is False
    # Too far for the map at all: not "at another stop" either (nothing to veil).
    far = customer_view(route, p, shipments["DS0100"], SETTINGS)["driver"]
    assert far["at_another_stop"] is False


def test_on_the_delivery_day_a_parcel_not_yet_out_says_so(route, shipments):
    p = start_progress(route, T0)  # registered; the driver has not left the station
    today = customer_view(route, p, shipments["DS0040"], SETTINGS, now=local_ts(9))
    assert today["status"] == "created" and today["status_text"] == "Arriving today"
    # Registered late in the evening: no driver goes out after 20:00, so not "today".
    evening = start_progress(route, local_ts(21))
    late = customer_view(route, evening, shipments["DS0040"], SETTINGS, now=local_ts(21))
    assert late["status_text"] == "Order received"
    # A route registered days ahead: the order is only received.
    route.created_at = T0 - 2 * 86400
    ahead = customer_view(route, p, shipments["DS0040"], SETTINGS, now=local_ts(9))
    assert ahead["status_text"] == "Order received"


def test_a_route_planned_for_a_later_day_names_that_day_never_today(route, shipments):
    """Registered the evening before for the next day (the plan page's usual case): "Arriving
    tomorrow", a later day by its date; on the day itself "Arriving today"."""
    p = start_progress(route, local_ts(17))
    route.created_at = local_ts(17)
    route.date = "2026-11-27"
    eve = customer_view(route, p, shipments["DS0040"], SETTINGS, now=local_ts(17))
    assert eve["status_text"] == "Arriving tomorrow" and eve["delivery_date"] == "2026-11-27"
    assert eve["arrives_on"] == "2026-11-27" and eve["eta"] is None
    route.date = "2026-11-29"
    later = customer_view(route, p, shipments["DS0040"], SETTINGS, now=local_ts(17))
    assert later["status_text"] == "Arriving on Sun 29 Nov"
    route.date = "2026-11-27"
    day = customer_view(route, p, shipments["DS0040"], SETTINGS, now=local_ts(8, day=27))
    assert day["status_text"] == "Arriving today" and day["arrives_on"] is None


def test_a_route_for_tomorrow_does_not_start_on_fixes_or_a_tap_today(route, shipments):
    """A phone carried the evening before, or Start tapped early: no ETA is run as today and
    no customer is told the parcel is out; the next morning the same fixes start it."""
    from app.domain.tracking import EventError

    route.date = "2026-11-27"
    p = start_progress(route, local_ts(17))
    t = local_ts(18)
    apply_fix(route, p, fix_at(*STATION, t), SETTINGS)
    for k in range(3):
        t += 60
        assert apply_fix(route, p, stop_fix(route, k, t, 0), SETTINGS).accepted
    assert not p.started and p.etas == [None] * len(route.stops)
    view = customer_view(route, p, shipments["DS0040"], SETTINGS, now=t)
    assert view["status"] == "created" and view["eta"] is None
    assert view["status_text"] == "Arriving tomorrow"
    with pytest.raises(EventError) as err:
        apply_event(route, p, StopEvent("route_started", t), SETTINGS)
    assert err.value.field == "timestamp" and not p.started
    t = local_ts(9, day=27)
    apply_fix(route, p, fix_at(*STATION, t), SETTINGS)
    apply_event(route, p, StopEvent("route_started", t), SETTINGS)
    apply_fix(route, p, stop_fix(route, 0, t + 60, 150), SETTINGS)
    assert p.started and customer_view(route, p, shipments["DS0040"], SETTINGS,
                                       now=t + 60)["eta"]["window"][0].startswith("2026-11-27")


@pytest.mark.parametrize("lat, lon", [(60.1675, 24.945), (0.0, 179.99985), (-33.9, -18.4),
                                      (89.9997, 10.0), (12.5, -179.9999)])
def test_the_door_check_answers_as_measuring_every_stop_would(lat, lon):
    """The longitude bound only skips stops the haversine would find farther than the door
    radius: same answers as measuring all of them, on an east-west street (every stop passes
    the latitude test), across the antimeridian and near a pole."""
    import random
    from types import SimpleNamespace

    from app.domain.geo import haversine_m
    from app.domain.view import DOOR_RADIUS_M, _at_another_door

    rnd = random.Random(7)
    for _ in range(300):
        stops = [SimpleNamespace(index=k, lat=lat + rnd.uniform(-2e-4, 2e-4),
                                 lon=(lon + rnd.uniform(-1e-3, 1e-3) + 180) % 360 - 180)
                 for k in range(5)]
        fix = {"lat": lat + rnd.uniform(-2e-4, 2e-4),
               "lon": (lon + rnd.uniform(-1e-3, 1e-3) + 180) % 360 - 180}
        route, progress = SimpleNamespace(stops=stops), SimpleNamespace(last_fix=fix)
        for mine in range(5):
            own = haversine_m(fix["lat"], fix["lon"], stops[mine].lat, stops[mine].lon)
            expected = any(
                d < DOOR_RADIUS_M and d < own
                for d in (haversine_m(fix["lat"], fix["lon"], s.lat, s.lon)
                          for s in stops if s.index != mine))
            assert _at_another_door(route, progress, mine) == expected
