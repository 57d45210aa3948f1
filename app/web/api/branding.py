"""The seller's branding (name, logo, colour, contact), shown on their customers' pages."""

from __future__ import annotations

from flask import jsonify, request

from app.customer.branding import BrandingRefused
from app.extensions import services
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.validation import obj


@bp.get("/settings/branding")
def get_branding():
    """Answer the seller's branding settings."""
    return jsonify(services().branding.get(require_seller()))


@bp.put("/settings/branding")
def put_branding():
    """Replace the name, colour and contact (email, phone, website); the logo stays."""
    seller = require_seller()
    try:
        return jsonify(services().branding.put(seller, obj(json_body(), "body")))
    except BrandingRefused as exc:
        raise ApiError(400, exc.message, exc.field) from None


@bp.put("/settings/branding/logo")
def put_logo():
    """Upload the logo as the raw body (JPEG, PNG or WebP); kept as a re-encoded PNG."""
    seller = require_seller()
    try:
        return jsonify(services().branding.put_logo(seller, request.get_data()))
    except BrandingRefused as exc:
        raise ApiError(400, exc.message, exc.field) from None


@bp.delete("/settings/branding/logo")
def delete_logo():
    """Remove the logo."""
    return jsonify(services().branding.delete_logo(require_seller()))
