"""Who is calling: a seller key or a driver token from the Authorization header."""

from __future__ import annotations

from typing import Any

from flask import request

from app.access import limits
from app.extensions import services
from app.web.api.errors import ApiError


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def require_seller_key() -> dict[str, Any]:
    """The caller's seller key record; wrong keys count against the caller's address."""
    limits.check_sign_ins()
    record = services().sellers.record_for_key(bearer())
    if record is None:
        limits.failed_sign_in()
        raise ApiError(401, "a valid seller key is required (Authorization: Bearer <key>)",
                       "Authorization")
    return record


def require_seller() -> str:
    return require_seller_key()["seller_id"]
