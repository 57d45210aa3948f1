"""Turn request JSON into domain objects, or say exactly which field is wrong."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from app.domain import sizes
from app.domain.model import ATTEMPT_REASONS, PROGRAMS, STOP_EVENTS, VEHICLES, Fix, StopEvent
from app.web.numbers import to_float
from app.web.times import refusal


class InvalidField(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def obj(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidField(field, "must be a JSON object")
    return value


def encodable(value: str) -> bool:
    """JSON may carry lone surrogates (`"\\ud800"`): stored, they break every page showing them."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _given(d: dict, name: str, field: str, required: bool):
    """The field's value; None when it is absent and optional; InvalidField when required."""
    value = d.get(field)
    if value is None and required:
        raise InvalidField(name, "is required")
    return value


def number(d: dict, field: str, lo: float | None = None, hi: float | None = None,
           required: bool = True, prefix: str = "") -> float | None:
    name = prefix + field
    value = _given(d, name, field, required)
    if value is None:
        return None
    # bool is an int in Python; true/false as a coordinate is a client bug, not a number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidField(name, "must be a number")
    value = to_float(value)
    if value is None:
        raise InvalidField(name, "must be a finite number")
    if lo is not None and value < lo or hi is not None and value > hi:
        raise InvalidField(name, f"must be between {lo:g} and {hi:g}")
    return value


def text(d: dict, field: str, max_len: int = 200, required: bool = True,
         prefix: str = "") -> str | None:
    name = prefix + field
    value = _given(d, name, field, required)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(name, "must be a string")
    if not encodable(value):
        raise InvalidField(name, "must be valid Unicode text")
    if "\x00" in value:  # a NUL ends the string in C (a printer, a CSV reader): never wanted
        raise InvalidField(name, "must not hold NUL characters")
    value = value.strip()
    if required and not value:
        raise InvalidField(name, "must not be empty")
    if len(value) > max_len:
        raise InvalidField(name, f"must be at most {max_len} characters")
    return value


def choice(d: dict, field: str, options: tuple[str, ...], default: str | None = None,
           prefix: str = "") -> str:
    value = d.get(field, default)
    if value not in options:
        raise InvalidField(prefix + field, "must be one of " + ", ".join(options))
    return value


def timestamp(d: dict, field: str = "timestamp", prefix: str = "") -> float:
    """Epoch seconds (number) or ISO 8601 with an offset, within the window of the server's
    clock that fixes and events must fall in (app/web/times.py)."""
    ts = moment(d, field, prefix)
    refused = refusal(ts)
    if refused:
        raise InvalidField(prefix + field, refused)
    return ts


def moment(d: dict, field: str, prefix: str = "") -> float:
    """Epoch seconds (number) or ISO 8601 with an offset (naive times are ambiguous); NaN for
    a date no epoch time can hold, for the caller's range check to refuse."""
    name = prefix + field
    value = d.get(field)
    if value is None:
        raise InvalidField(name, "is required")
    if not isinstance(value, str):
        return number(d, field, prefix=prefix)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidField(name, "must be ISO 8601 or epoch seconds") from None
    if parsed.tzinfo is None:
        raise InvalidField(name, "must include a UTC offset")
    try:
        return parsed.timestamp()
    except (OverflowError, ValueError):  # year 1 with a positive offset, year 9999 behind
        return math.nan


def latlon(d: dict, prefix: str = "") -> tuple[float, float]:
    return number(d, "lat", -90, 90, prefix=prefix), number(d, "lon", -180, 180, prefix=prefix)


def fix(d: Any, prefix: str = "") -> Fix:
    d = obj(d, prefix.rstrip(".") or "body")
    lat, lon = latlon(d, prefix)
    return Fix(
        lat=lat,
        lon=lon,
        timestamp=timestamp(d, prefix=prefix),
        speed=number(d, "speed", 0, 1000, required=False, prefix=prefix),
        heading=_heading(number(d, "heading", -360, 720, required=False, prefix=prefix)),
        accuracy=number(d, "accuracy", 0, 100000, required=False, prefix=prefix),
    )


def _heading(value: float | None) -> float | None:
    return None if value is None else value % 360.0


def stop_event(d: Any, prefix: str = "") -> StopEvent:
    d = obj(d, prefix.rstrip(".") or "body")
    kind = choice(d, "type", STOP_EVENTS, prefix=prefix)
    stop = d.get("stop")
    if kind in ("arrived", "picked_up", "delivered", "attempted"):
        if isinstance(stop, bool) or not isinstance(stop, int):
            raise InvalidField(prefix + "stop", "must be the stop's index (an integer)")
    elif stop is not None:
        raise InvalidField(prefix + "stop", f"is not used by {kind}")
    reason = None
    if kind == "attempted":
        reason = choice(d, "reason", ATTEMPT_REASONS, prefix=prefix)
    proof = None
    if kind == "delivered" and d.get("proof") is not None:
        p, at = obj(d["proof"], prefix + "proof"), prefix + "proof."
        proof = {
            "left_at": text(p, "left_at", sizes.PROOF_LEFT_AT, required=False, prefix=at),
            "note": text(p, "note", sizes.PROOF_NOTE, required=False, prefix=at),
            "photo": text(p, "photo", sizes.PROOF_PHOTO, required=False, prefix=at),
            "signature": text(p, "signature", sizes.PROOF_SIGNATURE, required=False, prefix=at),
        }
    return StopEvent(
        type=kind,
        timestamp=timestamp(d, prefix=prefix),
        stop=stop,
        shipment=text(d, "shipment", sizes.SHIPMENT, required=False, prefix=prefix),
        reason=reason,
        proof=proof,
    )


def batch(body: Any, key: str, max_items: int) -> tuple[list, bool]:
    """The items of `{"key": [...]}`, or the body itself as one item. Returns (items, batched)."""
    body = obj(body, "body")
    if key not in body:
        return [body], False
    items = body[key]
    if not isinstance(items, list):
        raise InvalidField(key, "must be a list")
    if not items:
        raise InvalidField(key, "must not be empty")
    if len(items) > max_items:
        raise InvalidField(key, f"must hold at most {max_items} items")
    return items, True


__all__ = ["InvalidField", "PROGRAMS", "VEHICLES", "batch", "fix", "stop_event"]
