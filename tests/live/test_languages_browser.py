"""Each language in real headless Chromium: the browser's language chooses, the page's switch
changes and is remembered, and what comes over the socket later is worded the same way."""

from __future__ import annotations

import pytest

from tests.support.helpers import STATION, iso
from tests.support.pages import (
    long_route,
    register_payload,
    screenshot,
    send_event,
    send_fix,
    text_of,
    wait_until,
)
from tests.support.untranslated import english_in

# What each language shows: the connection once live, the headline after stop 0 is delivered
# (ten stops before the last one), the first timeline time (09:00 UTC, 11:00 in Helsinki).
LANGUAGES = {
    "en": ("en-GB", "Live", "Out for delivery: 10 stops away", "Thu 26 Nov 11:00"),
    "fi": ("fi-FI", "Ajan tasalla", "Jakelussa: 10 pysähdystä ennen sinua", "to 26.11. 11.00"),
    "sv": ("sv-SE", "Direkt", "Ute för leverans: 10 stopp före dig", "tors 26 nov. 11:00"),
}


def open_page(browser, url, locale, width):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 800})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(url)
    return context, page


def is_text(selector: str, value: str) -> str:
    return f"document.querySelector({selector!r}).textContent.trim() === {value!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_renders_with_local_dates_and_live_words(live_server, browser, tmp_path,
                                                               lang):
    locale, live, headline, first_time = LANGUAGES[lang]
    base = live_server.url
    reg = register_payload(base, long_route(12))
    send_fix(base, reg, STATION["lat"] + 0.0002, STATION["lon"] + 0.0002, 5)
    url = f"{base}/track/{reg['shipments'][-1]['token']}"
    context, page = open_page(browser, url, locale, 360)
    assert page.evaluate("document.documentElement.lang") == lang
    wait_until(page, is_text("#connection", live))  # the script's words, in the language
    assert text_of(page, "#timeline li:last-child time") == first_time
    screenshot(page, tmp_path, f"track-{lang}-360")
    # A change after the page opened comes over the socket, worded for this page's room.
    send_event(base, reg, {"type": "delivered", "stop": 0, "timestamp": iso(60),
                           "proof": {"left_at": "front door"}})
    wait_until(page, is_text("#status-text", headline))
    page.wait_for_selector(".driver-marker", timeout=10000)
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, tmp_path, f"track-{lang}-1280")
    context.close()


def test_the_switch_changes_the_language_and_is_remembered(live_server, browser, tmp_path):
    base = live_server.url
    reg = register_payload(base, long_route(2))
    url = f"{base}/track/{reg['shipments'][0]['token']}"
    context, page = open_page(browser, url, "fi-FI", 360)
    wait_until(page, is_text("#connection", "Ajan tasalla"))
    page.click("nav.languages a[lang=sv]")
    wait_until(page, "document.documentElement.lang === 'sv'")
    wait_until(page, is_text("#connection", "Direkt"))
    assert text_of(page, "#timeline-title") == "Händelser"
    page.goto(url)  # the same link again, no ?lang=: the cookie keeps Swedish over Finnish
    assert page.evaluate("document.documentElement.lang") == "sv"
    page.goto(f"{base}/track")  # and the lookup too
    assert text_of(page, "h1") == "Spåra ett paket"
    screenshot(page, tmp_path, "lookup-sv-360")
    page.goto(f"{base}/track/no-such-link")
    assert text_of(page, "h1") == "Spårningslänken hittades inte"
    screenshot(page, tmp_path, "not-found-sv-360")
    context.close()


# What the scripts of the customer's pages write after load, in Finnish and Swedish.
SCRIPT_WORDS = {
    "fi": ("Tallennettu. Kuljettajasi näkee nämä ohjeet.", "Jos kukaan ei ole kotona: takaovelle",
           "Anna toimitukselle arvosana 1–5.", "polkupyörä"),
    "sv": ("Sparat. Din förare ser de här instruktionerna.",
           "Om ingen är hemma: vid bakdörren", "Välj ett betyg från 1 till 5 för leveransen.",
           "cykel"),
}


@pytest.mark.parametrize("lang", SCRIPT_WORDS)
def test_what_the_scripts_write_is_in_the_language(live_server, browser, lang):
    saved, place, rate, marker = SCRIPT_WORDS[lang]
    base = live_server.url
    reg = register_payload(base, long_route(3, vehicle="bike"))
    send_fix(base, reg, STATION["lat"] + 0.0002, STATION["lon"] + 0.0002, 5)
    token = reg["shipments"][-1]["token"]
    context, page = open_page(browser, f"{base}/track/{token}", LANGUAGES[lang][0], 360)
    page.fill("#instructions-note", "Ovikoodi 1234")
    page.select_option("#instructions-place", "back door")
    page.click("#instructions-form button[type=submit]")
    wait_until(page, is_text("#instructions-status", saved))
    assert place in text_of(page, "#instructions-saved")
    page.wait_for_selector(".driver-marker", timeout=10000)
    title = page.evaluate("document.querySelector('.driver-marker').title")
    assert title.endswith(f", {marker}"), title
    assert english_in(page.evaluate("document.body.innerText")) == []
    page.goto(f"{base}/track/{token}/feedback")
    send_event(base, reg, {"type": "delivered", "stop": 2, "timestamp": iso(60)})
    page.reload()
    page.click("#feedback-form button[type=submit]")
    wait_until(page, is_text("#feedback-status", rate))
    assert english_in(page.evaluate("document.body.innerText")) == []
    context.close()
