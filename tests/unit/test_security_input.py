"""Hostile input and output: malformed bodies, markup in every text field, headers, store down."""

from __future__ import annotations

import pytest
from flask import session

from app import create_app
from app.extensions import socketio
from tests.support.helpers import iso, register, route_payload
from tests.support.servers import free_port

MARKUP = '<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>"\'&'
SELLER = {"Authorization": "Bearer demo"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


BAD_BODIES = [
    (b"\xff\xfe\x00\x80 not utf-8", "application/json", 400),
    (b'{"a": "\xed\xa0\x80"}', "application/json", 400),  # a lone surrogate in UTF-8
    (b"[" * 50_000 + b"]" * 50_000, "application/json", 400),
    (b'{"a":' * 20_000 + b"1" + b"}" * 20_000, "application/json", 400),
    (b"", "application/json", 400),
    (b"null", "application/json", 400),
    (b'"just a string"', "application/json", 400),
    (b"1e999999", "application/json", 400),
    (b'{"lat": Infinity}', "application/json", 400),
    (b"<xml/>", "text/xml", 415),
]


@pytest.mark.parametrize("path", ["/api/v1/routes", "/api/v1/positions", "/api/v1/events",
                                  "/api/v1/track/{token}/texts"])
@pytest.mark.parametrize("data, content_type, status", BAD_BODIES)
def test_malformed_bodies_answer_json_naming_the_body_never_500(client, path, data,
                                                                 content_type, status):
    reg = register(client)
    url = path.format(token=reg["shipments"][0]["token"])
    token = "demo" if path == "/api/v1/routes" else reg["driver_token"]
    resp = client.post(url, data=data, content_type=content_type, headers=bearer(token))
    assert resp.status_code == status, resp.json
    assert resp.is_json and resp.json["field"]  # names the body, or the field it lacks


def deliver_with_markup(client) -> dict:
    payload = route_payload(recipients=[MARKUP] * 3)
    payload["driver"]["name"] = MARKUP
    payload["station"]["name"] = MARKUP
    for stop in payload["stops"]:
        stop["address"] = MARKUP
        stop["shipments"][0]["reference"] = MARKUP[:80]
    reg = client.post("/api/v1/routes", json=payload, headers=SELLER).json
    h = bearer(reg["driver_token"])
    for event in [{"type": "route_started", "timestamp": iso(0)},
                  {"type": "delivered", "stop": 0, "timestamp": iso(300),
                   "proof": {"left_at": MARKUP[:80], "note": MARKUP}}]:
        assert client.post("/api/v1/events", json=event, headers=h).status_code == 200
    return reg


def test_markup_in_every_text_field_is_stored_as_text_and_escaped_in_pages(client):
    reg = deliver_with_markup(client)
    # The reason is a closed list: markup there is refused, not stored.
    resp = client.post("/api/v1/events", headers=bearer(reg["driver_token"]), json={
        "type": "attempted", "stop": 1, "reason": MARKUP, "timestamp": iso(400)})
    assert resp.status_code == 400 and resp.json["field"] == "reason"
    for shipment in reg["shipments"][:2]:
        page = client.get(f"/track/{shipment['token']}").get_data(as_text=True)
        assert "<img src=x" not in page and "<script>window" not in page
        view = client.get(f"/api/v1/track/{shipment['token']}").json
        assert view["driver"]["name"] == MARKUP.split()[0]  # first word, kept literally
    route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=SELLER)
    assert route.mimetype == "application/json"
    assert route.json["driver"] == "<img"  # data, not markup: escaping is the page's job


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/track/nope", "/track/nope",
                                  "/api/v1/openapi.json", "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    h = client.get(path).headers
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    # The embedded street map comes from this server: no other origin for images or fetches.
    assert "img-src 'self' data:;" in csp and "connect-src 'self';" in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "no-referrer"
    assert "geolocation=()" in h["Permissions-Policy"]
    assert "Strict-Transport-Security" not in h  # plain http: HSTS would mean nothing


def test_hsts_and_secure_cookie_behind_an_https_proxy():
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "PROXY_COUNT": 1})

    @app.get("/_remember")
    def remember():
        session["seen"] = True
        return "ok"

    client = app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    resp = client.get("/_remember", headers=proxied)
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = resp.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = client.get("/_remember")
    assert "Strict-Transport-Security" not in plain.headers
    assert "Secure" not in plain.headers["Set-Cookie"]  # plain http: it would never be sent


def test_customer_data_is_never_cached_by_shared_caches(client):
    reg = register(client)
    for url in (f"/api/v1/track/{reg['shipments'][0]['token']}",
                f"/track/{reg['shipments'][0]['token']}"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_a_store_that_is_down_answers_503_everywhere_never_500():
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading",
                      "STORE_URL": f"redis://127.0.0.1:{free_port()}/0"})
    client = app.test_client()
    for method, path, body, headers in [
        ("get", "/api/v1/track/abcdefghijklmnop", None, {}),
        ("get", "/api/v1/routes", None, SELLER),
        ("post", "/api/v1/routes", route_payload(), SELLER),
        ("post", "/api/v1/positions", {"lat": 60.1, "lon": 24.9, "timestamp": 1}, bearer("dt_x")),
        ("get", "/track/abcdefghijklmnop", None, {}),
        ("get", "/healthz", None, {}),
    ]:
        resp = getattr(client, method)(path, json=body, headers=headers)
        assert resp.status_code == 503, (path, resp.status_code)
    sock = socketio.test_client(app, auth={"token": "abcdefghijklmnop"})
    assert not sock.is_connected()


@pytest.mark.parametrize("mutate, field", [
    (lambda p: p["driver"].update(name="Aino\ud800"), "driver.name"),
    (lambda p: p["stops"][1].update(address="\udfff"), "stops[1].address"),
    (lambda p: p["stops"][0]["shipments"][0].update(recipient="x\ud83d"), None),
    (lambda p: p.update(timezone="Europe/" + "x" * 5000), "timezone"),
    (lambda p: p.update(timezone="../../../etc/passwd"), "timezone"),
])
def test_text_that_no_page_could_show_is_refused(client, mutate, field):
    payload = route_payload()
    mutate(payload)
    resp = client.post("/api/v1/routes", json=payload, headers=SELLER)
    assert resp.status_code == 400
    assert resp.json["field"] == (field or "stops[0].shipments[0].recipient")


def test_an_undecodable_driver_token_in_a_batch_is_rejected_not_a_crash(client):
    # JSON that no store could keep is refused as a body, naming the field (app/web/json_input).
    resp = client.post("/api/v1/positions", json={"positions": [
        {"lat": 60.1, "lon": 24.9, "timestamp": 1, "driver_token": "dt_\ud800"}]})
    assert resp.status_code == 400
    assert resp.json["field"] == "positions[0].driver_token"
