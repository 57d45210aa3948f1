"""Proof photos of a route: taken from the driver's app, looked up for the people who may see
them, forgotten with the route (app/ops/retention.py).

The app names each photo itself (`ph_` and 32 hex digits, made on the phone) before it is sent,
so the delivered event that refers to it can wait in the phone's outbox with it; sending the
same photo again answers as the first time and stores nothing new.
"""

from __future__ import annotations

import re
import time

from app.proof.images import clean
from app.proof.storage import PhotoStorage
from app.store import Store, StoreUnavailable

KIND = "photo"  # photo key -> {route_id, stop, name, bytes, width, height, created_at}
LOG = "photo_route"  # per route: the keys of its photos, for retention
# Per route: the keys of photos deleted again because the event naming them was refused. They
# are no longer kept, so they leave the route's cap (its count is LOG less FREED).
FREED = "photo_route_freed"
KEY = re.compile(r"ph_[0-9a-f]{32}")
MAX_PER_ROUTE = 2000
# The log holds the freed keys too (it is append-only): room for as many again, so retention
# still finds every photo kept, and a route cannot grow it without bound by refusals.
LOG_MAX = 2 * MAX_PER_ROUTE


class PhotoConflict(ValueError):
    """The key names a photo of another route or stop (`key`), or the route has all the
    photos it may keep (`photo`)."""

    def __init__(self, what: str, message: str) -> None:
        super().__init__(message)
        self.what, self.message = what, message


def most_per_route(n_stops: int) -> int:
    """A photo and a signature per stop, and room for retakes: a link's holder cannot fill
    the disk through one route."""
    return min(MAX_PER_ROUTE, 3 * n_stops + 10)


class Photos:
    def __init__(self, store: Store, storage: PhotoStorage, max_side: int, max_pixels: int,
                 keep_s: float = 0, clock=time.time) -> None:
        self.store, self.storage, self.clock = store, storage, clock
        self.max_side, self.max_pixels = max_side, max_pixels
        self.keep_s = keep_s  # PHOTO_RETENTION: 0 keeps each photo as long as its route

    def get(self, key: str) -> dict | None:
        return self.store.get_doc(KIND, key) if KEY.fullmatch(key or "") else None

    def add(self, route_id: str, stop: int, key: str, data: bytes,
            limit: int = MAX_PER_ROUTE) -> tuple[dict, bool]:
        """Keep a photo of a stop; answer its record and whether it is new. Raises
        PhotoRefused (not a photo) or PhotoConflict (the key is another stop's, or the route
        has `limit` photos already)."""
        known = self.get(key)
        if known is not None:
            if known["route_id"] != route_id or known["stop"] != stop:
                raise PhotoConflict("key", "names a photo of another stop")
            return known, False
        logged = len(self.store.read_log(LOG, route_id))
        if logged - len(self.store.read_log(FREED, route_id)) >= limit or logged >= LOG_MAX:
            raise PhotoConflict("photo", f"this route has {limit} photos already: no more "
                                         "are kept")
        jpeg, width, height = clean(data, self.max_side, self.max_pixels)
        doc = {"route_id": route_id, "stop": stop, "name": f"{route_id}/{key}.jpg",
               "bytes": len(jpeg), "width": width, "height": height,
               "created_at": self.clock()}
        # The file first: a record never names a photo that is not there.
        self.storage.put(doc["name"], jpeg)
        due = doc["created_at"] + self.keep_s if self.keep_s > 0 else None
        if not self.store.add_doc(KIND, key, doc, due=due, log=(LOG, route_id, LOG_MAX)):
            return self.add(route_id, stop, key, data)  # the same key raced in: answer it
        return doc, True

    def of_stop(self, key: str | None, route_id: str, stop: int) -> dict | None:
        """The photo `key` if it was taken at this route's stop, else None."""
        doc = self.get(key) if isinstance(key, str) else None
        return doc if doc and doc["route_id"] == route_id and doc["stop"] == stop else None

    def release(self, key: str, route_id: str, stop: int) -> bool:
        """Delete the photo `key` of this route's stop (its event was refused: the photo is
        then neither kept nor counted); answer whether it was there."""
        doc = self.of_stop(key, route_id, stop)
        if doc is None:
            return False  # not this stop's photo: its own event may still come
        try:
            self.storage.delete(doc["name"])  # the file first: a record never outlives it
        except OSError:
            return False  # storage down: the photo stays, counted, until the route goes
        if not self.store.delete_doc(KIND, key):
            return False  # another request released it first
        self.store.unschedule(KIND, key)
        self.store.append_log(FREED, route_id, {"id": key}, LOG_MAX)
        return True

    def read(self, doc: dict) -> bytes | None:
        try:
            return self.storage.get(doc["name"])
        except OSError as exc:  # a directory gone, a bucket down: 503, retry, never a 500
            raise StoreUnavailable(f"photo storage: {exc.strerror or exc}") from None

    def sweep(self, limit: int = 200) -> int:
        """Delete the photos past PHOTO_RETENTION (the route and its proof's words stay);
        answer how many."""
        gone = 0
        for key in self.store.claim_due(KIND, self.clock(), limit):
            doc = self.store.get_doc(KIND, key)
            if doc is not None:
                self.storage.delete(doc["name"])
                self.store.delete_doc(KIND, key)
                gone += 1
        return gone

    def forget(self, route_id: str) -> None:
        for entry in self.store.read_log(LOG, route_id):
            doc = self.store.get_doc(KIND, entry["id"])
            if doc is not None:
                self.storage.delete(doc["name"])
                self.store.delete_doc(KIND, entry["id"])
                self.store.unschedule(KIND, entry["id"])
        self.store.delete_log(LOG, route_id)
        self.store.delete_log(FREED, route_id)
