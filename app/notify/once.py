"""At most once, across processes and restarts, with nothing but the store's bounded logs.

Every claimant appends its own nonce to the key's log, then reads the log back: the log keeps
the order appends happened in (one Redis RPUSH each), so every claimant sees the same first
entry, and only the one whose nonce it is goes ahead. A second claim, even after a restart,
finds an older entry first.
"""

from __future__ import annotations

import secrets

from app.store import Store

KIND = "once"
# Entries beyond the first only ever come from losing claimants; a few are plenty.
MAX_CLAIMS = 16


def first_claim(store: Store, key: str, owner: str | None = None) -> bool:
    """Whether this call is the first ever for `key`, or, with `owner`, whether that owner
    claimed it first (a job retried after a failure goes on with what it had claimed)."""
    nonce = owner or secrets.token_hex(8)
    store.append_log(KIND, key, {"nonce": nonce}, MAX_CLAIMS)
    entries = store.read_log(KIND, key)
    return bool(entries) and entries[0].get("nonce") == nonce
