"""Rate limits, counted where everything else is kept (memory://, or the same Redis).

Flask-Limiter owns the storage and the moving-window strategy; the limits themselves are hit
from the code that knows the key (a driver's route, a tracking link, a caller's address), so a
batch carrying many drivers counts once for each of them.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from app.access.tokens import hash_token
from app.store import StoreUnavailable
from app.wiring import services

log = logging.getLogger(__name__)
EXTENSION = "doorstep_limiter"
# Limits for views other modules own, by URL rule: (setting, what is limited, view arg, field).
RULE_LIMITS = {
    ("POST", "/api/v1/track/<token>/texts"): ("SIGNUP_RATE", "text sign-ups for this link",
                                               "token", "token"),
}

# Endpoints other modules own that check a credential: the failure setting to count against
# the caller's address, how their failure answer looks, and what the 429 says was limited.
CREDENTIAL_CHECKS = {
    "web.sign_in_post": ("SIGNIN_FAILURE_RATE", lambda resp: resp.status_code == 401,
                         "failed sign-ins from this address", "key"),
    # Unknown OsmAnd device ids: a limit of its own, generous enough that a misconfigured phone
    # behind a carrier's NAT does not lock out the other phones sharing its address.
    "osmand.osmand": ("DEVICE_FAILURE_RATE", lambda resp: resp.status_code == 400
                      and (resp.get_json(silent=True) or {}).get("field") == "id",
                      "unknown device ids from this address", "id"),
}


class Limited(Exception):
    """Answered 429 with Retry-After and a JSON body naming what was limited."""

    def __init__(self, what: str, field: str | None, retry_after: int) -> None:
        super().__init__(f"too many {what}; retry in {retry_after} s")
        self.message, self.field, self.retry_after = str(self), field, retry_after


def init_app(app: Flask) -> None:
    url = app.config["STORE_URL"]
    uri = url if url.split(":", 1)[0] in ("redis", "rediss") else "memory://"
    options = {"socket_connect_timeout": 1, "socket_timeout": 1} if uri != "memory://" else {}
    # swallow_errors: a Redis outage must not turn into 500s here; the store answers 503 itself.
    app.extensions[EXTENSION] = Limiter(
        get_remote_address, app=app, storage_uri=uri, storage_options=options,
        strategy="moving-window", key_prefix="doorstep-limits", swallow_errors=True,
    )
    app.before_request(_limit_by_rule)
    app.after_request(_count_failed_credentials)


def hit(setting: str, what: str, key: str, field: str | None) -> None:
    """Count one request against a limit; raise Limited when it is over."""
    limiter = current_app.extensions[EXTENSION].limiter
    item = parse(current_app.config[setting])
    try:
        if limiter.hit(item, setting, key):
            return
        reset = limiter.get_window_stats(item, setting, key).reset_time
    except Exception as exc:  # fail open: a storage outage is reported by the store, as 503
        log.warning("rate limit storage unavailable: %s", exc)
        return
    raise Limited(what, field, max(1, math.ceil(reset - time.time())))


def hit_many(setting: str, what: str, keys: list[str], field: str | None) -> dict[str, Limited]:
    """Count one request for each key in a single store call; answer the keys over the limit.

    For the per-driver position limit: a batch carries up to MAX_BATCH drivers, and one
    round trip per driver (Flask-Limiter's way) cost seconds of latency at 2,000 drivers per
    batch (docs/performance.md). A fixed window in the same store keeps it to one pipeline.
    """
    item = parse(current_app.config[setting])
    period = item.get_expiry()
    now = time.time()
    window = int(now // period)
    try:
        counts = services().store.count_hits(setting, keys, window, period)
    except StoreUnavailable as exc:  # fail open, as hit() does: ingest itself answers 503
        log.warning("rate limit storage unavailable: %s", exc)
        return {}
    retry = max(1, math.ceil((window + 1) * period - now))
    over = zip(keys, counts, strict=True)
    return {k: Limited(what, field, retry) for k, n in over if n > item.amount}


def check_sign_ins(setting: str = "SIGNIN_FAILURE_RATE",
                   what: str = "failed sign-ins from this address",
                   field: str = "Authorization") -> None:
    """Refuse an address with too many failed sign-ins, before its key is even looked at:
    answering only failures would still tell a guesser which key was right."""
    limiter = current_app.extensions[EXTENSION].limiter
    item = parse(current_app.config[setting])
    address = get_remote_address()
    try:
        if limiter.test(item, setting, address):
            return
        reset = limiter.get_window_stats(item, setting, address).reset_time
    except Exception as exc:
        log.warning("rate limit storage unavailable: %s", exc)
        return
    raise Limited(what, field, max(1, math.ceil(reset - time.time())))


def failed_sign_in(setting: str = "SIGNIN_FAILURE_RATE") -> None:
    """Count a wrong seller key (API, socket or sign-in form) against the caller's address."""
    limiter = current_app.extensions[EXTENSION].limiter
    try:
        limiter.hit(parse(current_app.config[setting]), setting, get_remote_address())
    except Exception as exc:
        log.warning("rate limit storage unavailable: %s", exc)


def _limit_by_rule() -> None:
    if request.endpoint in CREDENTIAL_CHECKS:
        setting, _, what, field = CREDENTIAL_CHECKS[request.endpoint]
        check_sign_ins(setting, what, field)
    rule = request.url_rule.rule if request.url_rule else None
    limit = RULE_LIMITS.get((request.method, rule))
    if limit is None:
        return
    setting, what, arg, field = limit
    # Hashed: a tracking token is a secret and must not appear in the limiter's keys.
    hit(setting, what, hash_token(str((request.view_args or {}).get(arg, ""))), field)


def _count_failed_credentials(response):
    setting, failed, _, _ = CREDENTIAL_CHECKS.get(request.endpoint, (None,) * 4)
    if setting and failed(response):
        failed_sign_in(setting)
    return response
