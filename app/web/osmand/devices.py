"""Which route a phone's device id feeds: set by the seller, read on every OsmAnd request.

The device id is the phone's only credential (the OsmAnd protocol has no other), so it must be
as hard to guess as a token: the server issues one (`new_id`), or takes one the seller chose
only when it is long enough that nobody could guess it or claim it first. Traccar Client's
identifier is free text in its settings: the seller types or pastes the issued id there.
"""

from __future__ import annotations

import re
import secrets

from app.access.tokens import hash_token
from app.store import Store

KIND = "device"
DEVICE_ID = re.compile(r"[A-Za-z0-9._:-]{4,64}")
# A chosen id at least this long; Traccar Client's default (a six-digit number) is not.
MIN_CHOSEN = 20


def _key(device_id: str) -> str:
    # Stored hashed, like every other credential: a copy of the store must not let anyone
    # post a phone's positions.
    return hash_token(device_id)


class DeviceTaken(Exception):
    """Another seller's route already uses this device id."""


def new_id() -> str:
    """An id nobody can guess: 144 random bits, URL-safe."""
    return "dv" + secrets.token_urlsafe(18)


def held_by(store: Store, device_id: str, seller_id: str) -> bool:
    """Whether this seller already holds the device id (the driver's next block)."""
    current = store.get_doc(KIND, _key(device_id))
    return current is not None and current["seller_id"] == seller_id


def assign(store: Store, device_id: str, route_id: str, seller_id: str) -> None:
    """Point the device at a route (the driver's next block reuses the same phone)."""
    current = store.get_doc(KIND, _key(device_id))
    if current is not None and current["seller_id"] != seller_id:
        raise DeviceTaken(device_id)
    store.put_doc(KIND, _key(device_id), {"route_id": route_id, "seller_id": seller_id})


def route_for(store: Store, device_id: str) -> str | None:
    doc = store.get_doc(KIND, _key(device_id)) if DEVICE_ID.fullmatch(device_id) else None
    return doc["route_id"] if doc else None
