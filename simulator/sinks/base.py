"""The sink interface. A run chains sinks: each may assign the route's ids or pass them on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.drive.driver import Driver, NoFix, PhoneFix
    from simulator.plan.timeline import SimEvent

DriverEvent = tuple["Driver", "SimEvent"]


@dataclass
class Registration:
    """What POST /api/v1/routes answers (or a dry run makes up)."""

    route_id: str
    driver_token: str
    shipments: list[dict] = field(default_factory=list)


class Sink:
    """Receives routes when registered, then each tick's fixes and events in time order."""

    def register(self, driver: Driver, payload: dict,
                 reg: Registration | None) -> Registration | None:
        """Record a route; return the registration (a sink that talks to a server makes it)."""
        return reg

    def send(self, fixes: list[PhoneFix], events: list[DriverEvent]) -> None:
        """Deliver one tick: events (which happened up to the tick) then fixes."""

    def no_fix(self, instants: list[NoFix]) -> None:
        """Instants of the tick when a phone had no fix (a tunnel, a dropout): nothing is sent,
        only the ground truth records them."""

    def close(self) -> None:
        """Flush what is left."""

    def refused_all(self) -> bool:
        """Whether a server refused (or ignored) every position it was sent: a run for nothing."""
        return False

    def report(self) -> list[str]:
        """Lines for the end-of-run summary (what the server rejected, and why)."""
        return []

    def status(self) -> str:
        """A few words for the progress line (backlog, drops)."""
        return ""
