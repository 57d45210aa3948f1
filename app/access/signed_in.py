"""Who the seller is: one rule for the API, the pages and the sockets.

A seller shows either a key (the API's Authorization header, a socket's `seller_key`, the
sign-in form) or the session cookie that signing in set (pages, and the dashboard's socket,
which never embeds the key). `seller()` reads whichever of the two the door takes:

- a key is looked up under the guessing limit: an address with too many wrong keys is refused
  (`limits.Limited`) before its key is even looked at, and a wrong or missing key counts
  against the address;
- a cookie counts while its session is open (signing out anywhere ends it) and its key is not
  revoked.

Apart from app/access/sessions.py (the records, which the retention sweep also imports) so that
the records stay free of Flask's request state.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import session

from app.access import limits
from app.access.sessions import Sessions
from app.extensions import services

# The cookie's fields: the key's id (never the key: the cookie is only signed) and the session.
KEY_ID, SESSION_ID = "key_id", "sid"


@dataclass(frozen=True)
class Seller:
    seller_id: str
    key_id: str  # the key shown, or the one the cookie's session was opened with


def sessions() -> Sessions:
    """The dashboard sessions (the registry's, app/wiring.py)."""
    return services().sessions


def seller(key: object = None, *, cookie: bool = False) -> Seller | None:
    """The seller behind this request, or None.

    `key`: the key the request shows, if the door takes one (None: none shown). `cookie`: the
    door also takes the signed-in session cookie, read when no key is shown. A key that is not
    text (a socket's auth is any JSON) is refused without a lookup."""
    if key is None and cookie:
        key_id = session.get(KEY_ID)
        if key_id is None or sessions().key_id(session.get(SESSION_ID)) != key_id:
            return None
        seller_id = services().sellers.active(key_id)
        return None if seller_id is None else Seller(seller_id, key_id)
    if key is not None and not isinstance(key, str):
        return None
    limits.check_sign_ins()
    record = services().sellers.record_for_key(key)
    if record is None:
        limits.failed_sign_in()
        return None
    return Seller(record["seller_id"], record["key_id"])


def signed_in_seller() -> str | None:
    """The seller this browser is signed in as (pages); None once signed out (anywhere the
    cookie was copied to) or once the key used is revoked."""
    found = seller(cookie=True)
    return None if found is None else found.seller_id
