"""Fuzzing of every door the OpenAPI description does not cover (issue 21, "find the next one").

Hypothesis generates what a phone, a browser or an attacker could send: the OsmAnd door (query,
form and JSON), the Socket.IO handshake and events, and the dashboard's forms. No answer is a
5xx, nothing raises, and a refused request changes nothing. Derandomised, so CI is repeatable;
set HYPOTHESIS_PROFILE=long for a longer hunt.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from app.extensions import socketio
from tests.support.fuzz import examples
from tests.support.helpers import STATION, STOPS, iso, register
from tests.support.signin import csrf_of, sign_in

pytestmark = pytest.mark.usefixtures("routes_registered_before_t0")

APP = create_app({
    "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
    "SELLER_KEYS": {"demo": "demo"},
    "FIXES_PER_DRIVER": "100000000/second", "FIXES_PER_SELLER": "100000000/second",
    "DEVICE_FAILURE_RATE": "1000000/minute", "SIGNIN_FAILURE_RATE": "1000000/minute",
    "DEMO_MAX_RUNS": 0,  # a fuzzed demo request never starts a simulator
})
SELLER = {"Authorization": "Bearer demo"}
DEVICE = "phone-0042-courier-helsinki"
LAT, LON = (STATION["lat"] + STOPS[0][0]) / 2, (STATION["lon"] + STOPS[0][1]) / 2


def _setup():
    client = APP.test_client()
    reg = register(client)
    assert client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": DEVICE},
                      headers=SELLER).status_code == 200
    return reg


REG = _setup()
TOKEN = REG["shipments"][0]["token"]


def route_state() -> str:
    resp = APP.test_client().get(f"/api/v1/routes/{REG['route_id']}", headers=SELLER)
    return resp.get_data(as_text=True)


# Text a URL or form can carry (no lone surrogates: they cannot be percent-encoded).
url_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
numberish = st.one_of(
    st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["²", "١٢", "１２", "1_0", "1e999", "-0", "NaN", "0x1A", "9" * 400,
                     str(LAT), str(LON), iso(30), "9999-12-31T23:59:59Z", "0001-01-01 00:00:00",
                     "253402300800000", f"{LAT},{LON}", ","]),
).map(str)
# Values that broke a parser once, drawn often: the next bug is likely a neighbour.
ODD = st.sampled_from(["²", "١٢", "1e999", "9" * 400, "253402300800000", "NaN", "",
                       "9999-12-31T23:59:59Z", "0001-01-01 00:00:00", "-62135596800"])
form_value = st.one_of(ODD, numberish, url_text)
OSMAND_FIELDS = ["id", "deviceid", "lat", "lon", "location", "timestamp", "speed", "bearing",
                 "heading", "accuracy", "altitude", "batt", "valid", "x"]
osmand_form = st.dictionaries(st.sampled_from(OSMAND_FIELDS), form_value, max_size=8).map(
    lambda d: {"id": DEVICE, "lat": str(LAT), "lon": str(LON), **d})
# Any JSON value, lone surrogates included (JSON escapes them).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**300) |
    st.floats(allow_nan=False) | st.text(max_size=16),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
coords = st.dictionaries(st.sampled_from(["latitude", "longitude", "speed", "heading",
                                          "accuracy", "altitude"]),
                         st.one_of(json_values, st.floats(-200, 200), numberish), max_size=6)
location = st.fixed_dictionaries({}, optional={"timestamp": st.one_of(json_values, numberish),
                                               "coords": st.one_of(coords, json_values)})
osmand_json = st.fixed_dictionaries({}, optional={
    "device_id": st.one_of(st.just(DEVICE), json_values),
    "location": st.one_of(location, st.lists(location, max_size=3), json_values)})


def check_door(resp, before: str) -> None:
    assert resp.status_code < 500, resp.get_data(as_text=True)[:300]
    assert resp.is_json, resp.get_data(as_text=True)[:300]
    if resp.status_code != 200:
        assert resp.json["field"], resp.json
        assert route_state() == before  # refused: nothing changed
    # Taken or not, the seller and the customer still see the route.
    assert APP.test_client().get(f"/api/v1/track/{TOKEN}").status_code == 200


@settings(max_examples=examples(150))
@given(params=osmand_form)
def test_osmand_query_never_fails(params):
    before = route_state()
    check_door(APP.test_client().get("/osmand?" + urlencode(params)), before)


@settings(max_examples=examples(150))
@given(params=osmand_form, path=st.sampled_from(["/osmand", "/"]))
def test_osmand_form_never_fails(params, path):
    before = route_state()
    resp = APP.test_client().post(path, data=urlencode(params),
                                  content_type="application/x-www-form-urlencoded")
    check_door(resp, before)


deep_json = st.integers(1, 3000).map(lambda n: '{"a":' * n + "1" + "}" * n)


@given(body=st.one_of(osmand_json.map(json.dumps), json_values.map(json.dumps), deep_json),
       path=st.sampled_from(["/osmand", "/"]))
def test_osmand_json_never_fails(body, path):
    before = route_state()
    resp = APP.test_client().post(path, data=body, content_type="application/json")
    check_door(resp, before)


# What python-socketio decodes at all: it refuses integers past 100 digits and a CONNECT whose
# data is not an object before our handler runs (tests/live/test_attack_input.py sends those
# raw to gunicorn).
socket_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**90, 10**90) | st.floats(allow_nan=False)
    | st.text(max_size=16),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
auth_dicts = st.fixed_dictionaries({}, optional={
    "token": st.one_of(st.just(TOKEN), socket_values),
    "seller_key": st.one_of(st.just("demo"), socket_values),
    "x": socket_values})


def should_connect(auth) -> bool:
    if not isinstance(auth, dict):
        return False
    token, key = auth.get("token"), auth.get("seller_key")
    if isinstance(token, str):
        return token == TOKEN
    return key == "demo"


@given(auth=st.one_of(auth_dicts, st.none()))
def test_socket_handshake_never_fails(auth):
    sock = socketio.test_client(APP, auth=auth)
    assert sock.is_connected() == should_connect(auth)
    if sock.is_connected():
        assert [m["name"] for m in sock.get_received()] == ["snapshot"]
        sock.disconnect()


@given(events=st.lists(st.tuples(st.one_of(st.sampled_from(
    ["snapshot", "position", "status", "connect", "disconnect", "message", "join"]),
    st.text(max_size=12).filter(lambda s: s not in ("connect", "disconnect", "message", ""))),
    st.lists(socket_values, max_size=3)), max_size=5))
def test_socket_events_change_nothing(events):
    before = route_state()
    sock = socketio.test_client(APP, auth={"token": TOKEN})
    sock.get_received()
    for name, args in events:
        if name in ("connect", "disconnect", "message"):
            continue  # reserved by Socket.IO's client
        sock.emit(name, *args)
    assert sock.is_connected()  # handlers never write, and nothing the client says breaks it
    sock.disconnect()
    assert route_state() == before


@given(form=st.dictionaries(st.sampled_from(["key", "csrf_token", "next", "x"]), url_text,
                            max_size=4),
       good_csrf=st.booleans())
def test_sign_in_form_never_fails_and_never_redirects_away(form, good_csrf):
    client = APP.test_client()
    if good_csrf:
        form = {**form, "csrf_token": csrf_of(client.get("/signin").get_data(as_text=True))}
    resp = client.post("/signin", data=form)
    assert resp.status_code < 500
    signed_in = client.get("/dashboard").status_code == 200
    assert signed_in == (resp.status_code == 302 and form.get("key") == "demo" and good_csrf)
    if resp.status_code in (301, 302, 303):
        target = urlsplit(resp.headers["Location"])
        assert target.netloc in ("", "localhost") and target.scheme in ("", "http")


SIGNED_IN = APP.test_client()
sign_in(SIGNED_IN)


@given(body=st.one_of(json_values, st.fixed_dictionaries({}, optional={
    "vehicle": st.one_of(st.sampled_from(["bike", "van", "foot", "drone"]), json_values),
    "stops": st.one_of(json_values, numberish), "speedup": st.one_of(json_values, numberish)})))
def test_demo_form_never_fails_and_leaves_no_key_behind(body):
    sellers = APP.extensions["doorstep"].sellers
    keys = sellers.list("demo")
    resp = SIGNED_IN.post("/dashboard/demo", data=json.dumps(body),
                          content_type="application/json")
    assert resp.status_code < 500 and resp.is_json, resp.get_data(as_text=True)[:200]
    assert resp.status_code in (400, 429)  # DEMO_MAX_RUNS=0: nothing ever starts here
    assert sellers.list("demo") == keys
