"""Seller keys: list, create (shown once) and revoke, so a leaked key can be rotated out."""

from __future__ import annotations

from flask import jsonify

from app.extensions import services
from app.web.api import bp
from app.web.api.auth import require_seller_key
from app.web.api.errors import ApiError


@bp.get("/keys")
def list_keys():
    """List the seller's keys: ids and dates, never the keys themselves."""
    me = require_seller_key()
    keys = services().sellers.list(me.seller_id)
    for k in keys:
        k["current"] = k["key_id"] == me.key_id
    return jsonify(keys=keys)


@bp.post("/keys")
def create_key():
    """Create a new key for the seller; the answer is the only time it is shown."""
    seller = require_seller_key().seller_id
    created = services().sellers.create(seller)
    if created is None:
        raise ApiError(409, "too many keys: revoke one first", "key_id")
    key, record = created
    return jsonify(key=key, **record), 201


@bp.delete("/keys/<key_id>")
def revoke_key(key_id: str):
    """Revoke one of the seller's keys; it stops working at once, in every process."""
    me = require_seller_key()
    sellers = services().sellers
    if key_id not in {k["key_id"] for k in sellers.list(me.seller_id)}:
        # Another seller's key id answers exactly like a missing one.
        raise ApiError(404, "no such key", "key_id")
    if len(sellers.list(me.seller_id)) == 1:
        raise ApiError(409, "this is the seller's last key: create a new one first", "key_id")
    sellers.revoke(me.seller_id, key_id)
    return "", 204
