"""Issue 21, classes 3, 4 and 9, tried as an attacker would: real gunicorn, real Redis, real
Socket.IO clients, a real "internal service" listening on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
import requests

from tests.support.helpers import STOPS, iso, register
from tests.support.servers import until
from tests.support.signin import csrf_of
from tests.support.viewers import Viewer

SELLER = {"Authorization": "Bearer demo"}


class Listener:
    """Something on this host an attacker wants to reach: records every connection."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._record()

            def do_POST(self):
                self._record()

            def _record(self):
                listener.hits.append(f"{self.command} {self.headers.get('Host')} {self.path}")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def internal():
    listener = Listener()
    yield listener
    listener.close()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def signed_in(base: str) -> requests.Session:
    s = requests.Session()
    token = csrf_of(s.get(f"{base}/signin", timeout=5).text)
    resp = s.post(f"{base}/signin", data={"key": "demo", "csrf_token": token,
                                          "next": "/dashboard"}, timeout=5)
    assert resp.status_code == 200 and "/dashboard" in resp.url
    return s


# --- class 3: server-side request forgery through webhooks ---------------------------------

def spellings(port: int) -> list[str]:
    names = [f"127.0.0.1:{port}", f"2130706433:{port}", f"0x7f.1:{port}", f"0177.0.0.1:{port}",
             f"127.1:{port}", f"[::1]:{port}", f"[::ffff:127.0.0.1]:{port}", f"localhost:{port}",
             f"anything.localhost:{port}", f"0:{port}", "169.254.169.254", "10.0.0.1:6379",
             "100.64.0.1", "[fe80::1]", "224.0.0.1"]
    try:  # this machine's own name resolves to one of its (private or loopback) addresses
        socket.getaddrinfo(socket.gethostname(), port)
        names.append(f"{socket.gethostname()}:{port}")
    except OSError:
        pass
    return [f"http://{n}/internal" for n in names] + [f"https://{n}/internal" for n in names[:3]]


def test_webhooks_cannot_reach_internal_services(live_server_factory, clean_redis, internal):
    server = live_server_factory(REDIS_URL=clean_redis, NOTIFY_INTERVAL="0.1")
    for url in spellings(internal.port):
        resp = requests.post(f"{server.url}/api/v1/webhooks", headers=SELLER, timeout=10,
                             json={"url": url, "events": ["out_for_delivery"]})
        assert resp.status_code == 400 and resp.json()["field"] == "url", (url, resp.text)
    assert requests.get(f"{server.url}/api/v1/webhooks", headers=SELLER,
                        timeout=5).json()["webhooks"] == []
    # An endpoint stored before this check existed (or whose name now answers 127.0.0.1):
    # refused again when connecting, and nothing reaches the internal service.
    created = requests.post(f"{server.url}/api/v1/webhooks", headers=SELLER, timeout=5, json={
        "url": "https://hooks.shop.example/h", "events": ["out_for_delivery"]}).json()
    r = redis.Redis.from_url(clean_redis, decode_responses=True)
    doc = json.loads(r.hget("doorstep:doc:webhook", created["id"]))
    doc["url"] = f"http://127.0.0.1:{internal.port}/internal"
    r.hset("doorstep:doc:webhook", created["id"], json.dumps(doc))
    register(requests, server.url, n_stops=1)  # out for delivery: a webhook is due
    error = until(lambda: requests.get(f"{server.url}/api/v1/webhooks", headers=SELLER,
                                       timeout=5).json()["webhooks"][0]["last_error"],
                  10, "the webhook's delivery error", interval=0.2)
    assert error.startswith("refused")
    assert internal.hits == []


def test_delivery_status_is_no_port_scanner(live_server_factory, internal):
    """Allowed private targets (on premises): a closed port, a port that speaks something else
    and a port that never answers all read the same to the seller."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    talker = socket.create_server(("127.0.0.1", 0))  # answers garbage and hangs up

    def talk():
        while True:
            try:
                conn, _ = talker.accept()
            except OSError:
                return
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
            conn.close()

    threading.Thread(target=talk, daemon=True).start()
    server = live_server_factory(WEBHOOK_ALLOW_PRIVATE="1", WEBHOOK_TIMEOUT="1",
                                 NOTIFY_INTERVAL="0.1")
    try:
        ports = [closed_port, silent.getsockname()[1], talker.getsockname()[1]]
        for port in ports:
            assert requests.post(f"{server.url}/api/v1/webhooks", headers=SELLER, timeout=5,
                                 json={"url": f"http://127.0.0.1:{port}/",
                                       "events": ["out_for_delivery"]}).status_code == 201
        register(requests, server.url, n_stops=1)

        def all_failed():
            hooks = requests.get(f"{server.url}/api/v1/webhooks", headers=SELLER,
                                 timeout=5).json()["webhooks"]
            return hooks if all(h["last_error"] for h in hooks) else None

        hooks = until(all_failed, 15, "an error on every webhook", interval=0.2)
        errors = {h["url"]: (h["last_error"], h["last_status"]) for h in hooks}
        assert len(set(errors.values())) == 1, errors
    finally:
        silent.close()
        talker.close()


# --- class 4: the demo and the Host header ------------------------------------------------

def test_a_forged_host_gets_no_demo_key(live_server_factory, clean_redis, internal):
    server = live_server_factory(REDIS_URL=clean_redis, DEMO_LINK_TIMEOUT="90")
    s = signed_in(server.url)
    token = csrf_of(s.get(f"{server.url}/dashboard", timeout=5).text)
    forged = f"127.0.0.1:{internal.port}"
    resp = s.post(f"{server.url}/dashboard/demo", timeout=120,
                  json={"vehicle": "bike", "stops": 1, "speedup": 50},
                  headers={"X-CSRF-Token": token, "Host": forged, "X-Forwarded-Host": forged,
                           "X-Forwarded-Proto": "http", "Forwarded": f"host={forged}"})
    assert resp.status_code == 201, resp.text
    link = resp.json()["tracking_url"]
    assert link.startswith("/track/")  # a path on the dashboard's own origin
    assert requests.get(server.url + link, timeout=5).status_code == 200
    # The demo's simulator has posted fixes (to wherever it was sent) once the route moves.
    until(lambda: any(r["position"] for r in requests.get(
        f"{server.url}/api/v1/routes", timeout=5, headers=SELLER).json()["routes"]),
        30, "the demo driver's first fix", interval=0.2)
    assert internal.hits == []  # the simulator (and its key) went to the server itself


# --- class 9: privacy edges ---------------------------------------------------------------

def test_privacy_edges_through_the_public_doors(live_server_factory, clean_redis):
    server = live_server_factory(REDIS_URL=clean_redis, LINK_TTL_AFTER_DELIVERY="2",
                                 BROADCAST_INTERVAL="0.1")
    reg = register(requests, server.url, n_stops=3, recipients=["Maria K", "Olli P", "Pia S"])
    driver = bearer(reg["driver_token"])
    tokens = [s["token"] for s in reg["shipments"]]

    # Customer tokens are kept only as hashes: a dump of Redis opens no tracking page.
    r = redis.Redis.from_url(clean_redis, decode_responses=True)
    everything = " ".join(f"{k} {r.dump(k)!r}" for k in r.scan_iter("*"))
    assert reg["shipments"][0]["tracking_id"] in everything
    assert not any(t in everything for t in tokens)

    # The customer of stop 1 never sees the driver standing at stop 0's door.
    second = Viewer(server.url, {"token": tokens[1]})
    first = Viewer(server.url, {"token": tokens[0]})
    try:
        second.next("snapshot")
        first.next("snapshot")
        lat, lon, _ = STOPS[0]
        requests.post(f"{server.url}/api/v1/positions", headers=driver, timeout=5, json={
            "lat": lat, "lon": lon, "timestamp": iso(60), "speed": 0}).raise_for_status()
        at_door = first.next("view", until=lambda v: v["driver"]["position"] is not None)
        assert at_door["driver"]["position"]["lat"] == pytest.approx(lat)  # their own door
        time.sleep(0.5)
        while not second.events.empty():
            assert second.events.get()[1]["driver"]["position"] is None
        # Delivered with a door code: the lookup by number shows neither it nor any name.
        requests.post(f"{server.url}/api/v1/events", headers=driver, timeout=5, json={
            "type": "delivered", "stop": 0, "timestamp": iso(90),
            "proof": {"left_at": "door code 4321", "note": "gate 9876"}}).raise_for_status()
        html = requests.get(f"{server.url}/track", timeout=5, params={
            "number": reg["shipments"][0]["tracking_id"]}).text
        assert "Delivered" in html
        assert not any(x in html for x in ("4321", "9876", "Maria", "Aino"))
        # Stop 0's link expires 2 s after delivery: its open socket is closed at the next
        # frame, while stop 1's customer keeps watching.
        until(lambda: requests.get(f"{server.url}/api/v1/track/{tokens[0]}",
                                   timeout=5).status_code == 404, 10, "stop 0's link expiring")
        mid = [(a + b) / 2 for a, b in zip(STOPS[0][:2], STOPS[1][:2], strict=True)]
        requests.post(f"{server.url}/api/v1/positions", headers=driver, timeout=5, json={
            "lat": mid[0], "lon": mid[1], "timestamp": iso(150), "speed": 5}).raise_for_status()
        seen = second.next("view", until=lambda v: v["driver"]["position"] is not None)
        assert seen["driver"]["position"]["lat"] == pytest.approx(mid[0])
        until(lambda: not first.client.connected, 5, "stop 0's socket closing", interval=0.1)
        assert requests.get(f"{server.url}/api/v1/track/{tokens[0]}",
                            timeout=5).status_code == 404
    finally:
        first.close()
        second.close()

    # A session cookie copied before sign-out is dead after it, on the page and the socket.
    s = signed_in(server.url)
    thief = requests.Session()
    thief.cookies.update(s.cookies)
    assert thief.get(f"{server.url}/dashboard", timeout=5, allow_redirects=False
                     ).status_code == 200
    token = csrf_of(s.get(f"{server.url}/dashboard", timeout=5).text)
    s.post(f"{server.url}/signout", data={"csrf_token": token}, timeout=5)
    resp = thief.get(f"{server.url}/dashboard", timeout=5, allow_redirects=False)
    assert resp.status_code == 302 and "/signin" in resp.headers["Location"]
    cookie = "; ".join(f"{c.name}={c.value}" for c in thief.cookies)
    import socketio

    sock = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        sock.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"],
                     wait_timeout=5)
