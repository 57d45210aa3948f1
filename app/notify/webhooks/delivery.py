"""One webhook delivery: a stable JSON event, signed with the endpoint's secret, POSTed once."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets

import requests

from app.domain.hours import iso_utc
from app.notify.providers import Outcome, http_outcome
from app.notify.webhooks.targets import RefusedTarget, session

SIGNATURE_HEADER = "X-Doorstep-Signature"


def build_event(event_type: str, data: dict, now: float) -> dict:
    """`{"id", "type", "created_at", "data"}`: the id stays the same across retries."""
    return {"id": "evt_" + secrets.token_hex(10), "type": event_type,
            "created_at": iso_utc(now), "data": data}


def encode(event: dict) -> bytes:
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the exact bytes sent, keyed with the endpoint's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_event(url: str, secret: str, event: dict, timeout: float,
               allow_private: bool = False, verify: str | bool = True) -> Outcome:
    body = encode(event)
    headers = {"Content-Type": "application/json", "User-Agent": "Doorstep-Webhooks/1",
               "X-Doorstep-Event": event["type"], "X-Doorstep-Delivery": event["id"],
               SIGNATURE_HEADER: sign(secret, body)}
    try:
        # No redirects: a signed body must reach the URL the seller registered, not another
        # (nor an internal address a redirect points to).
        with session(allow_private, verify) as s:
            resp = s.post(url, data=body, headers=headers, timeout=(3.0, timeout),
                          allow_redirects=False)
            resp.close()
    except RefusedTarget:
        # Not retried: the address the name gave is one webhooks may never reach.
        return Outcome(False, error="refused: the URL's host is not a public address")
    except requests.RequestException as exc:
        return http_outcome(None, exc)
    except (UnicodeError, ValueError):
        # A URL stored before registration checked its host (a label over 63 bytes, say):
        # an attempt that failed and counts towards the last one, not a store hiccup retried
        # for ever.
        return Outcome(False, error="refused: the URL's host name is not valid")
    return http_outcome(resp)


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds before the next attempt: base, 2 base, 4 base ... up to cap, with 10% jitter
    so that many deliveries failed by one outage do not all return at the same instant."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.9, 1.1)  # nosec B311 # retry jitter, not a secret
