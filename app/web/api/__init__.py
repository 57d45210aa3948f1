"""The JSON API under /api/v1: one blueprint, JSON errors through one handler."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.web.api import errors, geocode, keys, positions, programs, routes, track  # noqa: E402,F401  (registers views)

# isort: split
from app.web.api import devices, messages, texts, webhooks  # noqa: E402,F401  (texts, webhooks, phones)
