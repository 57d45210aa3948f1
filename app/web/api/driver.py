"""The driver app's read: its block, for a driver link's token (or the route's API token)."""

from __future__ import annotations

from flask import jsonify

from app.domain.driver_view import driver_view
from app.extensions import services
from app.web.api import bp
from app.web.api.auth import bearer
from app.web.api.errors import ApiError
from app.web.api.validation import encodable


def driver_route() -> str:
    """The route the caller's driver token opens; 401 naming Authorization otherwise."""
    token = bearer()
    route_id = (services().reads.route_for_driver_token(token)
                if token is not None and encodable(token) else None)
    if route_id is None:
        raise ApiError(401, "a valid driver link or driver token is required (it may have "
                            "been revoked)", "Authorization")
    return route_id


@bp.get("/driver/block")
def driver_block():
    """Answer the driver's block: station, stops in order, what is done, the next stop."""
    loaded = services().reads.route_state(driver_route())
    if loaded is None:
        raise ApiError(404, "the route is finished and its data deleted", "route")
    route, progress, shipments = loaded
    notes = services().instructions.for_shipments([s.tracking_id for s in shipments])
    return jsonify(driver_view(route, progress, shipments, notes))
