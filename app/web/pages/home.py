"""The front page: where to go, and, while the demo fleet drives, its customers' links."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for

from app.access.links import token_of
from app.domain.model import FINAL_STATUSES
from app.extensions import services
from app.web import osmand
from app.web.pages import bp

DEMO_LINKS = 6


def demo_links() -> list[dict]:
    """The demo fleet's deliveries still on their way, newest first.

    Only routes the demo fleet of this process registered itself (app/ops/demo.py): any other
    link is a customer's secret, even one of the seller the fleet drives for.
    """
    fleet = current_app.extensions.get("demo_fleet")
    if fleet is None:
        return []
    reads = services().reads
    links = []
    for route_id in reversed(fleet.route_ids):
        summary = reads.route_summary(route_id)
        for row in (summary or {}).get("shipments", []):
            if row["status"] in FINAL_STATUSES:
                continue
            shipment = reads.shipment(row["tracking_id"])
            token = token_of(current_app.config["SECRET_KEY"], shipment) if shipment else None
            if token is None:
                continue
            links.append({"tracking_id": row["tracking_id"], "status": row["status"],
                          "vehicle": summary["vehicle"], "stops_away": row["stops_away"],
                          "url": url_for("web.track", token=token)})
            if len(links) == DEMO_LINKS:
                return links
    return links


@bp.get("/")
def home():
    """Show the front page, or take a phone's position: OsmAnd GETs the server's root."""
    if osmand.carries_position(request.args):
        return osmand.osmand()
    return render_template("home.html", demo=demo_links(), area=map_area())


def map_area() -> str | None:
    """The place the street map covers, from the archive's own metadata (build.py)."""
    return current_app.extensions["basemap"].page().get("area")
