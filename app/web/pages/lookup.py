"""Tracking-number lookup: the network's own shipments by status, external carriers by format."""

from __future__ import annotations

import re

from flask import render_template, request

from app.access.tokens import TRACKING_ID
from app.domain.carriers import recognise
from app.domain.view import lookup_view
from app.extensions import services
from app.i18n import current
from app.i18n.wording import localized, localized_lookup
from app.web.pages import bp

CARRIER_NAMES = {"ups": "UPS", "fedex": "FedEx", "usps": "USPS", "post": "A national post"}


def own_status(tracking_id: str) -> dict | None:
    """A status-only view of one of the network's shipments: never its link token or map."""
    shipment = services().reads.shipment(tracking_id)
    view = services().reads.customer_view(shipment) if shipment else None
    if view is None:
        return None
    # The ETA's text comes from the localised view, the status words from the lookup's fixed list.
    return localized_lookup(lookup_view(localized(view, current())), current())


def look_up(number: str) -> dict:
    """What a pasted tracking number is: ours (with status), a carrier's, or unknown."""
    clean = re.sub(r"[\s\-]", "", number).upper()
    if TRACKING_ID.fullmatch(clean):
        found = own_status(clean)
        return {"kind": "own", "number": clean, "shipment": found} if found else {
            "kind": "unknown", "number": clean}
    match = recognise(clean)
    if match is None:
        return {"kind": "unknown", "number": clean}
    return {"kind": "carrier", "number": match.number, "valid": match.valid,
            "carrier": CARRIER_NAMES.get(match.carrier, match.carrier.upper()),
            "url": match.tracking_url if match.valid else None}


@bp.get("/track")
@bp.get("/track/")
def lookup():
    """Look up a tracking number pasted into the form."""
    number = request.args.get("number", "").strip()[:64]
    result = look_up(number) if number else None
    return render_template("lookup.html", number=number, result=result)
