"""The route report: a self-contained folium map of a finished route, for its seller only."""

from __future__ import annotations

import re

from tests.support.helpers import STATION, STOPS, fix_between, iso, register
from tests.support.report import report_code
from tests.support.signin import sign_in


def finish_route(client, key="demo"):
    # HTML, and a JS template literal: folium writes popups inside backticks.
    reg = register(client, key=key, n_stops=1,
                   recipients=["<script>alert(1)</script> ${document.title='pwned'} `x`"])
    auth = {"Authorization": f"Bearer {reg['driver_token']}"}
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    for i, frac in enumerate((0.2, 0.5, 0.9)):
        client.post("/api/v1/positions", json=fix_between(a, b, frac, 10 + 10 * i), headers=auth)
    client.post("/api/v1/events", headers=auth, json={
        "type": "delivered", "stop": 0, "timestamp": iso(60),
        "proof": {"left_at": "porch", "note": "<img src=x onerror=alert(2)>"}})
    client.post("/api/v1/events", json={"type": "returned", "timestamp": iso(120)}, headers=auth)
    return reg


def test_report_is_self_contained_and_escaped(client):
    reg = finish_route(client)
    sign_in(client)
    resp = client.get(f"/dashboard/routes/{reg['route_id']}/report.html")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = report_code(resp.get_data(as_text=True))
    assert "data:text/javascript;base64," in html  # Leaflet inlined
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)  # no CDN
    assert "<script>alert(1)" not in html and "onerror=alert(2)>" not in html
    assert "Stop 1" in html and "porch" in html
    # Titled as the seller knows the day, not by the internal route id.
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert reg["route_id"] not in title
    assert "&#x27;s van route · Station HEL1 · " in title


def test_report_is_for_the_routes_seller_only(client):
    reg = finish_route(client, key="acme-key")
    assert client.get(f"/dashboard/routes/{reg['route_id']}/report.html").status_code == 302
    sign_in(client)  # as demo
    assert client.get(f"/dashboard/routes/{reg['route_id']}/report.html").status_code == 404


def test_report_opens_offline_from_disk(client, browser, tmp_path):
    reg = finish_route(client)
    sign_in(client)
    path = tmp_path / "report.html"
    path.write_bytes(client.get(f"/dashboard/routes/{reg['route_id']}/report.html").data)
    page = browser.new_page()
    page.route("http*://**", lambda route: route.abort())  # no network at all
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-interactive")  # the path and stops drawn by Leaflet
    assert page.evaluate("typeof L") == "object"
    page.locator(".leaflet-interactive").last.click()  # the stop: its popup opens
    page.wait_for_selector(".leaflet-popup-content")
    assert "${document.title='pwned'}" in page.inner_text(".leaflet-popup-content")
    assert page.title() != "pwned"
    page.close()
