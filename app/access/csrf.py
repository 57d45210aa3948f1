"""A per-session CSRF token, checked on every state-changing request of the signed-in pages.

Forms carry it in a hidden `csrf_token` field, fetches in the `X-CSRF-Token` header.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def token() -> str:
    """This session's token, created on first use."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


MESSAGE = "missing or wrong CSRF token; reload the page and try again"


def valid() -> bool:
    """Whether the request is safe or carries this session's token."""
    if request.method in SAFE_METHODS:
        return True
    sent = request.headers.get(HEADER) or request.form.get(FIELD) or ""
    expected = session.get(FIELD)
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def check() -> None:
    """Abort with 400 unless a state-changing request carries this session's token."""
    if not valid():
        abort(400, description=MESSAGE)
