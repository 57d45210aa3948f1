"""Attacks on durability and limits, as an outsider would make them: gunicorn and a Redis we own.

Redis is killed mid-run (an outage) and filled past `maxmemory` with `noeviction` (the setting
docs/deployment.md asks for); drivers flood the API with batches of thousands of fixes; a seller
tries to claim the short device ids phones ship with; a route carries 25,000 shipments.
"""

from __future__ import annotations

import pytest
import requests

from tests.support.helpers import STATION, STOPS, fix_between, iso, register, route_payload
from tests.support.servers import AppendOnlyRedis, until

SELLER = {"Authorization": "Bearer demo"}
ACME = {"Authorization": "Bearer acme-key"}
KEYS = "demo:demo,acme:acme-key"


@pytest.fixture
def own_redis(tmp_path):
    server = AppendOnlyRedis(tmp_path)
    yield server
    server.stop()


def driver(reg: dict) -> dict:
    return {"Authorization": f"Bearer {reg['driver_token']}"}


def post_fix(base: str, reg: dict, frac: float, t: float) -> requests.Response:
    return requests.post(f"{base}/api/v1/positions", headers=driver(reg), timeout=15,
                         json=fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], frac, t))


def deliver(base: str, reg: dict) -> requests.Response:
    return requests.post(f"{base}/api/v1/events", headers=driver(reg), timeout=15, json={
        "type": "delivered", "stop": 0, "timestamp": iso(300), "proof": {"left_at": "porch"}})


def assert_503(resp: requests.Response, words: str) -> None:
    assert resp.status_code == 503, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    assert words in resp.json()["error"] and int(resp.headers["Retry-After"]) >= 1


def wait_until(check, timeout: float = 20.0):
    return until(check, timeout, "the server's recovery", interval=0.3)


def messages_for(base: str, tracking_id: str) -> list[tuple[str, str]]:
    body = requests.get(f"{base}/api/v1/messages", headers=SELLER, timeout=5).json()
    return [(m["kind"], m["event"]) for m in body["messages"] if m["tracking_id"] == tracking_id]


def test_a_redis_outage_answers_503_and_the_retry_completes_every_notification(
        own_redis, live_server_factory):
    server = live_server_factory(REDIS_URL=own_redis.url, NOTIFY_INTERVAL="0.2")
    reg = register(requests, server.url)
    ship = reg["shipments"][0]
    assert requests.post(f"{server.url}/api/v1/track/{ship['token']}/texts", timeout=5,
                         json={"phone": "+358401234567"}).status_code == 201
    assert post_fix(server.url, reg, 0.3, 100).status_code == 200  # the driver is known here now

    own_redis.kill()
    # Everything the process knows by heart (this driver, its live progress) would still let
    # a fix through; it must not be "accepted" when a crash would lose it.
    assert_503(post_fix(server.url, reg, 0.35, 110), "unavailable")
    assert_503(deliver(server.url, reg), "unavailable")
    assert requests.get(f"{server.url}/healthz", timeout=15).status_code == 503

    own_redis.start()
    wait_until(lambda: requests.get(f"{server.url}/healthz", timeout=5).status_code == 200)
    resp = wait_until(lambda: (r := deliver(server.url, reg)).status_code == 200 and r)
    assert resp.json()["accepted"] == 1
    again = deliver(server.url, reg)  # its answer was lost, say: the same outcome again
    assert again.status_code == 200, again.text
    wanted = {("text", "delivered"), ("feedback", "feedback_request")}
    made = wait_until(lambda: wanted <= set(m := messages_for(server.url, ship["tracking_id"]))
                      and m)
    assert made.count(("text", "delivered")) == 1
    assert made.count(("feedback", "feedback_request")) == 1


def test_a_full_redis_answers_503_json_and_the_health_check_fails_until_it_has_room(
        own_redis, live_server_factory):
    server = live_server_factory(REDIS_URL=own_redis.url, SELLER_KEYS=KEYS)
    reg = register(requests, server.url)
    device = requests.put(f"{server.url}/api/v1/routes/{reg['route_id']}/device", json={},
                          headers=SELLER, timeout=5).json()["device_id"]
    assert post_fix(server.url, reg, 0.3, 100).status_code == 200

    own_redis.fill()
    assert_503(post_fix(server.url, reg, 0.35, 110), "full")
    assert_503(deliver(server.url, reg), "full")
    assert_503(requests.post(f"{server.url}/api/v1/routes", json=route_payload(),
                             headers=SELLER, timeout=5), "full")
    assert_503(requests.get(f"{server.url}/osmand", timeout=5, params={
        "id": device, "lat": STATION["lat"], "lon": STATION["lon"]}), "full")
    health = requests.get(f"{server.url}/healthz", timeout=5)
    assert health.status_code == 503 and health.json()["status"] == "store full"
    # Reads still answer: customers keep their page, and the seller their routes, while the
    # seller's ops make room.
    assert requests.get(f"{server.url}/api/v1/track/{reg['shipments'][1]['token']}",
                        timeout=5).status_code == 200
    assert requests.get(f"{server.url}/api/v1/routes", headers=SELLER, timeout=5).status_code \
        == 200

    own_redis.empty()
    wait_until(lambda: requests.get(f"{server.url}/healthz", timeout=5).status_code == 200)
    assert wait_until(lambda: post_fix(server.url, reg, 0.4, 120).status_code == 200)
    assert deliver(server.url, reg).status_code == 200


def test_floods_of_fixes_are_refused_by_the_work_they_ask_not_the_requests(
        own_redis, live_server_factory):
    server = live_server_factory(REDIS_URL=own_redis.url, SELLER_KEYS=KEYS)
    calm, *senders = [register(requests, server.url) for _ in range(4)]
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    flood = {"positions": [fix_between(a, b, i / 5000, i * 0.5) for i in range(5000)]}
    for reg in senders:
        resp = requests.post(f"{server.url}/api/v1/positions", json=flood, headers=driver(reg),
                             timeout=30)
        assert resp.status_code == 429, resp.text
        assert "fixes for this driver" in resp.json()["error"]
        assert resp.json()["field"] == "Authorization" and int(resp.headers["Retry-After"]) >= 1
    # More than a whole window's budget used the window up: the flood's next requests are
    # refused before their bodies are read, while a driver who did not flood goes on.
    for reg in senders:
        again = requests.post(f"{server.url}/api/v1/positions", json=flood, headers=driver(reg),
                              timeout=30)
        assert again.status_code == 429 and "fixes for this driver" in again.json()["error"]
    assert post_fix(server.url, calm, 0.2, 100).status_code == 200
    # Batches of several drivers count each driver's fixes.
    spread = {"positions": [{**fix_between(a, b, 0.3, 200 + i), "driver_token": r["driver_token"]}
                            for r in (calm, *senders) for i in range(3)]}
    resp = requests.post(f"{server.url}/api/v1/positions", json=spread, timeout=10)
    assert resp.status_code == 200 and resp.json()["accepted"] + resp.json()["dropped"] == 3
    assert [r["index"] for r in resp.json()["rejected"]] == list(range(3, 12))


def test_device_ids_cannot_be_guessed_or_claimed_from_another_seller(own_redis,
                                                                     live_server_factory):
    server = live_server_factory(REDIS_URL=own_redis.url, SELLER_KEYS=KEYS,
                                 DEVICES_PER_SELLER="5/hour")
    ours, theirs = register(requests, server.url), register(requests, server.url, key="acme-key")
    url = f"{server.url}/api/v1/routes/{{}}/device"
    issued = requests.put(url.format(ours["route_id"]), json={}, headers=SELLER, timeout=5)
    assert issued.status_code == 200 and len(issued.json()["device_id"]) >= 20
    # Claiming Traccar Client's six-digit defaults in bulk gets nothing.
    for guess in ("100000", "812734", "999999"):
        resp = requests.put(url.format(theirs["route_id"]), json={"device_id": guess},
                            headers=ACME, timeout=5)
        assert resp.status_code == 400 and resp.json()["field"] == "device_id"
    taken = requests.put(url.format(theirs["route_id"]), headers=ACME, timeout=5,
                         json={"device_id": issued.json()["device_id"]})
    assert taken.status_code == 409
    # Claims are capped per seller, the refused one above included: 4 more, then 429.
    statuses = [requests.put(url.format(theirs["route_id"]), json={}, headers=ACME,
                             timeout=5).status_code for _ in range(6)]
    assert statuses == [200] * 4 + [429, 429]


def test_a_route_of_25000_shipments_is_refused_naming_the_field(own_redis, live_server_factory):
    server = live_server_factory(REDIS_URL=own_redis.url)
    payload = route_payload()
    stop = payload["stops"][0]
    payload["stops"] = [{**stop, "shipments": [{"recipient": f"R{i}"} for i in range(50)]}
                        for _ in range(500)]
    payload.pop("legs")
    resp = requests.post(f"{server.url}/api/v1/routes", json=payload, headers=SELLER, timeout=30)
    assert resp.status_code == 400 and resp.json()["field"] == "stops"
    assert "at most 500 shipments" in resp.json()["error"]
