"""Text updates: a customer signs up with a phone number on the tracking page, or stops them."""

from __future__ import annotations

from flask import jsonify

from app.access import limits
from app.access.tokens import hash_token
from app.domain.model import Shipment
from app.extensions import services
from app.i18n import current
from app.i18n.catalogs import LANGUAGES
from app.notify.phone_numbers import country_of, mask, normalize
from app.web.api import bp
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.track import link_shipment
from app.web.api.validation import obj


def _state(shipment: Shipment):
    phone = services().notify.subscriptions.phone_for(vars(shipment))
    return jsonify(subscribed=phone is not None, phone=mask(phone))


@bp.get("/track/<token>/texts")
def get_texts(token: str):
    """Say whether this shipment's customer gets text updates, and to which (masked) number."""
    return _state(link_shipment(token))


@bp.post("/track/<token>/texts")
# Hashed: a tracking token is a secret and must not appear in the limiter's keys.
@limits.per_key("SIGNUP_RATE", "text sign-ups for this link", "token",
                key=lambda token: hash_token(token))
def sign_up_for_texts(token: str):
    """Sign up for text updates with a phone number in international form (E.164)."""
    shipment = link_shipment(token)
    body = obj(json_body(), "body")
    raw = body.get("phone")
    # A national number ("040 123 4567") is read in the route's country, as the route API
    # reads the seller's; the zone of the delivery area says which country that is.
    route = services().reads.route(shipment.route_id)
    phone = normalize(raw, country_of(route.timezone) if route else None)
    if phone is None:
        message = "is required" if raw in (None, "") else (
            "must be a phone number of the delivery's country or in international form, "
            "like +358401234567")
        raise ApiError(400, f"phone {message}", "phone")
    # Texts come in the page's language (sent by its script), else the request's (app/i18n).
    lang = body.get("lang", current())
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ApiError(400, f"lang must be one of {', '.join(LANGUAGES)}", "lang")
    services().notify.subscriptions.subscribe(shipment.tracking_id, phone, lang)
    return jsonify(subscribed=True, phone=mask(phone)), 201


@bp.delete("/track/<token>/texts")
def stop_texts(token: str):
    """Stop text updates (also those from a phone given when the order was registered)."""
    shipment = link_shipment(token)
    services().notify.subscriptions.unsubscribe(shipment.tracking_id)
    return jsonify(subscribed=False)
