"""The tracking engine: plain Python, no I/O. Routes and fixes in, progress and changes out.

The server calls `start_progress` once per route, `apply_fix` for every position and
`apply_event` for every stop event; `Progress` round-trips through JSON for the store.
"""

from app.domain.tracking.engine import FixResult, apply_fix, start_progress
from app.domain.tracking.events import EventError, apply_event
from app.domain.tracking.geometry import route_path
from app.domain.tracking.lifecycle import stops_away, unserved_before
from app.domain.tracking.progress import Progress, ShipmentProgress, StopProgress
from app.domain.tracking.settings import PROFILES, Settings, VehicleProfile
from app.domain.tracking.statuses import StatusChange

__all__ = [
    "PROFILES",
    "EventError",
    "FixResult",
    "Progress",
    "Settings",
    "ShipmentProgress",
    "StatusChange",
    "StopProgress",
    "VehicleProfile",
    "apply_event",
    "apply_fix",
    "route_path",
    "start_progress",
    "stops_away",
    "unserved_before",
]
