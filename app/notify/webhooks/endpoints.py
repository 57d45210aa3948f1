"""The seller's webhook endpoints: URL, chosen event types, secret, and how deliveries went."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from app.domain.hours import iso_utc
from app.store import Store

KIND = "webhook"
EVENT_TYPES = ("route_started", "out_for_delivery", "approaching", "arriving", "delivered",
               "attempted", "returned", "feedback_request", "feedback")


class Endpoints:
    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store, self.clock = store, clock

    def create(self, seller_id: str, url: str, events: list[str]) -> dict:
        doc = {"id": "wh_" + secrets.token_hex(8), "seller_id": seller_id, "url": url,
               "events": events, "secret": "whsec_" + secrets.token_urlsafe(24),
               "created_at": self.clock(), "last_status": None, "last_error": None,
               "last_attempt_at": None, "delivered": 0, "failed_attempts": 0}
        self.store.put_doc(KIND, doc["id"], doc)
        return doc

    def get(self, webhook_id: str) -> dict | None:
        return self.store.get_doc(KIND, webhook_id)

    def for_seller(self, seller_id: str) -> list[dict]:
        docs = [d for d in self.store.list_docs(KIND) if d["seller_id"] == seller_id]
        return sorted(docs, key=lambda d: d["created_at"])

    def for_event(self, seller_id: str, event_type: str) -> list[dict]:
        return [d for d in self.for_seller(seller_id) if event_type in d["events"]]

    def delete(self, webhook_id: str) -> bool:
        return self.store.delete_doc(KIND, webhook_id)

    def record(self, webhook_id: str, ok: bool, status: int | None, error: str | None) -> None:
        """Keep the endpoint's latest attempt visible to the seller (last writer wins)."""
        doc = self.get(webhook_id)
        if doc is None:
            return
        doc.update(last_status=status, last_error=error, last_attempt_at=self.clock())
        doc["delivered" if ok else "failed_attempts"] += 1
        self.store.put_doc(KIND, webhook_id, doc)


def public(doc: dict, with_secret: bool = False) -> dict:
    """An endpoint as the seller sees it; the secret only once, at creation."""
    out = {k: doc[k] for k in ("id", "url", "events", "last_status", "last_error", "delivered",
                               "failed_attempts")}
    out["created_at"] = iso_utc(doc["created_at"])
    out["last_attempt_at"] = iso_utc(doc["last_attempt_at"])
    if with_secret:
        out["secret"] = doc["secret"]
    return out
