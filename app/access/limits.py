"""Limits on work, counted where everything else is kept (memory://, or the same Redis).

Limits count the work a request asks for (fixes, shipments, device claims), not requests: one
request carrying 5,000 fixes costs 5,000. Each limit is attached to its view, as a decorator
(`per_key`) or, where the cost is known only once the body is read, as a `take` call in the view
itself. The guessing limit on seller keys is applied where every door reads them
(app/access/signed_in.py).

Limits fail closed: when the store cannot count (Redis away or full), the request answers 503,
like every other write would. Nothing is let through uncounted.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections import Counter
from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse

from app.extensions import services
from app.store import StoreFull, StoreUnavailable

log = logging.getLogger(__name__)


class Limited(Exception):
    """Answered 429 with Retry-After and a JSON body naming what was limited."""

    def __init__(self, what: str, field: str | None, retry_after: int,
                 message: str | None = None) -> None:
        super().__init__(message or f"too many {what}; retry in {retry_after} s")
        self.message, self.field, self.retry_after = str(self), field, retry_after


def init_app(app: Flask) -> None:
    services(app).limiter.init_app(app)


def now() -> float:
    """The clock of the fixed windows (`take`); tests start it mid-window (tests/conftest.py)."""
    return time.time()


def _unavailable(exc: Exception) -> StoreUnavailable:
    """A failed count as the store's 503: full (OOM) or away."""
    log.warning("rate limit storage unavailable: %s", exc)
    if "maxmemory" in str(exc) or type(exc).__name__ == "OutOfMemoryError":
        return StoreFull(str(exc))
    return StoreUnavailable(str(exc))


def describe(item: RateLimitItem) -> str:
    """`limits`' item as words: "3000 per 1 minute"."""
    return f"{item.amount} per {item.multiples} {item.GRANULARITY.name}"


def take(setting: str, what: str, field: str | None, costs: dict[str, int]) -> dict[str, Limited]:
    """Take each key's cost from its budget under `setting`, in one store call (a fixed window);
    answer the keys refused. A refusal takes nothing, except that a cost larger than the whole
    window uses the window up (Store.take): a flood is then refused with a cost of 0."""
    item = parse(current_app.config[setting])
    period = item.get_expiry()
    at = now()
    window = int(at // period)
    refused = services().store.take(setting, costs, item.amount, window, period)
    retry = max(1, math.ceil((window + 1) * period - at))
    out = {}
    for key in refused:
        # More than a whole window holds can never pass: say so, rather than "retry".
        message = (f"{costs[key]} {what} is more than the {describe(item)} allowed: send "
                   "smaller batches") if costs[key] > item.amount else None
        out[key] = Limited(what, field, retry, message)
    return out


def amount(setting: str) -> int:
    """How much a window of `setting` holds (`10000/hour`: 10,000)."""
    return parse(current_app.config[setting]).amount


def take_one(setting: str, what: str, field: str | None, key: str, cost: int = 1) -> None:
    """`take` for one key; raise Limited when it is over."""
    over = take(setting, what, field, {key: cost})
    if over:
        raise over[key]


def per_driver(route_ids: list[str], setting: str, what: str,
               field: str) -> dict[str, Limited]:
    """Take one unit per item from its driver's budget under `setting` (a `*_PER_DRIVER`), then
    from its seller's (the matching `*_PER_SELLER`): many drivers of one seller cannot add up
    to more than the seller may send. Answer the routes refused."""
    over = take(setting, f"{what} for this driver", field, Counter(route_ids))
    reads = services().reads
    seller_of = {rid: reads.route(rid).seller_id for rid in set(route_ids) - set(over)}
    sellers = Counter(seller_of[rid] for rid in route_ids if rid in seller_of)
    refused = take(setting.replace("_PER_DRIVER", "_PER_SELLER"), f"{what} for this seller",
                   field, sellers)
    return over | {rid: refused[s] for rid, s in seller_of.items() if s in refused}


def per_key(setting: str, what: str, field: str | None, key: Callable[..., str]):
    """Attach a limit to a view: each request costs one, counted for `key(**view_args)`."""
    def wrap(view):
        @functools.wraps(view)
        def limited(*args, **kwargs):
            take_one(setting, what, field, key(**kwargs))
            return view(*args, **kwargs)
        return limited
    return wrap


def check_sign_ins(setting: str = "SIGNIN_FAILURE_RATE", what: str = "failed sign-ins from "
                   "this address", field: str = "Authorization") -> None:
    """Refuse an address with too many failed sign-ins, before its key is even looked at:
    answering only failures would still tell a guesser which key was right."""
    limiter = services().limiter.limiter
    item = parse(current_app.config[setting])
    address = get_remote_address()
    try:
        if limiter.test(item, setting, address):
            return
        reset = limiter.get_window_stats(item, setting, address).reset_time
    except Exception as exc:
        raise _unavailable(exc) from exc
    raise Limited(what, field, max(1, math.ceil(reset - time.time())))


def failed_sign_in(setting: str = "SIGNIN_FAILURE_RATE") -> None:
    """Count a wrong credential (API, socket, sign-in form, phone) against the caller's address."""
    limiter = services().limiter.limiter
    try:
        limiter.hit(parse(current_app.config[setting]), setting, get_remote_address())
    except Exception as exc:
        raise _unavailable(exc) from exc
