"""Which route a phone's device id feeds: set by the seller, read on every OsmAnd request."""

from __future__ import annotations

import re

from app.store import Store

KIND = "device"
# Traccar Client's default id is a random number; ours only need to be URL-safe and short.
DEVICE_ID = re.compile(r"[A-Za-z0-9._:-]{4,64}")


class DeviceTaken(Exception):
    """Another seller's route already uses this device id."""


def assign(store: Store, device_id: str, route_id: str, seller_id: str) -> None:
    """Point the device at a route (the driver's next block reuses the same phone)."""
    current = store.get_doc(KIND, device_id)
    if current is not None and current["seller_id"] != seller_id:
        raise DeviceTaken(device_id)
    store.put_doc(KIND, device_id, {"route_id": route_id, "seller_id": seller_id})


def route_for(store: Store, device_id: str) -> str | None:
    doc = store.get_doc(KIND, device_id) if DEVICE_ID.fullmatch(device_id) else None
    return doc["route_id"] if doc else None
