"""Class 8 of issue 21: no input makes a parser answer 500.

Huge integers in any number field, deep JSON, digits that are not ASCII ("²", Arabic-Indic),
unclosed IPv6 brackets and lone surrogates: each is a 4xx naming the field (or body), through
every door: the JSON API, the phone door, query parameters and the socket handshake.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote, urlencode

import pytest

from app.extensions import socketio
from tests.support.helpers import STATION, STOPS, iso, register, route_payload
from tests.support.signin import sign_in

pytestmark = pytest.mark.usefixtures("routes_registered_before_t0")

PHONE = "phone-0042-courier-helsinki"  # device ids a seller picks are 20+ characters

SELLER = {"Authorization": "Bearer demo"}
HUGE = int("9" * 400)
ODD_DIGITS = ["²", "١٢", "１２", "1_0", "٣.٥", "⁵", "1e99999", "0x10", "NaN", "inf", " ", ""]


def raw(client, url: str, body, headers=None):
    """POST a body as JSON text: Python's json writes 400-digit integers as they are."""
    return client.post(url, data=json.dumps(body), content_type="application/json",
                       headers=headers or {})


def driver(reg: dict) -> dict:
    return {"Authorization": f"Bearer {reg['driver_token']}"}


ROUTE_NUMBERS = [
    (lambda p: p["station"].update(lat=HUGE), "station.lat"),
    (lambda p: p["stops"][0].update(lon=-HUGE), "stops[0].lon"),
    (lambda p: p["stops"][1].update(dwell_s=HUGE), "stops[1].dwell_s"),
    (lambda p: p["legs"][0].__setitem__(0, [HUGE, 24.9]), "legs[0][0]"),
]


@pytest.mark.parametrize("mutate, field", ROUTE_NUMBERS)
def test_a_400_digit_integer_in_a_route_names_its_field(client, mutate, field):
    payload = route_payload()
    mutate(payload)
    resp = raw(client, "/api/v1/routes", payload, SELLER)
    assert resp.status_code == 400, resp.json
    assert resp.json["field"].startswith(field)


@pytest.mark.parametrize("name", ["lat", "lon", "timestamp", "speed", "heading", "accuracy"])
@pytest.mark.parametrize("value", [HUGE, -HUGE, 10**308 * 10])
def test_a_400_digit_integer_in_a_fix_names_its_field(client, name, value):
    reg = register(client)
    fix = {"lat": STOPS[0][0], "lon": STOPS[0][1], "timestamp": iso(10), name: value}
    resp = raw(client, "/api/v1/positions", fix, driver(reg))
    assert resp.status_code == 400 and resp.json["field"] == name, resp.json
    resp = raw(client, "/api/v1/positions", {"positions": [fix]}, driver(reg))
    assert resp.status_code == 400 and resp.json["field"] == f"positions[0].{name}", resp.json


@pytest.mark.parametrize("name", ["stop", "timestamp"])
def test_a_400_digit_integer_in_an_event_names_its_field(client, name):
    reg = register(client)
    event = {"type": "arrived", "stop": 0, "timestamp": iso(10), name: HUGE}
    resp = raw(client, "/api/v1/events", event, driver(reg))
    assert resp.status_code == 400 and resp.json["field"] == name, resp.json


@pytest.mark.parametrize("door", ["/api/v1/positions", "/osmand", "/"])
@pytest.mark.parametrize("depth", [17, 1000, 100_000])
def test_deep_json_is_refused_at_every_door(client, door, depth):
    reg = register(client)
    body = '{"a":' * depth + "1" + "}" * depth
    resp = client.post(door, data=body, content_type="application/json", headers=driver(reg))
    assert resp.status_code == 400 and resp.json["field"] == "body", resp.json
    assert "nested" in resp.json["error"]


def test_json_as_deep_as_a_request_needs_is_taken(client):
    reg = register(client)
    fix = {"lat": STOPS[0][0], "lon": STOPS[0][1], "timestamp": iso(10),
           "extra": json.loads('{"a":' * 12 + "1" + "}" * 12)}
    resp = client.post("/api/v1/positions", json={"positions": [fix]}, headers=driver(reg))
    assert resp.status_code == 200 and resp.json["accepted"] == 1


@pytest.fixture
def phone(client):
    reg = register(client)
    assert client.put(f"/api/v1/routes/{reg['route_id']}/device",
                      json={"device_id": PHONE}, headers=SELLER).status_code == 200
    return reg


LAT, LON = (STATION["lat"] + STOPS[0][0]) / 2, (STATION["lon"] + STOPS[0][1]) / 2
OPTIONAL = ("speed", "accuracy", "bearing")
_STORED = {"speed": "speed", "accuracy": "accuracy", "bearing": "heading"}


@pytest.mark.parametrize("name", ["lat", "lon", "speed", "accuracy", "bearing", "timestamp",
                                  "location"])
@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_odd_digits_on_the_phone_door_are_a_400_naming_the_field(client, phone, name, odd):
    before = client.get(f"/api/v1/routes/{phone['route_id']}", headers=SELLER).json
    params = {"id": PHONE, "lat": LAT, "lon": LON, "timestamp": iso(30), name: odd}
    for resp in (client.get("/osmand?" + urlencode(params)),
                 client.post("/", data=urlencode(params),
                             content_type="application/x-www-form-urlencoded")):
        # Empty means "not given" for the optional measurements, and "now" for a time.
        assert resp.status_code in (200, 400), resp.get_data(as_text=True)
        if resp.status_code == 400:
            assert resp.json["field"] in (name, "location", "lat", "lon"), resp.json
    after = client.get(f"/api/v1/routes/{phone['route_id']}", headers=SELLER).json
    if name in OPTIONAL:
        # A measurement the phone garbled is unknown, never a refusal (a refused fix blocks the
        # phone's queue): the fix is kept without it.
        assert after["position"] is not None
        assert after["position"].get(_STORED[name]) is None  # accuracy is not shown at all
    elif odd.strip():
        assert after == before


@pytest.mark.parametrize("field", ["latitude", "longitude", "speed", "heading", "accuracy"])
@pytest.mark.parametrize("value", ["²", "١٢", HUGE, [1], {"a": 1}, True])
def test_odd_numbers_in_phone_json_are_a_400_or_unknown(client, phone, field, value):
    coords = {"latitude": LAT, "longitude": LON, field: value}
    body = {"device_id": PHONE, "location": {"timestamp": iso(30), "coords": coords}}
    resp = raw(client, "/osmand", body)
    if field in ("latitude", "longitude") or value == HUGE:  # JSON itself refuses 400 digits
        assert resp.status_code == 400, resp.json
        assert resp.json["field"].endswith(field) or resp.json["field"] == "body"
        return
    # An optional measurement that cannot be read is unknown: the fix is kept without it.
    assert resp.status_code == 200 and resp.json == {"accepted": 1, "dropped": 0}, resp.json
    position = client.get(f"/api/v1/routes/{phone['route_id']}", headers=SELLER).json["position"]
    assert position is not None and position.get(field) is None  # accuracy is not shown


@pytest.mark.parametrize("body", [
    {"device_id": "\ud800", "location": {"coords": {"latitude": 1, "longitude": 2}}},
    {"device_id": ["x"], "location": {}},
    {"device_id": PHONE, "location": [[]]},
    {"\udfff": 1},
])
def test_odd_phone_json_is_a_400(client, phone, body):
    resp = raw(client, "/osmand", body)
    assert resp.status_code == 400 and resp.json["field"], resp.json


GET_URLS = ["/api/v1/messages", "/api/v1/programs", "/api/v1/routes", "/api/v1/webhooks",
            "/api/v1/keys", "/track", "/dashboard", "/dashboard/feedback", "/signin", "/",
            "/healthz", "/osmand", "/api/v1/openapi.json"]
PARAMS = ["limit", "kind", "lat", "lon", "number", "next", "id", "timestamp", "offset"]


@pytest.fixture(scope="module")
def signed_in_reader():
    """One signed-in client for the 117 read-only requests below: an app per request was a
    tenth of the fast suite's app building."""
    from app import create_app

    client = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                         "SELLER_KEYS": {"demo": "demo"}, "DEMO": False}).test_client()
    sign_in(client)
    return client


@pytest.mark.parametrize("url", GET_URLS)
@pytest.mark.parametrize("odd", ["²", "١٠", "9" * 400, "-1", "1e999", "\ud800", "%ED%A0%80",
                                 "[::1", "{{7*7}}"])
def test_odd_query_parameters_never_answer_5xx(signed_in_reader, url, odd):
    client = signed_in_reader
    assert client.get("/dashboard").status_code == 200  # still signed in: the pages are read
    value = quote(odd, safe="%", errors="surrogatepass") if odd != "%ED%A0%80" else odd
    query = "&".join(f"{p}={value}" for p in PARAMS)
    resp = client.get(f"{url}?{query}", headers=SELLER if url.startswith("/api/") else {})
    assert resp.status_code < 500, (url, resp.get_data(as_text=True)[:200])


@pytest.mark.parametrize("limit", ["²", "١٠", "１０", "9" * 400, "0", "1001", "-5", "5 5"])
def test_the_message_limit_is_ascii_digits_in_range(client, limit):
    resp = client.get(f"/api/v1/messages?limit={quote(limit)}", headers=SELLER)
    assert resp.status_code == 400 and resp.json["field"] == "limit"


@pytest.mark.parametrize("url", ["http://[::1", "https://[", "http://]", "http:///x",
                                 "http://example.com:99999/", "http://example.com:x/",
                                 "http://[::1/x]"])
def test_a_malformed_webhook_url_is_a_400_naming_url(client, url):
    resp = client.post("/api/v1/webhooks", json={"url": url}, headers=SELLER)
    assert resp.status_code == 400 and resp.json["field"] == "url", resp.json


@pytest.mark.parametrize("auth", [
    {"token": "\ud800"}, {"seller_key": "\udfff"}, {"token": "x" * 100_000},
    {"token": ["a"]}, {"seller_key": {"a": 1}}, {"token": None, "seller_key": None},
    "\ud800", ["token"], 12,
])
def test_odd_socket_auth_is_refused_never_an_error(app, auth):
    sock = socketio.test_client(app, auth=auth)
    assert not sock.is_connected()


def test_odd_socket_auth_then_a_good_one_still_connects(app, client):
    reg = register(client)
    assert not socketio.test_client(app, auth={"token": "\ud800"}).is_connected()
    good = socketio.test_client(app, auth={"token": reg["shipments"][0]["token"]})
    assert good.is_connected()
    assert [m["name"] for m in good.get_received()] == ["snapshot"]


def test_every_text_field_refuses_a_lone_surrogate_by_name(client):
    reg = register(client)
    cases = [
        ("/api/v1/events", driver(reg), {"type": "delivered", "stop": 0, "timestamp": iso(9),
                                         "proof": {"note": "\ud800"}}, "proof.note"),
        ("/api/v1/events", driver(reg), {"type": "delivered", "stop": 0, "timestamp": iso(9),
                                         "shipment": "\udfff"}, "shipment"),
        ("/api/v1/webhooks", SELLER, {"url": "https://example.com/\ud800"}, "url"),
        (f"/api/v1/track/{reg['shipments'][0]['token']}/texts", {}, {"phone": "\ud800"},
         "phone"),
        (f"/api/v1/routes/{reg['route_id']}/device", SELLER, {"device_id": "\ud800"},
         "device_id"),
    ]
    for url, headers, body, field in cases:
        send = client.put if url.endswith("/device") else client.post
        resp = send(url, data=json.dumps(body), content_type="application/json",
                    headers=headers)
        assert resp.status_code == 400 and resp.json["field"] == field, (url, resp.json)


def test_no_parse_failure_reached_the_error_log(client, caplog):
    """The tests above, in one pass: nothing logged as an unexpected error."""
    reg = register(client)
    t0 = time.time()
    for body in ('{"lat":' + "9" * 400 + "}", '{"a":' * 5000 + "}" * 5000, '"\\ud800"'):
        client.post("/api/v1/positions", data=body, content_type="application/json",
                    headers=driver(reg))
        client.post("/osmand", data=body, content_type="application/json")
    assert "unexpected error" not in caplog.text and time.time() - t0 < 10
