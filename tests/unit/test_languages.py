"""The customer's language: chosen from the browser, switched on the page, remembered; local
dates and times; plural forms; the API's English untouched."""

from __future__ import annotations

import re

import pytest

from app.i18n.page_words import page_words
from app.i18n.wording import day_and_time, localized, stops_text
from tests.support.helpers import iso, register

HEADLINE = re.compile(r'<h1 id="status-text">(.*?)</h1>')
TIMES = re.compile(r"<time [^>]*>(.*?)</time>")


def html_lang(html: str) -> str:
    return re.search(r'<html lang="(\w+)"', html).group(1)


@pytest.mark.parametrize("accept, lang, headline, first_time", [
    ("en-US,en;q=0.9", "en", "You are the next stop", "Thu 26 Nov 11:00"),
    ("fi-FI,fi;q=0.9,en;q=0.5", "fi", "Olet seuraavana vuorossa", "to 26.11. 11.00"),
    ("sv-FI,sv;q=0.9", "sv", "Du är nästa stopp", "tors 26 nov. 11:00"),
    ("de-DE", "en", "You are the next stop", "Thu 26 Nov 11:00"),  # not ours: English
])
def test_the_browser_language_chooses_the_page_language(client, accept, lang, headline,
                                                        first_time):
    token = register(client)["shipments"][0]["token"]
    html = client.get(f"/track/{token}", headers={"Accept-Language": accept}).get_data(
        as_text=True)
    assert html_lang(html) == lang
    assert HEADLINE.search(html).group(1) == headline
    # 09:00 UTC is 11:00 in Helsinki, the delivery area's zone, in the locale's own form.
    assert TIMES.findall(html)[0] == first_time


def test_a_choice_on_the_page_is_remembered_over_the_browser(client):
    token = register(client)["shipments"][0]["token"]
    finnish = {"Accept-Language": "fi"}
    resp = client.get(f"/track/{token}?lang=sv", headers=finnish)
    assert html_lang(resp.get_data(as_text=True)) == "sv"
    assert "lang=sv" in resp.headers["Set-Cookie"]
    assert {"Accept-Language", "Cookie"} <= set(resp.headers["Vary"].split(", "))
    again = client.get(f"/track/{token}", headers=finnish).get_data(as_text=True)
    assert html_lang(again) == "sv"
    # The switch links keep the page (and the lookup's number), with only `lang` changed.
    assert f'href="/track/{token}?lang=fi"' in again
    assert '<span aria-current="true" lang="sv">Svenska</span>' in again


def test_an_unknown_choice_is_ignored(client):
    token = register(client)["shipments"][0]["token"]
    resp = client.get(f"/track/{token}?lang=xx", headers={"Accept-Language": "fi"})
    assert html_lang(resp.get_data(as_text=True)) == "fi"
    # No language cookie (the page's session cookie carries its CSRF token for instructions).
    assert not [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("lang=")]


def test_the_api_stays_english(client):
    token = register(client)["shipments"][0]["token"]
    resp = client.get(f"/api/v1/track/{token}?lang=fi", headers={"Accept-Language": "fi"})
    assert "Set-Cookie" not in resp.headers  # ?lang= is the pages' switch, not the API's
    view = resp.get_json()
    assert view["status_text"] == "You are the next stop"
    assert [e["text"] for e in view["timeline"]][1:] == [
        "Out for delivery with Aino", "You are the next stop"]


@pytest.mark.parametrize("lang, one, two", [
    ("en", "1 stop away", "2 stops away"),
    ("fi", "1 pysähdys ennen sinua", "2 pysähdystä ennen sinua"),
    ("sv", "1 stopp före dig", "2 stopp före dig"),
])
def test_stops_away_has_the_plural_of_each_language(lang, one, two):
    assert (stops_text(1, lang), stops_text(2, lang)) == (one, two)
    # The page's script gets the same words per CLDR category, for Intl.PluralRules.
    forms = page_words(lang)["plurals"]["stops_away"]
    assert forms == {"one": one.replace("1", "{n}"), "other": two.replace("2", "{n}")}


def test_a_localized_view_rewrites_texts_from_its_fields_only(client):
    token = register(client)["shipments"][0]["token"]
    view = client.get(f"/api/v1/track/{token}").get_json()
    view = dict(view, status="approaching", stops_away=3,
                eta={"window": [iso(3600), iso(4800)], "text": "Arriving 12:00-12:20",
                     "day": "2026-11-26", "moved_to_next_day": False})
    fi = localized(view, "fi")
    assert fi["status_text"] == "3 pysähdystä ennen sinua"
    assert fi["eta"]["text"] == "Saapuu klo 12.00–12.20"
    assert [e["text"] for e in fi["timeline"]] == [
        "Tilaus vastaanotettu", "Jakelussa", "Matkalla"]
    assert localized(view, "en") is view  # English: the API's view, as it is
    moved = dict(view["eta"], moved_to_next_day=True, day="2026-11-27")
    assert localized(dict(view, eta=moved), "sv")["eta"]["text"] == (
        "Flyttat till nästa leveransdag, fre 27 nov.")


def test_times_are_in_the_delivery_areas_zone():
    assert day_and_time("2026-06-30T21:30:00Z", "Europe/Helsinki", "fi") == "ke 1.7. 0.30"
    assert day_and_time("2026-06-30T21:30:00Z", "America/New_York", "sv") == "tis 30 juni 17:30"


@pytest.mark.parametrize("path, lang, words", [
    ("/track/nope", "fi", "Seurantalinkkiä ei löytynyt"),
    ("/track/nope", "sv", "Spårningslänken hittades inte"),
    ("/no-such-page", "fi", "Sivua ei löytynyt"),
    ("/track?number=DS0000000000", "sv", "Hittades inte"),
    ("/track", "fi", "Seuraa pakettia"),
])
def test_lookup_and_error_pages_speak_the_language(client, path, lang, words):
    html = client.get(path, headers={"Accept-Language": lang}).get_data(as_text=True)
    assert html_lang(html) == lang and words in html


def test_the_lookup_shows_status_words_in_the_language(client):
    number = register(client)["shipments"][0]["tracking_id"]
    html = client.get(f"/track?number={number}&lang=fi").get_data(as_text=True)
    assert "Matkalla" in html and "Jakelussa" in html and "Seurantanumero" in html
    assert f'href="/track?number={number}&amp;lang=sv"' in html


def test_every_catalog_entry_is_translated():
    from babel.messages.pofile import read_po

    from app.i18n.catalogs import DIRECTORY

    for lang in ("fi", "sv"):
        with open(DIRECTORY / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f, locale=lang)
        empty = [m.id for m in catalog if m.id and not all(
            m.string if isinstance(m.string, tuple) else (m.string,))]
        assert empty == [], lang


@pytest.mark.parametrize("english, fi, sv", [
    ("Arriving today", "Saapuu tänään", "Kommer i dag"),
    ("Arriving tomorrow", "Saapuu huomenna", "Kommer i morgon"),
    ("Your order is being picked up", "Tilaustasi noudetaan", "Din beställning hämtas"),
])
def test_fixed_headlines_are_translated_not_replaced_by_the_status(english, fi, sv):
    """The domain's fixed headlines ("Arriving today" on the delivery day before the driver
    leaves, a pickup's) are translated as they are, not turned back into "Order received"."""
    from app.i18n.wording import status_text

    view = {"status": "created", "status_text": english, "timezone": "Europe/Helsinki"}
    assert (status_text(view, "fi"), status_text(view, "sv")) == (fi, sv)


def test_a_later_delivery_day_is_named_in_the_language():
    """A route planned for a day after tomorrow: the headline names the day, in Finnish and
    Swedish as in English (app/domain/view.py writes "Arriving on Sun 29 Nov")."""
    from app.i18n.wording import status_text

    view = {"status": "created", "status_text": "Arriving on Sun 29 Nov",
            "arrives_on": "2026-11-29", "timezone": "Europe/Helsinki"}
    fi, sv = status_text(view, "fi"), status_text(view, "sv")
    assert fi.startswith("Saapuu") and "29.11." in fi
    assert sv.startswith("Kommer") and "29 nov" in sv
