"""Delivery instructions: the customer leaves them on the tracking page, before the driver
arrives (app/customer/instructions.py says who may read them)."""

from __future__ import annotations

from flask import jsonify

from app.access import limits
from app.access.tokens import hash_token
from app.customer.instructions import MAX_NOTE, SAFE_PLACES, is_open, public
from app.extensions import services
from app.web.api import bp
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.track import link_shipment, require_page_csrf
from app.web.api.validation import obj, text


def _status(tracking_id: str, route_id: str) -> str:
    loaded = services().reads.route_state(route_id)
    if loaded is None:
        raise ApiError(404, "unknown or expired tracking link", "token")
    return loaded[1].shipments[tracking_id].status


def _state(tracking_id: str, status: str) -> dict:
    return {**public(services().instructions.get(tracking_id)), "open": is_open(status),
            "safe_places": list(SAFE_PLACES), "max_note": MAX_NOTE}


@bp.get("/track/<token>/instructions")
def get_instructions(token: str):
    """Answer the instructions left for this delivery and whether they can still change."""
    shipment = link_shipment(token)
    return jsonify(_state(shipment.tracking_id, _status(shipment.tracking_id,
                                                        shipment.route_id)))


@bp.put("/track/<token>/instructions")
@limits.per_key("INSTRUCTIONS_RATE", "changes to the delivery instructions", "token",
                key=lambda token: hash_token(token))
def put_instructions(token: str):
    """Leave or change instructions for the driver (a note and a safe place) until the driver
    is at the door; an empty note and no safe place clear them."""
    require_page_csrf()
    shipment = link_shipment(token)
    body = obj(json_body(), "body")
    note = text(body, "note", MAX_NOTE, required=False) or ""
    if "\x00" in note or any(ord(c) < 32 and c not in "\n\t" for c in note):
        raise ApiError(400, "note must be plain text", "note")
    place = body.get("safe_place")
    if place in ("", None):
        place = None
    elif place not in SAFE_PLACES:
        raise ApiError(400, "safe_place must be one of: " + ", ".join(SAFE_PLACES),
                       "safe_place")
    status = _status(shipment.tracking_id, shipment.route_id)
    if not is_open(status):
        raise ApiError(409, "the driver is already at the door or the delivery is over: "
                            "instructions can no longer change", "status")
    services().instructions.put(shipment.tracking_id, shipment.seller_id, note, place)
    return jsonify(_state(shipment.tracking_id, status))
