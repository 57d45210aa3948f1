"""Real phones: the OsmAnd protocol that Traccar Client (and OsmAnd itself) speak.

Served at `/osmand` (GET or POST) and at `/`: Traccar Client is configured with a bare server
URL and POSTs to its root, and OsmAnd and the oldest iOS client GET it (the home page hands a
GET that carries a device id and a location over to `osmand()`). A fix enters through the same
ingest door as every other position.

Answers, as Traccar answers them: 200 when taken, including a fix dropped as stale, out of the
time window or marked `valid=false` (resending it would not make it right, and a refusal blocks
the phone's queue), and a heartbeat with no fix at all (the phone's battery and "alive" are
recorded, no position). 400 with a JSON error naming the field for an unknown device or a fix
that cannot be read; 429 over the phone limits, counted in fixes over an hour (a backlog fits).

The protocol has no stop events: the engine counts the stops such a phone stays at as visited
(app/domain/tracking/visits.py), never as delivered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ClientDisconnected

from app.access import limits
from app.extensions import services
from app.web.json_input import BadJSON, parse
from app.web.osmand.decode import BadFix, PhoneReport, from_form, from_json, peek_json
from app.web.times import refusal, server_now

bp = Blueprint("osmand", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def carries_position(query: Mapping[str, str]) -> bool:
    """Whether a GET of the root is a phone's: it names a device (a position, a heartbeat, or
    cell and wifi data only). A person's browser never sends `id=` to the home page."""
    return bool(query.get("id") or query.get("deviceid"))


# A real request carries a few dozen fields (Traccar Client 10 sends about 20); a form of
# thousands costs the one worker parsing time for nothing a phone would send.
MAX_FIELDS = 200


@dataclass(frozen=True)
class Incoming:
    """A phone request read only as far as needed to know whose it is and what it costs: the
    device id and the number of entries. Decoding every fix of a list waits until the device
    is known and the work is within its budget (a flood of lists from an unknown id costs a
    parse, never a decode of thousands of items)."""

    device: str
    entries: int
    decode: Callable[[], PhoneReport]


def _incoming() -> Incoming:
    zone = ZoneInfo(current_app.config["PHONE_TIMEZONE"])
    try:
        body = request.get_data(cache=True)
    except ClientDisconnected:  # werkzeug noticed the short body itself
        body = b""
    if request.content_length is not None and len(body) < request.content_length:
        # The upload was cut off (the phone lost coverage mid-request): what came is not the
        # fix, and the phone, which never saw an answer, sends it whole again.
        raise BadFix("body", "shorter than its Content-Length: the upload was cut off")
    if request.query_string.count(b"&") >= MAX_FIELDS or (
            not request.is_json and body.count(b"&") >= MAX_FIELDS):
        raise BadFix("body", f"at most {MAX_FIELDS} fields in a request")
    if request.is_json:
        try:
            parsed = parse(body)
        except BadJSON as exc:
            raise BadFix(exc.field, exc.message) from None
        device, entries = peek_json(parsed, request.args)
        return Incoming(device, entries,
                        lambda: from_json(parsed, request.args, server_now, zone))
    # Traccar reads the query string, and the form body only when the query is empty,
    # whatever the body's content type says.
    fields = (request.args or request.form
              or MultiDict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    # A field sent twice: the last one counts, as in Traccar's decoder (each value is set in
    # turn over the one before).
    params = {name: values[-1] for name, values in fields.lists()}
    device = params.get("id") or params.get("deviceid")
    if not device:
        raise BadFix("id", "is required (the device identifier)")
    return Incoming(device, 1, lambda: from_form(params, server_now, zone))


@bp.route("/osmand", methods=["GET", "POST"])
@bp.post("/")
def osmand():
    """Take one position, a stored batch or a heartbeat from a phone, for its driver's route."""
    if request.method == "HEAD":  # a look at the URL (a link checker, a proxy), not an upload
        return "", 200
    try:
        incoming = _incoming()
    except BadFix as exc:
        return jsonify(error=str(exc), field=exc.field), 400
    route_id = services().reads.route_for_device(incoming.device)
    if route_id is None:
        # Unknown ids count against the caller's address, and only unknown ids are refused
        # over that limit: phones share addresses (a carrier's NAT, a depot's wifi), and one
        # phone left on Traccar's default id must not lock out the registered ones. A
        # registered id is 144 random bits (or 20+ chosen characters): nobody finds one by
        # trying, so answering it while guesses are refused tells a guesser nothing.
        limits.check_sign_ins("DEVICE_FAILURE_RATE", "unknown device ids from this address",
                              "id")
        limits.failed_sign_in("DEVICE_FAILURE_RATE")
        return jsonify(error="id unknown device; register it with PUT "
                       "/api/v1/routes/<id>/device", field="id"), 400
    # Work, not requests: every fix costs one, a heartbeat one too. Over an hour, so that a
    # phone back in coverage flushes an hour's backlog without a refusal (docs/security.md).
    cost = max(1, incoming.entries)
    most = limits.amount("PHONE_FIXES_PER_DRIVER")
    if cost > most:
        # More than a whole hour's budget in one request can never pass: refused without
        # taking the budget, so the phone's later requests (smaller, or single fixes) go on.
        return jsonify(error=f"body holds {cost} fixes: at most {most} in one request; send "
                       "smaller batches", field="body"), 413
    over = limits.per_driver([route_id] * cost, "PHONE_FIXES_PER_DRIVER", "fixes", "id")
    if route_id in over:
        limited = over[route_id]
        return (jsonify(error=limited.message, field=limited.field), 429,
                {"Retry-After": str(limited.retry_after)})
    try:
        report = incoming.decode()
    except BadFix as exc:
        return jsonify(error=str(exc), field=exc.field), 400
    if report.device != incoming.device:  # a list naming several phones: not one phone's
        return jsonify(error="id must name the same device in every item", field="id"), 400
    # A phone whose clock is far off is answered 200 like Traccar answers it: resending the
    # same fix would not bring it inside the window, and a 4xx would block the phone's queue.
    kept = [f for f in report.fixes if refusal(f.timestamp) is None]
    now = server_now()
    phone = {"battery": report.battery, "charging": report.charging, "heard_at": now}
    accepted, dropped = services().ingest.positions(route_id, kept, now=now, phone=phone)
    return jsonify(accepted=accepted, dropped=sum(dropped.values()) + report.invalid
                   + len(report.fixes) - len(kept))
