"""Driver links: the seller hands a route to a courier's phone as a link (or its QR code).

A driver link carries its own token (`da_...`), separate from the route's API driver token
(shown once at registration and kept by the seller's software): it can be revoked and made
again without touching the API client. Only the token's hash is stored. With SECRET_KEY set the
token is derived from it, the route id and a generation number, so the dashboard can show the
same link again; revoking drops the hash and the next link gets the next generation.

The token travels in the link's fragment (`/drive#da_...`): browsers never send a fragment to
the server, so it is in no access log and no Referer, and the page sends it in the
Authorization header like any driver token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from app.access.tokens import hash_token
from app.store import Store

PREFIX = "da_"
KIND = "driver_link"  # token hash -> {route_id, seller_id, created_at}
ROUTE_KIND = "driver_link_route"  # route id -> {hash, generation}
_PURPOSE = b"doorstep driver link"


def derive(secret_key: str, route_id: str, generation: int) -> str:
    key = hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()
    mac = hmac.new(key, f"{route_id}:{generation}".encode(), hashlib.sha256).digest()
    return PREFIX + base64.urlsafe_b64encode(mac[:24]).decode()


class DriverLinks:
    def __init__(self, store: Store, secret_key: str, clock=time.time) -> None:
        self.store, self.secret_key, self.clock = store, secret_key, clock

    def create(self, route_id: str, seller_id: str) -> str:
        """A new link for the route; any earlier one stops working."""
        current = self.store.get_doc(ROUTE_KIND, route_id) or {"generation": 0}
        self.revoke(route_id)
        generation = current["generation"] + 1
        token = (derive(self.secret_key, route_id, generation) if self.secret_key
                 else PREFIX + secrets.token_urlsafe(24))
        h = hash_token(token)
        self.store.put_doc(KIND, h, {"route_id": route_id, "seller_id": seller_id,
                                     "created_at": self.clock()})
        self.store.put_doc(ROUTE_KIND, route_id, {"hash": h, "generation": generation})
        return token

    def current(self, route_id: str) -> str | None:
        """The route's working link token, derived again; None when there is none or it
        cannot be derived (no SECRET_KEY, or SECRET_KEY changed since it was made)."""
        doc = self.store.get_doc(ROUTE_KIND, route_id)
        if not doc or not doc.get("hash") or not self.secret_key:
            return None
        token = derive(self.secret_key, route_id, doc["generation"])
        return token if hmac.compare_digest(hash_token(token), doc["hash"]) else None

    def exists(self, route_id: str) -> bool:
        doc = self.store.get_doc(ROUTE_KIND, route_id)
        return bool(doc and doc.get("hash"))

    def revoke(self, route_id: str) -> bool:
        """Stop the route's link from working; answer whether there was one."""
        doc = self.store.get_doc(ROUTE_KIND, route_id)
        if not doc or not doc.get("hash"):
            return False
        self.store.delete_doc(KIND, doc["hash"])
        self.store.put_doc(ROUTE_KIND, route_id, {"hash": None,
                                                  "generation": doc["generation"]})
        return True

    def route_for(self, token: str) -> str | None:
        """The route a link token opens, read from the store on every request (never cached:
        a revoked link must stop at once, in every process)."""
        if not token.startswith(PREFIX) or len(token) > 100:
            return None
        doc = self.store.get_doc(KIND, hash_token(token))
        return doc["route_id"] if doc else None

    def forget(self, route_id: str) -> None:
        """Retention: the route is gone, and its link with it."""
        self.revoke(route_id)
        self.store.delete_doc(ROUTE_KIND, route_id)
