"""Stop events from the driver's app: started, arrived, picked up, delivered, attempted,
returned."""

from __future__ import annotations

from app.domain.hours import day_text, local_day, next_delivery_day
from app.domain.model import ATTEMPT_REASONS, STOP_EVENTS, Route, StopEvent
from app.domain.tracking import leaving
from app.domain.tracking.eta import update_etas
from app.domain.tracking.geometry import route_path
from app.domain.tracking.lifecycle import (
    approach,
    arrive,
    finish_route,
    learn_dwell,
    start_route,
)
from app.domain.tracking.progress import Progress, ShipmentProgress
from app.domain.tracking.settings import Settings
from app.domain.tracking.statuses import REASON_TEXT, StatusChange, change, is_final

_PROOF_FIELDS = ("left_at", "note", "photo", "signature")
# Why parcels could not be collected at a pickup (a closed restaurant, a locked warehouse yard,
# nobody to hand them over); "no safe place to leave it" says nothing there.
PICKUP_REASONS = ("business_closed", "no_access", "recipient_unavailable")


class EventError(ValueError):
    """An event that cannot apply to this route; `field` names the culprit for the API."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def apply_event(
    route: Route, progress: Progress, event: StopEvent, settings: Settings
) -> list[StatusChange]:
    """Apply one stop event; raise EventError, changing nothing, when it is invalid.

    A stop event on a route that has not started starts it: the driver is obviously out.
    """
    if event.type not in STOP_EVENTS:
        raise EventError("type", f"must be one of {', '.join(STOP_EVENTS)}")
    if progress.finished:
        raise EventError("type", "the route is already finished")
    targets = _validate(route, progress, event) if event.stop is not None else []
    if event.type in ("arrived", "picked_up", "delivered", "attempted") and event.stop is None:
        raise EventError("stop", "required")
    at = event.timestamp
    if not progress.started and route.date and local_day(at, route.timezone).isoformat() \
            < route.date:
        raise EventError("timestamp", f"the route is planned for {route.date}: it cannot start "
                         "before that day")
    # Any event, a route start included, comes from an app that reports the route's stops
    # (Doorstep's driver app, the simulator, a seller's own): from now on its outcomes say
    # what is done, not a guess from positions (tracking/visits.py). A van circling the block
    # by a stop before parking was otherwise counted as having visited it.
    progress.outcomes_reported = True
    changes = []
    if not progress.started:
        changes += start_route(route, progress, at, settings)
    progress.updated_at = max(progress.updated_at, at)
    if event.type == "returned":
        return changes + finish_route(route, progress, at)
    if event.type == "arrived":
        state = progress.stops[event.stop]
        if not state.served and (state.arrived_at is None or at < state.arrived_at):
            state.arrived_at = at  # the app knows better than a guess from the fixes
        held = progress.leaving
        if held is not None and int(held[0]) != event.stop and at >= held[1]:
            # At the next door on foot, from where the van stands: the walk back is over.
            leaving.end(route, progress, int(held[0]), at)
        changes += arrive(route, progress, event.stop, at)
    elif event.type == "picked_up":  # again (an outbox's retry) changes nothing
        changes += _serve(route, progress, event.stop, at, settings)
    elif event.type == "attempted" and route.stops[event.stop].kind == "pickup":
        # The parcels could not be collected there.
        changes += _pickup_failed(route, progress, event, settings)
    elif event.type in ("delivered", "attempted"):
        for ship in targets:
            changes.append(_outcome(route, ship, event))
        changes += _serve(route, progress, event.stop, at, settings)
    _refresh_etas(route, progress, at, settings)
    return changes


def _validate(route: Route, progress: Progress, event: StopEvent) -> list[ShipmentProgress]:
    """The shipments the event is about, after checking it makes sense."""
    if not 0 <= event.stop < len(route.stops):
        raise EventError("stop", f"must be between 0 and {len(route.stops) - 1}")
    stop = route.stops[event.stop]
    on_stop = stop.shipments
    # A pickup is served by picked_up, and only a pickup is: an outcome at a restaurant, or a
    # "picked up" at a customer's door, is a driver app out of step with the route.
    if event.type == "picked_up" and stop.kind != "pickup":
        raise EventError("type", "picked_up is for a pickup stop; this stop is a delivery")
    # The parcel is at its pickup until picked up: a delivery (or an attempt at the door) before
    # then is a driver app out of step with the route, not a delivery.
    if event.type in ("delivered", "attempted") and stop.pickup is not None \
            and not progress.stops[stop.pickup].served:
        raise EventError("stop", f"its parcels are collected at stop {stop.pickup} first: send "
                         f"picked_up for stop {stop.pickup} (or attempted, if they could not be "
                         "collected) before an outcome here")
    if event.shipment is not None and event.shipment not in on_stop:
        raise EventError("shipment", "not a shipment of this stop")
    if stop.kind == "pickup":
        _validate_pickup(progress, event)
        return []
    if event.type == "attempted" and event.reason not in ATTEMPT_REASONS:
        raise EventError("reason", f"must be one of {', '.join(ATTEMPT_REASONS)}")
    if event.type == "delivered" and event.proof is not None:
        if not isinstance(event.proof, dict) or set(event.proof) - set(_PROOF_FIELDS):
            raise EventError("proof", f"must be an object with {', '.join(_PROOF_FIELDS)}")
    if event.type not in ("delivered", "attempted"):
        return []
    named = [event.shipment] if event.shipment is not None else on_stop
    ships = [progress.shipments[tid] for tid in named]
    open_ships = [s for s in ships if not is_final(s)]
    if not open_ships and ships:
        done = ships[0].status
        # The API answers "<field> <message>": the field already names the stop or shipment.
        raise EventError("shipment" if event.shipment else "stop", f"already {done}")
    return open_ships


def _validate_pickup(progress: Progress, event: StopEvent) -> None:
    """`picked_up`, or `attempted` when the parcels could not be collected; not `delivered`."""
    state = progress.stops[event.stop]
    if event.type == "delivered":
        raise EventError("type", "this stop is a pickup: send picked_up, or attempted if the "
                         "parcels could not be collected")
    if event.type == "attempted" and event.reason not in PICKUP_REASONS:
        raise EventError("reason", f"at a pickup must be one of {', '.join(PICKUP_REASONS)}")
    if event.type == "attempted" and state.served and not state.failed:
        raise EventError("type", "this pickup is already picked up")
    if event.type == "picked_up" and state.failed:
        raise EventError("type", "this pickup was reported failed (attempted)")


def _pickup_failed(
    route: Route, progress: Progress, event: StopEvent, settings: Settings
) -> list[StatusChange]:
    """The parcels of a pickup could not be collected: each delivery it loads is attempted too,
    and its customer told so (not "out for delivery" for a parcel still at the shop)."""
    state, at = progress.stops[event.stop], event.timestamp
    if state.failed:  # sent again (an outbox's retry): changes nothing
        return []
    state.failed = True
    changes = _serve(route, progress, event.stop, at, settings)
    day = next_delivery_day(at, route.timezone)
    text = (f"Your order could not be collected for delivery: {REASON_TEXT[event.reason]}. "
            f"We will try again {day_text(day)}")
    for stop in route.stops:
        if stop.pickup != event.stop:
            continue
        for tid in stop.shipments:
            ship = progress.shipments[tid]
            if not is_final(ship):
                ship.attempt = {"reason": event.reason, "next_attempt": day.isoformat(),
                                "at_pickup": True}
                changes.append(change(ship, "attempted", at, text, dict(ship.attempt)))
        changes += _serve(route, progress, stop.index, at, settings)
    return changes


def _outcome(route: Route, ship: ShipmentProgress, event: StopEvent) -> StatusChange:
    if event.type == "delivered":
        proof = {k: (event.proof or {}).get(k) for k in _PROOF_FIELDS}
        proof["at"] = event.timestamp
        ship.proof = proof
        where = proof["left_at"]
        text = f"Delivered, left at {where}" if where else "Delivered"
        return change(ship, "delivered", event.timestamp, text, {"proof": proof})
    day = next_delivery_day(event.timestamp, route.timezone)
    ship.attempt = {"reason": event.reason, "next_attempt": day.isoformat()}
    text = f"Delivery attempted: {REASON_TEXT[event.reason]}. We will try again {day_text(day)}"
    return change(ship, "attempted", event.timestamp, text, dict(ship.attempt))


def _serve(
    route: Route, progress: Progress, stop: int, at: float, settings: Settings
) -> list[StatusChange]:
    """Mark the stop served once none of its shipments is open; others come closer."""
    state = progress.stops[stop]
    ships = [progress.shipments[tid] for tid in route.stops[stop].shipments]
    if state.served or not all(is_final(s) for s in ships):
        return []
    state.served, state.done_at = True, at
    if state.visited_at is not None:
        # The outcome of a stop the positions showed visited: the driver left long ago, and
        # the time at the stop was learned then. Only the proof and the status are new.
        return []
    progress.departed_at = at
    leaving.begin(progress, stop, at)
    if state.arrived_at is not None and route.stops[stop].dwell_s > 0:
        learn_dwell(progress, (at - state.arrived_at) / route.stops[stop].dwell_s)
    return approach(route, progress, at, settings)


def _refresh_etas(route: Route, progress: Progress, at: float, settings: Settings) -> None:
    last = progress.last_fix
    now = max(at, last["timestamp"]) if last else at
    update_etas(route, progress, route_path(route), now, hold=False, settings=settings)


def replayed(route: Route, progress: Progress, event: StopEvent) -> list[StatusChange]:
    """The changes an outcome the route already holds made the first time (see is_replay)."""
    named = [event.shipment] if event.shipment is not None else route.stops[event.stop].shipments
    out = []
    for tid in named:
        last = progress.shipments[tid].timeline[-1]
        out.append(StatusChange(tid, last.status, last.at, last.text, dict(last.detail)))
    return out


def is_replay(route: Route, progress: Progress, event: StopEvent) -> bool:
    """Whether the route already holds exactly this outcome: a retry whose answer was lost.

    Same stop, same shipments, same status at the same time; a retry must be answered as the
    first request was, not with "already delivered". The same for `returned` at the same time:
    a phone's outbox sends again what it never saw answered.
    """
    if event.type == "returned":
        return progress.finished and progress.finished_at == event.timestamp
    if event.type not in ("delivered", "attempted") or event.stop is None:
        return False
    if not 0 <= event.stop < len(route.stops):
        return False
    on_stop = route.stops[event.stop].shipments
    named = [event.shipment] if event.shipment is not None else on_stop
    if not named or any(tid not in on_stop for tid in named):
        return False
    ships = [progress.shipments[tid] for tid in named]
    return all(s.status == event.type and s.timeline and s.timeline[-1].at == event.timestamp
               for s in ships)
