"""The store interface: every backend keeps the same records under the same names."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

Record = dict[str, Any]


class StoreUnavailable(RuntimeError):
    """The backend cannot be reached; callers answer 503 rather than fail."""


class Store(ABC):
    """Records are JSON-able dicts; the domain converts them to objects."""

    name = "store"

    @abstractmethod
    def add_route(self, route: Record, shipments: list[Record], progress: Record,
                  driver_token_hash: str) -> None:
        """Store a new route with its shipments and initial progress, all at once."""

    @abstractmethod
    def get_route(self, route_id: str) -> Record | None: ...

    @abstractmethod
    def route_for_driver(self, driver_token_hash: str) -> str | None: ...

    @abstractmethod
    def seller_routes(self, seller_id: str) -> list[str]:
        """Route ids of one seller, oldest first."""

    @abstractmethod
    def get_progress(self, route_id: str) -> Record | None: ...

    @abstractmethod
    def put_progress(self, route_id: str, progress: Record) -> None: ...

    @abstractmethod
    def get_shipment(self, tracking_id: str) -> Record | None: ...

    @abstractmethod
    def shipment_for_token(self, token: str) -> str | None:
        """The tracking id behind a customer link's token."""

    @abstractmethod
    def ping(self) -> bool: ...

    def get_shipments(self, tracking_ids: list[str]) -> list[Record]:
        """Several shipments; backends with round trips override this with one call."""
        return [s for s in map(self.get_shipment, tracking_ids) if s is not None]
