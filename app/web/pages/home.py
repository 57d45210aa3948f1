"""The front page: where to go, and, while the demo fleet drives, its customers' links."""

from __future__ import annotations

from flask import current_app, render_template, url_for

from app.access.links import token_of
from app.domain.model import FINAL_STATUSES
from app.extensions import services
from app.web.pages import bp

DEMO_LINKS = 6


def demo_links() -> list[dict]:
    """The demo seller's deliveries still on their way, newest first.

    Only with the demo fleet on: these links are the customers' secrets, and on a real
    installation nobody but the customer and the seller may see them.
    """
    if not current_app.config["DEMO"]:
        return []
    reads = services().reads
    # The demo fleet drives for the first configured seller (app/ops/demo.py).
    seller = next(iter(current_app.config["SELLER_KEYS"]))
    links = []
    for route_id in reversed(reads.seller_routes(seller)):
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
    """Show the front page."""
    return render_template("home.html", demo=demo_links())
