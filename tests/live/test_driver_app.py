"""The driver app in real headless Chromium against gunicorn: emulated geolocation moving along a
route, a customer watching in a second browser context, proof photos and a drawn signature,
and a dead zone (the browser offline) in the middle of the route."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from tests.live.test_dashboard_browser import sign_in
from tests.support.driver import make_link, metadata_of, phone_photo, seller_session
from tests.support.helpers import STATION, STOPS, route_payload
from tests.support.pages import TILES, screenshot, text_of, wait_until
from tests.support.servers import until

SELLER = {"Authorization": "Bearer demo"}


def start(live_server_factory, tmp_path, **env):
    return live_server_factory(
        SECRET_KEY="driver-test",
        PHOTO_STORE=str(tmp_path / "photos"),
        DRIVER_BATCH_SECONDS="1",
        **env,
    )


def register_route(base: str, **kwargs) -> dict:
    payload = route_payload(**kwargs)
    payload["stops"][0]["notes"] = "Door code 1234, parcel behind the bike rack"
    resp = requests.post(f"{base}/api/v1/routes", json=payload, headers=SELLER, timeout=10)
    assert resp.status_code == 201, resp.text
    return resp.json()


def phone(browser, lat: float, lon: float):
    """A 360 px phone that shares its location with the page."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        permissions=["geolocation"],
        geolocation={"latitude": lat, "longitude": lon, "accuracy": 8},
    )
    page = context.new_page()
    page.route(TILES, lambda route: route.abort())
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def all_sent(page, timeout: float = 20.0) -> None:
    wait_until(page, "document.getElementById('outbox').dataset.waiting === '0'", timeout)


def route_of(base: str, route_id: str) -> dict:
    return requests.get(f"{base}/api/v1/routes/{route_id}", headers=SELLER, timeout=10).json()


def view_of(base: str, reg: dict, i: int) -> dict:
    """The customer view of the route's i-th shipment."""
    return requests.get(f"{base}/api/v1/track/{reg['shipments'][i]['token']}", timeout=10).json()


def deliver(page, photo_path, left_at: str = "front door", sign: bool = False) -> None:
    page.click("#delivered")
    page.select_option("#deliver-form select[name=left_at]", left_at)
    if photo_path:
        page.set_input_files("#deliver-photo", str(photo_path))
    if sign:
        box = page.locator("#signature").bounding_box()
        page.mouse.move(box["x"] + 20, box["y"] + 100)
        page.mouse.down()
        for i in range(1, 12):
            page.mouse.move(box["x"] + 20 + i * 22, box["y"] + 100 - (i % 3) * 30, steps=2)
        page.mouse.up()
    page.fill("#deliver-form textarea[name=note]", "Behind the bike rack")
    page.click("#deliver-form button[value=ok]")


def test_driver_moves_delivers_with_photo_and_signature(
    live_server_factory, browser, street_map, tmp_path
):
    server = start(live_server_factory, tmp_path)
    base = server.url
    reg = register_route(base, recipients=["Maria Korhonen", "Jussi", "Leena"])
    session, csrf = seller_session(base)
    link = make_link(session, csrf, base, reg["route_id"])
    assert "#da_" in link  # the token is in the fragment: never sent to a server

    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(link)
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    assert "#" not in page.url  # taken off the address bar
    assert text_of(page, "#next-people").startswith("For Maria ·")  # first name only
    assert "Door code 1234" in text_of(page, "#next-notes")
    # Google Maps on a desktop browser, in the route's own way of travelling (a van: driving).
    assert (
        page.locator("#navigate")
        .get_attribute("href")
        .endswith("destination=60.168,24.948&travelmode=driving")
    )
    screenshot(page, tmp_path, "driver-app-start-360")
    page.click("#start")
    until(lambda: route_of(base, reg["route_id"])["status"] == "on_route", 20)

    # The customer of stop 1 watches in a browser context of their own.
    watcher = browser.new_context(viewport={"width": 360, "height": 740})
    customer = watcher.new_page()
    customer.route(TILES, lambda route: route.abort())
    customer.goto(f"{base}/track/{reg['shipments'][0]['token']}")
    seen = []
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    for i in range(1, 6):
        lat, lon = a[0] + (b[0] - a[0]) * i / 5, a[1] + (b[1] - a[1]) * i / 5
        context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 6})
        customer.wait_for_selector(".driver-marker")
        # The customer's page shows the driver where the phone is now.
        wait_until(
            customer,
            f"Math.abs(Number(document.getElementById('track').dataset.driverLon) - {lon}) < 1e-6",
            15,
        )
        seen.append(customer.evaluate("document.getElementById('track').dataset.driverLon"))
    assert len(set(seen)) == 5  # five places, each seen by the customer in turn
    screenshot(page, tmp_path, "driver-app-driving-360")

    # The engine may have seen the arrival in the fixes first: then the button is done already.
    if page.is_enabled("#arrived"):
        page.click("#arrived")
    wait_until(page, "document.getElementById('arrived').disabled")
    photo = tmp_path / "parcel.jpg"
    photo.write_bytes(phone_photo())
    page.click("#delivered")
    screenshot(page, tmp_path, "driver-app-deliver-dialog-360")
    page.click("#deliver-form button[value=cancel]")
    deliver(page, photo, sign=True)
    until(lambda: view_of(base, reg, 0)["status"] == "delivered", 20)
    all_sent(page)
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 2')")
    screenshot(page, tmp_path, "driver-app-next-stop-360")
    page.click("#attempted")  # nobody home at stop 2
    page.select_option("#attempt-form select[name=reason]", "recipient_unavailable")
    page.click("#attempt-form button[value=ok]")
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 3')")
    until(lambda: view_of(base, reg, 1)["status"] == "attempted", 20)
    assert view_of(base, reg, 1)["proof"] is None

    # The customer sees the photo and the signature, from this server, to this link only.
    customer.wait_for_selector("#proof-image:not([hidden])", timeout=15000)
    wait_until(customer, "document.getElementById('proof-image').naturalWidth > 0")
    wait_until(customer, "document.getElementById('proof-signature').naturalWidth > 0")
    assert not customer.locator("#proof-placeholder").is_visible()  # the photo, not its stand-in
    screenshot(customer, tmp_path, "driver-app-customer-proof-360")
    view = requests.get(f"{base}/api/v1/track/{reg['shipments'][0]['token']}", timeout=10).json()
    assert view["status"] == "delivered" and view["proof"]["left_at"] == "front door"
    stored = requests.get(
        f"{base}/api/v1/track/{reg['shipments'][0]['token']}/photos/{view['proof']['photo']}",
        timeout=10,
    )
    assert stored.headers["Content-Type"] == "image/jpeg"
    assert metadata_of(stored.content) == {}  # the phone's EXIF (and its GPS) is gone
    other = requests.get(
        f"{base}/api/v1/track/{reg['shipments'][1]['token']}/photos/{view['proof']['photo']}",
        timeout=10,
    )
    assert other.status_code == 404  # another customer's link sees no other proof
    lookup = requests.get(f"{base}/track", params={"number": view["tracking_id"]}, timeout=10)
    assert view["proof"]["photo"] not in lookup.text  # never in the lookup

    # The seller's dashboard shows the outcome and the photo.
    dashboard = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(dashboard, base)
    row = f"#shipments tr[data-tracking-id='{view['tracking_id']}']"
    wait_until(dashboard, f"document.querySelector(\"{row}\")?.dataset.status === 'delivered'")
    photo_link = dashboard.locator(f"{row} a", has_text="Photo").get_attribute("href")
    assert dashboard.request.get(base + photo_link).headers["content-type"] == "image/jpeg"
    assert errors == []
    for opened in (dashboard, watcher, context):
        opened.close()


@pytest.fixture(params=["memory", "redis"])
def store_env(request):
    if request.param == "memory":
        return {}
    return {"REDIS_URL": request.getfixturevalue("clean_redis")}


def test_offline_stops_arrive_once_in_order(live_server_factory, browser, tmp_path, store_env):
    server = start(live_server_factory, tmp_path, **store_env)
    base = server.url
    reg = register_route(base)
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(make_link(session, csrf, base, reg["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    page.click("#start")
    until(lambda: route_of(base, reg["route_id"])["status"] == "on_route", 20)
    all_sent(page)
    # The service worker has the app's shell before the dead zone.
    wait_until(page, "navigator.serviceWorker.controller !== null", 20)

    context.set_offline(True)  # a dead zone: three deliveries, each with a photo
    for i, (lat, lon, _) in enumerate(STOPS):
        context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 6})
        photo = tmp_path / f"stop{i}.jpg"
        photo.write_bytes(phone_photo(colour=("#c0392b", "#27ae60", "#2980b9")[i]))
        deliver(page, photo, left_at=("recipient", "mailroom", "safe place")[i])
        wait_until(page, f"document.querySelectorAll('#stops li.done').length === {i + 1}")
    # The last delivery waits out its undo window before it joins the outbox.
    wait_until(page, "Number(document.getElementById('outbox').dataset.waiting) >= 6", 20)
    assert "waiting to send" in text_of(page, "#outbox")
    waiting = int(page.evaluate("document.getElementById('outbox').dataset.waiting"))
    # Reopened in the dead zone: the shell from the service worker, the block and everything
    # waiting from IndexedDB (the link's fragment is gone from the address by now).
    page.reload()
    wait_until(page, "document.querySelectorAll('#stops li.done').length === 3", 20)
    # Nothing waiting was lost (a batch of fixes may have joined it just before the reload).
    wait_until(page, f"Number(document.getElementById('outbox').dataset.waiting) >= {waiting}")
    assert "waiting to send" in text_of(page, "#outbox")
    screenshot(page, tmp_path, "driver-app-offline-360")
    assert route_of(base, reg["route_id"])["stops_done"] == 0  # nothing reached the server

    context.set_offline(False)
    all_sent(page, 30)
    route = route_of(base, reg["route_id"])
    assert route["stops_done"] == 3
    photos = sorted((tmp_path / "photos" / reg["route_id"]).glob("*.jpg"))
    assert len(photos) == 3  # each photo once
    times = []
    for i, s in enumerate(reg["shipments"]):
        view = requests.get(f"{base}/api/v1/track/{s['token']}", timeout=10).json()
        assert view["status"] == "delivered"
        assert view["proof"]["left_at"] == ("recipient", "mailroom", "safe place")[i]
        assert [e["status"] for e in view["timeline"]].count("delivered") == 1
        times.append(view["proof"]["at"])
        got = requests.get(
            f"{base}/api/v1/track/{s['token']}/photos/{view['proof']['photo']}", timeout=10
        )
        assert got.status_code == 200
    assert times == sorted(times)  # in the order the driver delivered them
    until(lambda: route_of(base, reg["route_id"])["position"] is not None)
    context.set_offline(True)  # back at the station, in the garage's dead zone
    page.click("#returned")
    # Not "Route finished" while the server has not heard it: the courier keeps the app open.
    wait_until(page, "document.getElementById('next-title').textContent.startsWith("
                     "'Back at the station: keep the app open until the')")
    screenshot(page, tmp_path, "driver-app-returned-waiting-360")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    until(lambda: route_of(base, reg["route_id"])["status"] == "finished", 20)
    all_sent(page)
    wait_until(page, "document.getElementById('next-title').textContent === "
                     "'Route finished: thank you!'")
    screenshot(page, tmp_path, "driver-app-finished-360")
    assert errors == []
    context.close()


def test_dashboard_link_qr_and_revoke(live_server_factory, browser, tmp_path):
    server = start(live_server_factory, tmp_path)
    base = server.url
    reg = register_route(base)
    dashboard = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(dashboard, base)
    wait_until(dashboard, "document.querySelectorAll('#driver-route option').length === 2")
    # Two routes of one courier and vehicle read apart: the first stop and the route id.
    assert f"from Pohjoisesplanadi 21 ({reg['route_id']})" in dashboard.inner_text(
        "#driver-route option:nth-child(2)"
    )
    dashboard.select_option("#driver-route", reg["route_id"])
    dashboard.click("#driver-link-make")
    dashboard.wait_for_selector("#driver-link-show:not([hidden])")
    wait_until(dashboard, "document.getElementById('driver-link-qr').naturalWidth > 0")
    link = dashboard.input_value("#driver-link-url")
    assert link.startswith(base + "/drive/#da_")  # this page's own address, PUBLIC_URL unset
    assert "PUBLIC_URL" in text_of(dashboard, "#driver-link-public")
    assert dashboard.is_visible("#driver-link-public")
    screenshot(dashboard, tmp_path, "driver-app-dashboard-link-1280")

    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(link)
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    dashboard.click("#driver-link-revoke")
    wait_until(dashboard, "document.getElementById('driver-link-show').hidden")
    page.click("#start")  # kept on the phone, refused by the server: the driver is told
    wait_until(page, "document.getElementById('warnings').textContent.includes('revoked')")
    assert text_of(page, "#outbox").startswith("1 waiting")
    assert route_of(base, reg["route_id"])["status"] == "not_started"
    screenshot(page, tmp_path, "driver-app-revoked-360")
    assert errors == []
    dashboard.close()
    context.close()


def test_a_refused_photo_is_told_to_the_courier_and_the_delivery_still_goes(
    live_server_factory, browser, street_map, tmp_path
):
    # A server that keeps no photo over 2 kB: the phone's shrunk photo is refused (413).
    server = start(live_server_factory, tmp_path, PHOTO_MAX_BYTES="2000")
    base = server.url
    reg = register_route(base)
    session, csrf = seller_session(base)
    link = make_link(session, csrf, base, reg["route_id"])
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(link)
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    page.click("#start")
    photo = tmp_path / "parcel.jpg"
    photo.write_bytes(phone_photo())
    deliver(page, photo)
    until(lambda: view_of(base, reg, 0)["status"] == "delivered", 20)
    all_sent(page)
    wait_until(
        page, "document.getElementById('warnings').textContent.includes('A photo was not taken')"
    )
    assert view_of(base, reg, 0)["proof"]["photo"] is None
    # A phone clock two days ahead: the server refuses the event for good, and the courier is told.
    page.evaluate("const real = Date.now; Date.now = () => real() + 2 * 86400000")
    page.click("#arrived")
    wait_until(
        page,
        "document.getElementById('warnings').textContent.includes('\"arrived\" was not taken')",
    )
    all_sent(page)
    page.wait_for_timeout(9000)  # longer than any passing notice: both are still on screen
    warnings = text_of(page, "#warnings")
    assert "A photo was not taken" in warnings and "arrived" in warnings
    assert text_of(page, "#outbox") == "All sent"
    screenshot(page, tmp_path, "driver-app-refused-360")
    page.click(".warning-refused .dismiss >> nth=0")
    page.click(".warning-refused .dismiss >> nth=0")
    wait_until(page, "document.querySelectorAll('.warning-refused').length === 0")
    assert errors == []
    context.close()


def test_a_second_routes_link_still_sends_the_first_routes_items(
    live_server_factory, browser, tmp_path
):
    server = start(live_server_factory, tmp_path)
    base = server.url
    first, second = register_route(base), register_route(base)
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(make_link(session, csrf, base, first["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    page.click("#start")
    until(lambda: route_of(base, first["route_id"])["status"] == "on_route", 20)
    all_sent(page)
    wait_until(page, "navigator.serviceWorker.controller !== null", 20)

    context.set_offline(True)  # the first stop delivered in a dead zone
    photo = tmp_path / "parcel.jpg"
    photo.write_bytes(phone_photo())
    deliver(page, photo)
    wait_until(page, "Number(document.getElementById('outbox').dataset.waiting) >= 2", 20)
    # The dispatcher hands the phone a second route before the first one's items went out.
    context.set_offline(False)
    page.route("**/api/v1/**", lambda route: route.abort())  # still no way to the API
    page.goto("about:blank")  # a new page load, as from the camera's QR reader
    page.goto(make_link(session, csrf, base, second["route_id"]))
    wait_until(page, "Number(document.getElementById('outbox').dataset.others) >= 2", 20)
    assert "waiting to send for another route" in text_of(page, "#outbox")
    screenshot(page, tmp_path, "driver-app-other-route-waiting-360")
    assert route_of(base, first["route_id"])["stops_done"] == 0

    page.unroute("**/api/v1/**")  # the network is back: the first route's items go, with its token
    page.evaluate("window.dispatchEvent(new Event('online'))")
    until(lambda: view_of(base, first, 0)["status"] == "delivered", 30)
    wait_until(page, "document.getElementById('outbox').dataset.others === '0'", 30)
    assert view_of(base, first, 0)["proof"]["photo"]  # the photo went too, once
    assert len(list((tmp_path / "photos" / first["route_id"]).glob("*.jpg"))) == 1
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    assert route_of(base, second["route_id"])["stops_done"] == 0  # nothing went to the other
    assert text_of(page, "#outbox") == "All sent"
    assert errors == []
    context.close()


def test_a_page_off_https_says_what_https_gives(live_server_factory, browser, tmp_path):
    server = start(live_server_factory, tmp_path)
    base = server.url
    # A bike courier, and a stop whose address is one long word (it must not widen the page).
    payload = route_payload(vehicle="bike")
    payload["stops"][0]["address"] = "Pohjoisesplanadinkulmantalonsisäpihanportinvieressä" * 2
    resp = requests.post(f"{base}/api/v1/routes", json=payload, headers=SELLER, timeout=10)
    assert resp.status_code == 201, resp.text
    reg = resp.json()
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    # 127.0.0.1 counts as secure to Chromium: the page is told what a phone on http:// sees.
    page.add_init_script("Object.defineProperty(window, 'isSecureContext', {value: false})")
    page.goto(make_link(session, csrf, base, reg["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    warning = text_of(page, ".warning-insecure")
    assert "only over HTTPS" in warning and "site settings" not in warning
    assert page.locator("#navigate").get_attribute("href").endswith("&travelmode=bicycling")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, tmp_path, "driver-app-insecure-360")
    page.locator("#stops").screenshot(path=str(tmp_path / "driver-app-long-address-list-360.png"))
    assert errors == []
    context.close()


def test_any_stop_can_be_opened_an_outcome_can_be_undone_and_a_stop_put_off(
    live_server_factory, browser, tmp_path
):
    server = start(live_server_factory, tmp_path)
    base = server.url
    reg = register_route(base)
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(make_link(session, csrf, base, reg["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    page.click("#start")
    all_sent(page)

    # The third stop first: opened from the list, delivered, then taken back within the window.
    page.click("#stops li[data-stop='2'] button")
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 3')")
    screenshot(page, tmp_path, "driver-app-opened-stop-360")
    deliver(page, None)
    page.wait_for_selector("#undo:not([hidden])")
    assert "Stop 3" in text_of(page, "#undo-text") and "delivered" in text_of(page, "#undo-text")
    assert page.locator("#stops li.done").count() == 1  # shown as done at once
    screenshot(page, tmp_path, "driver-app-undo-360")
    page.click("#undo-button")
    wait_until(page, "document.getElementById('undo').hidden")
    assert page.locator("#stops li.done").count() == 0
    page.wait_for_timeout(11000)  # past the window: nothing was sent
    assert text_of(page, "#outbox") == "All sent"
    assert view_of(base, reg, 2)["status"] != "delivered"

    # Taken again: an attempt at stop 3, sent once the window has passed, stops 1 and 2 open.
    page.click("#stops li[data-stop='2'] button")
    page.click("#attempted")
    page.click("#attempt-form button[value=ok]")
    until(lambda: view_of(base, reg, 2)["status"] == "attempted", 25)
    assert view_of(base, reg, 0)["status"] != "delivered"
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")

    # "Later" puts stop 1 at the end of the courier's list; the server hears nothing of it.
    page.click("#later")
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 2')")
    order = page.eval_on_selector_all("#stops li", "els => els.map((e) => e.dataset.stop)")
    assert order == ["1", "2", "0"]
    screenshot(page, tmp_path, "driver-app-later-360")
    page.locator("#stops").screenshot(path=str(tmp_path / "driver-app-later-list-360.png"))
    all_sent(page)
    assert text_of(page, "#outbox") == "All sent"
    route = route_of(base, reg["route_id"])
    assert route["stops_done"] == 1
    page.reload()  # the courier's order is kept on the phone
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 2')")
    assert errors == []
    context.close()


def test_a_revoked_routes_items_are_kept_aside_and_said_so(live_server_factory, browser, tmp_path):
    server = start(live_server_factory, tmp_path)
    base = server.url
    first, second = register_route(base), register_route(base)
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(make_link(session, csrf, base, first["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    context.set_offline(True)
    page.click("#start")  # waits on the phone
    wait_until(page, "document.getElementById('outbox').dataset.waiting === '1'")
    revoked = session.delete(
        f"{base}/dashboard/routes/{first['route_id']}/driver-link",
        headers={"X-CSRF-Token": csrf},
        timeout=10,
    )
    assert revoked.status_code == 200
    context.set_offline(False)
    page.goto("about:blank")
    page.goto(make_link(session, csrf, base, second["route_id"]))
    wait_until(page, "document.getElementById('warnings').textContent.includes('revoked')", 20)
    assert "1 kept on this phone for another route" in text_of(page, ".warning-aside")
    assert text_of(page, "#outbox") == "All sent"  # nothing of this route waits
    screenshot(page, tmp_path, "driver-app-other-route-revoked-360")
    assert route_of(base, first["route_id"])["status"] == "not_started"  # never sent
    assert route_of(base, second["route_id"])["status"] == "not_started"  # nor to the other
    assert errors == []
    context.close()


def two_parcel_route(base: str) -> dict:
    """Stop 1 holds two parcels, Maria's and Jussi's."""
    payload = route_payload(recipients=["Maria Korhonen", "Leena", "Aada"])
    payload["stops"][0]["shipments"].append({"recipient": "Jussi Nieminen", "reference": "o-0b"})
    resp = requests.post(f"{base}/api/v1/routes", json=payload, headers=SELLER, timeout=10)
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_one_parcel_of_two_is_undone_by_name_and_a_refusal_names_the_stop(
    live_server_factory, browser, tmp_path
):
    server = start(live_server_factory, tmp_path)
    base = server.url
    reg = two_parcel_route(base)
    maria, jussi = reg["shipments"][0]["tracking_id"], reg["shipments"][1]["tracking_id"]
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(make_link(session, csrf, base, reg["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    page.click("#start")
    all_sent(page)
    context.set_offline(True)  # a dead zone: the phone does not hear of the other phone below
    # Another phone (or the dispatcher's) delivers Jussi's parcel meanwhile.
    now = datetime.now(UTC).isoformat()
    other = requests.post(f"{base}/api/v1/events", timeout=10,
                          headers={"Authorization": f"Bearer {reg['driver_token']}"},
                          json={"type": "delivered", "stop": 0, "shipment": jussi,
                                "timestamp": now, "proof": {"left_at": "recipient"}})
    assert other.json()["accepted"] == 1

    # Maria's parcel alone: the bar says so, and "Undo" says exactly what it took back.
    page.click("#delivered")
    # The dialog is taller than the phone: its buttons stay in sight at the bottom.
    dialog = page.locator("#deliver-dialog").bounding_box()
    for button in ("ok", "cancel"):
        box = page.locator(f"#deliver-form button[value={button}]").bounding_box()
        assert box["y"] + box["height"] <= dialog["y"] + dialog["height"], (box, dialog)
    page.select_option("#deliver-shipment", maria)
    page.click("#deliver-form button[value=ok]")
    page.wait_for_selector("#undo:not([hidden])")
    held = text_of(page, "#undo-text")
    assert held.startswith(f"Stop 1 (Pohjoisesplanadi 21): Maria's parcel {maria} delivered "
                           "(1 of 2 parcels here)"), held
    assert "Maria: delivered" in text_of(page, "#next-people")
    screenshot(page, tmp_path, "driver-app-undo-one-parcel-360")
    page.click("#undo-button")
    wait_until(page, "document.getElementById('undo').dataset.undone === 'true'")
    undone = text_of(page, "#undo-text")
    assert undone == (f"Undone: Maria's parcel {maria} at Stop 1 (Pohjoisesplanadi 21) is not "
                      "delivered; the other parcel here is as before. Nothing was sent."), undone
    assert not page.is_visible("#undo-button")
    assert "delivered" not in text_of(page, "#next-people")
    screenshot(page, tmp_path, "driver-app-undone-one-parcel-360")

    # Maria's again, then Jussi's attempted: the phone does not know Jussi's was delivered.
    page.click("#delivered")
    page.select_option("#deliver-shipment", maria)
    page.click("#deliver-form button[value=ok]")
    page.click("#attempted")
    # Jussi's is the one parcel open here: nothing to choose, and the attempt names it.
    assert not page.is_visible("#attempt-shipment")
    assert page.input_value("#attempt-shipment") == jussi
    page.click("#attempt-form button[value=ok]")
    held = f"Jussi's parcel {jussi} attempted"
    wait_until(page, f"document.getElementById('undo-text').textContent.includes(\"{held}\")")
    page.click("#arrived")  # the next action queues the outcome held for Undo at once
    wait_until(page, "Number(document.getElementById('outbox').dataset.waiting) >= 3")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, "document.getElementById('warnings').textContent.includes('not taken')", 30)
    warning = text_of(page, ".warning-refused")
    assert warning.startswith(f"Stop 1 (Pohjoisesplanadi 21), Jussi's parcel {jussi}: "
                              "\"attempted\" was not taken: shipment already delivered."), warning
    assert "nothing more to send for it" in warning
    screenshot(page, tmp_path, "driver-app-refused-named-360")
    all_sent(page)
    assert view_of(base, reg, 0)["status"] == "delivered"
    assert view_of(base, reg, 1)["status"] == "delivered"  # the other phone's outcome stands
    # The list says the stop's outcome once, as the server has it now.
    wait_until(page, "document.querySelector('#stops li[data-stop=\"0\"]').textContent"
                     ".endsWith(' · delivered')", 40)
    assert errors == []
    context.close()


def test_the_undo_bar_says_what_it_holds_at_every_kind_of_stop(
    live_server_factory, browser, tmp_path
):
    server = start(live_server_factory, tmp_path)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(server.url + "/drive/")
    # drive-words.js, as the app calls it: a stop of three parcels, one of them done already.
    said = page.evaluate("""async () => {
      const w = await import('/static/js/drive-words.js');
      const ship = (r, id, status) => ({ recipient: r, tracking_id: id, status });
      const one = { address: 'Bulevardi 5', shipments: [ship('Leena', 'DS1', 'out_for_delivery')] };
      const two = { address: 'Bulevardi 5', shipments: [ship('Maria', 'DS1', 'out_for_delivery'),
                                                        ship('Jussi', 'DS2', 'out_for_delivery')] };
      const three = { address: 'Bulevardi 5', shipments: [ship('Maria', 'DS1', 'delivered'),
        ship('Jussi', 'DS2', 'out_for_delivery'), ship('Aada', 'DS3', 'out_for_delivery')] };
      const whole = { type: 'delivered', stop: 4 };
      const each = { type: 'attempted', stop: 4, shipment: 'DS2' };
      return [w.outcomeLabel(one, whole), w.undoneText(one, whole),
              w.outcomeLabel(two, whole), w.undoneText(two, whole),
              w.outcomeLabel(three, whole), w.undoneText(three, whole),
              w.outcomeLabel(three, each), w.undoneText(three, each)];
    }""")
    assert said == [
        "Stop 5 (Bulevardi 5): delivered",
        "Undone: Stop 5 (Bulevardi 5) is not delivered. Nothing was sent.",
        "Stop 5 (Bulevardi 5): both parcels delivered",
        "Undone: Stop 5 (Bulevardi 5): its 2 parcels are not delivered. Nothing was sent.",
        "Stop 5 (Bulevardi 5): the 2 open parcels delivered",
        "Undone: the 2 open parcels at Stop 5 (Bulevardi 5) are not delivered. Nothing was sent.",
        "Stop 5 (Bulevardi 5): Jussi's parcel DS2 attempted (1 of 3 parcels here)",
        "Undone: Jussi's parcel DS2 at Stop 5 (Bulevardi 5) is not attempted; the other parcels"
        " here are as before. Nothing was sent.",
    ], said
    assert errors == []
    context.close()


def test_a_phone_clock_forty_minutes_slow_stamps_by_the_servers_clock(
    live_server_factory, browser, tmp_path
):
    """The third outside check: a phone 40 minutes slow delivered 'at 11:43' into a timeline
    that said 12:22, and moved 'Order received' back before the route existed. The app
    stamps what it sends by the server's clock (every answer's Date header)."""
    server = start(live_server_factory, tmp_path)
    base = server.url
    reg = register_route(base)
    session, csrf = seller_session(base)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    context.add_init_script("""(() => {
      const slow = 40 * 60 * 1000, real = Date.now;
      Date.now = () => real() - slow;
      const RealDate = Date;
      globalThis.Date = class extends RealDate {
        constructor(...a) { super(...(a.length ? a : [real() - slow])); }
        static now() { return real() - slow; }
      };
    })();""")
    page.goto(make_link(session, csrf, base, reg["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    page.reload()  # the clock is learned from the first answers
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    page.click("#start")
    page.click("#stops li[data-stop='0'] button")
    deliver(page, None)
    until(lambda: view_of(base, reg, 0)["status"] == "delivered", 30)
    now = datetime.now(UTC).timestamp()
    timeline = view_of(base, reg, 0)["timeline"]
    for entry in timeline:
        at = datetime.fromisoformat(entry["at"].replace("Z", "+00:00")).timestamp()
        assert abs(at - now) < 120, entry  # not 40 minutes back
    assert errors == []
    context.close()
