"""Compact JSON text, through orjson where it can.

Encoding is on the hot path: every frame the broadcaster sends, every progress written behind,
every position kept in the history. orjson is about 10x the standard library there (measured:
a fleet frame of 100 routes 2.6 ms -> 0.21 ms; a 12-stop progress 85 us -> 7 us).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson


def dumps(obj: Any, default: Callable[[Any], Any] | None = None) -> str:
    try:
        return orjson.dumps(obj, default=default).decode()
    except TypeError:  # orjson.JSONEncodeError is one
        # What orjson refuses (lone surrogates, integers past 64 bits, non-string keys) the
        # standard library still writes, as it always did here.
        return json.dumps(obj, default=default, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN and other things the standard library accepts
        return json.loads(text)
