"""Webhooks reach public addresses only: refused at registration and again at connect time."""

from __future__ import annotations

import ipaddress
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from app.notify.webhooks.targets import allowed
from tests.support.helpers import T0, iso, register
from tests.support.notify import SELLER, Clock, Receiver, make_app, worker

REFUSED_URLS = [
    "http://[fec0::1]/", "http://[2001::7f00:1]/",
    "http://127.0.0.1:6379/", "http://127.0.0.1./", "http://2130706433/", "http://0x7f.1/",
    "http://0177.0.0.1/", "http://127.1/", "http://0/", "http://0.0.0.0:22/",
    "http://[::1]:8000/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:a00:1]/", "http://[::]/", "http://[fe80::1]/",
    "http://[fc00::1]/", "http://[2002:7f00:1::]/", "http://[64:ff9b::a00:1]/",
    "http://localhost:5000/", "http://LOCALHOST./", "http://api.localhost/",
    "http://10.0.0.5/", "http://172.16.3.4/", "http://192.168.1.1/", "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://224.0.0.1/", "http://255.255.255.255/",
    "http://240.0.0.1/", "http://198.18.0.1/", "https://user:pw@127.0.0.1/",
]


@pytest.fixture
def clock():
    return Clock(T0.timestamp() + 60)


@pytest.fixture
def strict(clock):
    """The default: no private targets."""
    return make_app(clock, WEBHOOK_ALLOW_PRIVATE=False)


def deliver(client, reg):
    resp = client.post("/api/v1/events", json={"type": "delivered", "stop": 0, "timestamp":
                                               iso(60)},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.json


def webhook_messages(client):
    return client.get("/api/v1/messages?kind=webhook", headers=SELLER).json["messages"]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_registration_refuses_non_public_targets(strict, url):
    resp = strict.test_client().post("/api/v1/webhooks", json={"url": url}, headers=SELLER)
    assert resp.status_code == 400, url
    assert resp.json["field"] == "url" and "public" in resp.json["error"]
    assert strict.extensions["doorstep"].notify.endpoints.for_seller("demo") == []


@pytest.mark.parametrize("url", ["https://93.184.215.14/hook", "http://[2606:4700::1]:8443/h",
                                 "https://hooks.shop.example/doorstep"])
def test_registration_accepts_public_targets_and_names_not_resolving_yet(strict, url):
    resp = strict.test_client().post("/api/v1/webhooks", json={"url": url}, headers=SELLER)
    assert resp.status_code == 201, resp.json


def test_the_setting_allows_private_but_never_link_local(clock):
    client = make_app(clock, WEBHOOK_ALLOW_PRIVATE=True).test_client()
    for url in ("http://10.1.2.3/hook", "http://127.0.0.1:9000/", "http://localhost/"):
        assert client.post("/api/v1/webhooks", json={"url": url},
                           headers=SELLER).status_code == 201
    for url in ("http://169.254.169.254/", "http://[fe80::1]/", "http://0.0.0.0/",
                "http://224.0.0.251/"):
        assert client.post("/api/v1/webhooks", json={"url": url},
                           headers=SELLER).status_code == 400


@pytest.mark.parametrize("address,ok", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.2", False),
    ("100.127.255.255", False), ("::ffff:10.0.0.1", False),
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo, client 10.0.0.1
])
def test_allowed_addresses(address, ok):
    assert allowed(ipaddress.ip_address(address)) is ok


def test_a_stored_endpoint_to_loopback_is_refused_when_connecting(strict, clock):
    """Registered while the name was public (or before an upgrade): the connection is still
    vetted, and the seller's status says refused without saying whether the port is open."""
    receiver = Receiver()
    try:
        client = strict.test_client()
        created = client.post("/api/v1/webhooks", json={"url": "https://hooks.shop.example/h",
                                                        "events": ["delivered"]},
                              headers=SELLER).json
        endpoints = strict.extensions["doorstep"].notify.endpoints
        doc = endpoints.get(created["id"])
        doc["url"] = receiver.url
        endpoints.store.put_doc("webhook", doc["id"], doc)
        deliver(client, register(client, n_stops=1))
        worker(strict).run_once()
        assert receiver.requests == []
        [message] = webhook_messages(client)
        assert message["state"] == "failed" and message["attempts"] == 1  # not retried
        assert message["last_error"].startswith("refused")
    finally:
        receiver.close()


class FlippingDns:
    """A resolver that answers a public address first and loopback afterwards (rebinding);
    every other name goes to the real resolver."""

    def __init__(self, monkeypatch, name: str, answers: list[str]) -> None:
        self.name, self.answers, self.calls = name, answers, 0
        real = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if host != name:
                return real(host, port, *args, **kwargs)
            answer = self.answers[min(self.calls, len(self.answers) - 1)]
            self.calls += 1
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_dns_rebinding_to_loopback_reaches_nothing(strict, monkeypatch):
    receiver = Receiver()
    try:
        port = receiver.server.server_port
        dns = FlippingDns(monkeypatch, "rebind.attacker.example", ["93.184.215.14", "127.0.0.1"])
        client = strict.test_client()
        url = f"http://rebind.attacker.example:{port}/hook"
        resp = client.post("/api/v1/webhooks", json={"url": url, "events": ["delivered"]},
                           headers=SELLER)
        assert resp.status_code == 201 and dns.calls == 1  # public when registered
        deliver(client, register(client, n_stops=1))
        worker(strict).run_once()
        assert receiver.requests == []
        assert webhook_messages(client)[0]["last_error"].startswith("refused")
    finally:
        receiver.close()


def test_the_connection_goes_to_the_vetted_address_with_one_lookup(clock, monkeypatch):
    """Allowed (on premises): the name is resolved once per connection and the request keeps
    the name in its Host header."""
    app = make_app(clock, WEBHOOK_ALLOW_PRIVATE=True)
    receiver = Receiver()
    try:
        port = receiver.server.server_port
        dns = FlippingDns(monkeypatch, "hooks.onprem.example", ["127.0.0.1"])
        client = app.test_client()
        url = f"http://hooks.onprem.example:{port}/hook"
        assert client.post("/api/v1/webhooks", json={"url": url, "events": ["delivered"]},
                           headers=SELLER).status_code == 201
        deliver(client, register(client, n_stops=1))
        dns.calls = 0
        worker(app).run_once()
        assert len(receiver.ok()) == 1 and dns.calls == 1
        assert receiver.requests[0]["headers"]["Host"] == f"hooks.onprem.example:{port}"
    finally:
        receiver.close()


def test_redirects_are_not_followed(clock):
    """A 3xx is a failed attempt: the body never goes where the Location header points."""
    target = Receiver()

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(307)
            self.send_header("Location", target.url)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        app = make_app(clock)
        client = app.test_client()
        url = f"http://127.0.0.1:{server.server_port}/hook"
        assert client.post("/api/v1/webhooks", json={"url": url, "events": ["delivered"]},
                           headers=SELLER).status_code == 201
        deliver(client, register(client, n_stops=1))
        worker(app).run_once()
        assert target.requests == []
        assert webhook_messages(client)[0]["last_status"] == 307
    finally:
        server.shutdown()
        server.server_close()
        target.close()


@pytest.fixture
def tls_receiver(tmp_path):
    """An HTTPS receiver on 127.0.0.1 whose certificate names hooks.onprem.example only."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=hooks.onprem.example",
                    "-addext", "subjectAltName=DNS:hooks.onprem.example"],
                   check=True, capture_output=True)
    got = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            got.append(self.headers.get("Host"))
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server.server_port, cert, got
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name, ok", [("hooks.onprem.example", True),
                                      ("other.onprem.example", False)])
def test_https_checks_the_certificate_against_the_name_not_the_vetted_address(
        clock, monkeypatch, tls_receiver, name, ok):
    """The socket goes to the vetted IP, yet TLS sends the URL's name (SNI) and verifies the
    certificate against it: the right name is delivered to, a wrong one is not."""
    port, cert, got = tls_receiver
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # a private CA, as on premises
    FlippingDns(monkeypatch, name, ["127.0.0.1"])
    app = make_app(clock, WEBHOOK_ALLOW_PRIVATE=True)
    client = app.test_client()
    assert client.post("/api/v1/webhooks", json={"url": f"https://{name}:{port}/hook",
                                                 "events": ["delivered"]},
                       headers=SELLER).status_code == 201
    deliver(client, register(client, n_stops=1))
    worker(app).run_once()
    [message] = webhook_messages(client)
    if ok:
        assert message["state"] == "sent" and got == [f"{name}:{port}"]
    else:
        assert message["state"] != "sent" and got == []


@pytest.mark.parametrize("url", ["http://" + "a" * 300 + ".com/", "http://exa\u0000mple.com/",
                                 "http://example.com/\r\nX: y", "http://a..b.example/"])
def test_a_host_no_resolver_takes_is_refused_at_registration(strict, url):
    """A name that fails every send (a label over 63 bytes, control characters) was stored,
    then retried for ever with a traceback each time: refused now, naming the URL."""
    resp = strict.test_client().post("/api/v1/webhooks", json={"url": url}, headers=SELLER)
    assert resp.status_code == 400 and resp.json["field"] == "url", resp.json
    assert strict.extensions["doorstep"].notify.endpoints.for_seller("demo") == []


def test_a_stored_url_whose_host_cannot_be_encoded_fails_once_without_retry():
    from app.notify.webhooks import post_event

    outcome = post_event("http://" + "a" * 300 + ".com/", "secret",
                         {"type": "delivered", "id": "ev_1"}, timeout=1.0)
    assert not outcome.ok and not outcome.retry and "host name" in outcome.error
