"""Phone numbers in E.164 (`+358401234567`): the only form an SMS gateway accepts unambiguously.

A seller types the number as the customer gave it, often in national form (`040 123 4567`). It is
read with the delivery area's country, taken from the route's time zone: a small table for the
countries whose numbers start with a trunk `0`, not the `phonenumbers` package (a 40 MB download
for one rule).
"""

from __future__ import annotations

import re

# "+", a country code that never starts with 0, then up to 14 more digits (ITU-T E.164: 15 max).
_E164 = re.compile(r"\+[1-9]\d{6,14}")
# People type spaces, dashes, dots and brackets; none of them changes the number.
_SEPARATORS = re.compile(r"[\s\-.()/]")
# A national number: the trunk 0, then the area or mobile prefix and the subscriber's digits.
_NATIONAL = re.compile(r"0[1-9]\d{4,12}")
DEFAULT_COUNTRY = "FI"
PHONE_HINT = ("must be a phone number: +358 40 123 4567, or in national form (040 123 4567) where "
              "the route's time zone names a country")
# Country -> calling code, for countries whose national numbers drop a trunk 0 (ITU-T E.164 list).
CALLING_CODES = {"FI": "358", "SE": "46", "DE": "49", "AT": "43", "GB": "44", "FR": "33",
                 "NL": "31", "BE": "32", "CH": "41", "IE": "353"}
# The time zones of those countries: the route's zone names its delivery area's country.
_ZONE_COUNTRY = {"Europe/Helsinki": "FI", "Europe/Mariehamn": "FI", "Europe/Stockholm": "SE",
                 "Europe/Berlin": "DE", "Europe/Vienna": "AT", "Europe/London": "GB",
                 "Europe/Paris": "FR", "Europe/Amsterdam": "NL", "Europe/Brussels": "BE",
                 "Europe/Zurich": "CH", "Europe/Dublin": "IE"}


def country_of(timezone: str | None) -> str | None:
    """The country whose national numbers a route in this zone reads, or None (no table entry)."""
    return _ZONE_COUNTRY.get(timezone or "")


def normalize(raw: object, country: str | None = DEFAULT_COUNTRY) -> str | None:
    """The number in E.164, or None when it is not one (a national number with no known country)."""
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    number = _SEPARATORS.sub("", raw.strip())
    if number.startswith("00"):
        number = "+" + number[2:]
    elif country in CALLING_CODES and _NATIONAL.fullmatch(number):
        number = "+" + CALLING_CODES[country] + number[1:]
    return number if _E164.fullmatch(number) else None


def mask(number: str | None) -> str | None:
    """`+35840*****67`: enough for the owner to recognise, too little for anyone else to use."""
    if not number:
        return None
    keep_head = min(6, len(number) - 4)
    return number[:keep_head] + "*" * (len(number) - keep_head - 2) + number[-2:]
