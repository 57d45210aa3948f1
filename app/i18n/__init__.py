"""The customer's language: English, Finnish or Swedish (Flask-Babel), chosen from `?lang=`, then
the `lang` cookie a choice leaves, then the browser's Accept-Language.

The customer's pages, the lookup, the texts and the error pages are translated; the API keeps
English (its texts are what integrations have always parsed).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import Babel, get_locale

from app.i18n.catalogs import DEFAULT, DIRECTORY, LANGUAGES

COOKIE = "lang"
_YEAR_S = 365 * 86400


def select_locale() -> str:
    """The language of this request: an explicit choice wins over the browser's."""
    for chosen in (request.args.get(COOKIE), request.cookies.get(COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def current() -> str:
    """The request's language code (`en`, `fi`, `sv`)."""
    return str(get_locale() or DEFAULT)


def language_url(lang: str) -> str:
    """This page in another language: its path and query, with `lang` set."""
    args = request.args.to_dict()
    args[COOKIE] = lang
    return f"{request.path}?{urlencode(args)}"


def _remember(response):
    # A choice made with ?lang= stays for the customer's next visit and next link.
    chosen = request.args.get(COOKIE)
    # Pages only: an API client's ?lang= (ignored there) leaves no cookie behind.
    if (chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen
            and response.mimetype == "text/html"):
        response.set_cookie(COOKIE, chosen, max_age=_YEAR_S, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_translation_directories=str(DIRECTORY))
    app.after_request(_remember)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current,
                               language_url=language_url)
