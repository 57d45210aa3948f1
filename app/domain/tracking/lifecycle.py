"""The status steps driven by the route's progress: out for delivery, approaching, arriving."""

from __future__ import annotations

import statistics

from app.domain.hours import day_text, next_delivery_day
from app.domain.model import Route
from app.domain.tracking.progress import Progress
from app.domain.tracking.settings import Settings
from app.domain.tracking.statuses import StatusChange, change, is_before, is_final, stops_text

# Stops the dwell ratio is the median of.
_DWELLS_KEPT = 9


def unserved_before(progress: Progress) -> list[int]:
    """For each stop index, how many stops still to do (not served, not visited) come before it."""
    counts, n = [], 0
    for state in progress.stops:
        counts.append(n)
        n += state.pending
    return counts


def stops_away(progress: Progress, stop: int) -> int:
    return sum(1 for state in progress.stops[:stop] if state.pending)


def start_route(
    route: Route, progress: Progress, at: float, settings: Settings
) -> list[StatusChange]:
    progress.started, progress.started_at = True, at
    # The first name only, even if the route was registered with a full one.
    text = f"Out for delivery with {(route.driver.name.split() or ['your driver'])[0]}"
    changes = [
        change(ship, "out_for_delivery", at, text)
        for ship in progress.shipments.values()
        if ship.status == "created"
    ]
    return changes + approach(route, progress, at, settings)


def approach(route: Route, progress: Progress, at: float, settings: Settings) -> list[StatusChange]:
    """`approaching` for every shipment now within `approaching_stops` of the driver."""
    if not progress.started or progress.finished:
        return []
    away = unserved_before(progress)
    changes = []
    for ship in progress.shipments.values():
        n = away[ship.stop]
        # A door the positions show visited is behind the driver: "you are the next stop"
        # would be wrong there (a backlog can show it after the driver left).
        if ship.status == "out_for_delivery" and n <= settings.approaching_stops \
                and progress.stops[ship.stop].pending:
            changes.append(change(ship, "approaching", at, stops_text(n), {"stops_away": n}))
    return changes


def arrive(route: Route, progress: Progress, stop: int, at: float) -> list[StatusChange]:
    """`arriving` for the shipments of one stop (idempotent)."""
    changes = []
    for tid in route.stops[stop].shipments:
        ship = progress.shipments[tid]
        if not is_final(ship) and is_before(ship.status, "arriving"):
            changes.append(change(ship, "arriving", at, "Your driver is almost there"))
    return changes


def learn_dwell(progress: Progress, ratio: float) -> None:
    """Learn how much longer (or shorter) than planned this driver's stops take, arrival to
    handover: the median of the last stops, so an arrival seen early (a van passing the door
    before it circles the block to park) does not lengthen every stop ahead, as a mean did."""
    ratio = min(max(ratio, 0.2), 5.0)  # one stop with a lost parcel should not rule the day
    progress.dwell_seen += 1
    seen = progress.dwells = [*progress.dwells[-(_DWELLS_KEPT - 1):], ratio]
    # Until a few stops are seen, the plan counts as one.
    progress.dwell_ratio = statistics.median(seen if len(seen) >= 3 else [1.0, *seen])


def finish_route(route: Route, progress: Progress, at: float) -> list[StatusChange]:
    """The driver is back at the station: whatever was not delivered goes back with them.

    Not the shipments of a stop only seen visited (tracking/visits.py): whether they were
    handed over is not known, and "returned" would claim they were not.
    """
    progress.finished, progress.finished_at = True, at
    progress.leaving = None
    progress.etas = [None] * len(route.stops)
    day = next_delivery_day(at, route.timezone)
    text = f"Returned to the station. Next delivery attempt {day_text(day)}"
    return [
        change(ship, "returned", at, text, {"next_attempt": day.isoformat()})
        for ship in progress.shipments.values()
        if ship.status != "delivered" and progress.stops[ship.stop].visited_at is None
    ]
