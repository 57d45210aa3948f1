"""A seller's order list (CSV) read, checked and geocoded row by row: nothing is stored."""

from __future__ import annotations

from flask import current_app, jsonify

from app.domain import sizes
from app.extensions import services
from app.planning import street_map
from app.planning.orders import OrdersError, read_orders
from app.planning.streets import off_map
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.geocode import geocoder_errors
from app.web.api.plans import day_and_zone
from app.web.api.validation import obj
from app.web.times import server_now

MAX_CSV = sizes.CSV


@bp.post("/orders/check")
def check_orders():
    """Answer a report per row of the CSV: ok, check (a pin to look at) or error (fields)."""
    require_seller()
    return jsonify(orders_report(json_body()))


def orders_report(body: object) -> dict:
    """The report for a check request's body (the API's and the dashboard's door alike)."""
    body = obj(body, "body")
    csv_text = body.get("csv")
    if not isinstance(csv_text, str) or not csv_text.strip():
        raise ApiError(400, "csv must be the CSV text, a header line and one order per line",
                       "csv")
    if len(csv_text) > MAX_CSV:
        raise ApiError(400, f"csv must be at most {MAX_CSV} characters", "csv")
    day, tz = day_and_zone(body)
    with geocoder_errors():
        geocoder = services().geocoding.get()
        city = street_map(current_app.config)  # the map the day is planned on
        try:
            found = read_orders(csv_text, day, tz, geocoder,
                                lambda lat, lon: off_map(city, lat, lon), server_now())
        except OrdersError as exc:
            raise ApiError(400, str(exc), exc.field) from None
    report = [r.to_dict() for r in found.rows]
    counts = {s: sum(r["status"] == s for r in report) for s in ("ok", "check", "error")}
    return {"date": day.isoformat(), "timezone": tz, "summary": counts, "rows": report,
            "pickups": found.pickups}
