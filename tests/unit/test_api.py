"""The HTTP API: registration, positions, events, the customer view, and bad input of every kind."""

from __future__ import annotations

import json

import pytest

from app.access.tokens import TRACKING_ID
from tests.support.helpers import STOPS, fix_between, iso, register, route_payload, steady

SELLER = {"Authorization": "Bearer demo"}


def driver(reg):
    return {"Authorization": f"Bearer {reg['driver_token']}"}


def test_register_answers_ids_tokens_and_links(client):
    reg = register(client)
    assert reg["route_id"].startswith("r_")
    assert reg["driver_token"].startswith("dt_")
    assert len(reg["shipments"]) == 3
    for i, s in enumerate(reg["shipments"]):
        assert s["stop"] == i
        assert TRACKING_ID.fullmatch(s["tracking_id"])  # what the lookup page recognises
        assert len(s["token"]) >= 24  # unguessable
        assert s["tracking_url"].endswith("/track/" + s["token"])
    assert len({s["token"] for s in reg["shipments"]}) == 3


def test_track_view_keeps_first_name_only_and_no_other_customers(client):
    reg = register(client, recipients=["Maria Secret", "Olli Hidden", "Pia Private"])
    view = client.get(f"/api/v1/track/{reg['shipments'][1]['token']}").json
    assert view["tracking_id"] == reg["shipments"][1]["tracking_id"]
    assert view["driver"]["name"] == "Aino"
    text = json.dumps(view)
    assert "Virtanen" not in text
    for other in ("Maria Secret", "Pia Private", STOPS[0][2], STOPS[2][2]):
        assert other not in text


def test_position_moves_the_view(client):
    reg = register(client)
    a = (60.1675, 24.9450)
    b = STOPS[0][:2]
    resp = client.post("/api/v1/positions", json=fix_between(a, b, 0.5, 10), headers=driver(reg))
    assert resp.status_code == 200, resp.json
    assert resp.json == {"accepted": 1, "dropped": 0, "rejected": []}
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    pos = view["driver"]["position"]
    assert pos["lat"] == pytest.approx((a[0] + b[0]) / 2, abs=1e-6)


def test_batch_keeps_valid_items_and_reports_rejected_by_index(client):
    reg = register(client)
    good = fix_between((60.1675, 24.9450), STOPS[0][:2], 0.3, 10)
    bad_lat = {**good, "lat": 91, "timestamp": iso(11)}
    no_time = {k: v for k, v in good.items() if k != "timestamp"}
    later = fix_between((60.1675, 24.9450), STOPS[0][:2], 0.6, 20)
    resp = client.post("/api/v1/positions", json={"positions": [good, bad_lat, no_time, later]},
                       headers=driver(reg))
    assert resp.status_code == 200
    assert resp.json["accepted"] == 2
    assert resp.json["rejected"] == [
        {"index": 1, "field": "positions[1].lat", "error": "must be between -90 and 90"},
        {"index": 2, "field": "positions[2].timestamp", "error": "is required"},
    ]


def test_batch_items_may_carry_their_own_driver_token(client):
    one, two = register(client), register(client)
    def item(frac, token):
        return {**fix_between((60.1675, 24.9450), STOPS[0][:2], frac, 10), "driver_token": token}

    fixes = [item(0.5, one["driver_token"]), item(0.2, two["driver_token"]),
             item(0.2, "dt_forged")]
    resp = client.post("/api/v1/positions", json={"positions": fixes})
    assert resp.json["accepted"] == 2
    assert resp.json["rejected"][0]["field"] == "positions[2].driver_token"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"lat": 90.5}, "lat"),
        ({"lon": -181}, "lon"),
        ({"lat": "60.1"}, "lat"),
        ({"lat": True}, "lat"),
        ({"lat": None}, "lat"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"timestamp": "2026-11-26T10:00:00"}, "timestamp"),  # no offset: ambiguous
        ({"speed": -1}, "speed"),
        ({"accuracy": "good"}, "accuracy"),
    ],
)
def test_bad_fix_names_the_field_and_changes_nothing(client, change, field):
    reg = register(client)
    token = reg["shipments"][0]["token"]
    before = steady(client.get(f"/api/v1/track/{token}").json)
    body = {**fix_between((60.1675, 24.9450), STOPS[0][:2], 0.5, 10), **change}
    resp = client.post("/api/v1/positions", json=body, headers=driver(reg))
    assert resp.status_code == 400
    assert resp.json["field"] == field
    assert field in resp.json["error"]
    assert steady(client.get(f"/api/v1/track/{token}").json) == before


def test_non_finite_numbers_are_refused(client):
    reg = register(client)
    raw = '{"lat": NaN, "lon": 24.9, "timestamp": 1764147600}'
    resp = client.post("/api/v1/positions", data=raw, content_type="application/json",
                       headers=driver(reg))
    assert resp.status_code == 400
    assert resp.json["field"] == "lat"


@pytest.mark.parametrize(
    "data, content_type, status, field",
    [
        ("not json", "application/json", 400, "body"),
        ('{"lat": 1', "application/json", 400, "body"),
        ("lat=1", "application/x-www-form-urlencoded", 415, "body"),
        ("[1, 2]", "application/json", 400, "body"),
        (b"\xff\xfe\x00garbage", "application/json", 400, "body"),
        ("[" * 100000 + "]" * 100000, "application/json", 400, "body"),
        ('{"positions": []}', "application/json", 400, "positions"),
        ('{"positions": {"lat": 1}}', "application/json", 400, "positions"),
    ],
)
def test_malformed_bodies(client, data, content_type, status, field):
    reg = register(client)
    resp = client.post("/api/v1/positions", data=data, content_type=content_type,
                       headers=driver(reg))
    assert resp.status_code == status
    assert resp.json["field"] == field


def test_oversized_body_is_413_json(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    reg = register(client)
    resp = client.post("/api/v1/positions", data="x" * 5000, content_type="application/json",
                       headers=driver(reg))
    assert resp.status_code == 413
    assert resp.json["field"] == "body"


def test_batch_length_is_bounded(app, client):
    app.config["MAX_BATCH"] = 3
    reg = register(client)
    fixes = [fix_between((60.1675, 24.9450), STOPS[0][:2], 0.1, i) for i in range(4)]
    resp = client.post("/api/v1/positions", json={"positions": fixes}, headers=driver(reg))
    assert resp.status_code == 400
    assert resp.json["field"] == "positions"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer dt_wrong"},
                                     {"Authorization": "Basic abc"}])
def test_positions_need_a_driver_token(client, headers):
    register(client)
    resp = client.post("/api/v1/positions", json=fix_between((60.1, 24.9), (60.2, 24.9), 0, 1),
                       headers=headers)
    assert resp.status_code == 401
    assert resp.json["field"] == "Authorization"


@pytest.mark.parametrize("key", [None, "wrong", ""])
def test_register_needs_a_seller_key(client, key):
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    resp = client.post("/api/v1/routes", json=route_payload(), headers=headers)
    assert resp.status_code == 401


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda p: p.pop("driver"), "driver"),
        (lambda p: p["driver"].update(vehicle="tank"), "driver.vehicle"),
        (lambda p: p["driver"].update(name="  "), "driver.name"),
        (lambda p: p.update(stops=[]), "stops"),
        (lambda p: p["stops"][1].update(lat=123), "stops[1].lat"),
        (lambda p: p["stops"][2].update(shipments=[]), "stops[2].shipments"),
        (lambda p: p["stops"][0]["shipments"][0].pop("recipient"),
         "stops[0].shipments[0].recipient"),
        (lambda p: p.update(program="teleport"), "program"),
        (lambda p: p.update(timezone="Mars/Olympus"), "timezone"),
        (lambda p: p.update(legs=[[[60.1, 24.9]]]), "legs"),
        (lambda p: p["legs"][0].append([60.1, "x"]), "legs[0][2].lon"),
        (lambda p: p["station"].pop("lon"), "station.lon"),
    ],
)
def test_bad_route_names_the_field_and_stores_nothing(client, mutate, field):
    payload = route_payload()
    mutate(payload)
    resp = client.post("/api/v1/routes", json=payload, headers=SELLER)
    assert resp.status_code == 400, resp.json
    assert resp.json["field"] == field
    assert client.get("/api/v1/routes", headers=SELLER).json["routes"] == []


def test_unknown_tracking_token_is_404_json(client):
    resp = client.get("/api/v1/track/not-a-token")
    assert resp.status_code == 404
    assert resp.json["field"] == "token"


def test_seller_sees_only_own_routes(client):
    mine = register(client, key="demo")
    theirs = register(client, key="acme-key")
    routes = client.get("/api/v1/routes", headers=SELLER).json["routes"]
    assert [r["route_id"] for r in routes] == [mine["route_id"]]
    resp = client.get(f"/api/v1/routes/{theirs['route_id']}", headers=SELLER)
    assert resp.status_code == 404


def test_events_deliver_a_stop(client):
    reg = register(client, start=False)
    h = driver(reg)
    assert client.post("/api/v1/events", json={"type": "route_started", "timestamp": iso(0)},
                       headers=h).status_code == 200
    resp = client.post("/api/v1/events", headers=h, json={
        "type": "delivered", "stop": 0, "timestamp": iso(300),
        "proof": {"left_at": "front door", "note": "Handed over"}})
    assert resp.status_code == 200, resp.json
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    assert view["status"] == "delivered"
    assert view["proof"]["left_at"] == "front door"
    second = client.get(f"/api/v1/track/{reg['shipments'][1]['token']}").json
    assert second["stops_away"] == 0


@pytest.mark.parametrize(
    "event, field",
    [
        ({"type": "teleported"}, "type"),
        ({"type": "delivered"}, "stop"),
        ({"type": "delivered", "stop": 99}, "stop"),
        ({"type": "attempted", "stop": 0, "reason": "bored"}, "reason"),
    ],
)
def test_bad_events_are_refused(client, event, field):
    reg = register(client)
    resp = client.post("/api/v1/events", json={"timestamp": iso(5), **event}, headers=driver(reg))
    assert resp.status_code == 400
    assert resp.json["field"] == field


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.json
    assert (body["status"], body["store"]) == ("ok", "memory")
    # The street map's state is reported, not counted (tests/unit/test_basemap_archive.py).
    assert body["basemap"]["state"] in ("ok", "missing")


def test_a_batch_under_a_driver_token_that_names_no_route_is_a_401(client):
    """A revoked driver link's batch: 401, which the driver app keeps for a new link (a 200
    with every item rejected told it the fixes were dealt with; an outside check)."""
    fixes = [fix_between(STOPS[0][:2], STOPS[1][:2], 0.1, 10)]
    resp = client.post("/api/v1/positions", json={"positions": fixes},
                       headers={"Authorization": "Bearer da_revoked-or-mistyped-link-token"})
    assert resp.status_code == 401 and resp.json["field"] == "Authorization"
