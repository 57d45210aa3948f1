"""Sending on a pool: a stalled endpoint holds up only its own deliveries, in order, leased."""

from __future__ import annotations

import json
import threading
import time

import pytest

from tests.support.helpers import T0, iso, route_payload
from tests.support.notify import SELLER, Clock, Receiver, make_app, worker

ACME = {"Authorization": "Bearer acme-key"}
PHONE = "+358401234567"


@pytest.fixture
def clock():
    return Clock(T0.timestamp() + 60)


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(delay: float = 0.0) -> Receiver:
        made.append(Receiver(delay=delay))
        return made[-1]

    yield make
    for r in made:
        r.close()


def hook(client, url, events=("out_for_delivery",), auth=SELLER):
    resp = client.post("/api/v1/webhooks", json={"url": url, "events": list(events)},
                       headers=auth)
    assert resp.status_code == 201, resp.json
    return resp.json


def start_route(client, auth=SELLER, phone=None):
    """A one-stop route, started: out for delivery (and approaching) are due at once."""
    payload = route_payload(n_stops=1)
    if phone:
        payload["stops"][0]["shipments"][0]["phone"] = phone
    reg = client.post("/api/v1/routes", json=payload, headers=auth).json
    driver = {"Authorization": f"Bearer {reg['driver_token']}"}
    resp = client.post("/api/v1/events", json={"type": "route_started", "timestamp": iso(0)},
                       headers=driver)
    assert resp.status_code == 200, resp.json
    return reg, driver


def messages(client, kind, auth=SELLER):
    """The seller's messages of one kind, oldest first."""
    return client.get(f"/api/v1/messages?kind={kind}", headers=auth).json["messages"][::-1]


def test_a_stalled_endpoint_holds_up_only_its_own_deliveries(clock, receivers):
    slow, fast, gateway = receivers(delay=1.0), receivers(), receivers()
    app = make_app(clock, WEBHOOK_TIMEOUT=3.0, SMS_GATEWAY_URL=gateway.url)
    client = app.test_client()
    hook(client, slow.url)
    for _ in range(2):  # due first: sent one after the other, they would hold 2 s
        start_route(client)
    hook(client, fast.url, auth=ACME)
    start_route(client, auth=ACME, phone=PHONE)

    started = time.monotonic()
    worker(app).run_once()
    took = time.monotonic() - started

    assert fast.requests[0]["at"] - started < 0.5  # another seller's webhook
    assert gateway.requests[0]["at"] - started < 0.5  # a customer's text
    assert len(slow.requests) == 2 and slow.most_at_once == 1
    assert took >= 2.0  # run_once waited for the stalled endpoint's deliveries, in turn
    for kind, auth in (("webhook", SELLER), ("webhook", ACME), ("text", ACME)):
        assert {m["state"] for m in messages(client, kind, auth)} == {"sent"}


def test_one_destination_gets_its_messages_in_order_one_at_a_time(clock, receivers):
    endpoint, gateway = receivers(delay=0.2), receivers(delay=0.2)
    app = make_app(clock, SMS_GATEWAY_URL=gateway.url)
    client = app.test_client()
    hook(client, endpoint.url, ["out_for_delivery", "approaching", "delivered"])
    _, driver = start_route(client, phone=PHONE)
    resp = client.post("/api/v1/events", headers=driver,
                       json={"type": "delivered", "stop": 0, "timestamp": iso(60)})
    assert resp.status_code == 200
    worker(app).run_once()  # all three statuses due at once, to one endpoint and one phone

    events = [r["headers"]["X-Doorstep-Event"] for r in endpoint.requests]
    assert events == ["out_for_delivery", "approaching", "delivered"]
    texts = [json.loads(r["body"])["text"] for r in gateway.requests]
    assert texts == [m["body"] for m in messages(client, "text")] and len(texts) == 3
    assert endpoint.most_at_once == gateway.most_at_once == 1


@pytest.mark.parametrize("concurrency, at_once", [(1, 1), (2, 2), (10, 3)])
def test_the_pool_bounds_how_many_destinations_are_sent_to_at_once(clock, receivers,
                                                                    concurrency, at_once):
    receiver = receivers(delay=0.3)
    app = make_app(clock, NOTIFY_CONCURRENCY=concurrency)
    client = app.test_client()
    for _ in range(3):  # three endpoints, one URL: one delivery each
        hook(client, receiver.url)
    start_route(client)
    worker(app).run_once()
    assert len(receiver.ok()) == 3 and receiver.most_at_once == at_once


def _stalled_endpoint(clock, receivers, routes):
    """One slow webhook endpoint with `routes` deliveries claimed, the first on the wire."""
    slow = receivers(delay=0.5)
    app = make_app(clock, WEBHOOK_TIMEOUT=3.0)
    client = app.test_client()
    hook(client, slow.url)
    for _ in range(routes):
        start_route(client)
    w = worker(app)
    w.step(50)  # claimed and handed to the pool, which sends on after this returns
    slow.wait_for(1)
    return app, client, slow, w


def test_messages_waiting_for_their_endpoint_stay_leased(clock, receivers):
    app, client, slow, w = _stalled_endpoint(clock, receivers, 3)
    store, lease = app.extensions["doorstep"].store, 3.0 + 30.0
    # Another process finds nothing to send; a crash now would lose nothing: the one on the
    # wire comes back after its lease, the two waiting behind it after theirs and their wait.
    assert store.claim_due("message", clock(), 50) == []
    assert len(store.claim_due("message", clock() + lease + 1, 50)) == 1
    assert len(store.claim_due("message", clock() + 3600, 50)) == 2
    w.lanes.wait()
    assert len(slow.requests) == 3  # each once
    assert {m["state"] for m in messages(client, "webhook")} == {"sent"}


def test_a_seller_cancels_deliveries_on_the_wire_and_waiting(clock, receivers):
    _, client, slow, w = _stalled_endpoint(clock, receivers, 2)
    for m in messages(client, "webhook"):
        resp = client.delete(f"/api/v1/messages/{m['id']}", headers=SELLER)
        assert resp.status_code == 200, resp.json
    w.lanes.wait()
    assert len(slow.requests) == 1  # the waiting one never went
    assert [m["state"] for m in messages(client, "webhook")] == ["cancelled", "cancelled"]


def test_the_running_sender_takes_new_work_while_an_endpoint_stalls(clock, receivers):
    slow, fast = receivers(delay=1.0), receivers()
    app = make_app(clock, WEBHOOK_TIMEOUT=3.0)
    client = app.test_client()
    hook(client, slow.url)
    hook(client, fast.url, auth=ACME)
    for _ in range(2):
        start_route(client)
    w = worker(app)
    loop = threading.Thread(target=w.run_forever, args=(0.02,), daemon=True)
    loop.start()
    try:
        slow.wait_for(1)
        created = time.monotonic()
        start_route(client, auth=ACME)  # while the slow endpoint still has 2 s of work
        fast.wait_for(1, timeout=5)
        assert fast.requests[0]["at"] - created < 0.5
    finally:
        w.running = False
        loop.join(timeout=10)
    assert not loop.is_alive() and len(slow.requests) == 2  # it finished what it had taken


def test_concurrency_below_one_is_a_configuration_error(clock):
    with pytest.raises(ValueError, match="NOTIFY_CONCURRENCY"):
        make_app(clock, NOTIFY_CONCURRENCY=0)
