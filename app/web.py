"""Pages: the customer's tracking page and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template

from .services import services

bp = Blueprint("web", __name__)


def page_config(**extra) -> dict:
    """Constants the page's script needs, rendered into data- attributes."""
    cfg = current_app.config
    return {"tileUrl": cfg["TILE_URL"], "tileAttribution": cfg["TILE_ATTRIBUTION"], **extra}


@bp.get("/track/<token>")
def track(token: str):
    """Show the live tracking page of one shipment."""
    reads = services().reads
    shipment = reads.shipment_for_token(token)
    view = reads.customer_view(shipment) if shipment else None
    if view is None:
        abort(404)
    return render_template("track.html", view=view, page=page_config(token=token))


@bp.get("/healthz")
def healthz():
    """Answer 200 when this process and its store are up."""
    store = services().store
    ok = store.ping()
    return jsonify(status="ok" if ok else "store unavailable", store=store.name), 200 if ok else 503
