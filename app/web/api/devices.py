"""Real phones: the seller links a device id (Traccar Client's identifier) to a route."""

from __future__ import annotations

from flask import jsonify

from app.access import limits
from app.domain import sizes
from app.extensions import services
from app.live import devices
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.validation import InvalidField, obj, text


def own_route(route_id: str) -> str:
    """The caller's seller id, if the route is theirs; anyone else's answers like a missing one."""
    seller = require_seller()
    route = services().reads.route(route_id)
    if route is None or route.seller_id != seller:
        raise ApiError(404, "no such route", "route_id")
    return seller


@bp.put("/routes/<route_id>/device")
def assign_device(route_id: str):
    """Let a phone report positions for the route: an id issued now, or one the seller holds."""
    seller = own_route(route_id)
    return jsonify(route_id=route_id, device_id=link_phone(route_id, seller, json_body()))


def link_phone(route_id: str, seller: str, body: object) -> str:
    """Link the device id in `body` (or a new one) to the seller's route; answer the id. The
    API's door and the plan page's (app/web/pages/driver_links.py) alike."""
    body = obj(body, "body")
    device_id = text(body, "device_id", sizes.DEVICE_ID, required=False) or None
    svc = services()
    if device_id is None:
        device_id = devices.new_id()
    elif not devices.DEVICE_ID.fullmatch(device_id):
        raise InvalidField("device_id", "must be 4-64 letters, digits or . _ : -")
    elif len(device_id) < devices.MIN_CHOSEN and not svc.reads.device_held_by(device_id, seller):
        raise InvalidField("device_id", f"must be at least {devices.MIN_CHOSEN} characters, "
                           "or left out to have one issued: a short id can be guessed")
    limits.take_one("DEVICES_PER_SELLER", "device claims for this seller", "device_id", seller)
    try:
        svc.ingest.link_device(device_id, route_id, seller)
    except devices.DeviceTaken:
        raise ApiError(409, "device id already used by another seller", "device_id") from None
    return device_id


@bp.delete("/routes/<route_id>/device")
def unlink_device(route_id: str):
    """Cut the route's phone off (lost, replaced, or the wrong one): its id is refused from now."""
    own_route(route_id)
    if not services().ingest.unlink_device(route_id):
        raise ApiError(404, "this route has no phone linked", "route_id")
    return "", 204
