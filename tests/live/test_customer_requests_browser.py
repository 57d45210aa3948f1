"""The customer's instructions, feedback and the seller's branding in real headless Chromium:
instructions reach the driver app and nobody else, feedback lands once and shows on the
dashboard, the delivered pin stays in a phone's view."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import requests

from tests.support.driver import make_link, phone_photo, seller_session
from tests.support.helpers import STATION, STOPS, iso, register
from tests.support.pages import (
    TILES,
    new_page,
    screenshot,
    send_event,
    send_fix,
    text_of,
    wait_until,
)

SELLER = {"Authorization": "Bearer demo"}
NOTE = "Door code 4321, ring twice"


def start(live_server_factory, tmp_path):
    return live_server_factory(SECRET_KEY="customer-test", PHOTO_STORE=str(tmp_path / "photos"),
                               SELLER_KEYS="demo:demo,acme:acme-key")


def brand(base: str) -> None:
    resp = requests.put(f"{base}/api/v1/settings/branding", headers=SELLER, timeout=10, json={
        "name": "Kahvila Aroma", "colour": "#8a3b12", "email": "help@aroma.example",
        "phone": "+358 9 123 4567", "website": "https://aroma.example"})
    assert resp.status_code == 200, resp.text


def deliver(base: str, reg: dict, stop: int = 0, photo: bool = False) -> None:
    proof = {"left_at": "front door", "note": "Behind the plant"}
    if photo:  # the tallest proof panel: a photo taken upright on a phone
        key = "ph_" + secrets.token_hex(16)
        resp = requests.post(f"{base}/api/v1/photos?stop={stop}", data=phone_photo(1200, 1600),
                             timeout=10, headers={
                                 "Authorization": f"Bearer {reg['driver_token']}",
                                 "Idempotency-Key": key, "Content-Type": "image/jpeg"})
        assert resp.status_code in (200, 201), resp.text
        proof["photo"] = key
    send_event(base, reg, {"type": "delivered", "stop": stop, "timestamp": iso(300),
                           "proof": proof})


def sign_in(page, base: str, key: str = "demo") -> None:
    page.goto(base + "/dashboard")
    page.fill("#key", key)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/dashboard")


def body_text(page) -> str:
    return page.evaluate("document.body.innerText")


def test_instructions_reach_the_driver_app_and_nowhere_else(live_server_factory, browser,
                                                            tmp_path):
    base = start(live_server_factory, tmp_path).url
    brand(base)
    reg = register(requests, base, recipients=["Maria K.", "Jussi", "Leena"])
    mine, other = reg["shipments"][0], reg["shipments"][1]

    page = new_page(browser)
    page.goto(f"{base}/track/{mine['token']}")
    assert "Kahvila Aroma" in text_of(page, "#sender")
    page.fill("#instructions-note", NOTE)
    page.select_option("#instructions-place", "back door")
    page.click("#instructions-form button[type=submit]")
    wait_until(page, "document.getElementById('instructions-status').textContent"
                     ".startsWith('Saved')")
    assert "If nobody is home: the back door" in text_of(page, "#instructions-saved")
    screenshot(page, tmp_path, "track-instructions-360")

    # The driver of this route sees them at the stop, in the driver app.
    session, csrf = seller_session(base)
    driver = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    driver.route(TILES, lambda route: route.abort())
    driver.goto(make_link(session, csrf, base, reg["route_id"]))
    wait_until(driver, f"document.getElementById('next-instructions').textContent"
                       f".includes({NOTE!r})", timeout=20)
    assert "Maria asks: Safe place: back door" in text_of(driver, "#next-instructions")
    screenshot(driver, tmp_path, "driver-app-instructions-360")

    # The seller, on the dashboard.
    dash = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    dash.route(TILES, lambda route: route.abort())
    sign_in(dash, base)
    wait_until(dash, f"document.getElementById('instructions-list').textContent"
                     f".includes({NOTE!r})", timeout=20)

    # Nobody else: another customer's page, the lookup by tracking number, another seller.
    stranger = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    stranger.route(TILES, lambda route: route.abort())
    stranger.goto(f"{base}/track/{other['token']}")
    wait_until(stranger, "document.getElementById('connection').textContent === 'Live'")
    assert "4321" not in body_text(stranger)
    assert stranger.input_value("#instructions-note") == ""
    stranger.goto(f"{base}/track?number={mine['tracking_id']}")
    assert "4321" not in stranger.content()
    acme = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    acme.route(TILES, lambda route: route.abort())
    sign_in(acme, base, "acme-key")
    assert "4321" not in acme.evaluate(
        "fetch('/dashboard/instructions').then((r) => r.text())")
    for p in (page, driver, dash, stranger, acme):
        p.context.close()


def test_feedback_lands_once_and_shows_on_the_dashboard(live_server_factory, browser, tmp_path):
    base = start(live_server_factory, tmp_path).url
    brand(base)
    reg = register(requests, base)
    token = reg["shipments"][0]["token"]
    deliver(base, reg)

    page = new_page(browser)
    page.goto(f"{base}/track/{token}")
    wait_until(page, "!document.getElementById('feedback-link').hidden")
    page.click("#feedback-link a")
    page.wait_for_url(f"{base}/track/{token}/feedback")
    page.check("#rate-delivery input[value='5']")
    page.check("#rate-product input[value='4']")
    page.fill("#feedback-comment", "Left exactly where I asked")
    screenshot(page, tmp_path, "feedback-360")
    page.click("#feedback-form button[type=submit]")
    wait_until(page, "document.getElementById('feedback-status').textContent"
                     ".startsWith('Thank you')")
    # A second visit (or a second tab) cannot send another.
    page.reload()
    wait_until(page, "document.getElementById('feedback-status').textContent"
                     ".includes('already sent')")
    assert page.locator("#feedback-form").is_hidden()
    again = requests.get(f"{base}/api/v1/feedback", headers=SELLER, timeout=10).json()
    assert [(f["delivery"], f["product"]) for f in again["feedback"]] == [(5, 4)]

    dash = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    dash.route(TILES, lambda route: route.abort())
    sign_in(dash, base)
    wait_until(dash, "document.getElementById('ratings-list').textContent"
                     ".includes('Left exactly where I asked')", timeout=20)
    assert "Aino" in text_of(dash, "#ratings-by-driver")
    assert "2026-11-26" in text_of(dash, "#ratings-by-day")
    assert "delivery 5 of 5" in text_of(dash, "#ratings-all")
    dash.locator("#ratings-title").scroll_into_view_if_needed()
    shot = Path(os.environ.get("DOORSTEP_SCREENSHOTS") or tmp_path) / "dashboard-feedback-1280.png"
    dash.screenshot(path=str(shot))  # where the panel is, not the top of the page
    page.context.close()
    dash.context.close()


def test_delivered_pin_stays_in_view_on_a_phone(live_server_factory, browser, tmp_path):
    base = start(live_server_factory, tmp_path).url
    brand(base)
    reg = register(requests, base)
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    send_fix(base, reg, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2, 60)
    deliver(base, reg, photo=True)
    for width, height in ((360, 640), (360, 740), (1280, 800)):
        page = new_page(browser, width, height)
        page.goto(f"{base}/track/{reg['shipments'][0]['token']}")
        page.wait_for_selector(".destination-marker")
        wait_until(page, "document.getElementById('track').dataset.status === 'delivered'")
        wait_until(page, "document.getElementById('proof-image').complete "
                         "&& !document.getElementById('proof-image').hidden")
        pin = page.locator(".destination-marker").bounding_box()
        assert pin is not None
        # Without scrolling: the whole pin inside the window and inside the map.
        box = page.locator("#map").bounding_box()
        assert 0 <= pin["y"] and pin["y"] + pin["height"] <= height, (width, height, pin)
        assert box["y"] <= pin["y"] and pin["y"] + pin["height"] <= box["y"] + box["height"]
        assert 0 <= pin["x"] and pin["x"] + pin["width"] <= width
        if height != 640:
            screenshot(page, tmp_path, f"track-delivered-{width}")
        page.context.close()


def test_a_photo_the_server_no_longer_has_is_not_promised(live_server_factory, browser,
                                                           tmp_path):
    base = start(live_server_factory, tmp_path).url
    reg = register(requests, base)
    deliver(base, reg, photo=True)
    # Gone from the photo store (PHOTO_RETENTION_DAYS) while the delivery record stays.
    for f in (tmp_path / "photos").rglob("*"):
        if f.is_file():
            f.unlink()
    page = new_page(browser)
    page.goto(f"{base}/track/{reg['shipments'][0]['token']}")
    wait_until(page, "document.getElementById('proof-photo').textContent"
                     ".includes('the photo is not available')")
    assert "Photo taken" not in text_of(page, "#proof")
    assert page.locator("#proof-placeholder").is_visible()
    page.context.close()


def test_the_seller_sets_the_branding_on_the_settings_page(live_server_factory, browser,
                                                           tmp_path):
    base = start(live_server_factory, tmp_path).url
    reg = register(requests, base)
    logo = tmp_path / "logo.png"
    logo.write_bytes(phone_photo(600, 600, "#2e7d32"))
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.route(TILES, lambda route: route.abort())
    sign_in(page, base)
    page.click("text=Settings")
    page.fill("#name", "Kahvila Aroma")
    page.fill("#email", "help@aroma.example")
    page.fill("#website", "https://aroma.example")
    page.set_input_files("#logo", str(logo))
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/settings?saved=1")
    assert "Saved." in text_of(page, "main")
    screenshot(page, tmp_path, "settings-1280")
    customer = new_page(browser)
    customer.goto(f"{base}/track/{reg['shipments'][0]['token']}")
    wait_until(customer, "document.querySelector('.seller-logo')?.naturalWidth > 0")
    assert "Kahvila Aroma" in text_of(customer, "#sender")
    assert "help@aroma.example" in text_of(customer, "#seller")
    page.context.close()
    customer.context.close()
