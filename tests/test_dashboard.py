"""The seller's dashboard: sign-in, session cookie, CSRF, and what a seller may open."""

from __future__ import annotations

import re

from helpers import register


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, key: str = "demo"):
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"key": key, "csrf_token": token, "next": "/dashboard"})


def test_dashboard_needs_sign_in(client):
    resp = client.get("/dashboard")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/signin")


def test_wrong_key_is_refused(client):
    resp = sign_in(client, key="not-a-key")
    assert resp.status_code == 401
    assert "not valid" in resp.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_sign_in_without_csrf_token_is_400(client):
    client.get("/signin")
    assert client.post("/signin", data={"key": "demo"}).status_code == 400


def test_sign_in_sets_a_safe_cookie_and_the_page_never_embeds_the_key(client):
    resp = sign_in(client, key="acme-key")
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    html = client.get("/dashboard").get_data(as_text=True)
    assert "acme-key" not in html and "Seller acme" in html


def test_sign_in_never_redirects_off_site(client):
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    resp = client.post("/signin", data={"key": "demo", "csrf_token": token,
                                        "next": "//evil.example/x"})
    assert resp.headers["Location"] == "/dashboard"


def test_state_changes_need_the_csrf_token(client):
    sign_in(client)
    assert client.post("/dashboard/demo", json={"stops": 1}).status_code == 400
    assert client.post("/signout").status_code == 400
    assert client.get("/dashboard").status_code == 200  # still signed in


def test_sign_out_forgets_the_seller(client):
    sign_in(client)
    token = csrf_of(client.get("/dashboard").get_data(as_text=True))
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_seller_opens_own_customer_pages_only(client):
    mine = register(client, key="demo")["shipments"][0]
    theirs = register(client, key="acme-key")["shipments"][0]
    sign_in(client)
    resp = client.get(f"/dashboard/shipments/{mine['tracking_id']}/track")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(mine["token"])
    assert client.get(f"/dashboard/shipments/{theirs['tracking_id']}/track").status_code == 404
    link = client.get(f"/dashboard/shipments/{mine['tracking_id']}/link").get_json()
    assert link["tracking_url"].endswith("/track/" + mine["token"])


def test_demo_refuses_bad_input(client):
    sign_in(client)
    token = csrf_of(client.get("/dashboard").get_data(as_text=True))
    resp = client.post("/dashboard/demo", json={"vehicle": "boat"},
                       headers={"X-CSRF-Token": token})
    assert resp.status_code == 400 and resp.get_json()["field"] == "vehicle"
