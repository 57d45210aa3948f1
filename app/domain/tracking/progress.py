"""A route's progress: the mutable state the engine keeps per route, stored as JSON.

Every field has a default, so progress stored before a field existed still loads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from app.domain.model import Fix, TimelineEntry


@dataclass
class StopProgress:
    served: bool = False  # every shipment of the stop delivered or attempted
    # A pickup whose parcels could not be collected (`attempted` there): served, and its
    # deliveries attempted with it.
    failed: bool = False
    arrived_at: float | None = None  # from an `arrived` event, or inferred from the fixes
    done_at: float | None = None
    # Inferred from the positions alone (tracking/visits.py): the driver stayed near the stop and
    # left at this time. Says nothing of the outcome; an event for the stop still counts.
    visited_at: float | None = None
    # The delivery day (ISO date) the ETA moved this stop to, once it fell after closing. Kept,
    # so an estimate wavering around closing time never moves it back and forth (tracking/eta.py).
    moved_to: str | None = None
    moved_at: float | None = None  # the fix time it was moved at (a wrong clock's is undone)

    @property
    def pending(self) -> bool:
        """Still ahead of the driver: neither served nor visited."""
        return not self.served and self.visited_at is None


@dataclass
class ShipmentProgress:
    tracking_id: str
    stop: int
    status: str = "created"
    timeline: list[TimelineEntry] = field(default_factory=list)
    proof: dict[str, Any] | None = None
    attempt: dict[str, Any] | None = None  # reason and next attempt day
    updated_at: float = 0.0


@dataclass
class Progress:
    route_id: str
    stops: list[StopProgress]
    shipments: dict[str, ShipmentProgress]
    started: bool = False
    started_at: float | None = None
    finished: bool = False
    finished_at: float | None = None
    last_fix: dict[str, Any] | None = None
    along_m: float = 0.0  # distance along the whole planned path
    leg: int = 0  # the leg being driven: leg i ends at stop i
    leg_m: float = 0.0  # distance along the current leg
    offset_m: float = 0.0  # distance of the last fix from the planned path
    matched_at: float | None = None  # time of the last fix that was on the path
    speed: float | None = None  # blended speed used by the ETA, m/s
    obs_dist: float = 0.0  # recent distance travelled along the path (decayed), m
    obs_time: float = 0.0  # recent time spent travelling, not at stops (decayed), s
    # When the driver left the last stop served: its handover, then the moment the fixes
    # show them gone on (tracking/leaving.py). Time at the stop ends there.
    departed_at: float | None = None
    dwell_ratio: float = 1.0  # observed time at a stop / its planned dwell (smoothed)
    dwell_seen: int = 0  # stops the ratio was learned from
    dwells: list[float] = field(default_factory=list)  # the last stops' dwell ratios
    # After a handover, until the driver moves on: [stop, handover time, along_m then, time of
    # the last fix still there] (tracking/leaving.py).
    leaving: list[float] | None = None
    leaves: list[float] = field(default_factory=list)  # handover to moving on / planned dwell
    etas: list[float | None] = field(default_factory=list)  # per stop, epoch seconds
    dropped: dict[str, int] = field(default_factory=dict)  # dropped fixes by reason
    jump_streak: int = 0
    # An event came in (any: a route start too): the driver's app reports outcomes, so stops
    # are no longer inferred from the positions (tracking/visits.py says why).
    outcomes_reported: bool = False
    # The stop the driver is staying near, where they were along the path when the stay began,
    # and the first and latest fixes near it.
    dwell_stop: int | None = None
    dwell_along: float = 0.0
    dwell_from: float = 0.0
    dwell_to: float = 0.0
    updated_at: float = 0.0
    # What the driver's phone last said of itself (OsmAnd door): battery percent, charging, and
    # when it was last heard (the server's clock), fix or heartbeat. Never shown to customers.
    phone: dict[str, Any] | None = None
    # Fixes older than the last one, in time order, held while it is not clear whether they
    # are late or the last one's clock was wrong (tracking/engine.py _hold).
    held: list[dict[str, Any]] = field(default_factory=list)
    prev_fix_at: float | None = None  # the time of the fix accepted before the last one
    # A copy of this progress following a backlog sent behind a live fix, for the stops it
    # shows visited (tracking/engine.py _catch_up); None when there is none.
    behind: dict[str, Any] | None = None
    # The last stay near a stop that ended too short to count: [stop, along, from, to].
    short_stay: list[float] | None = None

    def fix(self) -> Fix | None:
        return Fix(**self.last_fix) if self.last_fix else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Progress:
        d = dict(d)
        d["stops"] = [StopProgress(**s) for s in d["stops"]]
        d["shipments"] = {
            tid: ShipmentProgress(**{**s, "timeline": [TimelineEntry(**e) for e in s["timeline"]]})
            for tid, s in d["shipments"].items()
        }
        return cls(**d)
