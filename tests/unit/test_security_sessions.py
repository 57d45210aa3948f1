"""The dashboard session and the OsmAnd door, tried as an attacker would."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from app.extensions import socketio
from tests.support.helpers import register

pytestmark = pytest.mark.usefixtures("routes_registered_before_t0")


def csrf_token(client) -> str:
    page = client.get("/signin").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, key: str = "demo"):
    return client.post("/signin", data={"key": key, "csrf_token": csrf_token(client)})


def test_the_session_cookie_is_http_only_same_site_and_carries_no_key(client):
    resp = sign_in(client)
    assert resp.status_code == 302
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "demo" not in cookie.split(";")[0].split("=", 1)[1].split(".")[0]
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("path, data", [("/signin", {"key": "demo"}), ("/signout", {}),
                                        ("/signin", {"key": "demo", "csrf_token": "forged"})])
def test_state_changing_forms_need_the_csrf_token(client, path, data):
    sign_in(client)
    assert client.post(path, data=data).status_code == 400
    assert client.get("/dashboard").status_code == 200  # still signed in: nothing happened


def test_a_revoked_key_ends_its_dashboard_sessions_and_sockets(app, client):
    new = client.post("/api/v1/keys", headers={"Authorization": "Bearer demo"}).json
    sign_in(client)  # with "demo"
    assert socketio.test_client(app, flask_test_client=client).is_connected()
    keys = client.get("/api/v1/keys", headers={"Authorization": "Bearer demo"}).json["keys"]
    demo_id = next(k["key_id"] for k in keys if k["current"])
    client.delete(f"/api/v1/keys/{demo_id}", headers={"Authorization": f"Bearer {new['key']}"})
    resp = client.get("/dashboard")
    assert resp.status_code == 302 and "/signin" in resp.headers["Location"]
    assert not socketio.test_client(app, flask_test_client=client).is_connected()


def test_failed_sign_ins_on_the_form_are_limited_per_address(app, client):
    app.config["SIGNIN_FAILURE_RATE"] = "2/minute"
    assert sign_in(client, "wrong1").status_code == 401
    assert sign_in(client, "wrong2").status_code == 401
    resp = sign_in(client, "demo")  # the right key waits too
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1


def osmand(client, device: str, **extra):
    query = {"id": device, "lat": 60.168, "lon": 24.946, "timestamp": 1_795_000_000, **extra}
    return client.get("/osmand?" + urlencode(query))


def test_osmand_accepts_only_registered_devices_and_guessing_is_slow(app, client):
    app.config["DEVICE_FAILURE_RATE"] = "4/minute"
    reg = register(client)
    unknown = osmand(client, "123456")
    assert unknown.status_code == 400 and unknown.json["field"] == "id"
    resp = client.put(f"/api/v1/routes/{reg['route_id']}/device", json={},
                      headers={"Authorization": "Bearer demo"})
    assert resp.status_code == 200
    device = resp.json["device_id"]
    assert osmand(client, device).status_code == 200
    # Another seller cannot take the device over, nor point it at a route of theirs.
    theirs = register(client, key="acme-key")
    resp = client.put(f"/api/v1/routes/{theirs['route_id']}/device",
                      json={"device_id": device}, headers={"Authorization": "Bearer acme-key"})
    assert resp.status_code in (404, 409)
    for guess in ("100001", "100002"):
        assert osmand(client, guess).status_code == 400
    assert osmand(client, "100003").status_code == 400
    assert osmand(client, "100004").status_code == 429  # the address's guesses wait
    # A registered phone behind the same address (a carrier's NAT) is not locked out by them.
    assert osmand(client, device).status_code == 200


@pytest.mark.parametrize("target", ["/a\nb", "/a\r\nSet-Cookie: x=1", "/\\evil.example",
                                    "/\t/evil.example", "//evil.example", "https://evil.example"])
def test_sign_in_goes_only_to_plain_paths_on_this_site(client, target):
    from tests.support.signin import csrf_of

    token = csrf_of(client.get("/signin").get_data(as_text=True))
    resp = client.post("/signin", data={"key": "demo", "csrf_token": token, "next": target})
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"
