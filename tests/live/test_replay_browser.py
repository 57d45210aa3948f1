"""A finished route replayed on the dashboard in real Chromium: play, pause, scrub (issue 19)."""

from __future__ import annotations

import requests

from tests.live.test_dashboard_browser import KEYS, sign_in
from tests.support.helpers import STATION, STOPS, iso, register
from tests.support.pages import new_page, screenshot, send_event, send_fix, wait_until


def finished_route(base: str) -> dict:
    """A van drives to three stops, delivers at each and returns, over about 17 minutes."""
    reg = register(requests, base)
    t, here = 0.0, (STATION["lat"], STATION["lon"])
    for k, (lat, lon, _) in enumerate(STOPS):
        for step in range(1, 11):
            t += 30
            f = step / 10
            send_fix(base, reg, here[0] + (lat - here[0]) * f, here[1] + (lon - here[1]) * f, t)
        send_event(base, reg, {"type": "delivered", "stop": k, "timestamp": iso(t + 20),
                               "proof": {"left_at": "front door"}})
        here = (lat, lon)
        t += 40
    send_event(base, reg, {"type": "returned", "timestamp": iso(t + 60)})
    return reg


def test_a_finished_route_replays_with_play_pause_and_scrub(live_server_factory, browser,
                                                             tmp_path):
    server = live_server_factory(SELLER_KEYS=KEYS)
    reg = finished_route(server.url)
    page = new_page(browser, 1280, 800)
    sign_in(page, server.url)
    page.wait_for_selector("a[href$='/replay']")  # offered on the finished route's rows
    page.goto(f"{server.url}/dashboard/routes/{reg['route_id']}/replay")
    wait_until(page, "document.getElementById('replay').dataset.state === 'paused'")
    start = int(page.get_attribute("#replay", "data-time"))
    assert page.get_attribute("#replay", "data-done") == "0"
    page.select_option("#replay-speed", "1200")  # 17 minutes in about a second
    page.click("#replay-play")
    wait_until(page, "document.getElementById('replay').dataset.state === 'ended'", timeout=15)
    end = int(page.get_attribute("#replay", "data-time"))
    assert end - start >= 15 * 60
    assert page.get_attribute("#replay", "data-done") == "3"
    assert "3 of 3 stops done" in page.inner_text("#replay-done")
    # Scrub to the middle: between the first delivery and the last.
    page.eval_on_selector("#replay-scrub",
                          "el => { el.value = 500; el.dispatchEvent(new Event('input')); }")
    middle = int(page.get_attribute("#replay", "data-time"))
    assert start < middle < end
    assert page.get_attribute("#replay", "data-done") in ("1", "2")
    # Play, then pause: time moves while playing, stands still while paused.
    page.select_option("#replay-speed", "60")
    page.click("#replay-play")
    wait_until(page, f"Number(document.getElementById('replay').dataset.time) > {middle + 5}")
    page.click("#replay-play")
    paused = page.get_attribute("#replay", "data-time")
    page.wait_for_timeout(400)
    assert page.get_attribute("#replay", "data-time") == paused
    assert page.locator(".leaflet-marker-icon").count() >= 1
    screenshot(page, tmp_path, "replay-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, tmp_path, "replay-360")
    page.close()


def test_another_sellers_route_is_not_found(live_server_factory, browser):
    server = live_server_factory(SELLER_KEYS=KEYS)
    other = register(requests, server.url, key="acme-key")
    page = new_page(browser, 1280, 800)
    sign_in(page, server.url)
    for path in ("replay", "replay.json"):
        resp = page.goto(f"{server.url}/dashboard/routes/{other['route_id']}/{path}")
        assert resp.status == 404
    resp = requests.get(f"{server.url}/dashboard/routes/{other['route_id']}/replay.json",
                        allow_redirects=False, timeout=10)
    assert resp.status_code in (302, 303, 401)  # not signed in: never the track
    page.close()
