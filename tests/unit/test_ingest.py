"""Ingest with live progress: written behind in batches, with a bounded position history."""

from __future__ import annotations

import pytest

from app.domain.model import Fix
from app.store import StoreFull
from tests.support.helpers import STATION, STOPS, T0, fix_between, iso, register


@pytest.fixture(params=["memory", "redis"])
def app(request):
    from app import create_app

    url = "memory://" if request.param == "memory" else request.getfixturevalue("clean_redis")
    return create_app({
        "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": url,
        "BROADCAST_INTERVAL": 0.05, "WRITE_BEHIND": 3600, "POSITION_HISTORY": 5,
        "FIXES_PER_DRIVER": "1000/second",
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
    svc.ingest.save()
    post(client, reg, fixes(3, start=4))
    # Views read the live progress at once; the store gets it at the next save.
    assert client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json["driver"]["position"]
    assert svc.store.get_progress(reg["route_id"])["last_fix"]["lat"] == fixes(3)[-1]["lat"]
    assert svc.ingest.save() == 1
    assert svc.store.get_progress(reg["route_id"])["last_fix"]["lat"] == fixes(1, 6)[0]["lat"]
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
    before = svc.reads.progress(reg["route_id"])
    resp = client.post("/api/v1/events", json={"type": "delivered", "stop": 99,
                                               "timestamp": iso(100)},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 400
    assert svc.reads.progress(reg["route_id"]) == before


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


def test_the_report_history_includes_fixes_not_written_behind(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    sent = fixes(3)
    post(client, reg, sent)
    assert svc.store.read_log("positions", reg["route_id"]) == []  # not saved yet
    assert [h["lat"] for h in svc.reads.positions(reg["route_id"])] == [f["lat"] for f in sent]
    svc.ingest.save()
    assert [h["lat"] for h in svc.reads.positions(reg["route_id"])] == [f["lat"] for f in sent]


class FullRedis:
    """A real Redis filled past `maxmemory` with `noeviction`: it answers, and refuses writes."""

    def __init__(self, url: str) -> None:
        import redis

        self.r = redis.Redis.from_url(url)

    def __enter__(self):
        self.r.set("ballast", "x" * 2_000_000)
        self.r.config_set("maxmemory-policy", "noeviction")
        self.r.config_set("maxmemory", "1mb")
        return self

    def __exit__(self, *exc):
        self.r.config_set("maxmemory", "0")
        self.r.delete("ballast")


def delivered(client, reg, stop=0, t=300):
    return client.post("/api/v1/events", headers={"Authorization": f"Bearer {reg['driver_token']}"},
                       json={"type": "delivered", "stop": stop, "timestamp": iso(t),
                             "proof": {"left_at": "front door"}})


@pytest.mark.parametrize("app", ["redis"], indirect=True)
def test_a_delivery_the_store_refuses_changes_nothing_and_its_retry_sends_everything(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    token = reg["shipments"][0]["token"]
    assert client.post(f"/api/v1/track/{token}/texts",
                       json={"phone": "+358401234567"}).status_code == 201
    with FullRedis(app.config["STORE_URL"]):
        resp = delivered(client, reg)
        assert resp.status_code == 503 and resp.json["error"] == "storage is full, retry shortly"
        assert int(resp.headers["Retry-After"]) >= 1
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json["status"] == "store full"
        # Not "accepted" anywhere: the live progress did not take it either.
        assert svc.reads.progress(reg["route_id"]).shipments[
            reg["shipments"][0]["tracking_id"]].status != "delivered"
    assert client.get("/healthz").status_code == 200
    assert delivered(client, reg).status_code == 200
    again = delivered(client, reg)  # the driver's app did not see the answer: same outcome
    assert again.status_code == 200 and again.json["accepted"] == 1
    assert delivered(client, reg, t=900).status_code == 400  # a different outcome is not a retry
    svc.notify.worker.run_once()
    made = [(m["kind"], m.get("event")) for m in svc.notify.messages.for_seller("demo")
            if m.get("tracking_id") == reg["shipments"][0]["tracking_id"]]
    assert made.count(("text", "delivered")) == 1
    assert made.count(("feedback", "feedback_request")) == 1


@pytest.mark.parametrize("app", ["redis"], indirect=True)
def test_fixes_that_change_a_status_are_committed_with_their_jobs_or_not_at_all(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    tid = reg["shipments"][0]["tracking_id"]
    jobs_before = len(svc.store.list_docs("notify_job"))
    halfway = fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], 0.5, 100)
    with FullRedis(app.config["STORE_URL"]):
        resp = client.post("/api/v1/positions", json=halfway,
                           headers={"Authorization": f"Bearer {reg['driver_token']}"})
        assert resp.status_code == 503  # refused by the limits already: they cannot count
        # Past the limits, ingest's own commit is refused, and the fix is undone in memory.
        fix = Fix(halfway["lat"], halfway["lon"], T0.timestamp() + 100, 5.0, 80, 5)
        with pytest.raises(StoreFull):
            svc.ingest.positions(reg["route_id"], [fix])
    assert svc.reads.progress(reg["route_id"]).shipments[tid].status != "arriving"
    assert len(svc.store.list_docs("notify_job")) == jobs_before
    assert post(client, reg, [halfway])["accepted"] == 1  # the retry: status, jobs and all
    assert svc.store.get_progress(reg["route_id"])["shipments"][tid]["status"] == "arriving"
    jobs = svc.store.list_docs("notify_job")
    assert "arriving" in {c["status"] for j in jobs for c in j["changes"]}


@pytest.mark.parametrize("app", ["memory"], indirect=True)
def test_a_replayed_delivery_makes_the_job_a_stored_outcome_never_got(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    tid = reg["shipments"][0]["tracking_id"]
    assert client.post(f"/api/v1/track/{reg['shipments'][0]['token']}/texts",
                       json={"phone": "+358401234567"}).status_code == 201
    svc.notify.worker.run_once()
    assert delivered(client, reg).status_code == 200
    # As an older version could leave it: the outcome stored, its job lost to a Redis outage.
    for job_id in svc.store.claim_due("notify_job", now=1e12):
        svc.store.delete_doc("notify_job", job_id)
    assert delivered(client, reg).status_code == 200  # the driver's app retries
    svc.notify.worker.run_once()
    made = [(m["kind"], m["event"]) for m in svc.notify.messages.for_seller("demo")
            if m.get("tracking_id") == tid]
    assert made.count(("text", "delivered")) == 1
    assert made.count(("feedback", "feedback_request")) == 1
    # Once its changes are claimed, a retry owes nothing more.
    assert delivered(client, reg).status_code == 200
    assert svc.store.list_docs("notify_job") == []


@pytest.mark.parametrize("app", ["redis"], indirect=True)
def test_fixes_are_refused_while_the_store_refuses_the_progress_written_behind(app):
    client, svc = app.test_client(), app.extensions["doorstep"]
    reg = register(client)
    post(client, reg, fixes(3))
    svc.ingest.save()
    post(client, reg, fixes(1, start=4))  # no status change: written behind, not yet saved
    late = fixes(1, start=5)[0]
    fix = Fix(late["lat"], late["lon"], T0.timestamp() + 50, 5.0, 80, 5)
    with FullRedis(app.config["STORE_URL"]):
        with pytest.raises(StoreFull):
            svc.ingest.save()
        # Accepting more now would promise what only this process's memory holds.
        with pytest.raises(StoreFull):
            svc.ingest.positions(reg["route_id"], [fix])
    assert svc.ingest.save() == 1  # the progress held back is written once there is room
    assert svc.ingest.positions(reg["route_id"], [fix])[0] == 1
