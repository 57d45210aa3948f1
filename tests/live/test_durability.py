"""Nothing is lost: a real Redis with append-only persistence, restarted under a real gunicorn.

The server is stopped and started again; then Redis itself is killed and started again from the
same directory. Meanwhile ingest answers 503 (never 500) and recovers by itself.
"""

from __future__ import annotations

import json

import pytest
import redis
import requests

from tests.support.helpers import STATION, STOPS, fix_between, iso, register
from tests.support.servers import AppendOnlyRedis, until

SELLER = {"Authorization": "Bearer demo"}


@pytest.fixture
def aof_redis(tmp_path):
    server = AppendOnlyRedis(tmp_path)
    yield server
    server.stop()


def state(base: str, reg: dict) -> dict:
    """What customers and the seller see, minus what is computed from the clock."""
    views = [requests.get(f"{base}/api/v1/track/{s['token']}", timeout=5).json()
             for s in reg["shipments"]]
    keys = requests.get(f"{base}/api/v1/keys", headers=SELLER, timeout=5).json()["keys"]
    return {"views": [{k: v.get(k) for k in ("status", "timeline", "proof", "stops_away")}
                      for v in views],
            "position": views[1]["driver"]["position"],
            "keys": sorted(k["key_id"] for k in keys)}


def post_fix(base: str, reg: dict, frac: float, t: float) -> requests.Response:
    return requests.post(f"{base}/api/v1/positions", timeout=10,
                         json=fix_between((STATION["lat"], STATION["lon"]), STOPS[1][:2], frac, t),
                         headers={"Authorization": f"Bearer {reg['driver_token']}"})


def test_everything_survives_a_server_restart_and_a_redis_restart(aof_redis,
                                                                   live_server_factory):
    server = live_server_factory(REDIS_URL=aof_redis.url)
    reg = register(requests, server.url)
    h = {"Authorization": f"Bearer {reg['driver_token']}"}
    assert requests.post(f"{server.url}/api/v1/events", headers=h, timeout=5, json={
        "type": "delivered", "stop": 0, "timestamp": iso(200),
        "proof": {"left_at": "front door", "note": "by the plant"}}).status_code == 200
    # Past stop 0 (the halfway point is its door, where stop 1's customer sees no driver).
    assert post_fix(server.url, reg, 0.75, 260).json()["accepted"] == 1
    created = requests.post(f"{server.url}/api/v1/keys", headers=SELLER, timeout=5).json()
    # Progress is written behind, WRITE_BEHIND (1 s) later: wait for the fix to reach Redis.
    stored = redis.Redis(port=aof_redis.port)
    until(lambda: json.loads(stored.get(f"doorstep:progress:{reg['route_id']}") or "{}")
          .get("last_fix"), 10, "the fix to be written behind")
    before = state(server.url, reg)
    assert before["views"][0]["status"] == "delivered"
    assert before["position"] is not None and created["key_id"] in before["keys"]

    server.stop()
    server = live_server_factory(REDIS_URL=aof_redis.url)
    assert state(server.url, reg) == before

    aof_redis.kill()
    during = post_fix(server.url, reg, 0.6, 270)
    assert during.status_code == 503, during.text
    assert during.json()["error"] and during.headers.get("Retry-After")
    assert requests.get(f"{server.url}/api/v1/track/{reg['shipments'][1]['token']}",
                        timeout=10).status_code == 503
    assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 503

    aof_redis.start()

    def accepted():  # the server reconnects on its own: no restart
        resp = post_fix(server.url, reg, 0.7, 280)
        assert resp.status_code in (200, 503), resp.text
        return resp if resp.status_code == 200 else None

    resp = until(accepted, 30, "a fix accepted once Redis is back", interval=0.5)
    assert resp.json()["accepted"] == 1
    after = state(server.url, reg)
    assert after["views"][0] == before["views"][0]
    assert after["keys"] == before["keys"]
