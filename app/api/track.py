"""What a customer link may see: the customer view, nothing else."""

from __future__ import annotations

from flask import jsonify

from ..services import services
from . import bp
from .errors import ApiError


@bp.get("/track/<token>")
def track(token: str):
    """Answer the customer view of the shipment behind a tracking link."""
    reads = services().reads
    shipment = reads.shipment_for_token(token)
    view = reads.customer_view(shipment) if shipment else None
    if view is None:
        raise ApiError(404, "unknown or expired tracking link", "token")
    return jsonify(view)
