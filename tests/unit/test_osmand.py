"""Real phones: every form of the OsmAnd protocol moves the driver, bad input says why."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
import requests

from tests.support.helpers import STATION, STOPS, T0, iso, register

SELLER = {"Authorization": "Bearer demo"}
LAT, LON = (STATION["lat"] + STOPS[0][0]) / 2, (STATION["lon"] + STOPS[0][1]) / 2
TS = T0.timestamp() + 30
DEVICE = "traccar-812734-a1f9c3e07d"


pytestmark = pytest.mark.usefixtures("routes_registered_before_t0")


def with_device(client, device=DEVICE, **kwargs):
    reg = register(client, **kwargs)
    resp = client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": device},
                      headers=SELLER)
    assert resp.status_code == 200, resp.json
    return reg


def query(**extra):
    return urlencode({"id": DEVICE, "lat": LAT, "lon": LON, "timestamp": int(TS), **extra})


# (method, path, keyword arguments for the test client, expected speed in m/s)
FORMS = {
    "GET query": ("get", "/osmand?" + query(speed=10), {}, 10 * 0.514444),
    "POST query, empty body": ("post", "/?" + query(), {}, None),
    "POST form body": ("post", "/osmand", {"data": query(bearing=90, accuracy=5),
                                           "content_type": "application/x-www-form-urlencoded"},
                       None),
    "location=lat,lon": ("get", "/osmand?" + urlencode(
        {"deviceid": DEVICE, "location": f"{LAT},{LON}", "timestamp": int(TS)}), {}, None),
    "ms timestamp, knots": ("get", "/osmand?" + query(timestamp=int(TS * 1000), speed=20), {},
                            20 * 0.514444),
    "ISO timestamp": ("get", "/osmand?" + query(timestamp="2026-11-26T11:00:30.000+02:00"), {},
                      None),
    "space timestamp (UTC)": ("get", "/osmand?" + query(timestamp="2026-11-26 09:00:30"), {},
                              None),
    "JSON body": ("post", "/", {"json": {
        "device_id": DEVICE,
        "location": {"timestamp": "2026-11-26T09:00:30.000Z", "coords": {
            "latitude": LAT, "longitude": LON, "speed": 4.2, "heading": -1, "accuracy": 6,
            "altitude": 12}, "battery": {"level": 0.8, "is_charging": False}}}}, 4.2),
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_accepted_form_moves_the_driver(client, form):
    method, path, kwargs, speed = form
    reg = with_device(client)
    resp = getattr(client, method)(path, **kwargs)
    assert resp.status_code == 200, resp.data
    assert resp.json == {"accepted": 1, "dropped": 0}
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    pos = view["driver"]["position"]
    assert (pos["lat"], pos["lon"]) == (pytest.approx(LAT, abs=1e-6), pytest.approx(LON, abs=1e-6))
    assert pos["at"] == "2026-11-26T09:00:30Z"
    if speed is not None:
        assert pos["speed"] == pytest.approx(speed, rel=1e-4)


@pytest.mark.parametrize("path, kwargs, field", [
    ("/osmand?lat=60.1&lon=24.9", {}, "id"),
    ("/osmand?" + query(id="unknown-phone"), {}, "id"),
    ("/osmand?" + query(lat="sixty"), {}, "lat"),
    ("/osmand?" + query(lat=91), {}, "lat"),
    ("/osmand?" + urlencode({"id": DEVICE, "lon": LON}), {}, "lat"),
    ("/osmand?" + urlencode({"id": DEVICE, "location": "60.1"}), {}, "location"),
    ("/osmand?" + query(timestamp="yesterday"), {}, "timestamp"),
    ("/osmand", {"json": {"device_id": DEVICE, "location": {"coords": {"latitude": 60.1}}}},
     "location.coords.longitude"),
    ("/osmand", {"json": {"location": {}}}, "device_id"),
    ("/osmand", {"data": "{not json", "content_type": "application/json"}, "body"),
])
def test_bad_requests_are_400_naming_the_field(client, path, kwargs, field):
    with_device(client)
    resp = client.post(path, **kwargs) if kwargs else client.get(path)
    assert resp.status_code == 400, resp.data
    assert json.loads(resp.data)["field"] == field


def stored_fixes(points, t0, speed):
    """A Traccar Client JSON body of fixes (lat, lon) every 5 s from t0 seconds after T0."""
    return {"device_id": DEVICE, "location": [
        {"timestamp": iso(t0 + 5 * i), "coords": {"latitude": lat, "longitude": lon,
                                                 "speed": speed, "accuracy": 5}}
        for i, (lat, lon) in enumerate(points)]}


def between(a, b, n):
    return [(a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n) for k in range(1, n + 1)]


def test_a_phone_without_stop_events_counts_the_stops_down(client):
    reg = with_device(client, start=False)  # no route_started either: positions only
    tokens = [s["token"] for s in reg["shipments"]]
    station, stop0, stop1 = (STATION["lat"], STATION["lon"]), STOPS[0][:2], STOPS[1][:2]

    def post(body):
        resp = client.post("/osmand", json=body)
        assert resp.status_code == 200 and resp.json["dropped"] == 0, resp.json

    post(stored_fixes(between(station, stop0, 6), 0, 6.0))  # to stop 0
    post(stored_fixes([stop0] * 18, 35, 0.0))  # 90 s at the door
    assert client.get(f"/api/v1/track/{tokens[2]}").json["stops_away"] == 2
    post(stored_fixes(between(stop0, stop1, 6), 125, 6.0))  # on to stop 1
    last = client.get(f"/api/v1/track/{tokens[2]}").json
    assert last["stops_away"] == 1 and last["status_text"] == "1 stop away"
    first = client.get(f"/api/v1/track/{tokens[0]}").json
    assert first["status_text"].startswith("Your driver stopped at your address at ")
    assert first["status"] not in ("delivered", "attempted") and first["eta"] is None


def test_device_registration_checks_owner_and_id(client):
    reg = register(client)
    url = f"/api/v1/routes/{reg['route_id']}/device"
    assert client.put(url, json={"device_id": DEVICE}).status_code == 401
    bad = client.put(url, json={"device_id": "a b"}, headers=SELLER)
    assert bad.status_code == 400 and bad.json["field"] == "device_id"
    acme = {"Authorization": "Bearer acme-key"}
    assert client.put(url, json={"device_id": DEVICE}, headers=acme).status_code == 404
    assert client.put(url, json={"device_id": DEVICE}, headers=SELLER).status_code == 200
    theirs = register(client, key="acme-key")
    taken = client.put(f"/api/v1/routes/{theirs['route_id']}/device",
                       json={"device_id": DEVICE}, headers=acme)
    assert taken.status_code == 409 and taken.json["field"] == "device_id"


def test_device_ids_are_issued_or_long_so_nobody_claims_another_sellers_phone(app, client):
    acme = {"Authorization": "Bearer acme-key"}
    ours, theirs = register(client), register(client, key="acme-key")
    issued = client.put(f"/api/v1/routes/{ours['route_id']}/device", json={}, headers=SELLER)
    assert issued.status_code == 200 and len(issued.json["device_id"]) >= 20
    # Traccar Client's default id is six digits: a seller claiming them all would receive
    # other sellers' phones, so a chosen id must be as long as a token.
    short = client.put(f"/api/v1/routes/{theirs['route_id']}/device",
                       json={"device_id": "812734"}, headers=acme)
    assert short.status_code == 400 and short.json["field"] == "device_id"
    assert "20 characters" in short.json["error"]
    assert client.get("/osmand?" + query(id="812734")).status_code == 400
    # The same phone on the seller's next route keeps its id.
    again = register(client)
    moved = client.put(f"/api/v1/routes/{again['route_id']}/device",
                       json={"device_id": issued.json["device_id"]}, headers=SELLER)
    assert moved.status_code == 200
    app.config["DEVICES_PER_SELLER"] = "3/hour"  # two claims so far: one more, then no more
    assert client.put(f"/api/v1/routes/{again['route_id']}/device", json={},
                      headers=SELLER).status_code == 200
    capped = client.put(f"/api/v1/routes/{again['route_id']}/device", json={}, headers=SELLER)
    assert capped.status_code == 429 and capped.json["field"] == "device_id"
    assert "device claims for this seller" in capped.json["error"]


def test_a_phone_moves_the_marker_on_the_page(live_server, browser):
    s = requests.Session()
    reg = register(s, live_server.url)
    s.put(f"{live_server.url}/api/v1/routes/{reg['route_id']}/device",
          json={"device_id": DEVICE}, headers=SELLER).raise_for_status()
    # A server of its own runs on the real clock: a phone's fix from before its route was
    # registered would be dropped.
    assert s.get(f"{live_server.url}/osmand?{query(timestamp=int(time.time()))}").json() \
        == {"accepted": 1, "dropped": 0}
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(f"{live_server.url}/track/{reg['shipments'][0]['token']}")
    page.wait_for_selector(".driver-marker")
    page.wait_for_function(
        f"Math.abs(Number(document.getElementById('track').dataset.driverLat) - {LAT}) < 1e-6")
    page.close()


def test_device_ids_are_stored_hashed_like_every_credential(app, client):
    """A copy of the store holds no working credential: not a phone's device id either."""
    reg = register(client)
    device = "phone-courier-hel-0001-abcdef"
    assert client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": device},
                      headers={"Authorization": "Bearer demo"}).status_code == 200
    store = app.extensions["doorstep"].store
    assert store.get_doc("device", device) is None
    from app.access.tokens import hash_token

    assert store.get_doc("device", hash_token(device))["route_id"] == reg["route_id"]


@pytest.mark.parametrize("path, answer", [
    ("/?" + query(), "position"),  # OsmAnd and the oldest iOS client GET the root
    ("/?" + urlencode({"deviceid": DEVICE, "location": f"{LAT},{LON}",
                       "timestamp": int(TS)}), "position"),
    ("/?" + urlencode({"id": DEVICE, "lat": LAT}), "400 lon"),  # half a location names it
    ("/?" + urlencode({"id": DEVICE}), "heartbeat"),  # a phone saying it is alive
    ("/?lat=60.1&lon=24.9", "page"),
    ("/", "page"),
])
def test_a_get_of_the_root_is_a_phone_only_with_an_id(client, path, answer):
    reg = with_device(client)
    resp = client.get(path)
    position = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json["driver"][
        "position"]
    if answer == "position":
        assert resp.status_code == 200 and resp.json == {"accepted": 1, "dropped": 0}
        assert position["at"] == "2026-11-26T09:00:30Z"
    elif answer == "400 lon":
        assert resp.status_code == 400 and resp.json["field"] == "lon"
    elif answer == "heartbeat":
        assert resp.status_code == 200 and resp.json == {"accepted": 0, "dropped": 0}
        assert position is None
    else:
        assert resp.status_code == 200 and resp.mimetype == "text/html"
        assert position is None


def test_a_heartbeat_records_the_phone_and_keeps_what_it_said_before(client):
    reg = with_device(client)
    assert client.get("/osmand?" + query(batt=71, charge="false")).status_code == 200
    beat = client.post("/", data=urlencode({"id": DEVICE, "timestamp": int(TS) + 60}),
                       content_type="application/x-www-form-urlencoded")
    assert beat.status_code == 200 and beat.json == {"accepted": 0, "dropped": 0}
    route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
    assert route["phone"]["battery"] == 71 and route["phone"]["charging"] is False
    assert route["position"]["at"] == "2026-11-26T09:00:30Z"  # the last location is kept
    # Customers never see the phone's state.
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    assert "phone" not in json.dumps(view) and "battery" not in json.dumps(view)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e309", "9" * 400, "fast", "-1"])
def test_an_unreadable_speed_heading_or_accuracy_is_unknown_never_a_refusal(client, value):
    reg = with_device(client)
    resp = client.get("/osmand?" + query(speed=value, bearing=value, accuracy=value))
    assert resp.status_code == 200 and resp.json == {"accepted": 1, "dropped": 0}
    pos = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json["driver"]["position"]
    assert pos["speed"] is None and pos["heading"] is None


def test_one_unreadable_fix_of_a_stored_list_keeps_the_others(client):
    reg = with_device(client)
    body = stored_fixes(between((60.1676, 24.9452), (60.1680, 24.9480), 3), 10, 5)
    body["location"][1]["coords"]["latitude"] = "north"
    resp = client.post("/osmand", json=body)
    assert resp.status_code == 200 and resp.json == {"accepted": 2, "dropped": 1}
    assert reg


def test_a_form_is_read_whatever_its_content_type(client):
    with_device(client)
    for content_type in ("text/plain", None):
        resp = client.post("/", data=query(timestamp=int(TS) + 10 + (content_type is None)),
                           content_type=content_type)
        assert resp.status_code == 200 and resp.json["accepted"] == 1, resp.data


def test_a_form_of_thousands_of_fields_is_refused_cheaply(client):
    with_device(client)
    resp = client.post("/", data=query() + "&x=1" * 5000,
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400 and resp.json["field"] == "body"


def test_a_registered_phone_is_never_locked_out_by_unknown_ids_from_its_address(app, client):
    reg = with_device(client)
    app.config["DEVICE_FAILURE_RATE"] = "3/minute"
    unknown = [client.get("/osmand?" + query(id="traccar-default-0")).status_code
               for _ in range(6)]
    assert unknown[:3] == [400] * 3 and unknown[3:] == [429] * 3
    resp = client.get("/osmand?" + query())
    assert resp.status_code == 200 and resp.json["accepted"] == 1
    assert reg


def test_an_upload_cut_off_mid_body_stores_nothing(client):
    reg = with_device(client)
    body = query()
    resp = client.post("/", data=body[:40], content_type="application/x-www-form-urlencoded",
                       environ_overrides={"CONTENT_LENGTH": str(len(body))})
    assert resp.status_code == 400 and resp.json["field"] == "body"
    assert client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json["driver"][
        "position"] is None


def test_a_list_sent_again_is_not_stored_again_and_nothing_moves_back(client):
    reg = with_device(client)
    body = stored_fixes(between((60.1676, 24.9452), (60.1680, 24.9480), 5), 10, 5)
    first = client.post("/osmand", json=body)
    assert first.json == {"accepted": 5, "dropped": 0}
    for _ in range(2):  # the phone never saw the answer, and sends the whole list again
        again = client.post("/osmand", json=body)
        assert again.status_code == 200 and again.json == {"accepted": 0, "dropped": 5}
    stored = client.get(f"/api/v1/routes/{reg['route_id']}/positions", headers=SELLER).json
    assert len(stored["positions"]) == 5


def test_an_old_backlog_does_not_overwrite_the_phones_battery(client):
    reg = with_device(client)
    assert client.get("/osmand?" + query(timestamp=int(TS) + 3600, batt=20)).status_code == 200
    old = stored_fixes([(60.1676, 24.9452)], 10, 5)
    old["location"][0]["battery"] = {"level": 0.8, "is_charging": True}
    assert client.post("/osmand", json=old).status_code == 200
    phone = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json["phone"]
    assert phone["battery"] == 20


def test_a_list_from_an_unknown_phone_is_refused_before_its_items_are_read(client):
    with_device(client)
    items = [{"id": "unknown-device-xxxxxxxxxxxx", "lat": 60.16, "lon": 24.93,
              "timestamp": int(TS) + i} for i in range(3000)]
    resp = client.post("/", json=items)
    assert resp.status_code == 400 and resp.json["field"] == "id"


def test_a_replaced_or_unlinked_phone_is_cut_off(client):
    reg = register(client)
    route = reg["route_id"]
    old = client.put(f"/api/v1/routes/{route}/device", json={}, headers=SELLER).json["device_id"]
    new = client.put(f"/api/v1/routes/{route}/device", json={}, headers=SELLER).json["device_id"]
    assert client.get("/osmand?" + query(id=old)).status_code == 400  # the replaced phone
    assert client.get("/osmand?" + query(id=new)).status_code == 200
    assert client.delete(f"/api/v1/routes/{route}/device", headers=SELLER).status_code == 204
    assert client.get("/osmand?" + query(id=new, timestamp=int(TS) + 60)).status_code == 400
    assert client.delete(f"/api/v1/routes/{route}/device", headers=SELLER).status_code == 404
    other = register(client, key="acme-key")
    assert client.delete(f"/api/v1/routes/{other['route_id']}/device",
                         headers=SELLER).status_code == 404  # another seller's route


def test_a_phone_moved_to_the_next_route_is_not_cut_off_by_the_first(client):
    first, second = register(client), register(client)
    phone = "phone-4711-9c0e51b2a7d3-long"
    for reg in (first, second):
        client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": phone},
                   headers=SELLER)
    assert client.delete(f"/api/v1/routes/{first['route_id']}/device",
                         headers=SELLER).status_code == 204
    assert client.get("/osmand?" + query(id=phone)).status_code == 200


def test_a_field_sent_twice_counts_its_last_value_and_head_stores_nothing(client):
    reg = with_device(client)
    assert client.head("/?" + query()).status_code == 200
    positions = f"/api/v1/routes/{reg['route_id']}/positions"
    assert client.get(positions, headers=SELLER).json["positions"] == []
    resp = client.get(f"/osmand?{query()}&lat={LAT + 0.001}")
    assert resp.json == {"accepted": 1, "dropped": 0}
    assert client.get(positions, headers=SELLER).json["positions"][0]["lat"] == \
        pytest.approx(LAT + 0.001)
