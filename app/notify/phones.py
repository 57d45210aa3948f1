"""Phone numbers in E.164 (`+358401234567`): the only form an SMS gateway accepts unambiguously."""

from __future__ import annotations

import re

# "+", a country code that never starts with 0, then up to 14 more digits (ITU-T E.164: 15 max).
_E164 = re.compile(r"\+[1-9]\d{6,14}")
# People type spaces, dashes, dots and brackets; none of them changes the number.
_SEPARATORS = re.compile(r"[\s\-.()]")


def normalize(raw: object) -> str | None:
    """The number in E.164, or None when it is not one (a local number has no country)."""
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    number = _SEPARATORS.sub("", raw.strip())
    if number.startswith("00"):
        number = "+" + number[2:]
    return number if _E164.fullmatch(number) else None


def mask(number: str | None) -> str | None:
    """`+35840*****67`: enough for the owner to recognise, too little for anyone else to use."""
    if not number:
        return None
    keep_head = min(6, len(number) - 4)
    return number[:keep_head] + "*" * (len(number) - keep_head - 2) + number[-2:]
