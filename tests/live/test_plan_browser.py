"""A seller plans a day in real Chromium: CSV in, pins checked, blocks planned, routes live."""

from __future__ import annotations

import random

from app.planning.addresses import read_addresses
from simulator.world.maps import bundled_map
from tests.live.test_dashboard_browser import KEYS, sign_in
from tests.support.pages import new_page, screenshot, wait_until


def order_csv(n: int, seed: int = 5) -> str:
    addresses = [a for a in read_addresses(bundled_map())
                 if a.number.isdigit() and "," not in a.street]
    rng = random.Random(seed)
    lines = ["recipient;address;mobile;order id;delivery instructions;time slot;program"]
    for i, a in enumerate(rng.sample(addresses, n)):
        street = a.street.lower() if i % 3 == 0 else a.street
        slot = "10:00-12:00" if i % 7 == 0 else ""
        program = "grocery" if slot else ""
        lines.append(f"Customer {i};{street} {a.number};+35840{i:07d};order-{i};;{slot};{program}")
    lines.append("Nobody;Nonexistent Road 5;;order-x;;;")  # an address the map does not have
    return "\n".join(lines) + "\n"


def test_a_seller_goes_from_a_csv_to_live_routes(live_server_factory, browser, tmp_path):
    server = live_server_factory(SELLER_KEYS=KEYS)
    page = new_page(browser, 1280, 900)
    sign_in(page, server.url)
    page.click("text=Plan a day")
    page.wait_for_url(server.url + "/dashboard/plan")
    page.fill("#plan-date", "2026-11-26")
    csv = order_csv(30)
    page.fill("#orders-csv", csv)
    page.click("#orders-form button")
    wait_until(page, "document.getElementById('planner').dataset.checked === '31'", timeout=30)
    assert page.locator("#rows-body tr[data-status=error]").count() == 1
    assert page.locator("#couriers-form").is_hidden()  # nothing is planned while a row is wrong
    # The seller drops the bad line and checks again: everything understood.
    page.fill("#orders-csv", "\n".join(csv.splitlines()[:-1]) + "\n")
    page.click("#orders-form button")
    wait_until(page, "document.getElementById('planner').dataset.checked === '30'", timeout=30)
    assert page.locator("#rows-body tr[data-status=error]").count() == 0
    # Three couriers: two bikes and a van.
    page.fill("input[data-vehicle=bike]", "2")
    page.fill("input[data-vehicle=van]", "1")
    page.click("#couriers-form button")
    wait_until(page, "Number(document.getElementById('planner').dataset.blocks) >= 2",
               timeout=60)
    assert page.locator("#blocks-list li").count() >= 2
    assert page.locator(".leaflet-overlay-pane path").count() >= 3  # the blocks' ways drawn
    screenshot(page, tmp_path, "plan-1280")
    page.click("#register-button")
    wait_until(page, "Number(document.getElementById('planner').dataset.registered) >= 2",
               timeout=30)
    assert "driver token" in page.inner_text("#registered")
    # The routes are the seller's now: every order is a shipment on the dashboard.
    page.click("#registered a")
    page.wait_for_url(server.url + "/dashboard")
    wait_until(page, "document.getElementById('shipment-count').textContent === '30'",
               timeout=30)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(server.url + "/dashboard/plan")
    screenshot(page, tmp_path, "plan-360")
    page.close()
