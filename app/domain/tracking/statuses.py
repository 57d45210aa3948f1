"""Status changes of a shipment: the timeline entries and what notifications consume."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from app.domain.hours import sane
from app.domain.model import FINAL_STATUSES, STATUSES, TimelineEntry
from app.domain.tracking.progress import ShipmentProgress

REASON_TEXT = {
    "no_safe_location": "no safe place to leave it",
    "business_closed": "the business was closed",
    "no_access": "the driver could not get access",
    "recipient_unavailable": "nobody was available",
}


@dataclass(frozen=True)
class StatusChange:
    tracking_id: str
    status: str
    at: float
    text: str
    detail: dict[str, Any] = field(default_factory=dict)


def stops_text(n: int) -> str:
    if n <= 0:
        return "You are the next stop"
    return f"{n} stop away" if n == 1 else f"{n} stops away"


# The server's clock while it applies what a phone or a simulator sent (app/live/ingest.py sets
# it; the domain stays free of wall clocks otherwise): see TimelineEntry.heard.
heard_at: ContextVar[float | None] = ContextVar("heard_at", default=None)


def shown_at(entry: TimelineEntry) -> float:
    """When the customer is told it happened: never after the server heard of it."""
    return entry.heard if entry.heard is not None else entry.at


def change(
    ship: ShipmentProgress, status: str, at: float, text: str, detail: dict[str, Any] | None = None
) -> StatusChange:
    """Record a new status on the shipment's timeline and return it as a change."""
    detail = detail or {}
    first = ship.timeline[0] if ship.timeline else None
    if (first is not None and first.status == "created" and sane(at) and sane(first.at)
            and at < first.at):
        # "created" is stamped with the server's clock at registration; a back-dated run or a
        # replay sends earlier times. The order was received before it went out, whatever
        # the clocks say.
        first.at = at
    last = ship.timeline[-1] if ship.timeline else None
    if last is not None and sane(at) and sane(last.at) and at < last.at:
        # Statuses follow one another: one cannot have happened before the one it follows. A
        # phone's first fix is often stamped a moment before the route_started it follows
        # (a cached position): the customer read "almost there" before "out for delivery".
        at = last.at
    ship.status = status
    ship.updated_at = at
    now = heard_at.get()
    heard = now if now is not None and sane(at) and at > now else None
    ship.timeline.append(TimelineEntry(status=status, at=at, text=text, detail=detail,
                                       heard=heard))
    # Texts and webhooks say it as the customer's page does.
    return StatusChange(ship.tracking_id, status, heard if heard is not None else at, text, detail)


def is_final(ship: ShipmentProgress) -> bool:
    return ship.status in FINAL_STATUSES


def is_before(status: str, other: str) -> bool:
    """Whether `status` comes earlier than `other` in the order a customer sees them."""
    return STATUSES.index(status) < STATUSES.index(other)
