"""Every API failure is a JSON body naming the field: never an HTML page, never a traceback."""

from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from app.access.limits import Limited
from app.i18n.catalogs import N_
from app.live.reads import LinkExpired, LinkWithdrawn
from app.store import StoreFull, StoreUnavailable
from app.web.api import bp
from app.web.api.validation import InvalidField

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def error(status: int, message: str, field: str | None = None):
    return jsonify(error=message, field=field), status


@bp.app_errorhandler(ApiError)
def on_api_error(exc: ApiError):
    return error(exc.status, exc.message, exc.field)


@bp.app_errorhandler(InvalidField)
def on_invalid(exc: InvalidField):
    return error(400, f"{exc.field} {exc.message}", exc.field)


def _is_api() -> bool:
    """Machine doors answer JSON: the API, the phone door (Traccar Client), and fetch() calls."""
    return (request.path.startswith("/api/") or request.blueprint == "osmand"
            or request.is_json)


def _text(message: str, status: int, headers: dict | None = None):
    """A page's error: one plain sentence, never a stack trace or another page's wording."""
    return message, status, {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}


@bp.app_errorhandler(StoreUnavailable)
def on_store_down(exc: StoreUnavailable):
    # Pages and the API alike: a 503 that clients retry, never a 500 (the store comes back).
    # Nothing of the request was kept (app/live/ingest.py): the retry does it all again.
    log.warning("store unavailable: %s", exc)
    what = "full" if isinstance(exc, StoreFull) else "unavailable"
    # Phones (the OsmAnd door) are API clients too: JSON, not a page.
    if not _is_api() and request.blueprint != "osmand":
        return _text(f"Storage is {what}, retry shortly.", 503, {"Retry-After": "5"})
    resp, status = error(503, f"storage is {what}, retry shortly")
    resp.headers["Retry-After"] = "5"
    return resp, status


# What a person who followed a link reads instead of a bare status line: what happened, and
# what to do next (the lookup by tracking number works when a link does not).
_PAGES = {
    404: (N_("Page not found"), N_("There is nothing at this address.")),
    405: (N_("Not allowed"), N_("This address does not take that kind of request.")),
}
_TRACK_404 = (N_("Tracking link not found"), N_(
    "This tracking link is not known here: check that it was copied whole from your message, "
    "or look your parcel up by its tracking number."))
_EXPIRED = (N_("This tracking link has expired"), N_(
    "Links stop working some days after the delivery. The status is still there under the "
    "parcel's tracking number."))


_WITHDRAWN = (N_("This delivery was withdrawn"), N_(
    "The sender took this delivery off its route: it is not coming as planned. The sender "
    "will tell you when it comes, or ask them."))


def page_error(status: int, title: str, message: str, lookup: bool = False):
    # Said in the reader's language (app/i18n): the constants above are the catalog's keys.
    return render_template("error.html", title=gettext(title), message=gettext(message),
                           lookup=lookup), status


@bp.app_errorhandler(LinkExpired)
def on_link_expired(exc: LinkExpired):
    if not _is_api():
        return page_error(404, *_EXPIRED, lookup=True)
    return error(404, "tracking link expired", "token")


@bp.app_errorhandler(LinkWithdrawn)
def on_link_withdrawn(exc: LinkWithdrawn):
    if not _is_api():
        return page_error(410, *_WITHDRAWN)
    return error(410, "delivery withdrawn by the sender", "token")


@bp.app_errorhandler(Limited)
def on_limited(exc: Limited):
    headers = {"Retry-After": str(exc.retry_after)}
    if not _is_api():
        return _text(exc.message[0].upper() + exc.message[1:] + ".", 429, headers)
    resp, status = error(429, exc.message, exc.field)
    return resp, status, headers


@bp.app_errorhandler(HTTPException)
def on_http(exc: HTTPException):
    # Pages keep Flask's HTML errors, but for a body too large; machine doors always get JSON.
    if exc.code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if not _is_api():
            return _text(f"The request is too large: at most {limit} bytes are accepted.", 413)
        return error(413, f"body too large (at most {limit} bytes)", "body")
    if not _is_api():
        if exc.code == 404 and request.path.startswith("/track/"):
            return page_error(404, *_TRACK_404, lookup=True)
        if exc.code in _PAGES:
            return page_error(exc.code, *_PAGES[exc.code])
        return exc
    return error(exc.code or 500, exc.description or exc.name)


@bp.app_errorhandler(Exception)
def on_unexpected(exc: Exception):
    log.exception("unexpected error on %s", request.path)
    if _is_api():
        return error(500, "internal error")
    return _text("Internal error", 500)
