"""Withdrawing a registered route: DELETE /api/v1/routes/<id>, the dashboard's door, and the plan
page's registering again (replace the day's routes, not double them)."""

from __future__ import annotations

import pytest

from app.realtime.broadcaster import Broadcaster, seller_room, shipment_room
from tests.support.helpers import route_payload
from tests.support.signin import csrf_of, sign_in
from tests.unit.test_broadcaster import FakeFanout
from tests.unit.test_plans import STATION, _local_day, orders

SELLER = {"Authorization": "Bearer demo"}
DEVICE = "traccar-812734-a1f9c3e07d"


def registered(client, **extra) -> dict:
    body = route_payload()
    body["stops"][0]["shipments"][0]["phone"] = "+358401234567"  # signed up for texts
    resp = client.post("/api/v1/routes", json={**body, **extra}, headers=SELLER)
    assert resp.status_code == 201, resp.json
    return resp.json


def test_a_withdrawn_route_is_gone_and_its_customers_read_so(app, client):
    reg = registered(client)
    rid, token = reg["route_id"], reg["shipments"][0]["token"]
    assert client.put(f"/api/v1/routes/{rid}/device", json={"device_id": DEVICE},
                      headers=SELLER).status_code == 200
    resp = client.delete(f"/api/v1/routes/{rid}", headers=SELLER)
    assert resp.status_code == 200 and resp.json == {"route_id": rid, "withdrawn": True,
                                                     "shipments": 3}
    # The customer: the API answers 410 naming the link, the page says the delivery was
    # withdrawn (in Finnish too), never a 500 or the old map.
    api = client.get(f"/api/v1/track/{token}")
    assert api.status_code == 410 and api.json["field"] == "token"
    page = client.get(f"/track/{token}")
    assert page.status_code == 410 and "This delivery was withdrawn" in page.text
    assert "plan-map" not in page.text and "track-map" not in page.text
    fi = client.get(f"/track/{token}", headers={"Accept-Language": "fi"})
    assert fi.status_code == 410 and "This delivery was withdrawn" not in fi.text
    assert client.get(f"/api/v1/track/{token}/instructions").status_code == 410
    # The seller: the route is gone from the fleet and answers 404; a second DELETE too.
    assert client.get(f"/api/v1/routes/{rid}", headers=SELLER).status_code == 404
    assert rid not in [r["route_id"] for r in client.get("/api/v1/routes", headers=SELLER)
                       .json["routes"]]
    assert client.delete(f"/api/v1/routes/{rid}", headers=SELLER).status_code == 404
    # The driver's token and the phone's device id write to nothing any more.
    block = client.get("/api/v1/driver/block",
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert block.status_code == 401
    svc = app.extensions["doorstep"]
    assert svc.reads.route_for_device(DEVICE) is None
    assert svc.store.get_doc("route_device", rid) is None
    # Its queued texts went with it (the "order received" text to the phone above).
    assert not [d for d in svc.store.list_docs("message") if d.get("route_id") == rid]


def test_another_sellers_route_cannot_be_withdrawn(client):
    reg = registered(client)
    resp = client.delete(f"/api/v1/routes/{reg['route_id']}",
                         headers={"Authorization": "Bearer acme-key"})
    assert resp.status_code == 404 and resp.json["field"] == "route_id"
    assert client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").status_code == 200


def test_the_dashboard_withdraws_with_its_session_and_csrf_token(client):
    reg = registered(client)
    rid = reg["route_id"]
    sign_in(client, "demo")
    csrf = csrf_of(client.get("/dashboard").get_data(as_text=True))
    assert client.delete(f"/dashboard/routes/{rid}").status_code == 400  # no CSRF token
    resp = client.delete(f"/dashboard/routes/{rid}", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 200 and resp.json["shipments"] == 3
    assert client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").status_code == 410


def test_open_pages_are_told_at_once(app, client):
    """A customer watching the live page gets `withdrawn` (it reloads to the notice); the
    seller's fleet frame drops the route."""
    svc = app.extensions["doorstep"]
    reg = registered(client)
    fanout = FakeFanout()
    b = Broadcaster(svc.broadcaster.socketio, svc.reads, interval=10.0, fanout=fanout)
    b.shared = False
    b._task = object()
    svc.broadcaster = b
    tid = reg["shipments"][1]["tracking_id"]
    fanout.rooms = {shipment_room(tid), shipment_room(tid, "fi"), seller_room("demo")}
    assert client.delete(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).status_code == 200
    got = {(room, frame[0]) for room, frame in fanout.sent}
    assert {(shipment_room(tid), "withdrawn"), (shipment_room(tid, "fi"), "withdrawn"),
            (seller_room("demo"), "fleet")} <= got
    fleet = next(f for room, f in fanout.sent if room == seller_room("demo"))
    assert fleet[1]["withdrawn"] == [reg["route_id"]]


@pytest.fixture
def seller_page(client):
    sign_in(client, "demo")
    return {"X-CSRF-Token": csrf_of(client.get("/dashboard").get_data(as_text=True))}


def _plan(client, headers, n=8):
    body = {"date": _local_day(1), "timezone": "Europe/Helsinki", "station": STATION,
            "couriers": [{"vehicle": "bike", "count": 2}], "orders": orders(n, seed=6)}
    blocks = client.post("/dashboard/plan/blocks", json=body, headers=headers).json["blocks"]
    return [b["route"] for b in blocks]


def test_registering_a_day_again_asks_then_replaces_not_doubles(app, client, seller_page):
    svc = app.extensions["doorstep"]
    first = client.post("/dashboard/plan/register", json={"routes": _plan(client, seller_page)},
                        headers=seller_page)
    assert first.status_code == 201 and first.json["withdrawn"] == []
    old = first.json["routes"]
    again = _plan(client, seller_page)
    asked = client.post("/dashboard/plan/register", json={"routes": again}, headers=seller_page)
    assert asked.status_code == 409 and asked.json["field"] == "replace"
    assert sorted(r["route_id"] for r in asked.json["earlier"]) == sorted(
        r["route_id"] for r in old)
    assert len(svc.reads.seller_routes("demo")) == len(old)  # nothing registered on a 409
    bad = client.post("/dashboard/plan/register", json={"routes": again, "replace": "yes"},
                      headers=seller_page)
    assert bad.status_code == 400 and bad.json["field"] == "replace"
    done = client.post("/dashboard/plan/register", json={"routes": again, "replace": True},
                       headers=seller_page)
    assert done.status_code == 201
    assert sorted(done.json["withdrawn"]) == sorted(r["route_id"] for r in old)
    assert len(svc.reads.seller_routes("demo")) == len(done.json["routes"])  # not doubled
    gone = old[0]["shipments"][0]["tracking_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/track/{gone}").status_code == 410
    # "Add these too" keeps both, on purpose.
    added = client.post("/dashboard/plan/register", json={"routes": again, "replace": False},
                        headers=seller_page)
    assert added.status_code == 201 and added.json["withdrawn"] == []
    assert len(svc.reads.seller_routes("demo")) == 2 * len(done.json["routes"])


def test_a_route_already_on_the_way_is_kept_when_the_day_is_replaced(client, seller_page):
    first = client.post("/dashboard/plan/register", json={"routes": _plan(client, seller_page)},
                        headers=seller_page).json["routes"]
    on_way = first[0]["route_id"]
    # The driver is out (its progress says so, as the first fix on the day would make it).
    svc = client.application.extensions["doorstep"]
    progress = svc.reads.progress(on_way)
    progress.started = True
    svc.store.put_progress(on_way, progress.to_dict())
    svc.ingest.live.forget(on_way)
    # The day planned again holds the kept route's orders too: the outside check found them
    # registered twice (two couriers to one door, two links per customer). Asked, not doubled.
    again = client.post("/dashboard/plan/register",
                        json={"routes": _plan(client, seller_page), "replace": True},
                        headers=seller_page)
    assert again.status_code == 409 and again.json["field"] == "routes"
    kept_refs = sorted(s["reference"] for s in first[0]["shipments"])
    assert again.json["on_the_way"] == kept_refs
    assert client.get(f"/api/v1/routes/{first[1]['route_id']}", headers=SELLER).status_code \
        == 200  # nothing withdrawn on a 409
    # Planned again without them (as the page does), the day is replaced.
    body = {"date": _local_day(1), "timezone": "Europe/Helsinki", "station": STATION,
            "couriers": [{"vehicle": "bike", "count": 2}],
            "orders": [o for o in orders(8, seed=6) if o["reference"] not in kept_refs]}
    routes = [b["route"] for b in client.post("/dashboard/plan/blocks", json=body,
                                              headers=seller_page).json["blocks"]]
    done = client.post("/dashboard/plan/register", json={"routes": routes, "replace": True},
                       headers=seller_page)
    assert done.status_code == 201 and done.json["kept"] == [on_way]
    assert on_way not in done.json["withdrawn"]
    assert client.get(f"/api/v1/routes/{on_way}", headers=SELLER).status_code == 200


def test_the_drivers_token_is_refused_after_the_route_is_withdrawn(client):
    """The token was cached by this process when the driver sent a position: after the
    withdrawal it is unknown (401), not a route missing halfway through the request (500)."""
    from datetime import UTC, datetime

    from tests.support.helpers import STATION, STOPS, fix_between

    reg = registered(client)
    driver = {"Authorization": f"Bearer {reg['driver_token']}"}
    fix = fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], 0.5, 0)
    fix["timestamp"] = datetime.now(UTC).isoformat()
    assert client.post("/api/v1/positions", json=fix, headers=driver).status_code == 200
    client.delete(f"/api/v1/routes/{reg['route_id']}", headers=SELLER)
    after = client.post("/api/v1/positions", json=fix, headers=driver)
    assert after.status_code == 401, after.json
    event = client.post("/api/v1/events", json={"type": "route_started",
                                                "timestamp": fix["timestamp"]}, headers=driver)
    assert event.status_code == 401, event.json
    assert client.application.extensions["doorstep"].store.get_progress(reg["route_id"]) is None
