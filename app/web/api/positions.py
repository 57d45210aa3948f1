"""Positions and stop events from drivers' devices: validated, then handed to ingest."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from flask import current_app, jsonify

from app.access import limits
from app.domain.tracking import EventError
from app.extensions import services, socketio
from app.web.api import bp
from app.web.api.auth import bearer
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.photos import check_proof, release_refused
from app.web.api.validation import InvalidField, batch, encodable, fix, stop_event

# Fixes applied between two chances for other requests to run (about 10-20 ms of engine work).
CHUNK = 250
# Distinct driver tokens one batch may name. Each is a store lookup before any limit can
# count it (an unknown token has no driver to count against): 5,000 random tokens cost a
# second of CPU and 6,000 Redis commands with no credential at all. A relay batching
# its fleet names a few dozen.
MAX_DRIVERS_PER_BATCH = 100


def _items(key: str, parse: Callable[[Any, str], Any], setting: str, what: str,
           on_invalid: Callable[[str, Any], None] | None = None):
    """Parse a single item or a batch, after taking its work from the limits; answer
    ([(index, route_id, item)], rejected, batched). `on_invalid(route_id, raw)` is told of
    each item refused as invalid."""
    header_token = bearer()
    reads = services().reads
    usable = header_token is not None and encodable(header_token)
    header_route = reads.route_for_driver_token(header_token) if usable else None
    if header_route is not None:
        # A driver that asked for more than a whole window holds waits it out, refused before
        # its body is even read: a flood costs the server next to nothing.
        limits.take_one(setting, f"{what} for this driver", "Authorization", header_route, 0)
    items, batched = batch(json_body(), key, current_app.config["MAX_BATCH"])
    routes = {header_token: header_route}  # a batch names few drivers: look each up once
    routed, rejected = [], []
    for i, raw in enumerate(items):
        token = raw.get("driver_token", header_token) if isinstance(raw, dict) else None
        if not isinstance(token, str):
            token = None  # a number, list or object where a token should be
        elif token not in routes:
            if len(routes) > MAX_DRIVERS_PER_BATCH:
                raise ApiError(400, f"a batch may name at most {MAX_DRIVERS_PER_BATCH} "
                                    "driver tokens", f"{key}[{i}].driver_token")
            routes[token] = reads.route_for_driver_token(token) if encodable(token) else None
        route_id = routes.get(token)
        if route_id is not None:
            routed.append((i, route_id, raw))
        elif not batched:
            raise ApiError(401, "a valid driver token is required", "Authorization")
        else:
            rejected.append({"index": i, "field": f"{key}[{i}].driver_token",
                             "error": "is missing or unknown"})
    if batched and not routed and header_token is not None and header_route is None:
        # The phone's own token (a revoked driver link) names no route: a 401, so the driver
        # app keeps the batch with everything else waiting for a new link, instead of a 200
        # that would tell it the fixes were dealt with.
        raise ApiError(401, "a valid driver token is required", "Authorization")
    # Counted before the items are even validated: refusing must cost less than the work.
    over = limits.per_driver([route_id for _, route_id, _ in routed], setting, what,
                             "Authorization")
    good, limited = [], []
    for i, route_id, raw in routed:
        prefix = f"{key}[{i}]." if batched else ""
        if route_id in over:
            limited.append(over[route_id])
            rejected.append({"index": i, "field": prefix + "driver_token",
                             "error": over[route_id].message})
            continue
        try:
            good.append((i, route_id, parse(raw, prefix)))
        except InvalidField as exc:
            if on_invalid is not None:
                on_invalid(route_id, raw)
            if not batched:
                raise
            rejected.append({"index": i, "field": exc.field, "error": exc.message})
    if limited and not good and len(limited) == len(items):
        raise limited[0]  # the whole request was over its drivers' limits: a plain 429
    return good, rejected, batched


@bp.post("/positions")
def post_positions():
    """Accept one fix or a batch; valid fixes are kept even when others are rejected."""
    good, rejected, batched = _items("positions", fix, "FIXES_PER_DRIVER", "fixes")
    by_route = defaultdict(list)
    for i, route_id, f in good:
        by_route[route_id].append((i, f))
    accepted, dropped = 0, 0
    for route_id, items in by_route.items():
        try:
            ok, gone = _apply(route_id, [f for _, f in items])
            if gone.get("finished", 0) == len(items):
                raise ApiError(409, "the route is finished: no more positions", "route")
        except ApiError as exc:
            if not batched:
                raise
            rejected += [{"index": i, "field": f"positions[{i}].route", "error": exc.message}
                         for i, _ in items]
            continue
        accepted += ok
        dropped += sum(gone.values())
    rejected.sort(key=lambda r: r["index"])
    return jsonify(accepted=accepted, dropped=dropped, rejected=rejected)


def _apply(route_id: str, fixes: list) -> tuple[int, dict[str, int]]:
    """Hand a route's fixes to ingest a chunk at a time, letting other requests (customers'
    views, sockets) run in between: gevent switches only where a request waits."""
    accepted, dropped = 0, Counter()
    for start in range(0, len(fixes), CHUNK):
        if start:
            socketio.sleep(0)
        ok, gone = services().ingest.positions(route_id, fixes[start:start + CHUNK])
        accepted += ok
        dropped.update(gone)
    return accepted, dict(dropped)


@bp.post("/events")
def post_events():
    """Accept stop events (arrived, delivered, attempted, ...), applied in the order sent."""
    good, rejected, batched = _items("events", stop_event, "EVENTS_PER_DRIVER", "events",
                                     release_refused)
    accepted = 0
    for i, route_id, event in good:
        try:
            if event.type == "delivered" and event.proof:
                check_proof(route_id, event, f"events[{i}]." if batched else "")
            services().ingest.event(route_id, event)
            accepted += 1
        except InvalidField as exc:
            _release(route_id, event)
            if not batched:
                raise
            rejected.append({"index": i, "field": exc.field, "error": exc.message})
        except EventError as exc:
            _release(route_id, event)
            status, name, message = 400, exc.field, getattr(exc, "message", str(exc))
            if _finished(route_id):
                status, name, message = 409, "route", "the route is finished: no more events"
            if not batched:
                text = message if status == 409 else f"{name} {message}"
                raise ApiError(status, text, name) from None
            rejected.append({"index": i, "field": f"events[{i}].{name}", "error": message})
    return jsonify(accepted=accepted, rejected=rejected)


def _release(route_id: str, event) -> None:
    """A refused delivery keeps none of the photos it named (they count against the cap)."""
    if event.type == "delivered" and event.proof:
        release_refused(route_id, {"stop": event.stop, "proof": event.proof})


def _finished(route_id: str) -> bool:
    """Whether the driver is back at the station: the route then takes nothing more."""
    progress = services().reads.progress(route_id)
    return bool(progress and progress.finished)
