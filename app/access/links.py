"""Customer links: the token is derived from SECRET_KEY and the tracking id, and only its hash
is stored, so a copy of the store (a Redis dump, a backup) opens no tracking page.

The seller still gets the link back (dashboard, texts, the demo's front page) because the server
can derive it again. That needs the same SECRET_KEY as at registration: after a change, links
already sent keep working (their hashes are stored) but cannot be shown again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from app.access.tokens import hash_token

_PURPOSE = b"doorstep customer link"


def customer_token(secret_key: str, tracking_id: str) -> str:
    """The link's secret for a shipment: 144 bits, unguessable without SECRET_KEY."""
    key = hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()
    mac = hmac.new(key, tracking_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def token_of(secret_key: str, shipment) -> str | None:
    """The token behind a stored shipment (record or Shipment), or None when it cannot be
    derived again (SECRET_KEY changed since the shipment was registered)."""
    get = shipment.get if isinstance(shipment, dict) else lambda k: getattr(shipment, k, None)
    if not secret_key:
        return None
    token = customer_token(secret_key, get("tracking_id"))
    return token if hmac.compare_digest(hash_token(token), get("token_hash") or "") else None
