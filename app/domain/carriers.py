"""External carriers' tracking numbers: which carrier, and whether the check digit holds.

Shipments of UPS, FedEx and USPS are tracked by status only (their own systems report it);
only the network's own drivers get a live map, so a match never carries a position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLEAN = re.compile(r"[\s\-]")


@dataclass(frozen=True)
class CarrierMatch:
    carrier: str  # "ups", "fedex", "usps", or "post" for another country's S10 number
    number: str  # normalised: upper case, no spaces or dashes
    valid: bool  # the check digit holds
    format: str  # "ups", "fedex_express", "fedex_ground", "fedex_ground96", "impb", "s10"
    tracking_url: str | None = None
    live_map: bool = False  # never: external carriers are status-only


URLS = {
    "ups": "https://www.ups.com/track?tracknum={}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
}


def _mod10_31(digits: str) -> int:
    """GS1-style check digit: weights 3, 1, 3, ... from the rightmost digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def _ups_check(body: str) -> int:
    # Letters count as digits: A=2, B=3, ... (UPS's own mapping), then weights 1, 2, 1, 2...
    values = [int(c) if c.isdigit() else (ord(c) - ord("A") + 2) % 10 for c in body]
    total = sum(v * (2 if i % 2 else 1) for i, v in enumerate(values))
    return (10 - total % 10) % 10


def _fedex_express_check(body: str) -> int:
    # Weights 1, 3, 7 repeating from the rightmost digit; the sum modulo 11, then 10.
    weights = (1, 3, 7)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(body)))
    return total % 11 % 10


def _s10_check(serial: str) -> int:
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def _match(carrier: str, number: str, valid: bool, fmt: str) -> CarrierMatch:
    url = URLS.get(carrier)
    return CarrierMatch(carrier, number, valid, fmt, url.format(number) if url else None)


def recognise(number: str) -> CarrierMatch | None:
    """The carrier a tracking number belongs to, or None when it fits no known format."""
    n = _CLEAN.sub("", number or "").upper()
    if re.fullmatch(r"1Z[A-Z0-9]{16}", n):
        return _match(
            "ups", n, _ups_check(n[2:-1]) == int(n[-1]) if n[-1].isdigit() else False, "ups"
        )
    if re.fullmatch(r"[A-Z]{2}\d{9}[A-Z]{2}", n):
        carrier = "usps" if n.endswith("US") else "post"
        return _match(carrier, n, _s10_check(n[2:10]) == int(n[10]), "s10")
    if not n.isdigit():
        return None
    if len(n) == 12:
        return _match("fedex", n, _fedex_express_check(n[:-1]) == int(n[-1]), "fedex_express")
    if len(n) == 15:
        return _match("fedex", n, _mod10_31(n[:-1]) == int(n[-1]), "fedex_ground")
    if len(n) == 22 and n.startswith("96"):
        # The 96 barcode carries the 15-digit ground number in its last 15 digits.
        return _match("fedex", n, _mod10_31(n[7:-1]) == int(n[-1]), "fedex_ground96")
    if len(n) == 22:
        return _match("usps", n, _mod10_31(n[:-1]) == int(n[-1]), "impb")
    if len(n) == 20:
        # Older 20-digit labels leave out the "91" application identifier; the check digit
        # is computed either with it or without it.
        check = int(n[-1])
        valid = check in (_mod10_31(n[:-1]), _mod10_31("91" + n[:-1]))
        return _match("usps", n, valid, "impb")
    return None
