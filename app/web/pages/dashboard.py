"""The seller's dashboard: fleet map, shipments, demo deliveries, message templates."""

from __future__ import annotations

import atexit
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from app.access import csrf
from app.access.links import token_of
from app.domain.hours import iso_utc
from app.domain.model import PROGRAMS, Shipment
from app.extensions import services
from app.notify.schedule import feedback_due
from app.ops.demo import VEHICLE_OPTIONS, DemoError, DemoRuns
from app.web.pages import bp, page_config
from app.web.pages.session import seller_required, signed_in_seller


def demo_runs() -> DemoRuns:
    ext, cfg = current_app.extensions, current_app.config
    if "doorstep_demo" not in ext:
        ext["doorstep_demo"] = DemoRuns(cfg["DEMO_MAX_RUNS"], cfg["DEMO_LINK_TIMEOUT"],
                                         cfg["VISIBLE_STOPS"])
        atexit.register(ext["doorstep_demo"].stop_all)  # no simulator outlives the server
    return ext["doorstep_demo"]


def own_shipment(tracking_id: str) -> Shipment:
    """One of the signed-in seller's shipments; anyone else's answers 404, like a missing one."""
    shipment = services().reads.shipment(tracking_id)
    if shipment is None or shipment.seller_id != signed_in_seller():
        abort(404)
    return shipment


def own_token(tracking_id: str) -> str:
    """The customer link's token, derived again (only its hash is stored)."""
    token = token_of(current_app.config["SECRET_KEY"], own_shipment(tracking_id))
    if token is None:  # SECRET_KEY changed since registration: the link was sent, not kept
        abort(make_response(jsonify(error="this link cannot be shown again: SECRET_KEY "
                                    "changed since the shipment was registered",
                                    field="tracking_id"), 409))
    return token


@bp.get("/dashboard")
@seller_required
def dashboard():
    """Show the seller's live dashboard."""
    config = page_config(csrfToken=csrf.token(), seller=signed_in_seller(),
                         vehicles=list(VEHICLE_OPTIONS), programs=list(PROGRAMS),
                         demoUrl=url_for("web.start_demo"),
                         demoStartingUrl=url_for("web.demo_starting"),
                         feedbackUrl=url_for("web.feedback"),
                         instructionsUrl=url_for("web.dashboard_instructions"),
                         ratingsUrl=url_for("web.dashboard_ratings"),
                         programsUrl=url_for("api.programs"),
                         geocodeUrl=url_for("web.dashboard_geocode"),
                         timezone=current_app.config["DEFAULT_TIMEZONE"])
    return render_template("dashboard.html", page=config, seller=signed_in_seller(),
                           csrf_token=csrf.token())


@bp.get("/dashboard/demo/starting")
@seller_required
def demo_starting():
    """What the demo's new tab shows while the simulator plans the route (not a blank tab),
    or that it did not start (`?failed`: the reason is on the dashboard, never in the URL)."""
    return render_template("demo_starting.html", failed="failed" in request.args)


@bp.post("/dashboard/demo")
@seller_required
def start_demo():
    """Start a short simulated delivery; answer its customer link once the simulator has it."""
    body = request.get_json(silent=True) or {}
    vehicle = body.get("vehicle", "bike")
    try:
        stops = max(1, min(20, int(body.get("stops", 3))))
        speedup = max(1.0, min(1000.0, float(body.get("speedup", 20))))
    except (TypeError, ValueError):
        return jsonify(error="stops and speedup must be numbers", field="stops"), 400
    if vehicle not in VEHICLE_OPTIONS:
        return jsonify(error="unknown vehicle", field="vehicle"), 400
    # Where the simulator takes the new key: this server's own configured address. Never the
    # request's Host header, which a client writes (it once sent a live key to any host).
    server_url = current_app.config["INTERNAL_URL"]
    if not server_url:
        return jsonify(error="set INTERNAL_URL: the demo cannot tell where this server "
                       "listens", field=None), 503
    seller, sellers = signed_in_seller(), services().sellers
    # A key of its own for each run, revoked when the simulator exits: the session never
    # holds the seller's key.
    created = sellers.create(seller)
    if created is None:
        return jsonify(error="this seller has too many keys to start a demo", field=None), 429
    key, record = created
    try:
        url = demo_runs().start(seller, key, server_url, vehicle, stops, speedup,
                                on_end=lambda: sellers.revoke(seller, record["key_id"]))
    except DemoError as exc:
        sellers.revoke(seller, record["key_id"])
        return jsonify(error=str(exc), field=None), exc.status
    # The simulator's link names the internal address: give the browser PUBLIC_URL's, or a
    # path on the origin the dashboard was loaded from.
    path = urlsplit(url).path
    return jsonify(tracking_url=current_app.config["PUBLIC_URL"].rstrip("/") + path), 201


@bp.get("/dashboard/shipments/<tracking_id>/track")
@seller_required
def open_tracking(tracking_id: str):
    """Open a shipment's customer page (the seller may see its link)."""
    return redirect(url_for("web.track", token=own_token(tracking_id)))


@bp.get("/dashboard/shipments/<tracking_id>/link")
@seller_required
def tracking_link(tracking_id: str):
    """Answer a shipment's customer link, for the post-order message."""
    base = current_app.config["PUBLIC_URL"] or request.host_url
    token = own_token(tracking_id)
    return jsonify(tracking_url=f"{base.rstrip('/')}/track/{token}")


@bp.get("/dashboard/feedback")
@seller_required
def feedback():
    """Feedback requests, with their send time: from the outbox, else computed (8 pm local)."""
    items, notify = [], getattr(services(), "notify", None)
    if notify is not None:
        from app.notify.messages import public

        docs = notify.messages.for_seller(signed_in_seller(), 100, "feedback")
        items = [{**public(d), "send_at": public(d)["due_at"]} for d in docs]
    # Deliveries the outbox has not picked up yet (its worker runs in the background).
    known = {m["tracking_id"] for m in items}
    items += [m for m in computed_feedback(signed_in_seller()) if m["tracking_id"] not in known]
    return jsonify(messages=sorted(items, key=lambda m: m["send_at"] or ""))


def computed_feedback(seller: str) -> list[dict]:
    """One request per delivered shipment, due when the worker will send it, not yet sent."""
    reads, items = services().reads, []
    for route_id in reads.seller_routes(seller)[-200:]:
        loaded = reads.route_state(route_id)
        if loaded is None:
            continue
        route, progress, shipments = loaded
        for s in shipments:
            proof = progress.shipments[s.tracking_id].proof or {}
            if progress.shipments[s.tracking_id].status != "delivered" or not proof.get("at"):
                continue
            send = feedback_due(proof["at"], route.timezone)
            items.append({"tracking_id": s.tracking_id, "send_at": iso_utc(send),
                          "state": "scheduled"})
    return items
