"""Who is signed in to the dashboard, read from the session cookie: for pages and sockets alike.

Apart from app/access/sessions.py (the records, which the retention sweep also imports) so that
the records stay free of Flask's request state.
"""

from __future__ import annotations

from flask import session

from app.access.sessions import Sessions
from app.extensions import services

# The cookie's fields: the key's id (never the key: the cookie is only signed) and the session.
KEY_ID, SESSION_ID = "key_id", "sid"


def sessions() -> Sessions:
    """The dashboard sessions in the app's store."""
    return Sessions(services().store)


def signed_in_seller() -> str | None:
    """The seller this browser is signed in as (pages and the dashboard's socket); None once
    signed out (anywhere the cookie was copied to) or once the key used is revoked."""
    key_id = session.get(KEY_ID)
    if key_id is None or sessions().key_id(session.get(SESSION_ID)) != key_id:
        return None
    return services().sellers.active(key_id)
