"""Retention: a finished route's personal data is deleted RETENTION after its final status, in
memory and in a real Redis, with an injected clock (and, for Redis's own TTLs, a short real
wait)."""

from __future__ import annotations

import json
import time

import pytest

from tests.support.helpers import T0, fix_between, iso, register
from tests.support.notify import SELLER, Clock, make_app, worker
from tests.support.signin import page_csrf

DAY = 86400.0
PHONE = "+358401234567"


@pytest.fixture(params=["memory", "redis"])
def store_url(request):
    if request.param == "memory":
        return "memory://"
    return request.getfixturevalue("clean_redis")


@pytest.fixture
def clock():
    return Clock(T0.timestamp() + 60)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def dump(app, url: str) -> str:
    """Everything the store holds, as text."""
    store = app.extensions["doorstep"].store
    if url == "memory://":
        parts = [store._routes, store._progress, store._shipments, store._tokens, store._drivers,
                 store._seller_routes, store._docs, {str(k): list(v)
                                                    for k, v in store._logs.items()}]
        return json.dumps(parts, default=str)
    import redis

    r = redis.Redis.from_url(url, decode_responses=True)
    out = []
    for key in r.scan_iter("*"):
        if r.ttl(key) >= 0 and r.ttl(key) < 3600:
            continue  # rate-limit counters: they go with their window, in seconds
        kind = r.type(key)
        read = {"string": r.get, "hash": r.hgetall, "list": lambda k: r.lrange(k, 0, -1),
                "zset": lambda k: r.zrange(k, 0, -1)}.get(kind, lambda k: "")
        out.append(f"{key} {read(key)}")
    return "\n".join(out)


def finished_route(app, client):
    """One stop, a text sign-up, a fix and the delivery: every kind of personal data."""
    reg = register(client, n_stops=1, recipients=["Maria Virtanen"])
    token = reg["shipments"][0]["token"]
    assert client.post(f"/api/v1/track/{token}/texts", json={"phone": PHONE}).status_code == 201
    csrf = {"X-CSRF-Token": page_csrf(client, token)}
    assert client.put(f"/api/v1/track/{token}/instructions", headers=csrf,
                      json={"note": "ring the bell twice"}).status_code == 200
    a, b = (60.1675, 24.9450), (60.1680, 24.9480)
    assert client.post("/api/v1/positions", json=fix_between(a, b, 0.5, 30),
                       headers=bearer(reg["driver_token"])).status_code == 200
    assert client.post("/api/v1/events", json={
        "type": "delivered", "stop": 0, "timestamp": iso(90),
        "proof": {"left_at": "door code 4321"}}, headers=bearer(reg["driver_token"])
    ).status_code == 200
    assert client.post(f"/api/v1/track/{token}/feedback", headers=csrf, json={
        "delivery": 5, "product": 4, "comment": "lovely scarf"}).status_code == 201
    app.extensions["doorstep"].ingest.save()
    worker(app).run_once()  # the texts and the feedback request exist now
    return reg


def test_a_finished_route_is_forgotten_after_the_retention(store_url, clock):
    app = make_app(clock, STORE_URL=store_url, RETENTION=30 * DAY)
    client = app.test_client()
    reg = finished_route(app, client)
    token, tid = reg["shipments"][0]["token"], reg["shipments"][0]["tracking_id"]
    svc = app.extensions["doorstep"]
    before = dump(app, store_url)
    for secret in ("Maria Virtanen", "Pohjoisesplanadi", "door code 4321", PHONE[4:], tid,
                   "ring the bell twice", "lovely scarf"):
        assert secret in before
    clock.advance(30 * DAY - 60)
    assert svc.retention.sweep() == 0  # not yet
    assert client.get(f"/api/v1/track/{token}").status_code in (200, 404)
    assert svc.store.get_route(reg["route_id"]) is not None
    clock.advance(120)
    assert svc.retention.sweep() == 1
    after = dump(app, store_url)
    for secret in ("Maria Virtanen", "Pohjoisesplanadi", "door code 4321", PHONE[4:], tid,
                   reg["route_id"], "ring the bell twice", "lovely scarf"):
        assert secret not in after, secret
    assert client.get(f"/api/v1/track/{token}").status_code == 404
    assert client.get("/api/v1/routes", headers=SELLER).json["routes"] == []
    assert client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).status_code == 404
    assert client.get("/api/v1/messages", headers=SELLER).json["messages"] == []
    svc.ingest.save()  # nothing of it is written back
    assert svc.store.get_progress(reg["route_id"]) is None


def test_an_active_route_waits_for_its_last_activity(store_url, clock):
    app = make_app(clock, STORE_URL=store_url, RETENTION=1 * DAY)
    client = app.test_client()
    reg = register(client, n_stops=2)
    svc = app.extensions["doorstep"]
    clock.advance(DAY + 1)  # a day after registration, but its last fix is newer (below)
    a, b = (60.1675, 24.9450), (60.1680, 24.9480)
    client.post("/api/v1/positions", json=fix_between(a, b, 0.5, DAY - 30),
                headers=bearer(reg["driver_token"]))
    svc.ingest.save()
    assert svc.retention.sweep() == 0
    assert svc.store.get_route(reg["route_id"]) is not None
    clock.advance(DAY)
    assert svc.retention.sweep() == 1
    assert svc.store.get_route(reg["route_id"]) is None


def test_times_from_the_drivers_clock_cannot_postpone_it(clock):
    """A fix stamped far in the future (a bad clock) counts as no activity."""
    app = make_app(clock, RETENTION=1 * DAY)
    client = app.test_client()
    reg = register(client, n_stops=1)
    svc = app.extensions["doorstep"]
    progress = svc.store.get_progress(reg["route_id"])
    progress["updated_at"] = clock() + 1000 * DAY
    svc.ingest.live.forget(reg["route_id"])
    svc.store.put_progress(reg["route_id"], progress)
    clock.advance(DAY + 1)
    assert svc.retention.sweep() == 1


def test_redis_forgets_a_finished_route_by_itself(clean_redis):
    """Key TTLs set at the final status: Redis deletes the route with no sweep at all (a real
    2 s retention on the real clock), and the sweep then tidies the seller's index."""
    from app import create_app

    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": clean_redis,
                      "SELLER_KEYS": {"demo": "demo"}, "RETENTION": 2.0, "DEMO": False})
    client = app.test_client()
    reg = register(client, n_stops=1)
    client.post("/api/v1/events", json={"type": "delivered", "stop": 0, "timestamp": iso(90)},
                headers=bearer(reg["driver_token"]))
    svc = app.extensions["doorstep"]
    svc.ingest.save()  # the write-behind keeps the TTL
    import redis

    r = redis.Redis.from_url(clean_redis)
    rid, tid = reg["route_id"], reg["shipments"][0]["tracking_id"]
    assert 0 < r.pttl(f"doorstep:route:{rid}") <= 3000
    assert 0 < r.pttl(f"doorstep:progress:{rid}") <= 3000
    assert 0 < r.pttl(f"doorstep:shipment:{tid}") <= 3000
    keys = (f"doorstep:route:{rid}", f"doorstep:shipment:{tid}", f"doorstep:progress:{rid}",
            f"doorstep:log:positions:{rid}")
    deadline = time.monotonic() + 10  # 2 s of TTL, then Redis's expiry cycle (~10 per second)
    while r.exists(*keys) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not r.exists(*keys)
    assert svc.store.seller_routes("demo") == [rid]  # only the index is left
    assert svc.retention.sweep() == 1
    assert svc.store.seller_routes("demo") == []


def test_the_demo_fleets_routes_go_within_the_hour(clock):
    """The demo fleet drives around the clock: the routes it registered itself go
    DEMO_RETENTION after they finish; the same seller's real routes keep the full retention."""
    from app.ops.demo import DemoFleet

    app = make_app(clock, DEMO=True, DEMO_RETENTION=3600.0, RETENTION=30 * DAY)
    client = app.test_client()
    fleet = DemoFleet(app, "http://127.0.0.1:1", "http://localhost:1")  # not started
    routes = {}
    for name in ("fleet", "real"):
        reg = register(client, key="demo", n_stops=1)
        if name == "fleet":
            fleet._own(reg["route_id"])  # as when the simulator prints its link record
        client.post("/api/v1/events", json={"type": "delivered", "stop": 0,
                                             "timestamp": iso(90)},
                    headers=bearer(reg["driver_token"]))
        routes[name] = reg["route_id"]
    svc = app.extensions["doorstep"]
    clock.advance(90 + 3601)  # the delivery is stamped 90 s in (iso(90)): the hour counts from it
    assert svc.retention.sweep() == 1
    assert svc.store.get_route(routes["fleet"]) is None
    assert svc.store.get_route(routes["real"]) is not None


def test_a_forgotten_routes_driver_token_is_refused_cleanly(clock):
    """The driver's token outlives the route in this process's cache: a late fix or event
    answers 409 / 400 naming the route, never 500."""
    app = make_app(clock, RETENTION=1 * DAY)
    client = app.test_client()
    reg = register(client, n_stops=1)
    client.post("/api/v1/events", json={"type": "delivered", "stop": 0, "timestamp": iso(90)},
                headers=bearer(reg["driver_token"]))
    svc = app.extensions["doorstep"]
    svc.ingest.save()
    # As if another process had forgotten it: this one's route and driver caches stay warm
    # (its live progress went after a minute idle, app/live/write_behind.py).
    svc.retention.routes = svc.retention.live = None
    svc.ingest.live.forget(reg["route_id"])
    clock.advance(90 + DAY + 1)  # a day from the delivery, stamped 90 s in (iso(90))
    assert svc.retention.sweep() == 1
    a, b = (60.1675, 24.9450), (60.1680, 24.9480)
    fix = client.post("/api/v1/positions", json=fix_between(a, b, 0.5, 200),
                      headers=bearer(reg["driver_token"]))
    assert fix.status_code == 409 and fix.json["field"] == "route"
    event = client.post("/api/v1/events", json={"type": "returned", "timestamp": iso(300)},
                        headers=bearer(reg["driver_token"]))
    assert event.status_code in (400, 401, 409) and event.json["field"] in ("route",
                                                                             "Authorization")


def test_a_withdrawn_route_leaves_no_personal_data_and_its_mark_goes_with_the_retention(
        store_url, clock):
    """Withdrawn, a route's personal data goes at once, in memory and in Redis; its links say
    it was withdrawn (410) for RETENTION, then are unknown (404)."""
    app = make_app(clock, STORE_URL=store_url, RETENTION=30 * DAY)
    client = app.test_client()
    reg = finished_route(app, client)
    token, tid = reg["shipments"][0]["token"], reg["shipments"][0]["tracking_id"]
    svc = app.extensions["doorstep"]
    assert client.delete(f"/api/v1/routes/{reg['route_id']}", headers=SELLER).status_code == 200
    svc.ingest.save()  # nothing of it is written back
    after = dump(app, store_url)
    for secret in ("Maria Virtanen", "Pohjoisesplanadi", "door code 4321", PHONE[4:],
                   "ring the bell twice", "lovely scarf", reg["route_id"]):
        assert secret not in after, secret
    assert client.get(f"/api/v1/track/{token}").status_code == 410
    clock.advance(30 * DAY - 60)
    svc.retention.sweep()
    assert client.get(f"/api/v1/track/{token}").status_code == 410
    clock.advance(120)
    svc.retention.sweep()
    assert client.get(f"/api/v1/track/{token}").status_code == 404
    assert tid not in dump(app, store_url)
