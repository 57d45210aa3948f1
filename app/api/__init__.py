"""The JSON API under /api/v1: one blueprint, JSON errors through one handler."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import errors, positions, routes, track  # noqa: E402,F401  (registers the views)

# isort: split
from . import devices, messages, texts, webhooks  # noqa: E402,F401  (texts, webhooks, phones)
