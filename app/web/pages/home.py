"""The front page: where to go, and, while the demo fleet drives, its customers' links."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for

from app.access.links import token_of
from app.domain.model import FINAL_STATUSES
from app.extensions import services
from app.i18n import current
from app.i18n.catalogs import N_, translations
from app.i18n.page_words import vehicle_name
from app.i18n.wording import status_words, stops_text
from app.web import osmand
from app.web.pages import bp

DEMO_LINKS = 6
NEXT_STOP = N_("next stop")


def demo_links() -> list[dict]:
    """The demo fleet's deliveries on their way, those about to be live first (fewest stops
    away). A parcel on a route still loading at the station says "Order received" for the
    first minute or more: it is left out, as is one whose stop is already done.

    Only routes the demo fleet of this process registered itself (app/ops/demo.py): any other
    link is a customer's secret, even one of the seller the fleet drives for.
    """
    fleet = services().demo_fleet
    if fleet is None:
        return []
    reads = services().reads
    rows = []
    for route_id in reversed(fleet.route_ids):
        summary = reads.route_summary(route_id) or {}
        for row in summary.get("shipments", []):
            on_way = (summary["status"] == "on_route" and row["status"] != "created"
                      and row["status"] not in FINAL_STATUSES and row["stops_away"] is not None)
            if on_way:
                rows.append((row["stops_away"], summary["vehicle"], row))
    links, lang = [], current()
    for _, vehicle, row in sorted(rows, key=lambda r: r[0]):
        shipment = reads.shipment(row["tracking_id"])
        token = token_of(current_app.config["SECRET_KEY"], shipment) if shipment else None
        if token is None:
            continue
        links.append({"tracking_id": row["tracking_id"], "vehicle": vehicle_name(vehicle, lang),
                      "status": status_words(row["status"], lang),
                      "away": _away(row["stops_away"], lang),
                      "url": url_for("web.track", token=token)})
        if len(links) == DEMO_LINKS:
            break
    return links


def _away(n: int, lang: str) -> str:
    """"next stop" (the customer's own stop is the driver's next one) or "N stops away"."""
    return translations(lang).gettext(NEXT_STOP) if n <= 0 else stops_text(n, lang)


@bp.get("/")
def home():
    """Show the front page, or take a phone's position: OsmAnd GETs the server's root."""
    if osmand.carries_position(request.args):
        return osmand.osmand()
    return render_template("home.html", demo=demo_links(), area=map_area())


def map_area() -> str | None:
    """The place the street map covers, from the archive's own metadata (build.py)."""
    return services().basemap.page().get("area")
