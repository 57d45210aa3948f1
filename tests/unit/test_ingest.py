"""Ingest with live progress: written behind in batches, with a bounded position history."""

from __future__ import annotations

import pytest

from tests.support.helpers import STATION, STOPS, fix_between, iso, register


@pytest.fixture(params=["memory", "redis"])
def app(request):
    from app import create_app

    url = "memory://" if request.param == "memory" else request.getfixturevalue("clean_redis")
    return create_app({
        "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": url,
        "BROADCAST_INTERVAL": 0.05, "WRITE_BEHIND": 3600, "POSITION_HISTORY": 5,
        "POSITIONS_RATE": "1000/second",
    })


def post(client, reg, fixes):
    resp = client.post("/api/v1/positions", json={"positions": fixes},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.json
    return resp.json


def fixes(n, start=1):
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    return [fix_between(a, b, i / 40, 10 * i) for i in range(start, start + n)]


def test_progress_is_written_behind_in_one_batch(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    post(client, reg, fixes(3))
    # Views read the live progress at once; the store gets it at the next save.
    assert client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json["driver"]["position"]
    assert svc.store.get_progress(reg["route_id"])["last_fix"] is None
    assert svc.ingest.save() == 1
    assert svc.store.get_progress(reg["route_id"])["last_fix"]["lat"] == fixes(3)[-1]["lat"]
    assert svc.ingest.save() == 0  # nothing changed since


def test_accepted_fixes_go_to_a_bounded_history(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    sent = fixes(7)
    assert post(client, reg, sent)["accepted"] == 7
    post(client, reg, fixes(1, start=1))  # stale: dropped, not in the history
    svc.ingest.save()
    history = svc.store.read_log("positions", reg["route_id"])
    assert [h["lat"] for h in history] == [f["lat"] for f in sent[-5:]]
    assert set(history[0]) == {"lat", "lon", "t", "speed", "heading"}


def test_a_refused_event_leaves_live_progress_untouched(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    post(client, reg, fixes(2))
    before = svc.reads.live.get(reg["route_id"])
    resp = client.post("/api/v1/events", json={"type": "delivered", "stop": 99,
                                               "timestamp": 100},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 400
    assert svc.reads.live.get(reg["route_id"]) == before


def test_events_are_written_through(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    resp = client.post("/api/v1/events", json={"type": "arrived", "stop": 0, "timestamp": iso(50)},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.json
    assert svc.store.get_progress(reg["route_id"])["stops"][0]["arrived_at"] is not None


def test_idle_routes_are_read_back_from_the_store(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    post(client, reg, fixes(2))
    live = svc.ingest.live
    live._clock = lambda: 1e12  # everything is long idle
    live.save()
    assert len(live) == 0
    assert live.get(reg["route_id"]).last_fix["lat"] == fixes(2)[-1]["lat"]
