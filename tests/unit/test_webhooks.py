"""Seller webhooks: registration, signed deliveries, retries with backoff, restarts in between."""

from __future__ import annotations

import pytest
import requests

from app.notify.providers import NO_ANSWER
from tests.support.helpers import T0, iso, register
from tests.support.notify import SELLER, Clock, Receiver, event, make_app, signed_by, worker
from tests.support.servers import until


@pytest.fixture
def clock():
    return Clock(T0.timestamp() + 60)


@pytest.fixture
def app(clock):
    return make_app(clock)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def hook(client, url, events=("delivered",)):
    resp = client.post("/api/v1/webhooks", json={"url": url, "events": list(events)},
                       headers=SELLER)
    assert resp.status_code == 201, resp.json
    return resp.json


def deliver(client, reg, stop=0, t=60):
    resp = client.post("/api/v1/events", json={"type": "delivered", "stop": stop,
                                               "timestamp": iso(t)},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.json


def webhook_messages(client):
    return client.get("/api/v1/messages?kind=webhook", headers=SELLER).json["messages"]


def test_secret_is_shown_once_and_endpoints_are_per_seller(client):
    created = hook(client, "https://shop.example/hooks")
    assert created["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=SELLER).json["webhooks"]
    assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]
    other = client.get("/api/v1/webhooks", headers={"Authorization": "Bearer acme-key"}).json
    assert other["webhooks"] == []
    gone = client.delete(f"/api/v1/webhooks/{created['id']}",
                         headers={"Authorization": "Bearer acme-key"})
    assert gone.status_code == 404
    assert client.delete(f"/api/v1/webhooks/{created['id']}", headers=SELLER).status_code == 200
    assert client.get("/api/v1/webhooks", headers=SELLER).json["webhooks"] == []


@pytest.mark.parametrize("body, field", [
    ({"url": "ftp://shop.example/x"}, "url"),
    ({"url": "https://"}, "url"),
    ({}, "url"),
    ({"url": "https://shop.example", "events": ["teleported"]}, "events"),
    ({"url": "https://shop.example", "events": []}, "events"),
])
def test_bad_registrations_name_the_field(client, body, field):
    resp = client.post("/api/v1/webhooks", json=body, headers=SELLER)
    assert resp.status_code == 400 and resp.json["field"] == field
    assert client.post("/api/v1/webhooks", json=body).status_code == 401


def test_delivery_is_signed_and_has_the_stable_shape(client, app, receiver):
    secret = hook(client, receiver.url, ["out_for_delivery", "delivered"])["secret"]
    reg = register(client, n_stops=1)
    deliver(client, reg)
    worker(app).run_once()
    assert [r["status"] for r in receiver.requests] == [200, 200]
    assert all(signed_by(secret, r) for r in receiver.requests)
    delivered = next(event(r) for r in receiver.requests if event(r)["type"] == "delivered")
    assert set(delivered) == {"id", "type", "created_at", "data"}
    data = delivered["data"]
    assert data["tracking_id"] == reg["shipments"][0]["tracking_id"]
    assert data["route_id"] == reg["route_id"] and data["status"] == "delivered"
    assert data["text"].startswith("Delivered")
    assert receiver.requests[0]["headers"]["X-Doorstep-Event"] in ("out_for_delivery",
                                                                   "delivered")
    worker(app).run_once()
    assert len(receiver.requests) == 2  # nothing twice


def test_fails_twice_then_succeeds_with_backoff(client, app, clock):
    receiver = Receiver([500, 503])
    try:
        hook(client, receiver.url)
        deliver(client, register(client, n_stops=1))
        worker(app).run_once()
        first = webhook_messages(client)[0]
        assert first["state"] == "retrying" and first["last_status"] == 500
        for wait, attempts in ((10, 2), (20, 3)):  # base 10 s, doubling (jitter 10%)
            clock.advance(wait * 0.85)
            worker(app).run_once()
            assert len(receiver.requests) == attempts - 1, "retried before its backoff"
            clock.advance(wait * 0.3)
            worker(app).run_once()
            assert len(receiver.requests) == attempts
        done = webhook_messages(client)[0]
        assert done["state"] == "sent" and done["attempts"] == 3 and done["last_status"] == 200
        assert len({event(r)["id"] for r in receiver.requests}) == 1  # one event, three tries
        assert len(receiver.ok()) == 1
        endpoint = client.get("/api/v1/webhooks", headers=SELLER).json["webhooks"][0]
        assert endpoint["last_status"] == 200 and endpoint["delivered"] == 1
        assert endpoint["failed_attempts"] == 2
    finally:
        receiver.close()


def test_unreachable_and_timeouts_retry_until_the_last_attempt(clock, receiver):
    app = make_app(clock, WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_TIMEOUT=0.3)
    client = app.test_client()
    slow = Receiver(delay=1.0)
    try:
        hook(client, "http://127.0.0.1:9/closed-port")
        hook(client, slow.url)
        deliver(client, register(client, n_stops=1))
        for _ in range(3):
            worker(app).run_once()
            clock.advance(100)
        states = {m["to"]: m for m in webhook_messages(client)}
        closed, timed_out = states["http://127.0.0.1:9/closed-port"], states[slow.url]
        assert closed["state"] == timed_out["state"] == "failed"
        assert closed["attempts"] == timed_out["attempts"] == 3
        # One wording for both: the seller's status must not tell closed ports from slow ones.
        assert closed["last_error"] == timed_out["last_error"] == NO_ANSWER
    finally:
        slow.close()


def test_a_refusal_is_not_retried(client, app, clock):
    receiver = Receiver([410])
    try:
        hook(client, receiver.url)
        deliver(client, register(client, n_stops=1))
        worker(app).run_once()
        clock.advance(10_000)
        worker(app).run_once()
        message = webhook_messages(client)[0]
        assert message["state"] == "failed" and message["attempts"] == 1
        assert len(receiver.requests) == 1
    finally:
        receiver.close()


def test_delivery_survives_a_server_restart_exactly_once(live_server_factory, clean_redis):
    receiver = Receiver([500, 500])
    env = {"REDIS_URL": clean_redis, "WEBHOOK_RETRY_BASE": "2", "NOTIFY_INTERVAL": "0.1",
           "WEBHOOK_ALLOW_PRIVATE": "1"}  # the receiver is on 127.0.0.1
    first = live_server_factory(**env)
    try:
        s = requests.Session()
        resp = s.post(f"{first.url}/api/v1/webhooks", headers=SELLER,
                      json={"url": receiver.url, "events": ["out_for_delivery"]})
        secret = resp.json()["secret"]
        register(s, base=first.url, n_stops=1)  # starts the route: out for delivery
        receiver.wait_for(1)
        first.stop()  # after the first failure, before the retry 2 s later
        assert len(receiver.requests) == 1
        second = live_server_factory(**env)
        receiver.wait_for(3, timeout=20)
        # Once the server has recorded the delivery it sends nothing more: then count.
        until(lambda: s.get(f"{second.url}/api/v1/messages?kind=webhook", headers=SELLER)
              .json()["messages"][0]["state"] == "sent", what="the delivery recorded as sent")
        assert [r["status"] for r in receiver.requests] == [500, 500, 200]
        assert len({event(r)["id"] for r in receiver.requests}) == 1
        assert all(signed_by(secret, r) for r in receiver.requests)
        hooks = s.get(f"{second.url}/api/v1/webhooks", headers=SELLER).json()["webhooks"]
        assert hooks[0]["last_status"] == 200 and hooks[0]["delivered"] == 1
        sent = s.get(f"{second.url}/api/v1/messages?kind=webhook", headers=SELLER).json()
        assert [(m["state"], m["attempts"]) for m in sent["messages"]] == [("sent", 3)]
    finally:
        receiver.close()
