"""Privacy edges (docs/security.md): sockets of expired links, sessions after sign-out, links
kept only as hashes."""

from __future__ import annotations

import json

import pytest

from app.extensions import socketio
from tests.support.helpers import iso, register
from tests.support.signin import sign_in

SELLER = {"Authorization": "Bearer demo"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_socket_opened_before_its_link_expired_is_closed_at_the_next_frame(app, client):
    reg = register(client)
    token = reg["shipments"][0]["token"]
    viewer = socketio.test_client(app, flask_test_client=client, auth={"token": token})
    assert viewer.is_connected()
    svc = app.extensions["doorstep"]
    client.post("/api/v1/events", headers=bearer(reg["driver_token"]),
                json={"type": "delivered", "stop": 0, "timestamp": iso(300)})
    svc.broadcaster.flush(force=True)
    assert viewer.is_connected()  # delivered, and the link still lives
    viewer.get_received()
    svc.reads.link_ttl = -86400.0  # the link's time is up
    client.post("/api/v1/events", headers=bearer(reg["driver_token"]),
                json={"type": "delivered", "stop": 1, "timestamp": iso(400)})
    svc.broadcaster.flush(force=True)
    assert not viewer.is_connected()
    other = socketio.test_client(app, flask_test_client=client,
                                 auth={"token": reg["shipments"][2]["token"]})
    assert other.is_connected()  # not final: its link does not expire


def test_a_copied_session_cookie_stops_working_at_sign_out(app):
    browser, thief = app.test_client(), app.test_client()
    assert sign_in(browser).status_code == 302
    cookie = browser.get_cookie("session").value
    thief.set_cookie("session", cookie)
    assert thief.get("/dashboard").status_code == 200
    page = browser.get("/dashboard").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert browser.post("/signout", data={"csrf_token": token}).status_code == 302
    resp = thief.get("/dashboard")
    assert resp.status_code == 302 and "/signin" in resp.headers["Location"]
    assert not socketio.test_client(app, flask_test_client=thief).is_connected()
    assert sign_in(browser).status_code == 302  # signing in again opens a new session
    assert browser.get("/dashboard").status_code == 200


def test_a_session_too_old_is_refused_and_swept(app):
    from app.access.sessions import KIND, Sessions

    client = app.test_client()
    sign_in(client)
    store = app.extensions["doorstep"].store
    [doc] = store.list_docs(KIND)
    doc["created_at"] -= 32 * 86400
    store.put_doc(KIND, doc["id"], doc)
    assert client.get("/dashboard").status_code == 302
    assert Sessions(store).sweep() == 1 and store.list_docs(KIND) == []


def everything_in_redis(url: str) -> str:
    import redis

    r = redis.Redis.from_url(url, decode_responses=True)
    out = []
    for key in r.scan_iter("*"):
        kind = r.type(key)
        value = {"string": lambda k: r.get(k), "hash": lambda k: r.hgetall(k),
                 "list": lambda k: r.lrange(k, 0, -1), "zset": lambda k: r.zrange(k, 0, -1),
                 "set": lambda k: r.smembers(k)}.get(kind, lambda k: "")(key)
        out.append(f"{key} {value}")
    return "\n".join(out)


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_customer_tokens_are_stored_only_as_hashes(kind, request):
    from app import create_app

    url = "memory://" if kind == "memory" else request.getfixturevalue("clean_redis")
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": url,
                      "SELLER_KEYS": {"demo": "demo"}, "PUBLIC_URL": "https://t.example"})
    client = app.test_client()
    reg = register(client)
    tokens = [s["token"] for s in reg["shipments"]]
    store = app.extensions["doorstep"].store
    if kind == "memory":
        dump = json.dumps([store._shipments, list(store._tokens), store._docs], default=str)
    else:
        dump = everything_in_redis(url)
    assert reg["shipments"][0]["tracking_id"] in dump  # the dump is real
    for token in tokens:
        assert token not in dump
    # The link still opens, and the seller can still be shown it again.
    assert client.get(f"/api/v1/track/{tokens[0]}").status_code == 200
    sign_in(client)
    tid = reg["shipments"][0]["tracking_id"]
    link = client.get(f"/dashboard/shipments/{tid}/link").json["tracking_url"]
    assert link == f"https://t.example/track/{tokens[0]}"


def test_a_changed_secret_key_keeps_old_links_working_but_cannot_show_them(app, client):
    reg = register(client)
    token, tid = reg["shipments"][0]["token"], reg["shipments"][0]["tracking_id"]
    sign_in(client)
    app.config["SECRET_KEY"] = "another"  # sessions end too: sign in again
    sign_in(client)
    assert client.get(f"/api/v1/track/{token}").status_code == 200
    resp = client.get(f"/dashboard/shipments/{tid}/link")
    assert resp.status_code == 409 and resp.json["field"] == "tracking_id"
