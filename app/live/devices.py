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


# Which device a route was last linked to (its hashed id), so that linking another phone or
# unlinking cuts the earlier one off: a lost or replaced phone must stop writing to the route.
ROUTE_KIND = "route_device"


def assign(store: Store, device_id: str, route_id: str, seller_id: str) -> None:
    """Point the device at a route (the driver's next block reuses the same phone); the phone
    the route had before stops feeding it."""
    key = _key(device_id)
    current = store.get_doc(KIND, key)
    if current is not None and current["seller_id"] != seller_id:
        raise DeviceTaken(device_id)
    earlier = store.get_doc(ROUTE_KIND, route_id)
    if earlier is not None and earlier["device"] != key:
        _drop(store, earlier["device"], route_id)
    store.put_doc(KIND, key, {"route_id": route_id, "seller_id": seller_id})
    store.put_doc(ROUTE_KIND, route_id, {"device": key})


def unlink(store: Store, route_id: str) -> bool:
    """Cut the route's phone off; answer whether it had one."""
    linked = store.get_doc(ROUTE_KIND, route_id)
    if linked is None:
        return False
    _drop(store, linked["device"], route_id)
    store.delete_doc(ROUTE_KIND, route_id)
    return True


def _drop(store: Store, key: str, route_id: str) -> None:
    doc = store.get_doc(KIND, key)
    if doc is not None and doc["route_id"] == route_id:  # moved on to a newer route: keep it
        store.delete_doc(KIND, key)


def route_for(store: Store, device_id: str) -> str | None:
    doc = store.get_doc(KIND, _key(device_id)) if DEVICE_ID.fullmatch(device_id) else None
    return doc["route_id"] if doc else None
