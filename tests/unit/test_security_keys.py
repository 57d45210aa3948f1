"""Seller keys: created once, listed without the secret, revoked at once everywhere, for good."""

from __future__ import annotations

import json

import pytest

from app import create_app
from app.extensions import socketio
from tests.support.helpers import register


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_a_new_key_is_shown_once_and_listed_without_the_secret(client):
    created = client.post("/api/v1/keys", headers=bearer("demo"))
    assert created.status_code == 201
    key, key_id = created.json["key"], created.json["key_id"]
    assert len(key) >= 40
    listed = client.get("/api/v1/keys", headers=bearer(key)).json["keys"]
    assert {k["key_id"] for k in listed} == {key_id, listed[0]["key_id"]}
    assert [k["current"] for k in listed if k["key_id"] == key_id] == [True]
    text = json.dumps(listed)
    assert key not in text and "demo" not in text and "hash" not in text
    assert client.get("/api/v1/routes", headers=bearer(key)).status_code == 200


def test_a_revoked_key_stops_working_at_once_on_api_and_socket(app, client):
    new = client.post("/api/v1/keys", headers=bearer("demo")).json
    old_id = next(k["key_id"] for k in client.get("/api/v1/keys", headers=bearer("demo"))
                  .json["keys"] if k["current"])
    resp = client.delete(f"/api/v1/keys/{old_id}", headers=bearer(new["key"]))
    assert resp.status_code == 204
    resp = client.post("/api/v1/routes", json={}, headers=bearer("demo"))
    assert resp.status_code == 401 and resp.json["field"] == "Authorization"
    assert not socketio.test_client(app, auth={"seller_key": "demo"}).is_connected()
    assert client.get("/api/v1/keys", headers=bearer(new["key"])).json["keys"] == [
        {**{k: v for k, v in new.items() if k != "key"}, "current": True,
         "last_used_at": pytest.approx(new["created_at"], abs=60)}]
    assert app.extensions["doorstep"].sellers.active(old_id) is None
    assert app.extensions["doorstep"].sellers.active(new["key_id"]) == "demo"


def test_the_last_key_cannot_be_revoked(client):
    (only,) = client.get("/api/v1/keys", headers=bearer("acme-key")).json["keys"]
    resp = client.delete(f"/api/v1/keys/{only['key_id']}", headers=bearer("acme-key"))
    assert resp.status_code == 409 and resp.json["field"] == "key_id"


def test_revocation_is_shared_by_every_process_and_survives_a_restart(clean_redis):
    config = {"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": clean_redis,
              "SELLER_KEYS": {"demo": "demo"}}
    one, two = create_app(config).test_client(), create_app(config).test_client()
    new = one.post("/api/v1/keys", headers=bearer("demo")).json
    assert two.get("/api/v1/routes", headers=bearer(new["key"])).status_code == 200
    reg = register(two, key=new["key"])
    old_id = next(k["key_id"] for k in one.get("/api/v1/keys", headers=bearer("demo"))
                  .json["keys"] if k["current"])
    assert one.delete(f"/api/v1/keys/{old_id}", headers=bearer(new["key"])).status_code == 204
    assert two.get("/api/v1/routes", headers=bearer("demo")).status_code == 401
    # A restart with the same SELLER_KEYS does not bring the revoked key back.
    three = create_app(config).test_client()
    assert three.get("/api/v1/routes", headers=bearer("demo")).status_code == 401
    routes = three.get("/api/v1/routes", headers=bearer(new["key"])).json["routes"]
    assert [r["route_id"] for r in routes] == [reg["route_id"]]
