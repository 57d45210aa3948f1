"""No customer-facing page in Finnish or Swedish shows an English sentence from the catalog:
the page's text, its attributes people hear or see (labels, titles, placeholders), and the words
its scripts build at run time (data-words), in every state a customer meets."""

from __future__ import annotations

import collections

import pytest

from app.extensions import services
from tests.support.helpers import iso, register
from tests.support.untranslated import SENTENCES, english_in, shown_text


def test_the_catalog_gives_the_check_something_to_find():
    assert len(SENTENCES) > 80
    page = "<p>Only your driver and the shop see these.</p>"
    assert english_in(shown_text(page)) == ["Only your driver and the shop see these"]


@pytest.fixture
def pages(client, app):
    """Every customer-facing page, in each state that shows different words."""
    with app.app_context():
        services().branding.put("demo", {"name": "Kahvila Aroma", "email": "hei@aroma.fi",
                                         "phone": "+358 40 123 4567",
                                         "website": "https://aroma.fi"})
    waiting = register(client, start=False)["shipments"][0]
    reg = register(client)
    delivered = reg["shipments"][0]
    client.post("/api/v1/events", headers={"Authorization": f"Bearer {reg['driver_token']}"},
                json={"type": "delivered", "stop": 0, "timestamp": iso(600),
                      "proof": {"left_at": "front door", "note": "By the door"}})
    app.extensions["doorstep"].demo_fleet = collections.namedtuple("Fleet", "route_ids")(
        collections.deque([reg["route_id"]]))
    return {
        "track, before leaving": f"/track/{waiting['token']}",
        "track, on the way": f"/track/{reg['shipments'][1]['token']}",
        "track, delivered": f"/track/{delivered['token']}",
        "feedback, not yet": f"/track/{waiting['token']}/feedback",
        "feedback, delivered": f"/track/{delivered['token']}/feedback",
        "lookup": f"/track?number={delivered['tracking_id']}",
        "link not found": "/track/no-such-link",
        "home": "/",
    }


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_no_customer_page_shows_an_english_sentence(client, pages, lang):
    for name, path in pages.items():
        resp = client.get(path, headers={"Accept-Language": lang})
        assert resp.status_code in (200, 404), (name, resp.status_code)
        page = resp.get_data(as_text=True)
        assert f'<html lang="{lang}"' in page, name
        if lang == "en":  # the check finds the catalog's sentences on each page
            assert english_in(shown_text(page)), name
        else:
            assert english_in(shown_text(page)) == [], name




@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_page_word_is_translated(lang):
    """Each word and plural form the page's scripts build differs from its English (the
    plural "stops_before" was once missing from the catalog and reached fi and sv pages in
    English)."""
    from app.i18n.page_words import page_words

    english, words = page_words("en"), page_words(lang)
    same = [key for key, text in words["words"].items() if text == english["words"][key]]
    same += [f"{key}/{category}" for key, forms in words["plurals"].items()
             for category, text in forms.items() if text in english["plurals"][key].values()]
    assert same == []


@pytest.mark.parametrize(("lang", "word"), [("fi", " tai "), ("sv", " eller "), ("en", " or ")])
def test_the_lookups_placeholder_is_in_the_pages_language(client, lang, word):
    """The example numbers are joined by the page's own "or" (an outside check read "or" on
    the Finnish and Swedish lookup)."""
    import re

    page = client.get("/track", headers={"Accept-Language": lang}).get_data(as_text=True)
    placeholder = re.search(r'id="number"[^>]*placeholder="([^"]*)"', page, re.S).group(1)
    assert placeholder == f"DS7K2M9Q4XA8{word}1Z999AA10123456784"


def test_the_catalog_holds_every_page_word():
    """The template holds each page word and plural (`-k Np_:1,2` when extracting)."""
    from babel.messages.pofile import read_po

    from app.i18n.page_words import PLURALS, WORDS
    from tests.support.untranslated import POT

    ids = {message.id for message in read_po(POT.open("rb"))}
    assert [key for key, text in WORDS.items() if text not in ids] == []
    assert [key for key, pair in PLURALS.items() if pair not in ids] == []


@pytest.mark.parametrize("left_at", ["recipient", "safe place", "parcel locker", "front door"])
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_where_the_driver_left_it_is_in_the_customers_language(left_at, lang):
    """The driver app's 'Left at' choices, in the words the page and the texts use (an
    outside check read "lämnat: safe place")."""
    from app.i18n.page_words import left_at_names, page_words
    from app.i18n.wording import change_text

    name = left_at_names(lang)[left_at]
    assert name != left_at and page_words(lang)["places"][left_at] == name
    text = change_text("delivered", {"proof": {"left_at": left_at}}, "Aino", "Europe/Helsinki",
                       lang, "Delivered")
    assert name in text and left_at not in text
