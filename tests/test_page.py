"""The customer page in real headless Chromium: the marker moves as positions arrive, no reload."""

from __future__ import annotations

import requests
from helpers import STATION, STOPS, fix_between, register


def post_fix(server, reg, frac, t):
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    requests.post(f"{server.url}/api/v1/positions", json=fix_between(a, b, frac, t),
                  headers={"Authorization": f"Bearer {reg['driver_token']}"}, timeout=5)


def marker_box(page):
    return page.locator(".driver-marker").bounding_box()


def test_marker_moves_without_reload_and_works_offline(live_server, browser, tmp_path):
    reg = register(requests, live_server.url)
    post_fix(live_server, reg, 0.1, 10)
    page = browser.new_page(viewport={"width": 360, "height": 740})
    # No internet in CI, and a customer may be offline: tiles fail, the map must still work.
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(live_server.url + "/track/" + reg["shipments"][0]["token"])
    page.wait_for_selector(".driver-marker")
    page.wait_for_selector(".destination-marker")
    page.wait_for_function("document.getElementById('connection').textContent === 'Live'")
    before = marker_box(page)
    page.evaluate("window.__sameDocument = true")
    post_fix(live_server, reg, 0.9, 60)
    lat = fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], 0.9, 60)["lat"]
    page.wait_for_function(
        f"Math.abs(Number(document.getElementById('track').dataset.driverLat) - {lat}) < 1e-6",
        timeout=10000,
    )
    after = marker_box(page)
    assert (after["x"], after["y"]) != (before["x"], before["y"])
    assert page.evaluate("window.__sameDocument") is True  # moved live, not by a reload
    assert page.locator("#status-text").inner_text().strip() != ""
    page.screenshot(path=str(tmp_path / "track-360.png"))
    page.close()


def test_unknown_link_is_404(live_server, browser):
    page = browser.new_page()
    resp = page.goto(live_server.url + "/track/nope")
    assert resp.status == 404
    page.close()
