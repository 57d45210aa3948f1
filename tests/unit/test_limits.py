"""Limits on work: 429 with Retry-After and a JSON body naming what was limited; 413 for bodies."""

from __future__ import annotations

import pytest

from app import create_app
from tests.support.helpers import STATION, STOPS, T0, fix_between, iso, register

T0_S = int(T0.timestamp())

pytestmark = pytest.mark.usefixtures("routes_registered_before_t0")


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def fix(t: float) -> dict:
    return fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], 0.1 + t / 1000, t)


@pytest.fixture
def limited(app):
    app.config.update(FIXES_PER_DRIVER="5/minute", FIXES_PER_SELLER="8/minute",
                      SIGNUP_RATE="2/hour", SIGNIN_FAILURE_RATE="3/minute")
    return app


def assert_429(resp, field: str, words: str) -> None:
    assert resp.status_code == 429
    assert resp.json["field"] == field
    assert words in resp.json["error"]
    assert 1 <= int(resp.headers["Retry-After"]) <= 60 * 60


def batch(reg: dict, *times: float) -> dict:
    return {"positions": [{**fix(t), "driver_token": reg["driver_token"]} for t in times]}


def test_fixes_are_counted_not_requests(limited, client):
    one, two = register(client), register(client)
    assert client.post("/api/v1/positions", json=batch(one, 10, 20, 30)).json["accepted"] == 3
    resp = client.post("/api/v1/positions", json=batch(one, 40, 50, 60))  # 3 + 3 > 5
    assert_429(resp, "Authorization", "too many fixes for this driver")
    # A refused batch takes nothing: two more fit.
    assert client.post("/api/v1/positions", json=batch(one, 40, 50)).json["accepted"] == 2
    # Another driver is not slowed by the first; in a mixed batch only the limited items wait.
    resp = client.post("/api/v1/positions", json={"positions": [
        {**fix(70), "driver_token": one["driver_token"]},
        {**fix(70), "driver_token": two["driver_token"]}]})
    assert resp.status_code == 200 and resp.json["accepted"] == 1
    assert resp.json["rejected"][0]["field"] == "positions[0].driver_token"


def test_a_batch_bigger_than_the_whole_budget_says_to_send_smaller_batches(limited, client):
    reg = register(client)
    resp = client.post("/api/v1/positions", json=batch(reg, *range(10, 70, 10)))
    assert_429(resp, "Authorization", "send smaller batches")
    assert "6 fixes" in resp.json["error"] and "5 per 1 minute" in resp.json["error"]
    # It used up the window: the driver waits it out, refused before the body is read.
    resp = client.post("/api/v1/positions", data="not even JSON", content_type="text/plain",
                       headers=bearer(reg["driver_token"]))
    assert_429(resp, "Authorization", "too many fixes for this driver")


def test_many_drivers_of_one_seller_add_up_to_the_sellers_limit(limited, client):
    one, two, other = register(client), register(client), register(client, key="acme-key")
    assert client.post("/api/v1/positions", json=batch(one, *range(10, 60, 10))).status_code == 200
    assert client.post("/api/v1/positions", json=batch(two, 10, 20, 30)).status_code == 200
    resp = client.post("/api/v1/positions", json=batch(two, 40))  # the seller's 9th fix
    assert_429(resp, "Authorization", "too many fixes for this seller")
    # Another seller's drivers have their own budget.
    assert client.post("/api/v1/positions", json=batch(other, 10, 20)).status_code == 200


def test_events_are_counted_per_driver(app, client):
    app.config["EVENTS_PER_DRIVER"] = "2/minute"
    reg = register(client)  # its route_started is the first event
    event = {"type": "arrived", "stop": 0, "timestamp": iso(100)}
    assert client.post("/api/v1/events", json=event, headers=bearer(
        reg["driver_token"])).status_code == 200
    assert_429(client.post("/api/v1/events", json=event, headers=bearer(reg["driver_token"])),
               "Authorization", "too many events for this driver")


def test_routes_per_seller_and_shipments_per_route_are_capped(app, client):
    from tests.support.helpers import route_payload

    app.config.update(ROUTES_PER_SELLER="2/hour", MAX_SHIPMENTS_PER_ROUTE=3)
    payload = route_payload()
    big = {**payload, "stops": [{**payload["stops"][0], "shipments": [
        {"recipient": f"R{i}"} for i in range(4)]}]}
    resp = client.post("/api/v1/routes", json=big, headers=bearer("demo"))
    assert resp.status_code == 400 and resp.json["field"] == "stops"
    assert "at most 3 shipments" in resp.json["error"]
    register(client, start=False)
    register(client, start=False)
    resp = client.post("/api/v1/routes", json=payload, headers=bearer("demo"))
    assert_429(resp, "body", "too many routes for this seller")
    assert client.post("/api/v1/routes", json=payload, headers=bearer("acme-key")).status_code \
        == 201


def test_text_sign_ups_are_limited_per_link(limited, client):
    reg = register(client)
    url = f"/api/v1/track/{reg['shipments'][0]['token']}/texts"
    for _ in range(2):
        assert client.post(url, json={"phone": "+358401234567"}).status_code == 201
    assert_429(client.post(url, json={"phone": "+358401234568"}), "token", "text sign-ups")
    other = f"/api/v1/track/{reg['shipments'][1]['token']}/texts"
    assert client.post(other, json={"phone": "+358401234567"}).status_code == 201


def test_failed_sign_ins_are_limited_per_address_even_for_the_right_key(limited, client):
    for guess in ("a", "b", "c"):
        assert client.get("/api/v1/routes", headers=bearer(guess)).status_code == 401
    # The right key now waits too: otherwise a 200 among 429s would tell the guesser.
    assert_429(client.get("/api/v1/routes", headers=bearer("demo")), "Authorization",
               "failed sign-ins")
    elsewhere = client.get("/api/v1/routes", headers=bearer("demo"),
                           environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert elsewhere.status_code == 200


def test_limits_are_shared_through_redis(clean_redis):
    config = {"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": clean_redis,
              "SELLER_KEYS": {"demo": "demo"}, "SIGNIN_FAILURE_RATE": "2/minute"}
    one, two = create_app(config).test_client(), create_app(config).test_client()
    assert one.get("/api/v1/keys", headers=bearer("x")).status_code == 401
    assert two.get("/api/v1/keys", headers=bearer("y")).status_code == 401
    assert one.get("/api/v1/keys", headers=bearer("demo")).status_code == 429


@pytest.mark.parametrize("path", ["/api/v1/routes", "/api/v1/positions", "/api/v1/events"])
def test_bodies_over_max_content_length_are_413_naming_the_body(app, client, path):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    resp = client.post(path, data=b'{"x": "' + b"a" * 20_000 + b'"}',
                       content_type="application/json", headers=bearer("demo"))
    assert resp.status_code == 413
    assert resp.json["field"] == "body" and "10000" in resp.json["error"]


def test_a_batch_longer_than_max_batch_is_refused_naming_it(app, client):
    app.config["MAX_BATCH"] = 5
    reg = register(client)
    resp = client.post("/api/v1/positions", json={"positions": [fix(t) for t in range(6)]},
                       headers=bearer(reg["driver_token"]))
    assert resp.status_code == 400 and resp.json["field"] == "positions"
    assert "at most 5" in resp.json["error"]


def test_phones_are_limited_in_fixes_over_an_hour_not_per_minute(limited, client):
    """A phone back in coverage flushes its backlog back to back: the API's per-minute budget
    (5/minute here) does not refuse it; the phone's own budget over an hour does, heartbeats
    counted too."""
    limited.config.update(PHONE_FIXES_PER_DRIVER="12/hour")
    reg = register(client)
    phone = "phone-4711-9c0e51b2a7d3"
    resp = client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": phone},
                      headers=bearer("demo"))
    assert resp.status_code == 200, resp.json
    for t in range(10, 110, 10):
        f = fix(t)
        resp = client.post(f"/osmand?id={phone}&lat={f['lat']}&lon={f['lon']}"
                           f"&timestamp={T0_S + t}&speed=5")
        assert resp.status_code == 200 and resp.json["accepted"] == 1, (t, resp.json)
    assert client.post(f"/?id={phone}&timestamp={T0_S + 120}&batt=50").status_code == 200
    assert client.post(f"/?id={phone}&cell=244,91,1,2").status_code == 200
    resp = client.post(f"/osmand?id={phone}&lat={f['lat']}&lon={f['lon']}"
                       f"&timestamp={T0_S + 200}")
    assert_429(resp, "id", "too many fixes for this driver")
    assert int(resp.headers["Retry-After"]) > 60  # the hour's budget, not a minute's


def test_a_phone_batch_costs_what_it_carries_heartbeats_too(limited, client):
    limited.config.update(PHONE_FIXES_PER_DRIVER="12/hour")
    reg = register(client)
    phone = "phone-4711-9c0e51b2a7d3"
    client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": phone},
               headers=bearer("demo"))
    beats = {"device_id": phone, "location": [{"event": "heartbeat"}] * 13}
    resp = client.post("/osmand", json=beats)
    # More than a whole hour's budget in one request: refused, and nothing of the budget taken.
    assert resp.status_code == 413 and resp.json["field"] == "body"
    assert "at most 12 in one request" in resp.json["error"]
    twelve = {"device_id": phone, "location": [{"event": "heartbeat"}] * 12}
    assert client.post("/osmand", json=twelve).status_code == 200
    resp = client.post("/osmand", json={"device_id": phone, "location": {"event": "heartbeat"}})
    assert_429(resp, "id", "for this driver")  # the hour's twelve are spent


def test_the_default_phone_budget_holds_an_hour_of_backlog_and_the_live_hour():
    """Traccar Client at its highest setting records about a fix a second: an hour out of
    coverage is 3,600 fixes to flush, and the live hour goes on beside it."""
    from limits import parse

    from app.config import from_env

    item = parse(from_env()["PHONE_FIXES_PER_DRIVER"])
    assert item.get_expiry() >= 3600 and item.amount * 3600 / item.get_expiry() >= 2 * 3600


def test_a_batch_naming_thousands_of_driver_tokens_is_refused_before_looking_them_up(client):
    """No credential is needed to send a batch: each unknown token used to cost a store
    lookup, uncounted by any limit. A batch names at most 100 drivers."""
    from app.web.api.positions import MAX_DRIVERS_PER_BATCH

    reg = register(client)
    fix = fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], 0.1, 10)
    batch = [{**fix, "driver_token": f"dt_guess{i:05d}"} for i in range(2000)]
    resp = client.post("/api/v1/positions", json={"positions": batch})
    assert resp.status_code == 400
    assert resp.json["field"] == f"positions[{MAX_DRIVERS_PER_BATCH}].driver_token"
    # A relay's batch for a few drivers, one of them real, still goes through.
    mixed = [{**fix, "driver_token": reg["driver_token"]}] + batch[:50]
    resp = client.post("/api/v1/positions", json={"positions": mixed})
    assert resp.status_code == 200 and resp.json["accepted"] == 1
