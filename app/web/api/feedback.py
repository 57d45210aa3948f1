"""Feedback: the customer rates a delivered shipment once, from the feedback request's link; the
seller reads it (and its averages) here and gets it by webhook."""

from __future__ import annotations

from flask import jsonify, request

from app.access import limits
from app.access.tokens import hash_token
from app.customer.feedback import MAX_COMMENT, RATINGS, public, summary
from app.domain.hours import clamped, iso_utc, local_day
from app.domain.view import first_name
from app.extensions import services
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.track import link_shipment, require_page_csrf
from app.web.api.validation import obj, text


def _rating(body: dict, field: str) -> int:
    value = body.get(field)
    if isinstance(value, bool) or value not in RATINGS:
        raise ApiError(400, f"{field} must be a whole number from 1 to 5", field)
    return int(value)


@bp.get("/track/<token>/feedback")
def get_feedback(token: str):
    """Answer whether this delivery can be rated, and the rating given, if any."""
    shipment = link_shipment(token)
    given = services().feedback.get(shipment.tracking_id)
    loaded = services().reads.route_state(shipment.route_id)
    status = loaded[1].shipments[shipment.tracking_id].status if loaded else None
    return jsonify(open=status == "delivered" and given is None, given=given is not None,
                   delivery=given and given["delivery"], product=given and given["product"],
                   comment=given and given["comment"])


@bp.post("/track/<token>/feedback")
@limits.per_key("FEEDBACK_RATE", "feedback tries for this link", "token",
                key=lambda token: hash_token(token))
def post_feedback(token: str):
    """Rate the delivery and the product (1-5) with an optional comment, once per shipment."""
    require_page_csrf()
    shipment = link_shipment(token)
    body = obj(json_body(), "body")
    delivery, product = _rating(body, "delivery"), _rating(body, "product")
    comment = text(body, "comment", MAX_COMMENT, required=False) or ""
    loaded = services().reads.route_state(shipment.route_id)
    if loaded is None:
        raise ApiError(404, "unknown or expired tracking link", "token")
    route, progress, _ = loaded
    ship = progress.shipments[shipment.tracking_id]
    if ship.status != "delivered":
        raise ApiError(409, "feedback opens once the parcel is delivered", "status")
    at = (ship.proof or {}).get("at") or ship.updated_at
    doc = services().feedback.add(shipment.tracking_id, shipment.seller_id, route.id,
                                  first_name(route.driver.name),
                                  local_day(clamped(at), route.timezone).isoformat(),
                                  delivery, product, comment)
    if doc is None:
        raise ApiError(409, "feedback for this delivery was already given: thank you", "token")
    notify = services().notify
    if notify is not None:  # the seller's `feedback` webhook endpoints, signed like the rest
        notify.dispatch.hooks(shipment.seller_id, "feedback", {
            "tracking_id": shipment.tracking_id, "route_id": route.id,
            "reference": shipment.reference, "status": "feedback",
            "text": comment, "at": iso_utc(doc["at"]), "detail": {"feedback": public(doc)}})
    return jsonify(given=True, delivery=delivery, product=product, comment=comment), 201


@bp.get("/feedback")
def seller_feedback():
    """List the seller's feedback, newest first, with averages per driver and per day."""
    seller = require_seller()
    try:
        limit = max(1, min(1000, int(request.args.get("limit", "100"))))
    except ValueError:
        raise ApiError(400, "limit must be a whole number", "limit") from None
    docs = services().feedback.for_seller(seller)
    return jsonify(summary=summary(docs), feedback=[
        {**public(d), "at": iso_utc(d["at"])} for d in docs[:limit]])
