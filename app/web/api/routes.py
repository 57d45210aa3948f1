"""Routes: a seller registers a driver's block and reads its routes back."""

from __future__ import annotations

from dataclasses import replace

from flask import current_app, jsonify, request

from app.access import limits
from app.domain import sizes
from app.domain.hours import iso_utc
from app.extensions import services
from app.live.withdraw import withdraw
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.route_input import parse_route
from app.web.times import server_now


def tracking_url(token: str) -> str:
    base = current_app.config["PUBLIC_URL"] or request.host_url
    return f"{base.rstrip('/')}/track/{token}"


@bp.post("/routes")
def register_route():
    """Register a route with its stops and shipments; answer ids, tokens and tracking links."""
    seller = require_seller()
    req = parse_route(json_body(), current_app.config["DEFAULT_TIMEZONE"],
                      current_app.config["MAX_SHIPMENTS_PER_ROUTE"], server_now())
    limits.take_one("ROUTES_PER_SELLER", "routes for this seller", "body", seller)
    if not req.legs:
        req = replace(req, legs=_street_legs(req))
    route, shipments, driver_token = services().ingest.register_route(seller, req)
    return jsonify(
        route_id=route.id,
        driver_token=driver_token,
        shipments=[
            {"tracking_id": s.tracking_id, "stop": s.stop, "reference": s.reference,
             "token": s.token, "tracking_url": tracking_url(s.token)}
            for s in shipments
        ],
    ), 201


def _street_legs(req) -> list:
    """The way along the map's streets when the seller sent only the stops; straight lines
    (no legs) where the map cannot say."""
    from app.planning import AddressError, street_map
    from app.planning.paths import street_legs

    try:
        city = street_map(current_app.config)
    except AddressError:  # no street map to route on: the engine's straight lines
        return []
    legs = street_legs(city, req.vehicle, req.station, [(s["lat"], s["lon"]) for s in req.stops],
                       sizes.LEG_POINTS)
    return legs or []


@bp.get("/routes")
def list_routes():
    """List the seller's routes with their live state."""
    return jsonify(services().reads.fleet(require_seller()))


def _sellers_route(route_id: str) -> None:
    """Refuse a route that is not the signed-in seller's."""
    seller = require_seller()
    route = services().reads.route(route_id)
    # Another seller's route answers exactly like a missing one: ids reveal nothing.
    if route is None or route.seller_id != seller:
        raise ApiError(404, "no such route", "route_id")


@bp.get("/routes/<route_id>")
def get_route(route_id: str):
    """Show one of the seller's routes."""
    _sellers_route(route_id)
    summary = services().reads.route_summary(route_id)
    if summary is None:
        raise ApiError(404, "no such route", "route_id")
    return jsonify(summary)


@bp.delete("/routes/<route_id>")
def delete_route(route_id: str):
    """Withdraw one of the seller's routes: it, its shipments' live state, its driver link and
    phone go; its customers' links say the delivery was withdrawn (app/live/withdraw.py)."""
    _sellers_route(route_id)
    shipments = withdraw(services(), route_id)
    return jsonify(route_id=route_id, withdrawn=True, shipments=shipments)


@bp.get("/routes/<route_id>/positions")
def get_positions(route_id: str):
    """List the positions a route's driver sent that were accepted, oldest first."""
    _sellers_route(route_id)
    return jsonify(positions=[
        {"lat": p["lat"], "lon": p["lon"], "at": iso_utc(p["t"]), "t": p["t"],
         "speed": p.get("speed"), "heading": p.get("heading")}
        for p in services().reads.positions(route_id)])
