"""Real phones: the seller tells which device id (Traccar Client's identifier) drives a route."""

from __future__ import annotations

from flask import jsonify

from app.extensions import services
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.validation import InvalidField, obj, text
from app.web.osmand import devices


@bp.put("/routes/<route_id>/device")
def assign_device(route_id: str):
    """Let the phone with this device id report positions for the route (OsmAnd protocol)."""
    seller = require_seller()
    route = services().reads.routes.get(route_id)
    if route is None or route.seller_id != seller:
        raise ApiError(404, "no such route", "route_id")
    device_id = text(obj(json_body(), "body"), "device_id", 64)
    if not devices.DEVICE_ID.fullmatch(device_id):
        raise InvalidField("device_id", "must be 4-64 letters, digits or . _ : -")
    try:
        devices.assign(services().store, device_id, route_id, seller)
    except devices.DeviceTaken:
        raise ApiError(409, "device id already used by another seller", "device_id") from None
    return jsonify(route_id=route_id, device_id=device_id)
