"""Rate limits: 429 with Retry-After and a JSON body naming what was limited; 413 for bodies."""

from __future__ import annotations

import pytest

from app import create_app
from tests.support.helpers import STATION, STOPS, fix_between, register


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def fix(t: float) -> dict:
    return fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], 0.1 + t / 1000, t)


@pytest.fixture
def limited(app):
    app.config.update(POSITIONS_RATE="2/minute", SIGNUP_RATE="2/hour",
                      SIGNIN_FAILURE_RATE="3/minute")
    return app


def assert_429(resp, field: str, words: str) -> None:
    assert resp.status_code == 429
    assert resp.json["field"] == field
    assert words in resp.json["error"]
    assert 1 <= int(resp.headers["Retry-After"]) <= 60 * 60


def test_positions_are_limited_per_driver(limited, client):
    one, two = register(client), register(client)
    for t in (10, 20):
        assert client.post("/api/v1/positions", json=fix(t), headers=bearer(
            one["driver_token"])).status_code == 200
    resp = client.post("/api/v1/positions", json=fix(30), headers=bearer(one["driver_token"]))
    assert_429(resp, "Authorization", "position requests for this driver")
    # Another driver is not slowed by the first; in a mixed batch only the limited items wait.
    resp = client.post("/api/v1/positions", json={"positions": [
        {**fix(40), "driver_token": one["driver_token"]},
        {**fix(40), "driver_token": two["driver_token"]}]})
    assert resp.status_code == 200 and resp.json["accepted"] == 1
    assert resp.json["rejected"][0]["field"] == "positions[0].driver_token"


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


def test_osmand_phones_share_the_per_driver_position_limit(limited, client):
    reg = register(client)
    resp = client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": "phone-4711"},
                      headers=bearer("demo"))
    assert resp.status_code == 200, resp.json
    for t in (10, 20):
        f = fix(t)
        resp = client.post(f"/osmand?id=phone-4711&lat={f['lat']}&lon={f['lon']}"
                           f"&timestamp={1764147600 + t}&speed=5")
        assert resp.status_code == 200, resp.json
    resp = client.post(f"/osmand?id=phone-4711&lat={f['lat']}&lon={f['lon']}"
                       f"&timestamp={1764147700}")
    assert_429(resp, "id", "position requests for this driver")
