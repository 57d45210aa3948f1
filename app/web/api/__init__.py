"""The JSON API under /api/v1: one blueprint, JSON errors through one handler."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.web.api import (  # noqa: E402,F401  (registers views)
    errors,
    geocode,
    keys,
    orders,
    plans,
    positions,
    programs,
    routes,
    track,
)

# isort: split
from app.web.api import (  # noqa: E402,F401  (and more)
    branding,
    devices,
    driver,
    feedback,
    instructions,
    messages,
    photos,
    texts,
    webhooks,
)
