"""Positions and stop events from drivers' devices: validated, then handed to ingest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import current_app, jsonify

from app.access import limits
from app.access.limits import Limited
from app.domain.tracking import EventError
from app.extensions import services
from app.web.api import bp
from app.web.api.auth import bearer
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.validation import InvalidField, batch, encodable, fix, stop_event


def _items(key: str, parse: Callable[[Any, str], Any]):
    """Parse a single item or a batch; answer ([(index, route_id, item)], rejected, batched)."""
    items, batched = batch(json_body(), key, current_app.config["MAX_BATCH"])
    header_token = bearer()
    ingest = services().ingest
    good, rejected = [], []
    for i, raw in enumerate(items):
        prefix = f"{key}[{i}]." if batched else ""
        try:
            token = raw.get("driver_token", header_token) if isinstance(raw, dict) else None
            usable = isinstance(token, str) and encodable(token)
            route_id = ingest.route_for_token(token) if usable else None
            if route_id is None:
                if not batched:
                    raise ApiError(401, "a valid driver token is required", "Authorization")
                raise InvalidField(prefix + "driver_token", "is missing or unknown")
            good.append((i, route_id, parse(raw, prefix)))
        except InvalidField as exc:
            if not batched:
                raise
            rejected.append({"index": i, "field": exc.field, "error": exc.message})
    return good, rejected, batched


@bp.post("/positions")
def post_positions():
    """Accept one fix or a batch; valid fixes are kept even when others are rejected."""
    good, rejected, batched = _items("positions", fix)
    by_route = defaultdict(list)
    for i, route_id, f in good:
        by_route[route_id].append((i, f))
    accepted, dropped, limited, invalid = 0, 0, [], len(rejected)
    # Counted once per driver and request, however many fixes it carries: a phone uploading
    # its backlog after a tunnel is not an attack.
    over = limits.hit_many("POSITIONS_RATE", "position requests for this driver",
                           list(by_route), "Authorization")
    for route_id, items in by_route.items():
        try:
            if route_id in over:
                raise over[route_id]
            ok, gone = services().ingest.positions(route_id, [f for _, f in items])
            if gone.get("finished", 0) == len(items):
                raise ApiError(409, "the route is finished: no more positions", "route")
        except (Limited, ApiError) as exc:
            if not batched:
                raise
            field = "driver_token" if isinstance(exc, Limited) else "route"
            rejected += [{"index": i, "field": f"positions[{i}].{field}", "error": exc.message}
                         for i, _ in items]
            limited += [exc] if isinstance(exc, Limited) else []
            continue
        accepted += ok
        dropped += sum(gone.values())
    if limited and len(limited) == len(by_route) and not invalid:
        raise limited[0]  # the whole batch was over its drivers' limits: a plain 429
    rejected.sort(key=lambda r: r["index"])
    return jsonify(accepted=accepted, dropped=dropped, rejected=rejected)


@bp.post("/events")
def post_events():
    """Accept stop events (arrived, delivered, attempted, ...), applied in the order sent."""
    good, rejected, batched = _items("events", stop_event)
    accepted = 0
    for i, route_id, event in good:
        try:
            services().ingest.event(route_id, event)
            accepted += 1
        except EventError as exc:
            status, name, message = 400, exc.field, getattr(exc, "message", str(exc))
            if _finished(route_id):
                status, name, message = 409, "route", "the route is finished: no more events"
            if not batched:
                text = message if status == 409 else f"{name} {message}"
                raise ApiError(status, text, name) from None
            rejected.append({"index": i, "field": f"events[{i}].{name}", "error": message})
    return jsonify(accepted=accepted, rejected=rejected)


def _finished(route_id: str) -> bool:
    """Whether the driver is back at the station: the route then takes nothing more."""
    progress = services().reads.progress(route_id)
    return bool(progress and progress.finished)
