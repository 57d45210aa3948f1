"""What a customer link may see: the customer view, nothing else."""

from __future__ import annotations

from flask import jsonify

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
