"""Identifiers and secrets: tracking ids people read aloud, tokens nobody can guess."""

from __future__ import annotations

import hashlib
import re
import secrets

# Crockford's base32 without I, L, O, U: nothing to misread on a phone call.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# The network's own tracking ids: DS and 10 characters of the alphabet (the lookup page's test).
TRACKING_ID = re.compile(f"DS[{_ALPHABET}]{{10}}")


def new_tracking_id() -> str:
    return "DS" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def new_route_id() -> str:
    return "r_" + secrets.token_hex(8)


def new_customer_token() -> str:
    return secrets.token_urlsafe(18)  # 144 bits


def new_driver_token() -> str:
    return "dt_" + secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """Secrets are stored hashed, so a leaked store does not leak working tokens."""
    # surrogatepass: a lone surrogate (`"\ud800"` in socket auth or JSON) hashes to a value no
    # token has, instead of raising UnicodeEncodeError in whatever door it came through.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
