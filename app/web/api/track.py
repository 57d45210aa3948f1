"""What a customer link may see: the customer view, nothing else."""

from __future__ import annotations

from flask import jsonify

from app.access import csrf
from app.domain.model import Shipment
from app.extensions import services
from app.web.api import bp
from app.web.api.errors import ApiError


@bp.get("/track/<token>")
def track(token: str):
    """Answer the customer view of the shipment behind a tracking link."""
    found = services().reads.view_for_token(token)
    if found is None:
        raise ApiError(404, "unknown or expired tracking link", "token")
    return jsonify(found[1])


def link_shipment(token: str) -> Shipment:
    """The shipment behind a customer link; 404 naming `token` otherwise."""
    shipment = services().reads.shipment_for_token(token)
    if shipment is None:
        raise ApiError(404, "unknown or expired tracking link", "token")
    return shipment


def require_page_csrf() -> None:
    """What the customer's page writes carries the CSRF token its page was rendered with."""
    if not csrf.valid():
        raise ApiError(400, csrf.MESSAGE, csrf.HEADER)
