"""Seller keys: who a key belongs to, kept as hashes in the store so every process shares them.

SELLER_KEYS (config) only bootstraps keys; sellers then create and revoke their own through
/api/v1/keys. A revoked key leaves a tombstone, so a restart with the same SELLER_KEYS does not
bring it back.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from app.access.tokens import hash_token
from app.store import Store, StoreFull

KEYS, REVOKED = "seller_key", "seller_key_revoked"
MAX_KEYS_PER_SELLER = 20
# last_used_at is written at most this often per key and process: not one store write per call.
TOUCH_EVERY_S = 60.0


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """What a seller may see of a key record: never the key, never its hash."""
    return {k: record.get(k) for k in ("key_id", "created_at", "last_used_at", "source")}


class Sellers:
    def __init__(self, store: Store, bootstrap: dict[str, str]) -> None:
        self._store = store
        self._bootstrap = bootstrap
        self._ready = False
        self._touched: dict[str, float] = {}

    def _ensure_bootstrapped(self) -> None:
        # Lazily, and again until it succeeds: the store may be down when the process starts.
        if self._ready:
            return
        for seller, key in self._bootstrap.items():
            h = hash_token(key)
            if self._store.get_doc(KEYS, h) is None and self._store.get_doc(REVOKED, h) is None:
                # A stable id: every process bootstrapping the same key agrees on it.
                key_id = "key_" + hashlib.sha256(f"key-id:{h}".encode()).hexdigest()[:16]
                self._store.put_doc(KEYS, h, {"key_id": key_id, "seller_id": seller, "hash": h,
                                              "created_at": time.time(), "last_used_at": None,
                                              "source": "config"})
        self._ready = True

    def record_for_key(self, key: str | None) -> dict[str, Any] | None:
        """The key's record (key_id, seller_id, ...) if the key is valid and not revoked."""
        if not key or len(key) > 200:
            return None
        self._ensure_bootstrapped()
        # A lookup by hash: the timing reveals nothing about the key itself.
        record = self._store.get_doc(KEYS, hash_token(key))
        if record is not None:
            self._touch(record)
        return record

    def active(self, key_id: str | None) -> str | None:
        """The seller of a key id that is still valid (dashboard sessions re-check this)."""
        if not key_id:
            return None
        self._ensure_bootstrapped()
        record = next((r for r in self._store.list_docs(KEYS) if r["key_id"] == key_id), None)
        return record["seller_id"] if record else None

    def list(self, seller_id: str) -> list[dict[str, Any]]:
        self._ensure_bootstrapped()
        mine = [r for r in self._store.list_docs(KEYS) if r["seller_id"] == seller_id]
        return [_public(r) for r in sorted(mine, key=lambda r: r["created_at"])]

    def create(self, seller_id: str) -> tuple[str, dict[str, Any]] | None:
        """A new key for the seller (the only time it is shown), or None at the key limit."""
        if len(self.list(seller_id)) >= MAX_KEYS_PER_SELLER:
            return None
        key = "sk_" + secrets.token_urlsafe(32)
        h = hash_token(key)
        record = {"key_id": "key_" + secrets.token_hex(8), "seller_id": seller_id, "hash": h,
                  "created_at": time.time(), "last_used_at": None, "source": "api"}
        self._store.put_doc(KEYS, h, record)
        return key, _public(record)

    def revoke(self, seller_id: str, key_id: str) -> bool:
        """Revoke one of the seller's keys; another seller's key id answers False, like none."""
        self._ensure_bootstrapped()
        for record in self._store.list_docs(KEYS):
            if record["key_id"] == key_id and record["seller_id"] == seller_id:
                self._store.put_doc(REVOKED, record["hash"], {"key_id": key_id,
                                                              "revoked_at": time.time()})
                self._store.delete_doc(KEYS, record["hash"])
                return True
        return False

    def _touch(self, record: dict[str, Any]) -> None:
        now = time.time()
        if now - self._touched.get(record["hash"], 0.0) < TOUCH_EVERY_S:
            return
        self._touched[record["hash"]] = now
        record["last_used_at"] = now
        # Only if the key still exists: a write racing a revocation must not resurrect it.
        if self._store.get_doc(KEYS, record["hash"]) is not None:
            try:
                self._store.put_doc(KEYS, record["hash"], record)
            except StoreFull:  # bookkeeping only: a full store must not refuse a seller's read
                self._touched[record["hash"]] = 0.0
