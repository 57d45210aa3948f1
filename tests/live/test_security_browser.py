"""Markup typed into every text field, shown in a real Chromium: shown as text, never run.

Also: the pages keep to their Content-Security-Policy (no violation is reported).
"""

from __future__ import annotations

import pytest
import requests

from tests.support.helpers import iso, route_payload
from tests.support.pages import wait_until
from tests.support.report import report_code

# No spaces: the driver's name keeps its first word only. `${...}` and backticks aim at JS
# template literals (folium puts popups and tooltips in them); the rest at HTML.
MARKUP = "<img/src=x/onerror=window.__pwned=1>`${window.__pwned=2}`\\"
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def registered_with_markup(base: str) -> dict:
    payload = route_payload(recipients=[MARKUP] * 3)
    payload["driver"]["name"] = MARKUP
    payload["station"]["name"] = MARKUP
    for stop in payload["stops"]:
        stop["address"] = MARKUP
        stop["shipments"][0]["reference"] = MARKUP
    reg = requests.post(f"{base}/api/v1/routes", json=payload, timeout=10,
                        headers={"Authorization": "Bearer demo"}).json()
    for event in [{"type": "route_started", "timestamp": iso(0)},
                  {"type": "delivered", "stop": 0, "timestamp": iso(300),
                   "proof": {"left_at": MARKUP, "note": MARKUP}}]:
        resp = requests.post(f"{base}/api/v1/events", json=event, timeout=10,
                             headers={"Authorization": f"Bearer {reg['driver_token']}"})
        assert resp.status_code == 200, resp.text
    return reg


@pytest.fixture
def page(browser):
    context = browser.new_context()
    # Tiles are decoration and this machine is offline: fail them fast instead of waiting.
    context.route("https://**/*", lambda route: route.abort())
    page = context.new_page()
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()


def assert_nothing_ran(page) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


def test_customer_page_shows_markup_as_text(live_server, page):
    reg = registered_with_markup(live_server.url)
    delivered, coming = (f"{live_server.url}/track/{s['token']}" for s in reg["shipments"][:2])
    page.goto(delivered)
    page.wait_for_function("document.getElementById('proof-note').textContent.length > 5")
    assert page.text_content("#proof-note").strip() == MARKUP
    assert page.text_content("#proof-left").strip() == MARKUP
    assert_nothing_ran(page)
    page.goto(coming)
    page.wait_for_function("document.getElementById('driver-text').textContent.length > 5")
    assert MARKUP in page.text_content("#driver-text")
    # The socket's snapshot renders the same view again, then marks the page live.
    wait_until(page, "document.getElementById('track').dataset.connection === 'live'")
    assert MARKUP in page.text_content("#driver-text")
    assert_nothing_ran(page)


def test_dashboard_and_route_report_show_markup_as_text(live_server, page):
    reg = registered_with_markup(live_server.url)
    page.goto(f"{live_server.url}/signin")
    page.fill("#key", "demo")
    page.press("#key", "Enter")
    page.wait_for_url("**/dashboard")
    # The fleet snapshot arrives over the socket and is rendered, then the page says live.
    wait_until(page, "document.getElementById('dashboard').dataset.connection === 'live'")
    assert_nothing_ran(page)
    resp = page.goto(f"{live_server.url}/dashboard/routes/{reg['route_id']}/report.html")
    html = report_code(resp.text())
    # folium evaluates tooltips and popups as JS template literals: none of it may stay raw.
    assert "${window" not in html and "<img/src=x" not in html
    assert html.count("&#36;&#123;window.__pwned=2&#125;") >= 4  # ` $ { } as entities
    page.wait_for_load_state("networkidle")  # the report's scripts have run, tiles asked for
    assert page.evaluate("typeof window.__pwned") == "undefined"
