"""Who gets text updates: the customer's own sign-up, else the phone given at registration."""

from __future__ import annotations

from collections.abc import Callable

from app.i18n.catalogs import DEFAULT
from app.notify.phone_numbers import normalize
from app.store import Store

KIND = "texts"


class Subscriptions:
    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store, self.clock = store, clock

    def subscribe(self, tracking_id: str, phone: str, lang: str = DEFAULT) -> None:
        """Text `phone` about this shipment, in the language of the page it signed up on."""
        self.store.put_doc(KIND, tracking_id, {"phone": phone, "lang": lang, "at": self.clock()})

    def unsubscribe(self, tracking_id: str) -> None:
        # Kept as a record, not deleted: the opt-out must also override a registration phone.
        self.store.put_doc(KIND, tracking_id, {"phone": None, "at": self.clock()})

    def language_for(self, shipment: dict) -> str:
        """The language of the texts: the sign-up's, else English (a registration phone)."""
        choice = self.store.get_doc(KIND, shipment["tracking_id"]) or {}
        return choice.get("lang") or DEFAULT

    def phone_for(self, shipment: dict) -> str | None:
        """The E.164 number to text about this shipment, or None."""
        choice = self.store.get_doc(KIND, shipment["tracking_id"])
        if choice is not None:
            return choice["phone"]
        # Registration phones were only checked for length: an unusable one means no texts.
        return normalize(shipment.get("phone"))
