"""Positions and stop events from drivers' devices: validated, then handed to ingest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import current_app, jsonify

from ..domain.tracking import EventError
from ..services import services
from . import bp
from .auth import bearer
from .body import json_body
from .errors import ApiError
from .validation import InvalidField, batch, fix, stop_event


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
            route_id = ingest.route_for_token(token) if isinstance(token, str) else None
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
    good, rejected, _ = _items("positions", fix)
    by_route = defaultdict(list)
    for _, route_id, f in good:
        by_route[route_id].append(f)
    accepted, dropped = 0, 0
    for route_id, fixes in by_route.items():
        ok, gone = services().ingest.positions(route_id, fixes)
        accepted += ok
        dropped += sum(gone.values())
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
            field = f"events[{i}].{exc.field}" if batched else exc.field
            message = getattr(exc, "message", str(exc))
            if not batched:
                raise ApiError(400, f"{exc.field} {message}", field) from None
            rejected.append({"index": i, "field": field, "error": message})
    return jsonify(accepted=accepted, rejected=rejected)
