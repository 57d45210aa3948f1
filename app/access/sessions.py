"""Dashboard sessions the server can end: the signed cookie names a session, the store holds it.

Flask's cookie is only signed, so on its own it works until it expires (31 days) even after the
seller signs out; anyone who copied it keeps the dashboard. Each sign-in therefore opens a
session record in the store (memory or Redis, shared by every process), kept under the hash of
its id as tokens are; signing out deletes it, and the cookie stops working everywhere at once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from app.access.tokens import hash_token
from app.store import Store

KIND = "dashboard_session"
# As long as Flask accepts the signed cookie (PERMANENT_SESSION_LIFETIME's default).
LIFETIME_S = 31 * 86400.0


class Sessions:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time,
                 lifetime: float = LIFETIME_S) -> None:
        self.store, self.clock, self.lifetime = store, clock, lifetime

    def open(self, key_id: str) -> str:
        """Start a session for the key; answer its id, for the cookie only."""
        sid = secrets.token_urlsafe(24)
        h = hash_token(sid)
        self.store.put_doc(KIND, h, {"id": h, "key_id": key_id, "created_at": self.clock()})
        return sid

    def key_id(self, sid: object) -> str | None:
        """The key a live session was opened with; None once closed or too old."""
        if not isinstance(sid, str) or not sid or len(sid) > 100:
            return None
        doc = self.store.get_doc(KIND, hash_token(sid))
        if doc is None or self.clock() - doc["created_at"] > self.lifetime:
            return None
        return doc["key_id"]

    def close(self, sid: object) -> None:
        if isinstance(sid, str) and sid:
            self.store.delete_doc(KIND, hash_token(sid))

    def sweep(self) -> int:
        """Forget sessions past their lifetime (never signed out); answer how many."""
        old = [d["id"] for d in self.store.list_docs(KIND)
               if self.clock() - d["created_at"] > self.lifetime]
        for h in old:
            self.store.delete_doc(KIND, h)
        return len(old)
