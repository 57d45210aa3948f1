"""Street addresses to places, for a seller planning a day (app/planning/geocode.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import jsonify, request
from geopy.exc import GeopyError

from app.domain import sizes
from app.extensions import services
from app.planning import AddressError
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.errors import ApiError

log = logging.getLogger(__name__)
MAX_QUERY = sizes.ADDRESS


@contextmanager
def geocoder_errors() -> Iterator[None]:
    """A geocoder that cannot answer is a 503 the caller may retry, never a 500."""
    provider = services().geocoding.provider
    try:
        yield
    except AddressError as exc:  # the configured extract is missing or unreadable
        log.error("geocoder: %s", exc)
        raise ApiError(503, "the geocoder's map cannot be read (GEOCODER_MAP)", None) from None
    except GeopyError as exc:  # the remote provider is down, refuses or times out
        log.warning("geocoder %s failed: %s", provider, exc)
        raise ApiError(503, f"the geocoder ({provider}) did not answer", None) from None


@bp.get("/geocode")
def geocode():
    """Answer the place of one street address, with how sure the match is."""
    require_seller()
    return jsonify(place_of(request.args.get("q", "")))


def place_of(text: str) -> dict:
    """One street address's place (the API's and the dashboard's door alike); 4xx naming `q`."""
    query = text.strip()
    if not query:
        raise ApiError(400, "q is required: a street address such as 'Unioninkatu 20, Helsinki'",
                       "q")
    if len(query) > MAX_QUERY:
        raise ApiError(400, f"q must be at most {MAX_QUERY} characters", "q")
    geocoding = services().geocoding
    with geocoder_errors():
        found = geocoding.get().geocode(query)
    if found is None:
        raise ApiError(404, "no place found for this address", "q")
    raw = found.raw if isinstance(found.raw, dict) else {}
    # A remote provider says nothing of our quality scale: a match it returned counts as a
    # house, for the dashboard to show as likely right but worth a look.
    return dict(query=query, address=found.address, lat=found.latitude, lon=found.longitude,
                quality=raw.get("quality", "house"), score=raw.get("score", 0.9),
                provider=geocoding.provider)
