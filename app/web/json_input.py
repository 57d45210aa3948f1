"""Request JSON, parsed strictly and once, for every door (API, phone door, dashboard).

orjson refuses what no page could store or show: lone surrogates (`"\\ud800"`), numbers past
float range (a 400-digit integer), NaN and Infinity, nesting past 1024 levels. Its refusal does
not say where, so a refused body is read again by the standard library only to name the field.
Nesting is limited far below 1024: no request here needs more than a few levels, and the
standard library's parser recurses once per level.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 16


class BadJSON(ValueError):
    """A ValueError, so Flask's get_json() treats it as a body that is not JSON."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.field, self.message = field, message


def parse(data: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """The body's value, or BadJSON naming the field (or `body`) and what is wrong."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc):  # no second parse: the standard library would recurse
            raise BadJSON("body", f"is nested too deeply (at most {MAX_DEPTH} levels)") from None
        raise _why(data) from None
    _check_depth(value, max_depth)
    return value


def _check_depth(value: Any, max_depth: int) -> None:
    level = [value] if isinstance(value, dict | list) else []
    for _ in range(max_depth):  # one level of containers at a time: no recursion
        level = [c for v in level for c in (v.values() if isinstance(v, dict) else v)
                 if isinstance(c, dict | list)]
        if not level:
            return
    raise BadJSON("body", f"is nested too deeply (at most {max_depth} levels)")


def _why(data: bytes | str) -> BadJSON:
    try:
        value = json.loads(data)
    except RecursionError:
        return BadJSON("body", f"is nested too deeply (at most {MAX_DEPTH} levels)")
    except ValueError:  # UnicodeDecodeError and digits past Python's int limit are ValueErrors
        return BadJSON("body", "is not valid JSON")
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, dict):
            for k, child in v.items():
                if not _encodable(k):
                    return BadJSON(path or "body", "has a key that is not valid Unicode text")
                stack.append((f"{path}.{k}" if path else k, child))
        elif isinstance(v, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(v))
        elif isinstance(v, str) and not _encodable(v):
            return BadJSON(path or "body", "must be valid Unicode text")
        elif isinstance(v, int | float) and not isinstance(v, bool) and not _finite(v):
            return BadJSON(path or "body", "must be a finite number within float range")
    return BadJSON("body", "is not valid JSON")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _finite(x: float) -> bool:
    try:
        return math.isfinite(float(x))
    except OverflowError:
        return False


class StrictJSON(DefaultJSONProvider):
    """Flask's JSON, reading through `parse` (get_json anywhere is safe).

    Deeper than request bodies: Flask's test client reads responses (the OpenAPI description)
    through it too.
    """

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return parse(s, max_depth=64)
