"""Who is calling: a seller key or a driver token from the Authorization header."""

from __future__ import annotations

from flask import request

from ..services import services
from .errors import ApiError


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def require_seller() -> str:
    seller = services().sellers.for_key(bearer())
    if seller is None:
        raise ApiError(401, "a valid seller key is required (Authorization: Bearer <key>)",
                       "Authorization")
    return seller
