"""A person who follows a bad link reads what happened and what to do, on a page (issue 18)."""

from __future__ import annotations

from tests.support.helpers import iso, register


def test_an_unknown_tracking_link_says_what_to_do(client):
    resp = client.get("/track/no-such-token-at-all")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert "Tracking link not found" in page and 'name="number"' in page
    assert "Not Found" not in page  # not werkzeug's bare page


def test_an_unknown_page_is_a_styled_404_and_the_api_stays_json(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404 and "Page not found" in resp.get_data(as_text=True)
    api = client.get("/api/v1/no/such/thing")
    assert api.status_code == 404 and api.is_json


def test_an_expired_link_points_to_the_lookup():
    from app import create_app

    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "SELLER_KEYS": {"demo": "demo"}, "DEMO": False,
                      "LINK_TTL_AFTER_DELIVERY": -86400.0})  # expired at the final status
    client = app.test_client()
    reg = register(client)
    token = reg["shipments"][0]["token"]
    client.post("/api/v1/events", headers={"Authorization": f"Bearer {reg['driver_token']}"},
                json={"type": "delivered", "stop": 0, "timestamp": iso(300)})
    resp = client.get(f"/track/{token}")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 404 and "This tracking link has expired" in page
    assert 'name="number"' in page  # the lookup, right there


def test_every_page_has_a_description_and_an_icon(client):
    page = client.get("/lookup").get_data(as_text=True)
    assert '<meta name="description"' in page and 'rel="icon"' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
