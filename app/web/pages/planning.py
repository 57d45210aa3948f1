"""The seller's day planned in the dashboard: orders in (CSV), pins checked, blocks out,
routes registered. The same checks and planner as the API (app/web/api/orders.py, plans.py),
behind the dashboard's session and CSRF token instead of a seller key."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request, url_for

from app.access import csrf, limits
from app.domain.model import VEHICLES
from app.extensions import services
from app.live.withdraw import withdraw
from app.web.api.errors import ApiError
from app.web.api.geocode import place_of
from app.web.api.orders import orders_report
from app.web.api.plans import day_plan
from app.web.api.route_input import parse_route
from app.web.api.routes import tracking_url
from app.web.api.validation import InvalidField
from app.web.pages import bp, page_config
from app.web.pages.driver_links import new_link
from app.web.pages.session import seller_required, signed_in_seller
from app.web.times import server_now

MAX_ROUTES = 50


@bp.get("/dashboard/plan")
@seller_required
def plan_page():
    """The planning page: paste or upload the day's orders, check, plan, register."""
    config = page_config(csrfToken=csrf.token(), vehicles=list(VEHICLES),
                         timezone=current_app.config["DEFAULT_TIMEZONE"],
                         checkUrl=url_for("web.plan_check"), planUrl=url_for("web.plan_blocks"),
                         registerUrl=url_for("web.plan_register"),
                         routesUrl=url_for("web.dashboard") + "/routes",
                         phoneUrl=current_app.config["PUBLIC_URL"] or None,
                         dashboardUrl=url_for("web.dashboard"))
    return render_template("plan.html", page=config, seller=signed_in_seller())


@bp.get("/dashboard/geocode")
@seller_required
def dashboard_geocode():
    """Answer the place of a street address for the signed-in seller (the programs panel)."""
    return jsonify(place_of(request.args.get("q", "")))


@bp.post("/dashboard/plan/check")
@seller_required
def plan_check():
    return jsonify(orders_report(request.get_json(silent=True)))


@bp.post("/dashboard/plan/blocks")
@seller_required
def plan_blocks():
    return jsonify(day_plan(request.get_json(silent=True)))


@bp.post("/dashboard/plan/register")
@seller_required
def plan_register():
    """Register every planned route, or none: all are checked before the first is stored."""
    body = request.get_json(silent=True)
    routes = body.get("routes") if isinstance(body, dict) else None
    if not isinstance(routes, list) or not routes:
        raise ApiError(400, "routes must be a non-empty list of planned routes", "routes")
    if len(routes) > MAX_ROUTES:
        raise ApiError(400, f"at most {MAX_ROUTES} routes at once", "routes")
    cfg, seller = current_app.config, signed_in_seller()
    requests = []
    for i, raw in enumerate(routes):
        try:
            requests.append(parse_route(raw, cfg["DEFAULT_TIMEZONE"],
                                        cfg["MAX_SHIPMENTS_PER_ROUTE"], server_now()))
        except InvalidField as exc:  # name the route it came from
            raise ApiError(400, f"routes[{i}].{exc.field} {exc.message}",
                           f"routes[{i}].{exc.field}") from None
    replace = body.get("replace")
    if replace is not None and not isinstance(replace, bool):
        raise ApiError(400, "replace must be true or false", "replace")
    earlier = _registered_for(seller, {r.date for r in requests if r.date})
    if earlier and replace is None:
        # Planned again and registered again, the day would be doubled: every customer two
        # links, every courier two routes. The page asks which the seller means.
        return jsonify(error=f"{len(earlier)} route(s) are already registered for this day: "
                       "replace them or add these too", field="replace",
                       earlier=[_brief(r, p) for r, p in earlier]), 409
    on_the_way = _kept_references(earlier, requests) if replace else []
    if on_the_way:
        # A route on the way is kept: planned again, its orders would be delivered twice (two
        # couriers to one door, two links per customer). Nothing is withdrawn yet; the page
        # plans the day again without them.
        return jsonify(error=f"{len(on_the_way)} order(s) are on a route already on the way: "
                       "plan the day again without them", field="routes",
                       on_the_way=on_the_way), 409
    # All of them from the seller's budget before the first is stored: a refusal halfway
    # would leave routes registered whose links the seller never saw.
    limits.take_one("ROUTES_PER_SELLER", "routes for this seller", "routes", seller,
                    cost=len(requests))
    withdrawn, kept = [], []
    for route, progress in earlier if replace else []:
        # One on the way stays: its driver is out with its parcels.
        if progress is not None and progress.started:
            kept.append(route.id)
        else:
            withdraw(services(), route.id)
            withdrawn.append(route.id)
    out = []
    for req in requests:
        route, shipments, driver_token = services().ingest.register_route(seller, req)
        # Each route leaves with its driver-app link and QR code, as the dashboard makes them:
        # the courier scans it here; the token stays for a seller's own app or a Traccar phone.
        out.append({"route_id": route.id, "driver": req.driver_name, "vehicle": req.vehicle,
                    "parcels": sum(s.parcels for s in shipments),
                    "driver_token": driver_token, "driver_link": new_link(route.id, seller),
                    "shipments": [{"tracking_id": s.tracking_id, "reference": s.reference,
                                   "tracking_url": tracking_url(s.token)} for s in shipments]})
    return jsonify(routes=out, withdrawn=withdrawn, kept=kept), 201


def _kept_references(earlier: list, requests: list) -> list[str]:
    """The new routes' order references that a route already on the way carries."""
    reads = services().reads
    kept = {s.reference for route, progress in earlier if progress is not None and progress.started
            for stop in route.stops for s in map(reads.shipment, stop.shipments)
            if s is not None and s.reference}
    new = [s["reference"] for req in requests for stop in req.stops
           for s in stop.get("shipments", []) if s.get("reference")]
    return sorted(kept.intersection(new))


# The newest routes looked at for a day registered before: a seller's day is tens of routes.
_RECENT = 500


def _registered_for(seller: str, days: set[str]) -> list:
    """The seller's routes (with their progress) planned for one of these days."""
    if not days:
        return []
    reads, found = services().reads, []
    for route_id in reads.seller_routes(seller)[-_RECENT:]:
        route = reads.route(route_id)
        if route is not None and route.date in days:
            found.append((route, reads.progress(route_id)))
    return found


def _brief(route, progress) -> dict:
    return {"route_id": route.id, "driver": route.driver.name, "vehicle": route.driver.vehicle,
            "stops": len(route.stops), "date": route.date,
            "started": bool(progress and progress.started)}
