"""Who may do what, tried as an attacker holding a valid credential for something else."""

from __future__ import annotations

import json

import pytest

from app.extensions import socketio
from tests.support.helpers import STATION, STOPS, fix_between, iso, register, steady

SELLER = {"Authorization": "Bearer demo"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def fix(t: float = 10, frac: float = 0.5) -> dict:
    return fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], frac, t)


def connect(app, client, **auth):
    return socketio.test_client(app, flask_test_client=client, auth=auth)


def test_a_customer_link_sees_its_own_shipment_and_nothing_else(app, client):
    reg = register(client, recipients=["Maria Secret", "Olli Hidden", "Pia Private"])
    token = reg["shipments"][1]["token"]
    view = client.get(f"/api/v1/track/{token}").json
    assert view["tracking_id"] == reg["shipments"][1]["tracking_id"]
    text = json.dumps(view)
    for other in [*(s["tracking_id"] for s in reg["shipments"][::2]), "Maria", "Pia",
                  "Olli Hidden", reg["route_id"], STOPS[0][2], STOPS[2][2]]:
        assert other not in text
    # The link is no key to anything else: seller routes, keys, positions, events.
    for method, path, body in [("get", "/api/v1/routes", None),
                               ("get", f"/api/v1/routes/{reg['route_id']}", None),
                               ("get", "/api/v1/keys", None), ("post", "/api/v1/keys", None),
                               ("post", "/api/v1/positions", fix()),
                               ("post", "/api/v1/events", {"type": "returned",
                                                           "timestamp": iso(9)})]:
        resp = getattr(client, method)(path, json=body, headers=bearer(token))
        assert resp.status_code == 401, (path, resp.json)
        assert resp.json["field"] == "Authorization"
    sock = connect(app, client, token=token)
    (snapshot,) = [m["args"][0] for m in sock.get_received() if m["name"] == "snapshot"]
    assert snapshot["tracking_id"] == reg["shipments"][1]["tracking_id"]
    sock.disconnect()


def test_a_driver_token_writes_its_own_route_only(app, client):
    mine, theirs = register(client), register(client)
    before = steady(client.get(f"/api/v1/track/{theirs['shipments'][0]['token']}").json)
    # Naming the other route's shipment with my token: refused, and their route is untouched.
    resp = client.post("/api/v1/events", headers=bearer(mine["driver_token"]), json={
        "type": "delivered", "stop": 0, "shipment": theirs["shipments"][0]["tracking_id"],
        "timestamp": iso(60)})
    assert resp.status_code == 400 and resp.json["field"] == "shipment"
    assert client.post("/api/v1/positions", json=fix(), headers=bearer(
        mine["driver_token"])).json["accepted"] == 1
    assert steady(client.get(f"/api/v1/track/{theirs['shipments'][0]['token']}").json) == before
    # A driver token opens no seller or customer door.
    for path in ("/api/v1/routes", f"/api/v1/routes/{mine['route_id']}", "/api/v1/keys"):
        assert client.get(path, headers=bearer(mine["driver_token"])).status_code == 401
    assert client.get(f"/api/v1/track/{mine['driver_token']}").status_code == 404
    assert not connect(app, client, token=mine["driver_token"]).is_connected()
    assert not connect(app, client, seller_key=mine["driver_token"]).is_connected()


def test_a_finished_route_takes_no_more_positions_or_events(client):
    reg = register(client)
    h = bearer(reg["driver_token"])
    assert client.post("/api/v1/events", json={"type": "returned", "timestamp": iso(600)},
                       headers=h).status_code == 200
    resp = client.post("/api/v1/positions", json=fix(700), headers=h)
    assert resp.status_code == 409 and resp.json["field"] == "route"
    resp = client.post("/api/v1/events", headers=h, json={"type": "arrived", "stop": 1,
                                                          "timestamp": iso(700)})
    assert resp.status_code == 409 and resp.json["field"] == "route"
    # In a batch the finished driver's items are rejected by index; another driver's go through.
    other = register(client)
    resp = client.post("/api/v1/positions", json={"positions": [
        {**fix(710), "driver_token": reg["driver_token"]},
        {**fix(10), "driver_token": other["driver_token"]}]})
    assert resp.status_code == 200
    assert resp.json["accepted"] == 1
    assert resp.json["rejected"] == [{"index": 0, "field": "positions[0].route",
                                      "error": "the route is finished: no more positions"}]


def test_a_seller_sees_and_manages_only_their_own(app, client):
    mine, theirs = register(client, key="demo"), register(client, key="acme-key")
    assert [r["route_id"] for r in client.get("/api/v1/routes", headers=SELLER)
            .json["routes"]] == [mine["route_id"]]
    missing = client.get("/api/v1/routes/r_0000000000000000", headers=SELLER)
    other = client.get(f"/api/v1/routes/{theirs['route_id']}", headers=SELLER)
    assert other.status_code == missing.status_code == 404
    assert other.json == missing.json  # their route answers exactly like none
    their_keys = client.get("/api/v1/keys", headers=bearer("acme-key")).json["keys"]
    resp = client.delete(f"/api/v1/keys/{their_keys[0]['key_id']}", headers=SELLER)
    assert resp.status_code == 404
    assert client.get("/api/v1/routes", headers=bearer("acme-key")).status_code == 200
    sock = connect(app, client, seller_key="demo")
    (fleet,) = [m["args"][0] for m in sock.get_received() if m["name"] == "snapshot"]
    assert [r["route_id"] for r in fleet["routes"]] == [mine["route_id"]]
    sock.disconnect()


@pytest.fixture
def short_ttl_app():
    from app import create_app

    # Already past: the helpers' event times (T0) may lie a few hours ahead of the real clock.
    return create_app({
        "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
        "BROADCAST_INTERVAL": 0.05, "SELLER_KEYS": {"demo": "demo"},
        "LINK_TTL_AFTER_DELIVERY": -86400.0,
    })


def test_links_expire_after_delivery_on_api_page_and_socket(short_ttl_app):
    client = short_ttl_app.test_client()
    reg = register(client)
    delivered, waiting = reg["shipments"][0]["token"], reg["shipments"][1]["token"]
    assert client.get(f"/api/v1/track/{delivered}").status_code == 200  # not final: no expiry
    client.post("/api/v1/events", headers=bearer(reg["driver_token"]),
                json={"type": "delivered", "stop": 0, "timestamp": iso(300)})
    resp = client.get(f"/api/v1/track/{delivered}")
    assert resp.status_code == 404
    assert resp.json == {"error": "tracking link expired", "field": "token"}
    page = client.get(f"/track/{delivered}")
    assert page.status_code == 404 and b"expired" in page.data
    assert not connect(short_ttl_app, client, token=delivered).is_connected()
    assert client.post(f"/api/v1/track/{delivered}/texts", json={"phone": "+358401234567"}
                       ).status_code == 404
    assert client.get(f"/api/v1/track/{waiting}").status_code == 200


def test_links_live_for_the_configured_time_after_delivery(app, client):
    reg = register(client)
    token = reg["shipments"][0]["token"]
    client.post("/api/v1/events", headers=bearer(reg["driver_token"]),
                json={"type": "delivered", "stop": 0, "timestamp": iso(300)})
    assert app.config["LINK_TTL_AFTER_DELIVERY"] == 14 * 86400
    assert client.get(f"/api/v1/track/{token}").json["status"] == "delivered"
