"""The seller's outbox: texts, webhook deliveries and scheduled messages, sent or waiting."""

from __future__ import annotations

from flask import jsonify, request

from app.extensions import services
from app.notify.messages import public
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.errors import ApiError
from app.web.numbers import to_whole

KINDS = ("text", "webhook", "feedback")


@bp.get("/messages")
def list_messages():
    """List the seller's recent messages, newest first (`?kind=text|webhook|feedback&limit=`)."""
    seller = require_seller()
    kind = request.args.get("kind")
    if kind is not None and kind not in KINDS:
        raise ApiError(400, f"kind must be one of {', '.join(KINDS)}", "kind")
    limit = to_whole(request.args.get("limit", "100"))
    if limit is None or not 1 <= limit <= 1000:
        raise ApiError(400, "limit must be a whole number from 1 to 1000", "limit")
    docs = services().notify.messages.for_seller(seller, limit, kind)
    return jsonify(messages=[public(d) for d in docs])


def _own(message_id: str, seller: str) -> dict:
    doc = services().notify.messages.get(message_id)
    if doc is None or doc["seller_id"] != seller:
        raise ApiError(404, "no such message", "message_id")
    return doc


@bp.get("/messages/<message_id>")
def get_message(message_id: str):
    """Show one message."""
    return jsonify(public(_own(message_id, require_seller())))


@bp.delete("/messages/<message_id>")
def cancel_message(message_id: str):
    """Cancel a message that has not gone out yet (a scheduled feedback request, a retry)."""
    doc = _own(message_id, require_seller())
    if not services().notify.messages.cancel(doc):
        raise ApiError(409, f"message already {doc['state']}", "message_id")
    return jsonify(public(doc))
