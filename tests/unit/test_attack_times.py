"""Class 2 of issue 21: one absurd timestamp must never break a seller for good.

A fix stamped in year 10000 once made the route list, the socket, the customer view and the
lookup answer 500 from then on. The doors accept only times within a window of the server's
clock (7 days back, 1 day ahead by default), and every place that shows a stored time is total:
bad data already in a store (memory or Redis) degrades one field, never a page or a tick.
"""

from __future__ import annotations

import math
import time
from urllib.parse import urlencode

import pytest

from app import create_app
from app.domain.model import Fix, StopEvent
from app.extensions import socketio
from tests.support.helpers import STATION, STOPS, register
from tests.support.signin import sign_in

pytestmark = pytest.mark.usefixtures("routes_registered_before_t0")

SELLER = {"Authorization": "Bearer demo"}
DAY = 86400.0
DEVICE = "phone-4471-courier-helsinki"
LAT, LON = (STATION["lat"] + STOPS[0][0]) / 2, (STATION["lon"] + STOPS[0][1]) / 2
# Absurd, as numbers and as text: year 10000, year 1, far past and future, not a number.
BAD_EPOCHS = [253402300800, -62135596800, 1e15, -1e15, 1e300]
BAD_ISO = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00", "1970-01-01T00:00:00Z",
           "2999-01-01T00:00:00Z"]


def make_app(store_url: str = "memory://"):
    # The default window, not the wide one tests/conftest.py sets for fixed-date tests.
    return create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": store_url,
                       "SELLER_KEYS": {"demo": "demo"}, "BROADCAST_INTERVAL": 0.05,
                       "FIX_MAX_AGE": 7 * DAY, "FIX_MAX_AHEAD": DAY})


def started(client) -> dict:
    reg = register(client, start=False)
    resp = client.post("/api/v1/events", json={"type": "route_started", "timestamp": time.time()},
                       headers=driver(reg))
    assert resp.status_code == 200, resp.json
    return reg


def driver(reg: dict) -> dict:
    return {"Authorization": f"Bearer {reg['driver_token']}"}


def fix(t) -> dict:
    return {"lat": LAT, "lon": LON, "timestamp": t, "speed": 4.0}


def test_the_default_window_is_seven_days_back_and_one_day_ahead(monkeypatch):
    monkeypatch.delenv("FIX_MAX_AGE", raising=False)
    monkeypatch.delenv("FIX_MAX_AHEAD", raising=False)
    cfg = create_app({"TESTING": True, "ASYNC_MODE": "threading"}).config
    assert (cfg["FIX_MAX_AGE"], cfg["FIX_MAX_AHEAD"]) == (7 * DAY, DAY)


@pytest.mark.parametrize("t", BAD_EPOCHS + BAD_ISO + ["now+2d", "now-8d"])
def test_the_api_refuses_a_time_outside_the_window_naming_the_field(t):
    app = make_app()
    client = app.test_client()
    reg = started(client)
    if isinstance(t, str) and t.startswith("now"):
        t = time.time() + float(t[3:-1]) * DAY
    before = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
    resp = client.post("/api/v1/positions", json=fix(t), headers=driver(reg))
    assert resp.status_code == 400 and resp.json["field"] == "timestamp", resp.json
    assert "server's clock" in resp.json["error"]
    resp = client.post("/api/v1/events", headers=driver(reg),
                       json={"type": "delivered", "stop": 0, "timestamp": t})
    assert resp.status_code == 400 and resp.json["field"] == "timestamp", resp.json
    batch = client.post("/api/v1/positions", json={"positions": [fix(t)]}, headers=driver(reg))
    assert batch.status_code == 200 and batch.json["accepted"] == 0
    assert batch.json["rejected"][0]["field"] == "positions[0].timestamp"
    assert client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json == before


@pytest.mark.parametrize("offset", [-6.9 * DAY, -60.0, 0.0, 0.9 * DAY])
def test_the_api_takes_a_time_inside_the_window(offset):
    client = make_app().test_client()
    reg = started(client)
    resp = client.post("/api/v1/positions", json=fix(time.time() + offset), headers=driver(reg))
    assert resp.status_code == 200 and resp.json["rejected"] == []


@pytest.mark.parametrize("stamp", ["253402300800000", "253402300800", "99999999999999999",
                                   "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+01:00",
                                   "0001-01-01 00:00:00", "1"])
def test_the_phone_door_drops_a_time_outside_the_window_and_keeps_the_phone_going(stamp):
    app = make_app()
    client = app.test_client()
    reg = started(client)
    assert client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": DEVICE},
                      headers=SELLER).status_code == 200
    before = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
    # No credential on this door: a 200 that takes nothing, as Traccar's future filter does.
    resp = client.get("/osmand?" + urlencode({"id": DEVICE, "lat": LAT, "lon": LON,
                                              "timestamp": stamp}))
    assert resp.status_code == 200 and resp.json == {"accepted": 0, "dropped": 1}
    body = {"device_id": DEVICE, "location": {"timestamp": stamp, "coords": {
        "latitude": LAT, "longitude": LON}}}
    resp = client.post("/osmand", json=body)
    assert resp.status_code == 200 and resp.json == {"accepted": 0, "dropped": 1}
    after = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).json
    # Nothing moved; only the phone was heard (it is alive, its clock is wrong).
    assert before["phone"] is None and after["phone"]["heard_at"] is not None
    assert {**after, "phone": None} == before
    ok = client.get("/osmand?" + urlencode({"id": DEVICE, "lat": LAT, "lon": LON,
                                            "timestamp": int(time.time())}))
    assert ok.json["accepted"] == 1


TIME_KEYS = {"at", "t", "timestamp"}


def corrupt(value, bad):
    """Every time in a stored record replaced by `bad`, as a store written by hand might hold."""
    if isinstance(value, dict):
        return {k: (bad if (k in TIME_KEYS or k.endswith("_at")) and isinstance(v, int | float)
                    else [bad if x is not None else None for x in v] if k == "etas"
                    else corrupt(v, bad)) for k, v in value.items()}
    if isinstance(value, list):
        return [corrupt(v, bad) for v in value]
    return value


def everything_answers(app, reg: dict) -> None:
    """Every page, API read, socket and the broadcaster's tick, for a route with bad times."""
    client = app.test_client()
    sign_in(client)
    rid = reg["route_id"]
    urls = [f"/api/v1/routes/{rid}", "/api/v1/routes", "/dashboard",
            f"/dashboard/routes/{rid}/report.html"]
    for s in reg["shipments"]:
        urls += [f"/track/{s['token']}", f"/api/v1/track/{s['token']}",
                 f"/track?number={s['tracking_id']}", f"/api/v1/track/{s['token']}"]
    for url in urls:
        resp = client.get(url, headers=SELLER if url.startswith("/api/v1/routes") else {})
        assert resp.status_code == 200, (url, resp.get_data(as_text=True)[:300])
    route = client.get(f"/api/v1/routes/{rid}", headers=SELLER).json
    assert route["route_id"] == rid
    viewer = socketio.test_client(app, auth={"token": reg["shipments"][0]["token"]})
    fleet = socketio.test_client(app, flask_test_client=client)
    assert viewer.is_connected() and fleet.is_connected()
    assert [m["name"] for m in viewer.get_received()] == ["snapshot"]
    svc = app.extensions["doorstep"]
    svc.broadcaster.touch(rid)
    assert svc.broadcaster.flush(force=True) >= 1  # raised on every tick before
    viewer.disconnect()
    fleet.disconnect()


@pytest.mark.parametrize("bad", [253402300800.0, -62135596800.0, 1e300, -1e300])
def test_bad_times_that_reached_the_engine_degrade_one_field_memory(bad):
    app = make_app()
    client = app.test_client()
    reg = started(client)
    ingest = app.extensions["doorstep"].ingest
    # Past the doors, straight to the one writer: as a store filled before the window was.
    ingest.positions(reg["route_id"], [Fix(LAT, LON, bad, 4.0, None, 5.0)])
    ingest.event(reg["route_id"], StopEvent("delivered", bad, 0, None, None,
                                           {"left_at": "porch", "note": None, "photo": None}))
    everything_answers(app, reg)
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    assert view["status"] == "delivered"  # the row is there; only its time is unknown


@pytest.mark.parametrize("bad", [253402300800.0, -62135596800.0, 1e300, math.nan])
def test_bad_times_written_into_redis_degrade_one_field(clean_redis, bad):
    writer = make_app(clean_redis)
    client = writer.test_client()
    reg = started(client)
    client.post("/api/v1/events", headers=driver(reg), json={
        "type": "delivered", "stop": 0, "timestamp": time.time(), "proof": {"note": "n"}})
    writer.extensions["doorstep"].ingest.save()  # the write-behind copy, now in Redis
    store = writer.extensions["doorstep"].store
    rid = reg["route_id"]
    store.put_progress(rid, corrupt(store.get_progress(rid), bad))
    store.append_log("positions", rid, {"lat": LAT, "lon": LON, "t": bad, "speed": None,
                                        "heading": None}, 100)
    reader = make_app(clean_redis)  # a fresh process reads what Redis holds
    everything_answers(reader, reg)
    # and the driver goes on: the next fix and event are taken, the route is whole again.
    client = reader.test_client()
    resp = client.post("/api/v1/positions", json=fix(time.time()), headers=driver(reg))
    assert resp.status_code == 200, resp.json
    resp = client.post("/api/v1/events", headers=driver(reg), json={
        "type": "attempted", "stop": 1, "reason": "no_access", "timestamp": time.time()})
    assert resp.status_code == 200, resp.json
    everything_answers(reader, reg)
