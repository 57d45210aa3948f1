"""When a message may go out: quiet hours for texts, 8 pm for the feedback request.

Times are epoch seconds; the local day is the route's time zone (`app.domain.hours`).
"""

from __future__ import annotations

from datetime import timedelta

from app.domain.hours import CLOSES, OPENS, at_hour, local

# Texts go out 08:00-20:00 local, the service hours; the feedback request at the end of the
# delivery day (../shared/design.md). Both rules are used by the worker and the dashboard alike.
FEEDBACK_HOUR = CLOSES

# Outside quiet hours: "delivered" always goes out, because the customer wants to fetch the parcel
# from the door now. "out for delivery" and "attempted" are still true the next morning, so they
# wait for 08:00. "approaching" would be stale by then (the driver has come and gone): dropped.
SEND_ANYTIME = ("delivered",)
HOLD_UNTIL_MORNING = ("out_for_delivery", "attempted")


def in_quiet_hours(ts: float, tz: str) -> bool:
    hour = local(ts, tz).hour
    return not OPENS <= hour < CLOSES


def next_opening(ts: float, tz: str) -> float:
    """The next 08:00 local at or after `ts`."""
    day = local(ts, tz).date()
    opens = at_hour(day, OPENS, tz)
    return opens if ts <= opens else at_hour(day + timedelta(days=1), OPENS, tz)


def text_due(status: str, now: float, tz: str) -> float | None:
    """When a status text may be sent: now, held until 08:00, or None (dropped)."""
    if status in SEND_ANYTIME or not in_quiet_hours(now, tz):
        return now
    if status in HOLD_UNTIL_MORNING:
        return next_opening(now, tz)
    return None


def feedback_due(delivered_at: float, tz: str) -> float:
    """20:00 local on the delivery day; delivered after 20:00: 08:00 the next morning.

    After 20:00 is quiet hours, and a request at 20:30 about a parcel delivered at 20:29 reads
    as pushy; the next morning it is still fresh.
    """
    day = local(delivered_at, tz).date()
    evening = at_hour(day, FEEDBACK_HOUR, tz)
    return evening if delivered_at <= evening else next_opening(delivered_at, tz)
