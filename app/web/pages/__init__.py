"""The pages: the customer's tracking page, the tracking-number lookup, the seller's dashboard."""

from __future__ import annotations

from flask import Blueprint

from app.extensions import services
from app.i18n import current
from app.i18n.wording import day_and_time
from app.web.lengths import MAXLENGTH

bp = Blueprint("web", __name__)


@bp.app_template_filter("local_time")
def local_time(iso: str | None, tz: str) -> str:
    """`Thu 26 Nov 14:10` (`to 26.11. 14.10`) in the delivery area's time zone, from ISO UTC."""
    return day_and_time(iso, tz, current())


@bp.app_context_processor
def field_lengths() -> dict:
    """`maxlength` for every form, from the rules that check the fields (app/web/lengths.py)."""
    return {"maxlength": MAXLENGTH}


def page_config(**extra) -> dict:
    """Constants the page's script needs, rendered into data- attributes."""
    return {"basemap": services().basemap.page(), **extra}


from app.web.pages import (  # noqa: E402,F401
    customer,
    dashboard,
    dashboard_customers,
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
