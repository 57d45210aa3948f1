"""The customer's tracking page: one shipment, live."""

from __future__ import annotations

from flask import abort, current_app, render_template, url_for

from ..services import services
from . import bp, page_config


@bp.get("/track/<token>")
def track(token: str):
    """Show the live tracking page of one shipment."""
    reads = services().reads
    shipment = reads.shipment_for_token(token)
    view = reads.customer_view(shipment) if shipment else None
    if view is None:
        abort(404)
    texts = url_for("api.track", token=token) + "/texts"
    page = page_config(token=token, textsUrl=texts,
                       visibleStops=current_app.config["VISIBLE_STOPS"])
    return render_template("track.html", view=view, page=page)
