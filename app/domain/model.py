"""Routes, stops, shipments and fixes: the nouns of a delivery block, as plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

VEHICLES = ("van", "bike", "motorcycle", "foot", "drone")
PROGRAMS = ("standard", "express", "grocery", "restaurant", "locker")
ATTEMPT_REASONS = ("no_safe_location", "business_closed", "no_access", "recipient_unavailable")
STOP_EVENTS = ("route_started", "arrived", "picked_up", "delivered", "attempted", "returned")
# A stop is a door to deliver to, or a place to pick parcels up on the way (a restaurant, a
# second warehouse): a pickup holds no shipments; the deliveries it loads name it (`pickup`).
STOP_KINDS = ("delivery", "pickup")

# A shipment's status, in the order a customer sees them.
STATUSES = (
    "created",
    "out_for_delivery",
    "approaching",
    "arriving",
    "delivered",
    "attempted",
    "returned",
)
FINAL_STATUSES = ("delivered", "attempted", "returned")


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass
class DriverProfile:
    name: str  # first name only: the customer sees nothing more
    vehicle: str


@dataclass
class Stop:
    index: int
    lat: float
    lon: float
    address: str
    shipments: list[str]  # tracking ids
    dwell_s: float
    notes: str = ""  # delivery instructions for the driver ("code 1234, leave at the back")
    # The delivery slot [from, to] in epoch seconds (grocery, express), or None: the driver
    # does not hand over before `from`, and the customer's window stays inside the slot.
    window: list[float] | None = None
    kind: str = "delivery"  # STOP_KINDS
    # For a delivery: the index of the pickup stop its parcels are collected at, earlier in
    # the route; None when they leave the station with the driver.
    pickup: int | None = None
    # When the plan has the stop served (epoch seconds; the plan page's day sheet time), for
    # the driver app: None for a route registered without a plan's times.
    planned_at: float | None = None


@dataclass
class Shipment:
    tracking_id: str
    route_id: str
    seller_id: str
    stop: int
    recipient: str
    reference: str | None = None
    phone: str | None = None
    # The customer link's secret is stored only as this hash (app/access/links.py).
    token_hash: str = ""
    # The secret itself: set when the shipment is registered, to answer it; never stored.
    token: str | None = None
    # Parcels handed over at the door for this order (the couriers' capacity counts them).
    parcels: int = 1


@dataclass
class Route:
    id: str
    seller_id: str
    driver: DriverProfile
    station: Point
    station_name: str
    stops: list[Stop]
    # legs[i] is the planned path to stop i; legs[len(stops)], if present, returns to the station.
    legs: list[list[tuple[float, float]]]
    program: str
    timezone: str
    driver_token_hash: str
    created_at: float
    # The local day the route is driven (ISO `2026-12-04`), when the seller planned it for a
    # day: None for a route of the day it is registered (the API's routes before dates).
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Route:
        return cls(
            id=d["id"],
            seller_id=d["seller_id"],
            driver=DriverProfile(**d["driver"]),
            station=Point(**d["station"]),
            station_name=d["station_name"],
            stops=[Stop(**s) for s in d["stops"]],
            legs=[[tuple(p) for p in leg] for leg in d["legs"]],
            program=d["program"],
            timezone=d["timezone"],
            driver_token_hash=d["driver_token_hash"],
            created_at=d["created_at"],
            date=d.get("date"),
        )


@dataclass(frozen=True)
class Fix:
    """One GPS position from a driver's device, already validated."""

    lat: float
    lon: float
    timestamp: float  # epoch seconds (the source's clock: simulated time for the simulator)
    speed: float | None = None  # m/s
    heading: float | None = None  # degrees from north
    accuracy: float | None = None  # metres
    # A phone's own stamp when it was ahead of the server's clock: the fix was then taken at
    # the moment it came (`timestamp`), so that a wrong clock puts no future time anywhere.
    stamped: float | None = None
    # Whether `timestamp` is the stamp less a known wrong clock's offset (when it was taken, as
    # trustworthy as a right clock's), not the moment it came (a glitch or a clock just found).
    corrected: bool = False


@dataclass(frozen=True)
class StopEvent:
    type: str
    timestamp: float
    stop: int | None = None
    shipment: str | None = None  # one tracking id, or all shipments of the stop
    reason: str | None = None
    proof: dict[str, Any] | None = None


@dataclass
class TimelineEntry:
    status: str
    at: float
    text: str
    detail: dict[str, Any] = field(default_factory=dict)
    # When the server heard of it, kept only when `at` was later than that (a sped-up
    # simulator's clock, a phone set ahead): what the customer is shown, since nothing happened
    # after the server heard of it. `at` stays the sender's (retries are matched on it).
    heard: float | None = None
