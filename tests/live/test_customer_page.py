"""The customer page in real headless Chromium, read the way a person reads it."""

from __future__ import annotations

import requests

from tests.support.basemap import DRAWN_PIXELS
from tests.support.helpers import STATION, STOPS, fix_between, iso, register
from tests.support.pages import (
    long_route,
    new_page,
    register_payload,
    screenshot,
    send_event,
    send_fix,
    text_of,
    wait_until,
)


def post_fix(server, reg, frac, t):
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    requests.post(f"{server.url}/api/v1/positions", json=fix_between(a, b, frac, t),
                  headers={"Authorization": f"Bearer {reg['driver_token']}"}, timeout=5)


# Record every position the driver marker is drawn at, frame by frame.
TRAIL = """window.__trail = [];
(function watch() {
  const el = document.querySelector('.driver-marker');
  const at = el && el.style.transform;
  if (at && window.__trail[window.__trail.length - 1] !== at) window.__trail.push(at);
  requestAnimationFrame(watch);
})();"""


def marker_box(page):
    return page.locator(".driver-marker").bounding_box()


def test_marker_moves_without_reload_and_works_offline(live_server, browser, street_map,
                                                       tmp_path):
    reg = register(requests, live_server.url)
    post_fix(live_server, reg, 0.1, 10)
    page = new_page(browser)
    page.goto(live_server.url + "/track/" + reg["shipments"][0]["token"])
    page.wait_for_selector(".driver-marker")
    page.wait_for_selector(".destination-marker")
    wait_until(page, "document.getElementById('connection').textContent === 'Live'")
    # Offline (tiles.openstreetmap.org refused): the server's own street map is drawn instead.
    wait_until(page, f"{DRAWN_PIXELS} > 2000", timeout=15)
    before = marker_box(page)
    page.evaluate("window.__sameDocument = true")
    page.evaluate(TRAIL)
    post_fix(live_server, reg, 0.9, 60)
    lat = fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], 0.9, 60)["lat"]
    wait_until(page, f"Math.abs(Number(document.getElementById('track').dataset.driverLat)"
                     f" - {lat}) < 1e-6")
    # The glide between fixes (at most 4 s) has ended: the marker stood still for half a second
    # (five polls in a row found no new place on its trail).
    wait_until(page, """(() => {
      const n = window.__trail.length;
      window.__still = window.__lastN === n ? (window.__still || 0) + 1 : 0;
      window.__lastN = n;
      return window.__still >= 5;
    })()""", timeout=15)
    after = marker_box(page)
    assert (after["x"], after["y"]) != (before["x"], before["y"])
    assert page.evaluate("window.__sameDocument") is True  # moved live, not by a reload
    # It glided: many frames in between, not one jump from the old fix to the new one.
    assert page.evaluate("new Set(window.__trail).size") >= 5
    assert "updated" in text_of(page, "#updated")
    screenshot(page, tmp_path, "track-live-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, tmp_path, "track-live-1280")
    page.close()


def test_map_shows_the_driver_only_within_the_threshold(live_server, browser, tmp_path):
    base = live_server.url
    reg = register_payload(base, long_route(12))
    last = reg["shipments"][-1]  # stop 11: eleven stops before it
    send_fix(base, reg, STATION["lat"] + 0.0002, STATION["lon"] + 0.0002, 5)
    page = new_page(browser)
    page.goto(f"{base}/track/{last['token']}")
    wait_until(page, "document.getElementById('connection').textContent === 'Live'")
    assert text_of(page, "#status-text") == "Out for delivery"  # far: no count, no position
    assert page.locator(".driver-marker").count() == 0
    assert page.locator("#map-note").is_visible()
    assert page.locator("#timeline li").count() >= 2  # created, out for delivery
    screenshot(page, tmp_path, "track-before-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, tmp_path, "track-before-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    send_event(base, reg, {"type": "delivered", "stop": 0, "timestamp": iso(60),
                           "proof": {"left_at": "front door"}})
    wait_until(page, "document.getElementById('status-text').textContent.endsWith('10 stops away')")
    page.wait_for_selector(".driver-marker", timeout=10000)
    assert page.locator("#map-note").is_hidden()
    assert "10 stops away" in text_of(page, "#announce")  # told to screen readers
    page.close()


def test_delivered_shows_the_proof(live_server, browser, tmp_path):
    base = live_server.url
    reg = register(requests, base, n_stops=1)
    page = new_page(browser)
    page.goto(f"{base}/track/{reg['shipments'][0]['token']}")
    wait_until(page, "document.getElementById('connection').textContent === 'Live'")
    send_event(base, reg, {"type": "delivered", "stop": 0, "timestamp": iso(300),
                           "proof": {"left_at": "front door", "note": "Behind the <b>plant</b>"}})
    wait_until(page, "document.getElementById('track').dataset.status === 'delivered'")
    # 09:05 UTC is 11:05 in Helsinki: the page speaks the delivery area's local time.
    assert text_of(page, "#status-text") == "Delivered at 11:05, left at the front door"
    assert page.locator("#proof").is_visible()
    assert text_of(page, "#proof-note") == "Behind the <b>plant</b>"  # text, never markup
    assert "Delivered" in text_of(page, "#timeline li:first-child")
    assert page.locator(".driver-marker").count() == 0  # never a position after delivery
    screenshot(page, tmp_path, "track-delivered-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, tmp_path, "track-delivered-1280")
    page.close()


def test_attempt_says_why_and_what_happens_next(live_server, browser):
    base = live_server.url
    reg = register(requests, base, n_stops=1)
    send_event(base, reg, {"type": "attempted", "stop": 0, "timestamp": iso(300),
                           "reason": "no_access"})
    page = new_page(browser)
    page.goto(f"{base}/track/{reg['shipments'][0]['token']}")
    assert page.locator("#attempt").is_visible()
    assert "could not get access" in text_of(page, "#attempt-text")
    assert "next delivery day" in text_of(page, "#attempt-next")
    page.close()


def test_reconnecting_is_visible_and_the_page_resyncs(live_server, browser):
    reg = register(requests, live_server.url)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(f"{live_server.url}/track/{reg['shipments'][0]['token']}")
    wait_until(page, "document.getElementById('connection').textContent === 'Live'")
    context.set_offline(True)
    wait_until(page, "document.getElementById('connection').textContent === 'Reconnecting…'",
               timeout=30)
    post_fix(live_server, reg, 0.5, 30)  # happens while the customer is offline
    context.set_offline(False)
    wait_until(page, "document.getElementById('connection').textContent === 'Live'", timeout=30)
    wait_until(page, "document.querySelector('.driver-marker') !== null")  # from the snapshot
    context.close()


def test_text_updates_sign_up_and_undo(live_server, browser):
    reg = register(requests, live_server.url, n_stops=1)
    page = new_page(browser)
    page.goto(f"{live_server.url}/track/{reg['shipments'][0]['token']}")
    page.fill("#texts-phone", "12")
    page.click("#texts-form button")
    wait_until(page, "document.getElementById('texts-status').textContent.includes('does not')")
    page.fill("#texts-phone", "+358 40 123 4567")
    page.click("#texts-form button")
    page.wait_for_selector("#texts-on:not([hidden])")
    masked = text_of(page, "#texts-masked")
    assert masked.startswith("+358") and "*" in masked and "123 4567" not in masked
    page.click("#texts-stop")
    page.wait_for_selector("#texts-form:not([hidden])")
    assert "stopped" in text_of(page, "#texts-status")
    page.close()


def test_unknown_link_is_404(live_server, browser):
    page = browser.new_page()
    resp = page.goto(live_server.url + "/track/nope")
    assert resp.status == 404
    page.close()


def test_page_resyncs_after_a_server_restart(redis_url, live_server_factory, browser,
                                             monkeypatch):
    from tests.support import servers

    first = live_server_factory(REDIS_URL=redis_url)
    reg = register(requests, first.url)
    page = new_page(browser)
    page.goto(f"{first.url}/track/{reg['shipments'][0]['token']}")
    wait_until(page, "document.getElementById('connection').textContent === 'Live'")
    page.evaluate("window.__sameDocument = true")
    first.stop()
    wait_until(page, "document.getElementById('connection').textContent === 'Reconnecting…'")
    monkeypatch.setattr(servers, "free_port", lambda: first.port)  # the same address again
    second = live_server_factory(REDIS_URL=redis_url)
    post_fix(second, reg, 0.5, 30)
    wait_until(page, "document.getElementById('connection').textContent === 'Live'", timeout=30)
    page.wait_for_selector(".driver-marker", timeout=10000)  # state from the new snapshot
    assert page.evaluate("window.__sameDocument") is True
    page.close()


def test_every_vehicle_has_its_own_icon_turned_to_the_heading(live_server, browser, tmp_path):
    page = new_page(browser)
    for vehicle in ("van", "bike", "motorcycle", "foot", "drone"):
        reg = register(requests, live_server.url, vehicle=vehicle, n_stops=1)
        a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
        lat, lon = a[0] + (b[0] - a[0]) * 0.3, a[1] + (b[1] - a[1]) * 0.3
        send_fix(live_server.url, reg, lat, lon, 10, heading=135)
        page.goto(f"{live_server.url}/track/{reg['shipments'][0]['token']}")
        page.wait_for_selector(f".driver-marker.vehicle-{vehicle} svg")
        # The icon is drawn, then turned: wait for the turn, not only the drawing.
        wait_until(page, "document.querySelector('.driver-marker .vehicle').style.transform"
                         " === 'rotate(135deg)'")
        page.locator(".driver-marker").screenshot(path=str(tmp_path / f"icon-{vehicle}.png"))
    page.close()


def test_a_repeat_view_asks_the_server_for_no_static_file(live_server, browser):
    """Every static file the page loads, the modules its script imports by path too, is under a
    versioned URL cached for a year: a repeat view makes no round trip for one (it made 12,
    revalidations of the imported modules). bench/page_weight.py prints the bytes."""
    base = live_server.url
    reg = register(requests, base, n_stops=1)
    url = f"{base}/track/{reg['shipments'][0]['token']}"
    # No page.route: Playwright's routing turns the browser's cache off.
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setBlockedURLs", {"urls": ["*tile.openstreetmap.org*"]})
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1500)
    responses, from_cache = {}, set()
    cdp.on("Network.responseReceived", lambda e: responses.__setitem__(e["requestId"], e))
    cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1500)
    static = [e for e in responses.values() if "/static/" in e["response"]["url"]]
    asked = [f"{e['response']['status']} {e['response']['url']}" for e in static
             if e["requestId"] not in from_cache and not e["response"].get("fromDiskCache")
             and not e["response"].get("fromMemoryCache")]
    assert static and asked == []
    # The modules came, by their versioned URLs, and the page ran: the map is there.
    assert all("?v=" in e["response"]["url"] for e in static)
    page.wait_for_selector("#map.leaflet-container", timeout=10_000)
    context.close()
