"""The seller's side of driver links: make one for a route, show it as a QR code, revoke it."""

from __future__ import annotations

import io
import re

import segno
from flask import Response, abort, current_app, jsonify, make_response, request, url_for

from app.extensions import services
from app.live.withdraw import withdraw
from app.web.api.devices import link_phone
from app.web.pages import bp
from app.web.pages.session import seller_required, signed_in_seller


def own_route(route_id: str) -> str:
    """One of the signed-in seller's routes; anyone else's answers 404, like a missing one."""
    route = services().reads.route(route_id) if len(route_id) <= 40 else None
    if route is None or route.seller_id != signed_in_seller():
        abort(make_response(jsonify(error="no such route", field="route_id"), 404))
    return route.id


# An origin as a browser's `location.origin` writes it: scheme, host, port; nothing else.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]{1,253}")


def link_path(token: str) -> str:
    """The driver link without its server. The token is in the fragment: no browser sends it
    to a server, so it reaches no access log and no Referer."""
    return f"{url_for('web.drive')}#{token}"


def link_url(token: str, base: str | None = None) -> str | None:
    """The whole link, on PUBLIC_URL: never on the request's Host header, which whoever sends
    the request chooses. Without PUBLIC_URL the dashboard puts its own page's address in front
    (`base`, the seller's browser's location.origin) and says to set PUBLIC_URL."""
    base = current_app.config["PUBLIC_URL"] or base
    return f"{base.rstrip('/')}{link_path(token)}" if base else None


def shown(route_id: str, token: str | None) -> dict:
    """A driver link as the seller's pages show it (the dashboard's driver-app panel and the
    plan page's registered routes alike): the whole link on PUBLIC_URL, else its path for the
    page to put its own address in front, and its QR code's address."""
    return {"url": link_url(token) if token else None,
            "path": link_path(token) if token else None,
            "public_url": bool(current_app.config["PUBLIC_URL"]),
            "qr": url_for("web.driver_link_qr", route_id=route_id) if token else None}


def new_link(route_id: str, seller: str) -> dict:
    """Make the route's driver link (an earlier one stops working) and answer it shown."""
    return shown(route_id, services().driver_links.create(route_id, seller))


def _answer(route_id: str, link: dict, status: int = 200):
    body = {"route_id": route_id, "active": services().driver_links.exists(route_id), **link}
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"  # the link is a credential
    return resp


@bp.get("/dashboard/routes/<route_id>/driver-link")
@seller_required
def driver_link(route_id: str):
    """Answer the route's driver link, if it has a working one."""
    route_id = own_route(route_id)
    return _answer(route_id, shown(route_id, services().driver_links.current(route_id)))


@bp.post("/dashboard/routes/<route_id>/driver-link")
@seller_required
def create_driver_link(route_id: str):
    """Make a new driver link for the route; the earlier one stops working."""
    route_id = own_route(route_id)
    return _answer(route_id, new_link(route_id, signed_in_seller()), 201)


@bp.delete("/dashboard/routes/<route_id>/driver-link")
@seller_required
def revoke_driver_link(route_id: str):
    """Revoke the route's driver link: the phone holding it can send nothing more."""
    route_id = own_route(route_id)
    if not services().driver_links.revoke(route_id):
        return jsonify(error="this route has no driver link", field="route_id"), 404
    return _answer(route_id, shown(route_id, None))


@bp.delete("/dashboard/routes/<route_id>")
@seller_required
def withdraw_route(route_id: str):
    """Withdraw one of the signed-in seller's routes (the API's DELETE, behind the session
    and its CSRF token): its customers' links then say the delivery was withdrawn."""
    route_id = own_route(route_id)
    return jsonify(route_id=route_id, withdrawn=True, shipments=withdraw(services(), route_id))


@bp.put("/dashboard/routes/<route_id>/device")
@seller_required
def link_route_phone(route_id: str):
    """Hand the route to a Traccar Client phone by its device id (or a new id to type into
    the phone): the API's `PUT /api/v1/routes/<id>/device` behind the session and CSRF."""
    route_id = own_route(route_id)
    device_id = link_phone(route_id, signed_in_seller(), request.get_json(silent=True))
    resp = jsonify(route_id=route_id, device_id=device_id)
    resp.headers["Cache-Control"] = "no-store"  # the id is the phone's credential
    return resp


@bp.get("/dashboard/routes/<route_id>/driver-link.svg")
@seller_required
def driver_link_qr(route_id: str):
    """Answer the route's driver link as a QR code (SVG, drawn here: no third party sees it).
    Without PUBLIC_URL, `?base=` names the dashboard's own origin to draw the link on."""
    route_id = own_route(route_id)
    token = services().driver_links.current(route_id)
    if token is None:
        return jsonify(error="this route has no driver link to show", field="route_id"), 404
    base = request.args.get("base", "")
    if not current_app.config["PUBLIC_URL"] and not _ORIGIN.fullmatch(base):
        return jsonify(
            error="without PUBLIC_URL, base must be an http(s) origin", field="base"
        ), 400
    out = io.BytesIO()
    segno.make(link_url(token, base), error="m").save(
        out, kind="svg", scale=5, border=2, dark="#111", light="#fff"
    )
    resp = Response(out.getvalue(), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/dashboard/photos/<key>")
@seller_required
def seller_photo(key: str):
    """Answer a proof photo of one of the signed-in seller's routes."""
    doc = services().photos.get(key)
    route = services().reads.route(doc["route_id"]) if doc else None
    data = services().photos.read(doc) if route and route.seller_id == signed_in_seller() else None
    if data is None:
        abort(404)
    resp = Response(data, mimetype="image/jpeg")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
