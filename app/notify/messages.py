"""Every outgoing message as a record: texts, webhook deliveries and scheduled messages.

A record lives in the store's docs (kind `message`); while it waits it is also on the `message`
timetable, due at its next attempt. The seller's log keeps the ids of their recent messages.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any

from app.domain.hours import iso_utc
from app.notify.phone_numbers import mask
from app.store import Store

KIND = "message"
SELLER_LOG = "seller_messages"
KEPT_PER_SELLER = 2000
WAITING = ("scheduled", "retrying")  # states that can still be sent, or cancelled


def new_id(ns: int, suffix: str | None = None) -> str:
    """A time-ordered id: messages due at the same moment go out in the order they were made
    ("out for delivery" before "approaching"), as the timetable breaks ties by id."""
    return f"msg_{ns:016x}{suffix or secrets.token_hex(3)}"


class MessageIds:
    """The ids of the messages one job (or one feedback request) makes, the same every time it
    is tried: after a store failure half-way, the retry finds what the first try made."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        # Owners' ids start with their creation time in hex (job_<ns>_..., msg_<ns>...).
        head = owner.split("_", 1)[1][:16] if "_" in owner else ""
        try:
            self.base = int(head, 16)
        except ValueError:
            self.base = time.time_ns()

    def id(self, n: int, destination: str) -> str:
        """The id of its `n`th message (in the order they should go) to `destination`."""
        digest = hashlib.sha256(f"{self.owner}|{n}|{destination}".encode()).hexdigest()[:6]
        return new_id(self.base + n, digest)


class Messages:
    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store, self.clock = store, clock

    def create(self, kind: str, seller_id: str, due: float | None, message_id: str | None = None,
               **fields: Any) -> dict:
        """Record a message; due None records it as dropped (quiet hours), never sent.

        With a `message_id` (see MessageIds) a message made before is found, not made twice.
        """
        now = self.clock()
        message_id = message_id or new_id(time.time_ns())
        doc = {"id": message_id, "kind": kind, "seller_id": seller_id,
               "state": "scheduled" if due is not None else "dropped", "created_at": now,
               "due_at": due, "sent_at": None, "attempts": 0, "last_status": None,
               "last_error": None, **fields}
        # The record, its seller's log entry and its timetable entry at once: a store failing
        # half-way leaves none of them, and the job that makes it is tried again.
        if not self.store.add_doc(KIND, message_id, doc, due,
                                  (SELLER_LOG, seller_id, KEPT_PER_SELLER)):
            return self.get(message_id) or doc
        return doc

    def get(self, message_id: str) -> dict | None:
        return self.store.get_doc(KIND, message_id)

    def save(self, doc: dict) -> None:
        self.store.put_doc(KIND, doc["id"], doc)

    def retry_at(self, doc: dict, due: float) -> None:
        doc["state"], doc["due_at"] = "retrying", due
        self.save(doc)
        self.store.schedule(KIND, doc["id"], due)

    def claim(self, limit: int = 50) -> list[str]:
        return self.store.claim_due(KIND, self.clock(), limit)

    def lease(self, message_id: str, seconds: float) -> None:
        """Put a claimed message back for later, in case this process dies while sending it."""
        self.store.schedule(KIND, message_id, self.clock() + seconds)

    def release(self, message_id: str) -> None:
        self.store.unschedule(KIND, message_id)

    def for_seller(self, seller_id: str, limit: int = 100, kind: str | None = None) -> list[dict]:
        """The seller's most recent messages, newest first."""
        found = []
        for entry in reversed(self.store.read_log(SELLER_LOG, seller_id)):
            doc = self.get(entry["id"])
            if doc and (kind is None or doc["kind"] == kind):
                found.append(doc)
                if len(found) >= limit:
                    break
        return found

    def cancel(self, doc: dict) -> bool:
        """Cancel a message still waiting; answer False when it already went (or failed)."""
        if doc["state"] not in WAITING:
            return False
        self.store.unschedule(KIND, doc["id"])
        doc["state"] = "cancelled"
        self.save(doc)
        return True


def public(doc: dict) -> dict:
    """A message as the seller sees it: phone numbers masked, times in ISO 8601 UTC."""
    out = {k: doc.get(k) for k in ("id", "kind", "event", "state", "tracking_id", "route_id",
                                   "attempts", "last_status", "last_error", "body", "note")}
    out["to"] = mask(doc["to"]) if doc["kind"] == "text" else doc.get("to")
    if doc["kind"] == "webhook":
        out["webhook_id"], out["event_id"] = doc.get("webhook_id"), doc["payload"]["id"]
    for key in ("created_at", "due_at", "sent_at"):
        out[key] = iso_utc(doc.get(key))
    return out
