"""A pickup stop in real Chromium (issue 16): the courier's phone says "Pick up" and sends
picked_up; the customer whose meal waits there reads that it is being picked up."""

from __future__ import annotations

import requests

from tests.live.test_driver_app import SELLER, all_sent, phone, start, view_of
from tests.support.driver import make_link, seller_session
from tests.support.helpers import STATION
from tests.support.pages import screenshot, text_of, wait_until
from tests.support.servers import until
from tests.unit.test_pickups import with_pickup


def test_the_driver_app_picks_up_then_delivers(live_server_factory, browser, tmp_path):
    server = start(live_server_factory, tmp_path)
    base = server.url
    resp = requests.post(f"{base}/api/v1/routes", json=with_pickup(), headers=SELLER, timeout=10)
    assert resp.status_code == 201, resp.text
    reg = resp.json()
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(make_link(session, csrf, base, reg["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    assert text_of(page, "#next-title") == "Stop 1: Pick up at Ravintola, Kluuvikatu 2"
    assert text_of(page, "#next-people") == "Pick up 2 parcels for stops 3, 4"
    page.click("#start")
    until(lambda: view_of(base, reg, 2)["status_text"] == "Your order is being picked up", 20)
    # At a pickup there is nothing to hand over: "Picked up" (the API's picked_up), or "Could
    # not pick up" (attempted there).
    assert page.is_visible("#picked-up")
    assert not page.is_visible("#delivered")
    assert text_of(page, "#attempted") == "Could not pick up"
    screenshot(page, tmp_path, "driver-app-pickup-360")
    page.click("#picked-up")
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 2')")
    assert page.is_visible("#delivered") and not page.is_visible("#picked-up")
    all_sent(page)
    until(lambda: view_of(base, reg, 2)["status_text"] != "Your order is being picked up", 20)
    assert view_of(base, reg, 2)["stops_away"] == 2
    assert "picked up" in page.inner_text("#stops li:first-child")
    assert errors == []
    context.close()


def test_the_driver_app_records_a_failed_pickup_and_its_customers_read_it(
        live_server_factory, browser, tmp_path):
    server = start(live_server_factory, tmp_path)
    base = server.url
    reg = requests.post(f"{base}/api/v1/routes", json=with_pickup(), headers=SELLER,
                        timeout=10).json()
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(make_link(session, csrf, base, reg["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    page.click("#start")
    page.click("#attempted")
    # The whole collection failed: no parcels to choose, no "safe place" reason.
    assert text_of(page, "#attempt-title") == "Could not pick up"
    assert not page.is_visible("#attempt-shipment")
    page.select_option("#attempt-form select[name=reason]", "business_closed")
    screenshot(page, tmp_path, "driver-app-pickup-failed-360")
    page.click("#attempt-form button[value=ok]")
    # Its two deliveries are done with it; the next stop is the parcel the van carries.
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 2')")
    all_sent(page)
    for k in (1, 2):
        until(lambda k=k: view_of(base, reg, k)["status"] == "attempted", 20)
        assert view_of(base, reg, k)["status_text"].startswith(
            "Your order could not be collected for delivery: the business was closed.")
    assert view_of(base, reg, 0)["status"] != "attempted"
    assert errors == []
    context.close()
