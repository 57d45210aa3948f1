"""Numbers from outside, parsed one way for every door: finite, ASCII, or refused.

Python's own parsers are too kind for input from the internet: float() and int() read any
Unicode digit ("١٢", full-width digits) and underscores, str.isdigit() is true for "²" which
int() then refuses (a 500 where it was trusted), and float() of a 400-digit JSON integer raises
OverflowError. Traccar refuses all of these; so do we.
"""

from __future__ import annotations

import math
import re
from typing import Any

NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?", re.ASCII)
WHOLE = re.compile(r"\d{1,18}", re.ASCII)  # fits in 64 bits
MAX_TEXT = 64  # longer than any number a phone or a form sends


def to_float(value: Any) -> float | None:
    """A finite float from a JSON number or ASCII decimal text; None when it is not one."""
    if isinstance(value, bool):  # an int in Python, never a number in a request
        return None
    if isinstance(value, int | float):
        try:
            x = float(value)
        except OverflowError:  # an integer past 1e308
            return None
    elif isinstance(value, str) and len(value) <= MAX_TEXT and NUMBER.fullmatch(value.strip()):
        x = float(value)
    else:
        return None
    return x if math.isfinite(x) else None


def to_whole(value: Any) -> int | None:
    """A non-negative integer from ASCII digits (a query parameter, a form field), or None."""
    if isinstance(value, str) and WHOLE.fullmatch(value.strip()):
        return int(value)
    return None
