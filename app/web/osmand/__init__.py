"""Real phones: the OsmAnd protocol that Traccar Client (and OsmAnd itself) speak.

Served at `/osmand` (GET or POST) and at `/` for POST, because Traccar Client is configured with
a bare server URL and POSTs to its root. A fix enters through the same ingest door as every
other position. 200 when taken (even if the engine then drops it as stale: the phone must not
resend it), 400 with a JSON error naming the field for an unknown device or a bad fix.

The protocol has no stop events: the engine counts the stops such a phone stays at as visited
(app/domain/tracking/visits.py), never as delivered.
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request

from app.access import limits
from app.extensions import services
from app.web.json_input import BadJSON, parse
from app.web.osmand import devices
from app.web.osmand.decode import BadFix, from_form, from_json
from app.web.times import refusal, server_now

bp = Blueprint("osmand", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _fixes():
    if request.is_json:
        try:
            body = parse(request.get_data(cache=True))
        except BadJSON as exc:
            raise BadFix(exc.field, exc.message) from None
        return from_json(body, request.args, server_now)
    # Traccar reads the query string, and the form body only when the query is empty.
    params = request.args if request.args else request.form
    return from_form(params, server_now)


def _unknown_device(resp) -> bool:
    return resp.status_code == 400 and (resp.get_json(silent=True) or {}).get("field") == "id"


@bp.route("/osmand", methods=["GET", "POST"])
@bp.post("/")
# Unknown device ids count against the caller's address: a limit of its own, generous enough
# that a misconfigured phone behind a carrier's NAT does not lock out the others sharing it.
@limits.guessing("DEVICE_FAILURE_RATE", "unknown device ids from this address", "id",
                 failed=_unknown_device)
def osmand():
    """Take one position (or a stored batch) from a phone and apply it to its driver's route."""
    try:
        device_id, fixes = _fixes()
        route_id = devices.route_for(services().store, device_id)
        if route_id is None:
            raise BadFix("id", "unknown device; register it with PUT /api/v1/routes/<id>/device")
    except BadFix as exc:
        return jsonify(error=str(exc), field=exc.field), 400
    # The same limits as POST /api/v1/positions: a phone is a driver like any other.
    over = limits.per_driver([route_id] * len(fixes), "FIXES_PER_DRIVER", "fixes", "id")
    if route_id in over:
        limited = over[route_id]
        return (jsonify(error=limited.message, field=limited.field), 429,
                {"Retry-After": str(limited.retry_after)})
    # A phone whose clock is far off is answered 200 like Traccar answers it: resending the
    # same fix would not bring it inside the window, and a 4xx would block the phone's queue.
    kept = [f for f in fixes if refusal(f.timestamp) is None]
    accepted, dropped = services().ingest.positions(route_id, kept) if kept else (0, {})
    return jsonify(accepted=accepted, dropped=sum(dropped.values()) + len(fixes) - len(kept))
