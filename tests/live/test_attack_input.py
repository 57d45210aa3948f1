"""Issue 21's input classes, attacked as an outsider would: real gunicorn, memory and Redis.

Template syntax in every text field (class 1), times near year 10000 and year 1 through the API
and the credential-less phone door (class 2), parser edge cases (class 8) and the 413/429
answers (class 11). After each attack the seller's and the customer's views still answer, the
broadcaster still ticks, and the server logged no traceback.
"""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import pytest
import requests
import socketio

from tests.support.helpers import STATION, STOPS, route_payload
from tests.support.report import report_code
from tests.support.viewers import Viewer

SELLER = {"Authorization": "Bearer demo"}
DEVICE = "phone-7731-courier-helsinki"
LAT, LON = (STATION["lat"] + STOPS[0][0]) / 2, (STATION["lon"] + STOPS[0][1]) / 2
# At most 76 characters: with a 3-character field mark it fits the shortest field (80).
PAYLOAD = "{{7*7}}{%if(1)%}EVAL{%endif%}{{lipsum.__globals__.os.popen('id').read()}}"
MARKS = {"driver": "dr:", "station": "st:", "address": "ad:", "recipient": "re:",
         "left_at": "le:", "note": "no:"}


@pytest.fixture(params=["memory", "redis"])
def server(request, live_server_factory):
    # The default window (tests/conftest.py widens it for the fixed-date tests).
    env = {"FIX_MAX_AGE": "7d", "FIX_MAX_AHEAD": "1d", "MAX_BODY_BYTES": "65536",
           "DEVICE_FAILURE_RATE": "3/minute"}
    if request.param == "redis":
        env["STORE_URL"] = request.getfixturevalue("clean_redis")
    return live_server_factory(**env)


def driver(reg: dict) -> dict:
    return {"Authorization": f"Bearer {reg['driver_token']}"}


def registered(server) -> dict:
    body = route_payload(n_stops=2)
    body["driver"]["name"] = MARKS["driver"] + PAYLOAD
    body["station"]["name"] = MARKS["station"] + PAYLOAD
    for stop in body["stops"]:
        stop["address"] = MARKS["address"] + PAYLOAD
        stop["shipments"][0]["recipient"] = MARKS["recipient"] + PAYLOAD
    resp = requests.post(f"{server.url}/api/v1/routes", json=body, headers=SELLER, timeout=10)
    assert resp.status_code == 201, resp.text
    reg = resp.json()
    now = time.time()
    for event in ({"type": "route_started", "timestamp": now},
                  {"type": "delivered", "stop": 0, "timestamp": now + 1,
                   "proof": {"left_at": MARKS["left_at"] + PAYLOAD,
                             "note": MARKS["note"] + PAYLOAD}}):
        resp = requests.post(f"{server.url}/api/v1/events", json=event, headers=driver(reg),
                             timeout=10)
        assert resp.status_code == 200, resp.text
    resp = requests.put(f"{server.url}/api/v1/routes/{reg['route_id']}/device",
                        json={"device_id": DEVICE}, headers=SELLER, timeout=10)
    assert resp.status_code == 200, resp.text
    return reg


def signed_in(server) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{server.url}/signin", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert s.post(f"{server.url}/signin", data={"key": "demo", "csrf_token": token},
                  timeout=10).status_code == 200
    return s


def still_whole(server, reg: dict) -> None:
    """Every view of the route answers, and the broadcaster still sends a fresh fix."""
    seller = signed_in(server)
    urls = [f"/api/v1/routes/{reg['route_id']}", "/api/v1/routes", "/dashboard",
            f"/dashboard/routes/{reg['route_id']}/report.html"]
    for s in reg["shipments"]:
        urls += [f"/track/{s['token']}", f"/api/v1/track/{s['token']}",
                 f"/track?number={s['tracking_id']}"]
    for url in urls:
        resp = seller.get(server.url + url, headers=SELLER if "/api/" in url else {}, timeout=10)
        assert resp.status_code == 200, (url, resp.text[:200])
    viewer = Viewer(server.url, {"token": reg["shipments"][1]["token"]})
    try:
        viewer.next("snapshot")
        fix = {"lat": LAT + 0.0001, "lon": LON, "timestamp": time.time(), "speed": 4}
        assert requests.post(f"{server.url}/api/v1/positions", json=fix, headers=driver(reg),
                             timeout=10).status_code == 200
        viewer.next("view", timeout=15)  # the broadcaster ticks
    finally:
        viewer.close()


def no_traceback(server) -> None:
    log = Path(server.log.name).read_text()
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


def test_template_syntax_in_every_field_stays_text(server):
    reg = registered(server)
    report = signed_in(server).get(
        f"{server.url}/dashboard/routes/{reg['route_id']}/report.html", timeout=30)
    assert report.status_code == 200
    shown = html.unescape(report_code(report.text).replace("\\/", "/"))
    for field, mark in MARKS.items():
        assert mark + PAYLOAD in shown, field
    assert "49EVAL" not in shown and "uid=" not in shown
    no_traceback(server)


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59Z", "253402300800000",
                                   "0001-01-01T00:00:00+01:00"])
def test_an_absurd_time_through_any_door_breaks_nothing(server, stamp):
    reg = registered(server)
    # The phone door has no credential: an outsider knowing a device id may send anything.
    resp = requests.get(f"{server.url}/osmand", params={
        "id": DEVICE, "lat": LAT, "lon": LON, "timestamp": stamp}, timeout=10)
    assert resp.status_code == 200 and resp.json() == {"accepted": 0, "dropped": 1}
    resp = requests.post(f"{server.url}/api/v1/positions", headers=driver(reg), timeout=10,
                         json={"lat": LAT, "lon": LON, "timestamp": stamp})
    assert resp.status_code == 400 and resp.json()["field"] == "timestamp"
    resp = requests.post(f"{server.url}/api/v1/events", headers=driver(reg), timeout=10,
                         json={"type": "arrived", "stop": 1, "timestamp": stamp})
    assert resp.status_code == 400 and resp.json()["field"] == "timestamp"
    still_whole(server, reg)
    no_traceback(server)


def test_parser_edge_cases_are_4xx_naming_the_field(server):
    reg = registered(server)
    url = server.url
    deep = '{"a":' * 5000 + "1" + "}" * 5000  # within the body limit, far past the depth one
    for door in ("/osmand", "/", "/api/v1/positions"):
        resp = requests.post(url + door, data=deep, timeout=10,
                             headers={**driver(reg), "Content-Type": "application/json"})
        assert resp.status_code == 400 and resp.json()["field"] == "body", (door, resp.text)
    huge = '{"lat": ' + "9" * 400 + f', "lon": 24.9, "timestamp": {time.time()}}}'
    resp = requests.post(url + "/api/v1/positions", data=huge, timeout=10,
                         headers={**driver(reg), "Content-Type": "application/json"})
    assert resp.status_code == 400 and resp.json()["field"] == "lat"
    for odd in ("²", "١٢"):
        resp = requests.get(url + "/osmand", params={"id": DEVICE, "lat": LAT, "lon": LON,
                                                     "timestamp": odd}, timeout=10)
        assert resp.status_code == 400 and resp.json()["field"] == "timestamp"
        resp = requests.get(url + "/api/v1/messages", params={"limit": odd}, headers=SELLER,
                            timeout=10)
        assert resp.status_code == 400 and resp.json()["field"] == "limit"
    resp = requests.post(url + "/api/v1/webhooks", json={"url": "http://[::1"}, headers=SELLER,
                         timeout=10)
    assert resp.status_code == 400 and resp.json()["field"] == "url"
    resp = requests.post(url + "/api/v1/events", timeout=10,
                         headers={**driver(reg), "Content-Type": "application/json"},
                         data=f'{{"type": "delivered", "stop": 1, "timestamp": {time.time()}, '
                              '"proof": {"note": "\\ud800"}}')
    assert resp.status_code == 400 and resp.json()["field"] in ("proof.note", "body")
    still_whole(server, reg)
    no_traceback(server)


def test_odd_socket_handshakes_are_refused_and_the_server_goes_on(server):
    reg = registered(server)
    for auth in ({"token": "\ud800"}, {"seller_key": "\udfff"}, {"token": "x" * 50_000},
                 {"token": ["a"], "seller_key": {"b": 1}}):
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=5)
    # Raw Engine.IO long-polling: packets python-socketio itself refuses to decode.
    s = requests.Session()
    opened = s.get(f"{server.url}/socket.io/", params={"EIO": 4, "transport": "polling"},
                   timeout=10)
    sid = json.loads(opened.text[1:])["sid"]
    for packet in ("40" + "9" * 200, '40{"token": ' + "9" * 400 + "}", "4" + "0" * 5000,
                   '42["snapshot", "\\ud800"]', "40{"):
        resp = s.post(f"{server.url}/socket.io/", params={"EIO": 4, "transport": "polling",
                                                          "sid": sid}, data=packet, timeout=10)
        assert resp.status_code < 500, (packet[:20], resp.status_code)
    still_whole(server, reg)


def test_413_and_429_on_the_phone_door_are_json(server):
    resp = requests.post(f"{server.url}/osmand", timeout=10, headers={
        "Content-Type": "application/json"}, data=json.dumps({"pad": "x" * 100_000}))
    assert resp.status_code == 413
    assert resp.json() == {"error": "body too large (at most 65536 bytes)", "field": "body"}
    codes = [requests.get(f"{server.url}/osmand", params={"id": "nobody-1", "lat": 1, "lon": 2},
                          timeout=10).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    resp = requests.get(f"{server.url}/osmand", params={"id": "nobody-1", "lat": 1, "lon": 2},
                        timeout=10)
    assert resp.status_code == 429 and resp.json()["field"] == "id"
    assert "unknown device ids" in resp.json()["error"] and resp.headers["Retry-After"]
