"""Who gets text updates: the customer's own sign-up, else the phone given at registration."""

from __future__ import annotations

from collections.abc import Callable

from app.notify.phones import normalize
from app.store import Store

KIND = "texts"


class Subscriptions:
    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store, self.clock = store, clock

    def subscribe(self, tracking_id: str, phone: str) -> None:
        self.store.put_doc(KIND, tracking_id, {"phone": phone, "at": self.clock()})

    def unsubscribe(self, tracking_id: str) -> None:
        # Kept as a record, not deleted: the opt-out must also override a registration phone.
        self.store.put_doc(KIND, tracking_id, {"phone": None, "at": self.clock()})

    def phone_for(self, shipment: dict) -> str | None:
        """The E.164 number to text about this shipment, or None."""
        choice = self.store.get_doc(KIND, shipment["tracking_id"])
        if choice is not None:
            return choice["phone"]
        # Registration phones were only checked for length: an unusable one means no texts.
        return normalize(shipment.get("phone"))
