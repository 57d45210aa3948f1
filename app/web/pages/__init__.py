"""The pages: the customer's tracking page, the tracking-number lookup, the seller's dashboard."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app

from app.domain.hours import zone

bp = Blueprint("web", __name__)


@bp.app_template_filter("local_time")
def local_time(iso: str | None, tz: str) -> str:
    """`Thu 26 Nov 14:10` in the delivery area's time zone, from an ISO UTC time."""
    if not iso:
        return ""
    at = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(zone(tz))
    return f"{at:%a} {at.day} {at:%b %H:%M}"


def page_config(**extra) -> dict:
    """Constants the page's script needs, rendered into data- attributes."""
    return {"basemap": current_app.extensions["basemap"].page(), **extra}


from app.web.pages import (  # noqa: E402,F401
    customer,
    customers,
    dashboard,
    driver,
    driver_links,
    health,
    home,
    lookup,
    planning,
    replay,
    reports,
    session,
)
