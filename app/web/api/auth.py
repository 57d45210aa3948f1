"""Who is calling: a seller key or a driver token from the Authorization header."""

from __future__ import annotations

from flask import request

from app.access.signed_in import Seller, seller
from app.web.api.errors import ApiError


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def require_seller_key() -> Seller:
    """The seller whose key the caller shows (app/access/signed_in.py: the one rule for API,
    pages and sockets; wrong keys count against the caller's address)."""
    found = seller(bearer())
    if found is None:
        raise ApiError(401, "a valid seller key is required (Authorization: Bearer <key>)",
                       "Authorization")
    return found


def require_seller() -> str:
    return require_seller_key().seller_id
